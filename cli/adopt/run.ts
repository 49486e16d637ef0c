// Adopts the file's clusters one start at a time, paced (--rate), and answers one row a
// line: adopted, already adopted (Temporal has a run for that cluster: a second pass
// changes nothing), skipped bad line, failed. A dry run asks Temporal only whether a
// run exists and says what the start would do.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AdoptClusterInput } from '../../client/adoption.js';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { workflowIdForCluster } from '../../workflows/definitions.js';
import { describeIssues } from '../../workflows/validation.js';
import type { AdoptionLine } from './lines.js';

export const ROW_OUTCOMES = ['adopted', 'already-adopted', 'would-adopt', 'skipped-bad-line', 'failed'] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

export interface AdoptionRow {
  line: number;
  clusterId?: string;
  phase?: string;
  subscriptionId?: string;
  outcome: RowOutcome;
  /** What the run does (or would do), the line's issues, or the error. */
  detail: string;
}

export interface AdoptionOptions {
  dryRun: boolean;
  /** Starts (or, dry, look-ups) per second. */
  rate: number;
  onRow?: (row: AdoptionRow) => void;
}

/** What the run's first steps are: the same rules as workflows/adoption.ts, in words. */
export function planOf(input: AdoptClusterInput): string {
  const sub = input.subscriptionId;
  if (input.deletedBy) {
    return sub ? `delete ${sub} if Reserved (an Active one is left)` : 'look up by cluster_id; delete it if Reserved';
  }
  const active = input.phase === 'installed' ? '; Active if AMS still has it Reserved' : '';
  return sub
    ? `read ${sub}; PATCH only the fields AMS holds differently${active}`
    : `take the cluster's subscription, reserved only if AMS has none; PATCH what differs${active}`;
}

export async function runAdoption(
  session: { client: Client; lifecycle: ClusterLifecycleClient },
  lines: AdoptionLine[],
  options: AdoptionOptions,
): Promise<AdoptionRow[]> {
  const started = Date.now();
  const intervalMs = 1000 / options.rate;
  let paced = 0;
  const pending = lines.map(async (entry): Promise<AdoptionRow> => {
    if (!entry.ok) return finish({ line: entry.line, ...(entry.clusterId ? { clusterId: entry.clusterId } : {}), outcome: 'skipped-bad-line', detail: describeIssues(entry.issues) });
    // Each start gets its own slot in time: at most `rate` a second, whatever the answers' speed.
    const slot = paced++;
    await sleep(Math.max(0, started + slot * intervalMs - Date.now()));
    const base = { line: entry.line, clusterId: entry.input.clusterId, phase: entry.input.deletedBy ? `${entry.input.phase}, deleted` : entry.input.phase, ...(entry.input.subscriptionId ? { subscriptionId: entry.input.subscriptionId } : {}) };
    try {
      if (options.dryRun) {
        const exists = await runExists(session.client, entry.input.clusterId);
        return finish({ ...base, outcome: exists ? 'already-adopted' : 'would-adopt', detail: exists ? 'has a run: nothing to do' : planOf(entry.input) });
      }
      const { outcome } = await session.lifecycle.adoptCluster(entry.input);
      return finish({ ...base, outcome, detail: outcome === 'adopted' ? planOf(entry.input) : 'has a run: nothing changed' });
    } catch (error) {
      return finish({ ...base, outcome: 'failed', detail: (error as Error).message });
    }
  });
  return Promise.all(pending);

  function finish(row: AdoptionRow): AdoptionRow {
    options.onRow?.(row);
    return row;
  }
}

/** Any run of the cluster's workflow id, open or closed (what the start's reuse policy refuses). */
async function runExists(client: Client, clusterId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowIdForCluster(clusterId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

export function countOutcomes(rows: AdoptionRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
  return counts;
}
