// After the chaos: wait until every cluster's run has done what it was told, then hold
// AMS against the oracle and count what must be zero.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import type { Subscription } from '../../emulator/admin-client.js';
import type { ClusterStateView } from '../../workflows/definitions.js';
import { INSTALLER_FIELDS } from '../../workflows/values.js';
import { mapWithConcurrency } from '../demo/pool.js';
import type { DriveRecord } from './drive.js';
import type { ChaosLife } from './lives.js';
import { AMS_OWNED_AFTER_ACTIVE, deleted, expectedSubscription } from './oracle.js';
import { FAILED_RUN_STATUSES, type RunInfo } from './runs.js';

export const MUST_BE_ZERO = [
  'lost updates',
  'duplicate subscriptions',
  'Active subscriptions deleted',
  'Reserved subscriptions leaked',
  'orphan subscriptions',
  'wrong creator or organization',
  'AMS-owned states reverted',
  'AMS changed after settling',
  'runs failed',
  'runs stuck',
  'installer calls failed',
  'unplanned process exits',
  'sweeper findings',
] as const;
export type Count = (typeof MUST_BE_ZERO)[number];

export interface Problem {
  count: Count;
  detail: string;
}

export interface ClusterVerdict {
  life: ChaosLife;
  problems: Problem[];
  /** What AMS saw of the cluster, filled in for failing clusters (the emulator's request log). */
  requests?: string[];
}

const events = (life: ChaosLife) => life.events.map((e) => e.event);

/** The run has taken in every event and has no AMS work left (a deleted one has finished; any other is still running). */
export function settled(life: ChaosLife, view: ClusterStateView | undefined): boolean {
  if (!view) return false;
  const expected = expectedSubscription(events(life));
  if (deleted(events(life))) return view.done;
  const told =
    expected !== null &&
    view.desired.display_name === expected.display_name &&
    view.desired.external_cluster_id === expected.external_cluster_id &&
    view.desired.console_url === expected.console_url;
  return !view.done && told && view.pending.length === 0 && view.failures === 0;
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
    waiting = waiting.filter((_, i) => !done[i] && !views.get(waiting[i]!.clusterId)?.done); // a finished run will not change: no use waiting
    if (waiting.length > 0) await sleep(2_000);
  }
  const unsettled = lives.filter((life) => !settled(life, views.get(life.clusterId)));
  return { views, settledAfterMs: unsettled.length === 0 ? Date.now() - started : undefined };
}

/** Who an account is in AMS (emulator/directory.ts): the subscription's creator and organization. */
export interface Owner {
  accountId: string;
  organizationId: string;
}

export interface VerifyInput {
  lives: ChaosLife[];
  views: Map<string, ClusterStateView>;
  /** Every run of each cluster's workflow, oldest first. */
  runs: Map<string, RunInfo[]>;
  /** AMS at the end. */
  subscriptions: Subscription[];
  /** AMS some seconds earlier, once nothing was held: it must not have changed since. */
  earlierSubscriptions: Subscription[];
  /** Subscriptions AMS aged to Stale during the run. */
  aged: Set<string>;
  installerFailures: DriveRecord['failures'];
  /** By account username. */
  owners: Map<string, Owner>;
  unplannedExits: string[];
}

export interface Verification {
  verdicts: ClusterVerdict[];
  /** Problems of the run as a whole, not of one cluster. */
  general: Problem[];
}

const AGED_STATUSES: readonly string[] = AMS_OWNED_AFTER_ACTIVE.filter((s) => s !== 'Active');

