// `npm run contract`: writes the contract built from the code to each of its copies
// (the Go client embeds its own) and the workflow's rules as data (workflow-rules.ts).
// `--check` writes nothing and exits 1 when a file is stale.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACT_PATHS, renderContract } from './build.js';
import { renderWorkflowRules, WORKFLOW_RULES_PATH } from './workflow-rules.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const check = process.argv.includes('--check');
const contract = renderContract();
const outputs: [string, string][] = [...CONTRACT_PATHS.map((path): [string, string] => [path, contract]), [WORKFLOW_RULES_PATH, renderWorkflowRules()]];
let stale = 0;
for (const [path, text] of outputs) {
  const file = resolve(root, path);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) continue;
  if (check) {
    console.error(`${path} differs from the code: run npm run contract`);
    stale++;
  } else {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale ? 1 : 0;
