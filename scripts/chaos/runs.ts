// Every run of each cluster's workflow, not only the latest: deleteCluster starts a new
// run after a failed or terminated one, and continue-as-new chains runs, so a failure or
// a secret may sit in an earlier run.
import type { Client } from '@temporalio/client';
import { historyToProtoJson } from '../../test/helpers/replay-proto-json.js';
import { mapWithConcurrency } from '../demo/pool.js';
import type { RunRef, SecretsInput } from './secrets.js';

export interface RunInfo extends RunRef {
  /** RUNNING, COMPLETED, CONTINUED_AS_NEW, FAILED, TERMINATED, TIMED_OUT, CANCELED… */
  status: string;
}

/** Run statuses that mean a run broke, whichever run of the workflow it was. */
export const FAILED_RUN_STATUSES = ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELED'] as const;

/**
 * The runs of each workflow id, oldest first: visibility lists them all; the latest
 * run's status comes from describe(), since visibility may lag a run that just closed.
 */
export async function listRuns(client: Client, workflowIds: readonly string[]): Promise<Map<string, RunInfo[]>> {
  const lists = await mapWithConcurrency(workflowIds, 8, async (workflowId) => {
    const runs = new Map<string, RunInfo & { startMs: number }>();
    const seen = (runId: string, status: string, start: Date) => runs.set(runId, { workflowId, runId, status, startMs: start.getTime() });
    for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'` })) {
      seen(info.runId, info.status.name, info.startTime);
    }
    const latest = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
    if (latest) seen(latest.runId, latest.status.name, latest.startTime);
    return [...runs.values()].sort((a, b) => a.startMs - b.startMs).map(({ runId, status }) => ({ workflowId, runId, status }));
  });
  return new Map(workflowIds.map((id, i) => [id, lists[i]!]));
}

/** How the secrets scan reads a run from Temporal. */
export function runReader(client: Client): Pick<SecretsInput, 'history' | 'describe'> {
  return {
    history: async (run) => historyToProtoJson(await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()),
    describe: async (run) => (await client.workflow.getHandle(run.workflowId, run.runId).describe()).raw,
  };
}
