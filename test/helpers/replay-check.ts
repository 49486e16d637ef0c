// Replays saved histories against a workflow bundle and reports, per file, the
// workflow id and the first mismatch (the determinism error's message).
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { loadHistory, readManifest, type ManifestEntry } from './replay-histories.js';

export interface ReplayOutcome {
  file: string;
  workflowId: string;
  runId: string;
  /** Undefined when the history replayed cleanly. */
  error?: Error;
}

let runtimeInstalled = false;
/** Replays of mutants fail on purpose: keep the SDK's own error logs out of the test output. */
export function quietReplayRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR', () => undefined),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}

/**
 * Replays each file (in order, one replay worker for all) against the bundle.
 * Files missing from the manifest replay under the workflow id their start event implies.
 */
export async function replayHistoryFiles(files: string[], workflowBundle: { code: string }): Promise<ReplayOutcome[]> {
  quietReplayRuntime();
  const manifest = await readManifest();
  const byFile = new Map<string, ManifestEntry>(manifest.histories.map((e) => [e.file, e]));
  const inputs = await Promise.all(
    files.map(async (file) => ({ file, history: await loadHistory(file), workflowId: byFile.get(file)?.workflowId ?? file })),
  );
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories({ workflowBundle, replayName: 'history-replay' }, inputs);
  for await (const result of results) {
    const input = inputs[outcomes.length]!; // one result per history, in order
    outcomes.push({ file: input.file, workflowId: result.workflowId, runId: result.runId, error: result.error });
  }
  if (outcomes.length !== inputs.length) throw new Error(`replayed ${outcomes.length} of ${inputs.length} histories`);
  return outcomes;
}

/** One line an operator can act on: which file, which workflow, what differed first. */
export function describeReplayFailure(outcome: ReplayOutcome): string {
  const kind = outcome.error instanceof DeterminismViolationError ? 'determinism violation' : 'replay failed';
  return `${outcome.file} (workflow ${outcome.workflowId}, run ${outcome.runId}) no longer replays: ${kind}: ${firstMismatch(outcome.error)}`;
}

/**
 * Core wraps the mismatch in a debug dump (`Failure { failure: Some(Failure { message: "…", … }) }`);
 * the inner message names the history event and the command that differ.
 */
export function firstMismatch(error: Error | undefined): string {
  const message = error?.message ?? 'unknown error';
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1];
  return inner?.replace(/\\(.)/g, '$1') ?? message;
}