export function verify(input: VerifyInput): Verification {
  const byCluster = new Map<string, Subscription[]>();
  const lifeIds = new Set(input.lives.map((l) => l.clusterId));
  const general: Problem[] = [];
  for (const s of input.subscriptions) {
    if (s.cluster_id && lifeIds.has(s.cluster_id)) byCluster.set(s.cluster_id, [...(byCluster.get(s.cluster_id) ?? []), s]);
    else general.push({ count: 'orphan subscriptions', detail: `${s.id} (${s.status}) for cluster ${s.cluster_id ?? '(none)'}, which no life has` });
  }
  for (const change of snapshotChanges(input.earlierSubscriptions, input.subscriptions)) general.push({ count: 'AMS changed after settling', detail: change });
  for (const exit of input.unplannedExits) general.push({ count: 'unplanned process exits', detail: exit });
  const verdicts = input.lives.map((life) => {
    const problems: Problem[] = [];
    const add = (count: Count, detail: string) => problems.push({ count, detail });
    const found = byCluster.get(life.clusterId) ?? [];
    const expected = expectedSubscription(events(life));
    const account = events(life).find((e) => e.kind === 'register')?.account;
    const owner = account === undefined ? undefined : input.owners.get(account);
    for (const sub of found) {
      if (input.aged.has(sub.id) && !AGED_STATUSES.includes(sub.status)) add('AMS-owned states reverted', `${sub.id} was aged to Stale, is ${sub.status} again`);
      if (!owner || sub.creator?.id !== owner.accountId || sub.organization_id !== owner.organizationId) {
        add('wrong creator or organization', `${sub.id}: creator ${sub.creator?.id}, organization ${sub.organization_id}; ${account} is ${owner ? `${owner.accountId} in ${owner.organizationId}` : 'unknown'}`);
      }
    }
    if (found.length > 1) add('duplicate subscriptions', `${found.length}: ${found.map((s) => `${s.id} (${s.status})`).join(', ')}`);
    if (expected === null) {
      for (const sub of found) add(sub.status === 'Reserved' ? 'Reserved subscriptions leaked' : 'lost updates', `${sub.id} (${sub.status}) still exists; the design says none`);
    } else if (found.length === 0) {
      add(expected.status === 'Active' ? 'Active subscriptions deleted' : 'lost updates', `no subscription; the design says ${expected.status}`);
    } else {
      const sub = found[0]!;
      // Only a subscription the ageing did age may have left Active on AMS's own account.
      const statusOk = sub.status === expected.status || (expected.status === 'Active' && input.aged.has(sub.id) && AGED_STATUSES.includes(sub.status));
      if (!statusOk) add('lost updates', `status ${sub.status}; the design says ${expected.status}`);
      for (const field of INSTALLER_FIELDS) {
        const have = sub[field] || undefined;
        if (have !== expected[field]) add('lost updates', `${field} ${JSON.stringify(have)}; the design says ${JSON.stringify(expected[field])}`);
      }
    }
    const runs = input.runs.get(life.clusterId) ?? [];
    const broken = runs.filter((r) => (FAILED_RUN_STATUSES as readonly string[]).includes(r.status));
    const latest = runs.at(-1);
    if (broken.length > 0) add('runs failed', broken.map((r) => `run ${r.runId} ${r.status}`).join(', '));
    else if (!deleted(events(life)) && latest && latest.status !== 'RUNNING') add('runs failed', `latest run ${latest.status}, yet the installer never deleted the cluster`);
    else if (!settled(life, input.views.get(life.clusterId))) add('runs stuck', describeView(input.views.get(life.clusterId)));
    for (const f of input.installerFailures) if (f.clusterId === life.clusterId) add('installer calls failed', `${f.event}: ${f.error}`);
    return { life, problems };
  });
  return { verdicts, general };
}

/** What differs between two AMS snapshots, one line per subscription. */
export function snapshotChanges(before: readonly Subscription[], after: readonly Subscription[]): string[] {
  const earlier = new Map(before.map((s) => [s.id, JSON.stringify(s)]));
  const later = new Map(after.map((s) => [s.id, JSON.stringify(s)]));
  const changes: string[] = [];
  for (const [id, text] of later) {
    if (!earlier.has(id)) changes.push(`${id} appeared: ${text}`);
    else if (earlier.get(id) !== text) changes.push(`${id} changed: ${earlier.get(id)} → ${text}`);
  }
  for (const id of earlier.keys()) if (!later.has(id)) changes.push(`${id} disappeared`);
  return changes;
}

function describeView(view: ClusterStateView | undefined): string {
  if (!view) return 'no state (query failed)';
  const pending = view.pending.map((w) => (w.kind === 'patch' ? `patch ${w.field}` : w.kind)).join(', ') || 'none';
  return `phase ${view.phase}, pending ${pending}, failures ${view.failures}${view.lastError ? `, last error ${view.lastError.message}` : ''}`;
}

export function tally({ verdicts, general }: Verification): Record<Count, number> {
  const counts = Object.fromEntries(MUST_BE_ZERO.map((c) => [c, 0])) as Record<Count, number>;
  for (const v of verdicts) for (const c of new Set(v.problems.map((p) => p.count))) counts[c] += 1;
  for (const p of general) counts[p.count] += 1;
  return counts;
}
