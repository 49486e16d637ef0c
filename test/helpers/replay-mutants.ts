// Deliberately changed copies of the workflow code, to prove the replay guard can
// fail. A copy of workflows/ goes to a temp directory, one exact edit is applied
// and the copy is bundled like the real code. Imports outside workflows/ are
// type-only (erased), and packages resolve from this repo's node_modules.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows/', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

export interface WorkflowEdit {
  name: string;
  /** File under workflows/. */
  file: string;
  /** Text that must occur exactly once; it is replaced by `replace`. */
  find: string;
  replace: string;
}

// The loop's first lines; every edit below anchors on them.
const LOOP_START = '  publish();\n  while (!S.isTerminal(state)) {\n';

/** Changes that add, remove or reorder commands: each must make an old history fail to replay. */
export const BREAKING_EDITS = {
  extraActivity: {
    name: 'an extra activity (findSubscription) before the loop',
    file: 'cluster-subscription.ts',
    find: LOOP_START,
    replace: `  await ams.findSubscription({ clusterId: args.clusterId });\n${LOOP_START}`,
  },
  extraTimer: {
    name: 'an extra timer (wf.sleep) at the start',
    file: 'cluster-subscription.ts',
    find: LOOP_START,
    replace: `  await wf.sleep('1 minute');\n${LOOP_START}`,
  },
  reorderedCalls: {
    name: 'reordered calls: the first activity before the first search-attribute upsert',
    file: 'cluster-subscription.ts',
    find: LOOP_START,
    replace: `  if (!args.carriedState && S.nextWork(state)?.kind === 'create') await perform({ kind: 'create' });\n${LOOP_START}`,
  },
} as const satisfies Record<string, WorkflowEdit>;

/** The extra activity done right: behind patched(), old histories take the old path. */
export const PATCHED_EDIT: WorkflowEdit = {
  name: 'the same extra activity behind patched()',
  file: 'cluster-subscription.ts',
  find: LOOP_START,
  replace: `  if (wf.patched('lookup-before-loop')) await ams.findSubscription({ clusterId: args.clusterId });\n${LOOP_START}`,
};

function applyEdit(source: string, edit: WorkflowEdit): string {
  const at = source.indexOf(edit.find);
  if (at < 0 || source.indexOf(edit.find, at + 1) >= 0) {
    throw new Error(
      `edit '${edit.name}': its anchor must occur exactly once in workflows/${edit.file} (found ${at < 0 ? 0 : '2+'}); ` +
        'the workflow changed: update the anchors in test/helpers/replay-mutants.ts',
    );
  }
  return source.slice(0, at) + edit.replace + source.slice(at + edit.find.length);
}

/** Bundles a copy of workflows/ with the edit applied (none: an unchanged copy, the control). */
export async function bundleWorkflowCopy(edit?: WorkflowEdit): Promise<{ code: string }> {
  const root = await mkdtemp(join(tmpdir(), 'workflow-copy-'));
  try {
    const dir = join(root, 'workflows');
    await cp(WORKFLOWS_DIR, dir, { recursive: true });
    if (edit) {
      const path = join(dir, edit.file);
      await writeFile(path, applyEdit(await readFile(path, 'utf8'), edit));
    }
    const noop = () => undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(dir, 'index.ts'),
      logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
      webpackConfigHook: (config) => {
        const modules = config.resolve?.modules ?? ['node_modules'];
        return { ...config, resolve: { ...config.resolve, modules: [...modules, NODE_MODULES] } };
      },
    });
    return { code };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
