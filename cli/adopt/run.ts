// Adopts the file's clusters a few starts at a time (a small pool), paced (--rate), and
// answers one row a line: adopted, already adopted (a run that is running or finished its
// deletion: a second pass changes nothing), not running (a run an operator ended or AMS
// refused: left as it is), skipped bad line, failed, not attempted (Temporal unreachable
// too many times in a row: the rest is left for the next pass). A dry run asks Temporal
// only what run exists and says what the start would do.
import { setTimeout as sleep } from 'node:timers/promises';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { existingRun, type AdoptClusterInput, type AdoptResult } from '../../client/adoption.js';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { LifecycleTimeoutError } from '../../client/errors.js';
import { describeIssues } from '../../workflows/validation.js';
import type { AdoptionLine } from './lines.js';

export const ROW_OUTCOMES = ['adopted', 'already-adopted', 'not-running', 'would-adopt', 'skipped-bad-line', 'failed', 'not-attempted'] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

/** Starts in flight at once: enough to keep --rate busy, few enough to stay polite to Temporal. */
export const ADOPT_CONCURRENCY = 4;
/** Temporal unreachable this many times in a row ends the pass: the rest would fail the same way. */
export const ADOPT_MAX_UNREACHABLE_IN_A_ROW = 5;

/** gRPC status code UNAVAILABLE: no connection to Temporal. */
const GRPC_UNAVAILABLE = 14;

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
  /** Each dry-run look-up's deadline (a start has the client's own). */
  timeoutMs: number;
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
  session: { client: Client; lifecycle: ClusterLifecycleClient; config: { taskQueue: string } },
  lines: AdoptionLine[],
  options: AdoptionOptions,
): Promise<AdoptionRow[]> {
  const scope = { client: session.client, taskQueue: session.config.taskQueue };
  const started = Date.now();
  const intervalMs = 1000 / options.rate;
  const rows: AdoptionRow[] = new Array(lines.length);
  let next = 0;
  let paced = 0;
  let unreachableInARow = 0;
  const finish = (index: number, row: AdoptionRow) => {
    rows[index] = row;
    options.onRow?.(row);
  };

  async function adoptOne(entry: Extract<AdoptionLine, { ok: true }>): Promise<AdoptionRow> {
    const input = entry.input;
    const base = { line: entry.line, clusterId: input.clusterId, phase: input.deletedBy ? `${input.phase}, deleted` : input.phase, ...(input.subscriptionId ? { subscriptionId: input.subscriptionId } : {}) };
    // Each start gets its own slot in time: at most `rate` a second, whatever the answers' speed.
    await sleep(Math.max(0, started + paced++ * intervalMs - Date.now()));
    try {
      const result = options.dryRun ? await existingRun(scope, input.clusterId, options.timeoutMs) : await session.lifecycle.adoptCluster(input);
      unreachableInARow = 0;
      if (!result) return { ...base, outcome: 'would-adopt', detail: planOf(input) };
      return { ...base, outcome: result.outcome, detail: detailOf(result, input, options.dryRun) };
    } catch (error) {
      unreachableInARow = isUnreachable(error) ? unreachableInARow + 1 : 0;
      return { ...base, outcome: 'failed', detail: (error as Error).message };
    }
  }

  async function lane(): Promise<void> {
    while (next < lines.length) {
      const index = next++;
      const entry = lines[index]!;
      if (!entry.ok) {
        finish(index, { line: entry.line, ...(entry.clusterId ? { clusterId: entry.clusterId } : {}), outcome: 'skipped-bad-line', detail: describeIssues(entry.issues) });
      } else if (unreachableInARow >= ADOPT_MAX_UNREACHABLE_IN_A_ROW) {
        const detail = `not attempted: Temporal was unreachable ${unreachableInARow} times in a row; run adopt again`;
        finish(index, { line: entry.line, clusterId: entry.input.clusterId, outcome: 'not-attempted', detail });
      } else {
        finish(index, await adoptOne(entry));
      }
    }
  }
  await Promise.all(Array.from({ length: ADOPT_CONCURRENCY }, lane));
  return rows;
}

function detailOf(result: Pick<AdoptResult, 'outcome' | 'status'>, input: AdoptClusterInput, dryRun: boolean): string {
  if (result.outcome === 'adopted') return planOf(input);
  if (result.outcome === 'already-adopted') return dryRun ? 'has a run: nothing to do' : 'has a run: nothing changed';
  return `its run ended (${result.status}): left as it is, nothing started (docs/adopt.md)`;
}

/** Temporal could not be reached at all (not a slow or refusing answer). */
function isUnreachable(error: unknown): boolean {
  if (error instanceof LifecycleTimeoutError) return error.reason === 'temporal-unreachable';
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && e.code === GRPC_UNAVAILABLE) return true;
  }
  return false;
}

export function countOutcomes(rows: AdoptionRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
  return counts;
}
