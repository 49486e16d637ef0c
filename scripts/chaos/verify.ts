// After the chaos: wait until every cluster's run has done what it was told, then hold
// AMS against the oracle and count what must be zero.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import type { Subscription } from '../../emulator/admin-client.js';
import type { ClusterStateView } from '../../workflows/definitions.js';
import { mapWithConcurrency } from '../demo/pool.js';
import type { ChaosLife } from './lives.js';
import { AMS_OWNED_AFTER_ACTIVE, deleted, expectedSubscription } from './oracle.js';

export const MUST_BE_ZERO = [
  'lost updates',
  'duplicate subscriptions',
  'Active subscriptions deleted',
  'Reserved subscriptions leaked',
  'AMS-owned states reverted',
  'runs failed',
  'runs stuck',
  'installer calls failed',
] as const;
export type Count = (typeof MUST_BE_ZERO)[number];

export interface ClusterVerdict {
  life: ChaosLife;
  problems: { count: Count; detail: string }[];
  /** What AMS saw of the cluster, filled in for failing clusters (the emulator's request log). */
  requests?: string[];
}

const events = (life: ChaosLife) => life.events.map((e) => e.event);

/** The run has taken in every event and has no AMS work left (a deleted one has finished). */
export function settled(life: ChaosLife, view: ClusterStateView | undefined): boolean {
  if (!view) return false;
  const expected = expectedSubscription(events(life));
  if (deleted(events(life))) return view.done;
  const told =
    expected !== null &&
    view.desired.display_name === expected.display_name &&
    view.desired.external_cluster_id === expected.external_cluster_id &&
    view.desired.console_url === expected.console_url;
  return told && view.pending.length === 0 && view.failures === 0;
}

/** Polls every cluster until all have settled or the time is up; the last views. */
export async function waitUntilSettled(
  lifecycle: ClusterLifecycleClient,
  lives: ChaosLife[],
  timeoutMs: number,
): Promise<{ views: Map<string, ClusterStateView>; settledAfterMs: number | undefined }> {
  const started = Date.now();
  const views = new Map<string, ClusterStateView>();
  let waiting = lives;
  while (waiting.length > 0 && Date.now() - started < timeoutMs) {
    const done = await mapWithConcurrency(waiting, 8, async (life) => {
      const view = await lifecycle.getClusterState(life.clusterId).catch(() => undefined);
      if (view) views.set(life.clusterId, view);
      return settled(life, view);
    });
    waiting = waiting.filter((_, i) => !done[i]);
    if (waiting.length > 0) await sleep(2_000);
  }
  return { views, settledAfterMs: waiting.length === 0 ? Date.now() - started : undefined };
}

export interface VerifyInput {
  lives: ChaosLife[];
  views: Map<string, ClusterStateView>;
  /** Run status of each cluster's latest run (RUNNING, COMPLETED, FAILED, …). */
  runStatus: Map<string, string>;
  subscriptions: Subscription[];
  /** Subscriptions AMS aged to Stale during the run. */
  aged: Set<string>;
  ageingHappened: boolean;
  installerFailures: Set<string>;
}

export function verify(input: VerifyInput): ClusterVerdict[] {
  const byCluster = new Map<string, Subscription[]>();
  for (const s of input.subscriptions) if (s.cluster_id) byCluster.set(s.cluster_id, [...(byCluster.get(s.cluster_id) ?? []), s]);
  return input.lives.map((life) => {
    const problems: ClusterVerdict['problems'] = [];
    const add = (count: Count, detail: string) => problems.push({ count, detail });
    const found = byCluster.get(life.clusterId) ?? [];
    const expected = expectedSubscription(events(life));
    for (const sub of found) if (input.aged.has(sub.id) && sub.status === 'Active') add('AMS-owned states reverted', `${sub.id} was Stale, is Active again`);
    if (found.length > 1) add('duplicate subscriptions', `${found.length}: ${found.map((s) => `${s.id} (${s.status})`).join(', ')}`);
    if (expected === null) {
      for (const sub of found) add(sub.status === 'Reserved' ? 'Reserved subscriptions leaked' : 'lost updates', `${sub.id} (${sub.status}) still exists; the design says none`);
    } else if (found.length === 0) {
      add(expected.status === 'Active' ? 'Active subscriptions deleted' : 'lost updates', `no subscription; the design says ${expected.status}`);
    } else {
      const sub = found[0]!;
      const statusOk =
        sub.status === expected.status ||
        (expected.status === 'Active' && input.ageingHappened && (AMS_OWNED_AFTER_ACTIVE as readonly string[]).includes(sub.status));
      if (!statusOk) add('lost updates', `status ${sub.status}; the design says ${expected.status}`);
      for (const field of ['display_name', 'external_cluster_id', 'console_url'] as const) {
        const have = sub[field] || undefined;
        if (have !== expected[field]) add('lost updates', `${field} ${JSON.stringify(have)}; the design says ${JSON.stringify(expected[field])}`);
      }
    }
    const status = input.runStatus.get(life.clusterId);
    if (status && status !== 'RUNNING' && status !== 'COMPLETED') add('runs failed', `latest run ${status}`);
    else if (!settled(life, input.views.get(life.clusterId))) add('runs stuck', describeView(input.views.get(life.clusterId)));
    if (input.installerFailures.has(life.clusterId)) add('installer calls failed', 'a call was never taken (see the failures list)');
    return { life, problems };
  });
}

function describeView(view: ClusterStateView | undefined): string {
  if (!view) return 'no state (query failed)';
  const pending = view.pending.map((w) => (w.kind === 'patch' ? `patch ${w.field}` : w.kind)).join(', ') || 'none';
  return `phase ${view.phase}, pending ${pending}, failures ${view.failures}${view.lastError ? `, last error ${view.lastError.message}` : ''}`;
}

export function tally(verdicts: ClusterVerdict[]): Record<Count, number> {
  const counts = Object.fromEntries(MUST_BE_ZERO.map((c) => [c, 0])) as Record<Count, number>;
  for (const v of verdicts) for (const c of new Set(v.problems.map((p) => p.count))) counts[c] += 1;
  return counts;
}
