// Pure state transitions of a cluster's subscription: desired vs applied, and the
// next piece of AMS work. No Temporal APIs here, so every rule is unit-testable.
import type {
  AmsErrorInfo,
  ClusterRegistration,
  ClusterState,
  DeletedBy,
  PendingWork,
  SubscriptionField,
  SubscriptionValues,
} from './definitions.js';

export function initialState(registration: ClusterRegistration): ClusterState {
  return {
    registration,
    phase: 'registered',
    desired: { display_name: registration.displayName },
    applied: {},
    refusedValues: {},
    failures: 0,
    amsCalls: 0,
    rejectedInputs: [],
    continuedAsNew: 0,
  };
}

/** Patches in the order today's service sends them: fields first, Active last. */
const PATCH_ORDER: SubscriptionField[] = ['display_name', 'external_cluster_id', 'console_url', 'status'];

/** The run is over: registration refused, or the deletion has been applied. */
export function isTerminal(state: ClusterState): boolean {
  return state.phase === 'refused' || state.deletion?.outcome !== undefined;
}

function pendingPatches(state: ClusterState): PendingWork[] {
  if (state.subscriptionId === undefined || state.subscriptionGone) return [];
  const work: PendingWork[] = [];
  for (const field of PATCH_ORDER) {
    const want = state.desired[field];
    if (want === undefined || want === state.applied[field]) continue;
    if (state.refusedValues[field] === want) continue;
    work.push({ kind: 'patch', field, value: want });
  }
  return work;
}

/** Everything still to do against AMS, in the order it will be done. */
export function pendingWork(state: ClusterState): PendingWork[] {
  if (state.phase === 'refused') return [];
  if (state.deletion) {
    if (state.deletion.outcome !== undefined) return [];
    if (state.subscriptionId === undefined) return [{ kind: 'lookup' }];
    // An installed cluster keeps its subscription: finish making it Active, then the
    // delete step reads AMS and leaves it. Patching a doomed Reserved one is wasted work.
    const patches = state.desired.status === 'Active' ? pendingPatches(state) : [];
    return [...patches, { kind: 'delete' }];
  }
  if (state.subscriptionId === undefined) return [{ kind: 'create' }];
  return pendingPatches(state);
}

export function nextWork(state: ClusterState): PendingWork | undefined {
  return pendingWork(state)[0];
}

// ---- installer events ----

export function rename(state: ClusterState, displayName: string): void {
  state.desired.display_name = displayName;
}

// Phases only move forward (registered → installing → finalizing → installed), so a
// late or repeated signal never sends an installed cluster back; restart is the way back.
export function setOpenshiftClusterId(state: ClusterState, id: string): void {
  state.desired.external_cluster_id = id;
  if (state.phase === 'registered') state.phase = 'installing';
}

export function setConsoleUrl(state: ClusterState, url: string): void {
  state.desired.console_url = url;
  if (state.phase === 'registered' || state.phase === 'installing') state.phase = 'finalizing';
}

export function installSucceeded(state: ClusterState): void {
  state.desired.status = 'Active';
  if (!isFinished(state)) state.phase = 'installed';
}

/** No AMS call: the subscription stays Reserved and keeps any (now obsolete) external id. */
export function installFailed(state: ClusterState): void {
  if (!isFinished(state) && state.phase !== 'installed') state.phase = 'failed';
}

/** Back to installing; the next openshift cluster id overwrites the obsolete one. */
export function installRestarted(state: ClusterState): void {
  if (!isFinished(state) && state.phase !== 'installed') state.phase = 'installing';
}

export function markDeleted(state: ClusterState, by: DeletedBy, at: string): void {
  if (state.deletion || state.phase === 'refused') return; // a repeated deletion changes nothing
  state.deletion = { by, requestedAt: at };
  state.phase = 'deleted';
}

function isFinished(state: ClusterState): boolean {
  return state.phase === 'deleted' || state.phase === 'refused';
}

// ---- AMS results ----

export function recordSubscription(state: ClusterState, id: string, values: SubscriptionValues): void {
  state.subscriptionId = id;
  state.applied = { ...values };
}

export function recordPatched(state: ClusterState, values: SubscriptionValues): void {
  state.applied = { ...values };
}

export function recordRefusedValue(state: ClusterState, field: SubscriptionField, value: string): void {
  state.refusedValues[field] = value;
}

export function recordRefusal(state: ClusterState, error: AmsErrorInfo): void {
  state.refusal = error;
  state.phase = 'refused';
}

export function appliedStatus(state: ClusterState): string | undefined {
  if (state.deletion?.outcome === 'deleted') return 'Deleted';
  return state.applied.status;
}
