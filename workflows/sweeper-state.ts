// The sweeper's bookkeeping: pure rules over its carried progress (what is a leak,
// grouping a cluster's subscriptions across pages, capped lists, the final verdict).
import type {
  ClusterRun,
  GroupMember,
  LeakReason,
  SweepFinding,
  SweepOutcome,
  SweepProgress,
  SweepResult,
  SweepSubscription,
} from './sweeper-definitions.js';

/** Members of a cluster's group kept for its finding (all are counted). */
const MAX_GROUP_MEMBERS = 10;

export function initialProgress(startedAt: string): SweepProgress {
  return {
    stage: 'subscriptions',
    startedAt,
    counts: {
      subscriptions: 0,
      reserved: 0,
      young: 0,
      leaked: 0,
      deleted: 0,
      alreadyGone: 0,
      notDeleted: 0,
      duplicateClusters: 0,
      openRuns: 0,
      openRunsWithoutSubscription: 0,
      pages: 0,
      failures: 0,
    },
    leaked: [],
    duplicates: [],
    runsWithoutSubscription: [],
    openRunsChecked: true,
    truncated: false,
    continuedAsNew: 0,
  };
}

/** Keeps at most `max` entries; counts stay complete elsewhere. */
export function addFinding(progress: SweepProgress, list: SweepFinding[], finding: SweepFinding, max: number): SweepFinding | undefined {
  if (list.length >= max) {
    progress.truncated = true;
    return undefined;
  }
  list.push(finding);
  return finding;
}

/**
 * Why a Reserved subscription old enough is a leak, or undefined when its cluster's
 * run is open (the run owns it). The rule: no open run, or a deleted one.
 */
export function leakReason(run: ClusterRun | undefined): { reason: LeakReason; why: string } | undefined {
  if (!run || run.run === 'none') {
    return { reason: 'no-run', why: 'Reserved, and no run for its cluster (never registered here, or forgotten after the retention)' };
  }
  if (run.run === 'open') return undefined;
  // AMS refused this cluster's registration: a Reserved subscription for its cluster_id is
  // not one this service reserved (a 409 means another account's), so never ours to delete.
  if (run.phase === 'refused') return undefined;
  // Only a deletion that completed decided the subscription's fate; one an operator cut
  // short (an installed cluster's Active still owed) is reported like any run an operator ended.
  if (run.phase === 'deleted' && run.status === 'COMPLETED') return { reason: 'run-deleted', why: "Reserved, but its cluster's run completed its deletion" };
  return {
    reason: 'run-closed',
    why: `Reserved, and its cluster's run ended ${run.status.toLowerCase()} in phase ${run.phase ?? 'unknown'} (reported only: the cluster may still exist; deleteCluster deletes it)`,
  };
}

/**
 * Which leaks deleteLeaked may delete: no run at all, or a run that ended deleted. A run an
 * operator terminated or cancelled leaves the cluster's fate unknown, so that one is reported.
 */
export function deletable(reason: LeakReason): boolean {
  return reason === 'no-run' || reason === 'run-deleted';
}

/**
 * Adds one subscription to the group of its cluster (pages are in cluster_id order, so a
 * group is complete once another cluster_id comes). Returns the finished group, if any.
 */
export function addToGroup(progress: SweepProgress, sub: SweepSubscription): SweepProgress['group'] | undefined {
  const member: GroupMember = { id: sub.id, status: sub.status };
  const group = progress.group;
  if (group && group.clusterId === sub.clusterId) {
    group.size += 1;
    if (group.members.length < MAX_GROUP_MEMBERS) group.members.push(member);
    return undefined;
  }
  progress.group = { clusterId: sub.clusterId, members: [member], size: 1 };
  return group;
}

/** A finished group with two or more subscriptions is a duplicate finding. */
export function closeGroup(progress: SweepProgress, group: SweepProgress['group'] | undefined, maxListed: number): void {
  if (!group) return;
  const size = group.size;
  if (size < 2) return;
  progress.counts.duplicateClusters += 1;
  const [first, ...rest] = group.members;
  const listed = group.members.map((m) => `${m.id} (${m.status})`).join(', ');
  addFinding(
    progress,
    progress.duplicates,
    {
      subscriptionId: first!.id,
      clusterId: group.clusterId,
      why: `${size} subscriptions for this cluster_id: ${listed}${size > group.members.length ? ', …' : ''}`,
      also: rest.map((m) => m.id),
    },
    maxListed,
  );
}

/** clean: nothing found; cleaned: every leak deleted (or gone) and nothing else; findings: something is left for an operator. */
export function outcomeOf(progress: SweepProgress): SweepOutcome {
  const c = progress.counts;
  const others = c.duplicateClusters + c.openRunsWithoutSubscription;
  if (c.leaked === 0 && others === 0) return 'clean';
  if (others === 0 && c.deleted + c.alreadyGone === c.leaked) return 'cleaned';
  return 'findings';
}

export function toResult(progress: SweepProgress, deleteLeaked: boolean, finishedAt: string): SweepResult {
  return {
    result: outcomeOf(progress),
    deleteLeaked,
    startedAt: progress.startedAt,
    finishedAt,
    counts: { ...progress.counts },
    leaked: progress.leaked,
    duplicates: progress.duplicates,
    runsWithoutSubscription: progress.runsWithoutSubscription,
    openRunsChecked: progress.openRunsChecked,
    truncated: progress.truncated,
    continuedAsNew: progress.continuedAsNew,
  };
}
