// Writes the pre-bundled workflow code that production workers load through
// WORKFLOW_BUNDLE_PATH, so they start without webpack or the TypeScript source.
// Usage: node --import tsx scripts/bundle-workflows.ts [out-file]   (default dist/workflow-bundle.js)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflows } from '../worker/create-worker.js';

export const DEFAULT_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

export async function writeWorkflowBundle(outFile = DEFAULT_BUNDLE_PATH): Promise<{ path: string; bytes: number }> {
  const { code } = await bundleWorkflows();
  const path = resolve(outFile);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, code);
  return { path, bytes: Buffer.byteLength(code) };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { path, bytes } = await writeWorkflowBundle(process.argv[2]);
  console.log(`workflow bundle written: ${path} (${Math.round(bytes / 1024)} KiB)`);
}
