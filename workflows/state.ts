// Pure state transitions of a cluster's subscription: desired vs applied, and the
// next piece of AMS work. No Temporal APIs here, so every rule is unit-testable.
//
// Two rule sets live here. Runs started before the hardening follow rules 1 and keep
// them until they end (their histories must replay as they were recorded); every new
// run follows rules 2. `hardened(state)` is the one switch between them.
import type {
  AmsErrorInfo,
  ClusterRegistration,
  ClusterState,
  DeletedBy,
  PendingWork,
  SubscriptionField,
  SubscriptionValues,
  UncertainWrite,
} from './definitions.js';
import { DELETED_STATUS, SUBSCRIPTION_FIELDS } from './values.js';
import { afterInstall, installedCluster, scheduledChecks } from './after-install.js';
import { capText } from './rules-check.js';

/** Rules of new runs: 3 adds the checks after the install (after-install.ts; patch 'after-install'). */
export const RULES = 3;

/** Rules 2: fields have owners, deletion is terminal, uncertain requests are checked again. */
export function hardened(state: ClusterState): boolean {
  return (state.rules ?? 1) >= 2;
}

export function initialState(registration: ClusterRegistration, rules = RULES): ClusterState {
  return {
    ...(rules >= 2 ? { rules } : {}),
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

/**
 * A run of the old rules handed over to a new run: the new run follows rules 2 from here.
 * Rules 1 kept AMS's whole answer as `applied`; a status AMS moved on from Active (Stale)
 * was set by this service as Active, and must not be patched back.
 */
export function upgradeCarriedState(carried: ClusterState, rules = RULES): ClusterState {
  let state = carried;
  if (!hardened(state)) {
    const applied = { ...state.applied };
    if (state.desired.status === 'Active' && applied.status !== undefined && applied.status !== 'Reserved') applied.status = 'Active';
    state = { ...state, rules: 2, applied, ams: { ...state.applied } };
  }
  // Rules 3 only add state of their own (the checks after the install): nothing to convert.
  return (state.rules ?? 1) < rules ? { ...state, rules } : state;
}

/** The run is over: registration refused, or the deletion has been applied (and re-checked). */
export function isTerminal(state: ClusterState): boolean {
  return state.phase === 'refused' || (state.deletion?.outcome !== undefined && state.deletion.recheckAfter === undefined);
}

/**
 * Rules 2 hold Active until AMS has the OpenShift cluster id: telemetry arriving for an
 * Active subscription without it makes AMS create the "unsubscribed" duplicate.
 */
export function activeHeld(state: ClusterState): boolean {
  if (!hardened(state) || state.desired.status !== 'Active' || state.applied.status === 'Active') return false;
  const id = state.desired.external_cluster_id;
  return id === undefined || state.applied.external_cluster_id !== id;
}

function pendingPatches(state: ClusterState): PendingWork[] {
  if (state.subscriptionId === undefined || state.subscriptionGone) return [];
  const work: PendingWork[] = [];
  // SUBSCRIPTION_FIELDS is the order today's service patches in: fields first, Active last.
  for (const field of SUBSCRIPTION_FIELDS) {
    const want = state.desired[field];
    if (want === undefined || want === state.applied[field]) continue;
    if (state.refusedValues[field] === want) continue;
    if (field === 'status' && activeHeld(state)) continue;
    work.push({ kind: 'patch', field, value: want });
  }
  return work;
}

/** Rules 2: once every patch is done, read AMS again where an uncertain write may have landed late. */
function pendingVerify(state: ClusterState): PendingWork[] {
  const { writes = [], writesUntil } = state.inFlight ?? {};
  if (!writes.length || !writesUntil || state.subscriptionId === undefined || state.subscriptionGone) return [];
  return [{ kind: 'verify', notBefore: writesUntil }];
}

/** Everything still to do against AMS, in the order it will be done. */
export function pendingWork(state: ClusterState): PendingWork[] {
  if (state.phase === 'refused') return [];
  const deletion = state.deletion;
  if (deletion) {
    if (deletion.recheckAfter !== undefined) return [{ kind: 'lookup', notBefore: deletion.recheckAfter }];
    if (deletion.outcome !== undefined) return [];
    if (state.subscriptionId === undefined) {
      if (deletion.createFirst) return [{ kind: 'create' }];
      const settle = hardened(state) ? state.inFlight?.createUntil : undefined;
      return [settle ? { kind: 'lookup', notBefore: settle } : { kind: 'lookup' }];
    }
    // An installed cluster keeps its subscription: finish making it Active, then the
    // delete step reads AMS and leaves it. Patching a doomed Reserved one is wasted work.
    const patches = state.desired.status === 'Active' ? pendingPatches(state) : [];
    return [...patches, { kind: 'delete' }];
  }
  if (state.subscriptionId === undefined) return [{ kind: 'create' }];
  const patches = pendingPatches(state);
  return patches.length ? patches : pendingVerify(state);
}

/** Owed AMS work first; then (rules 3) the next check after the install, held until its time. */
export function nextWork(state: ClusterState): PendingWork | undefined {
  return pendingWork(state)[0] ?? scheduledChecks(state)[0]; // none before rules 3
}

// ---- installer events ----

/**
 * Rules 2: deletion is terminal. A signal that arrives after it (a monitor's late retry)
 * is recorded and ignored; it must not, say, make a doomed subscription Active.
 */
export function ignoredAfterDeletion(state: ClusterState, signal: string, at: string): boolean {
  if (!hardened(state) || state.deletion === undefined) return false;
  recordRejected(state, { signal, field: '(signal)', rule: 'arrived after the deletion; ignored', at });
  return true;
}

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
export function installFailed(state: ClusterState, reason: string | undefined, at: string): void {
  if (!isFinished(state) && state.phase !== 'installed') state.phase = 'failed';
  state.installFailure = { ...(reason === undefined ? {} : { reason: capText(reason, 500) }), at };
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

export const REJECTED_INPUTS_KEPT = 20;

export function recordRejected(state: ClusterState, input: ClusterState['rejectedInputs'][number]): void {
  state.rejectedInputs.push(input);
  state.rejectedInputs.splice(0, Math.max(0, state.rejectedInputs.length - REJECTED_INPUTS_KEPT));
}

// ---- AMS results ----

export function recordSubscription(state: ClusterState, id: string, values: SubscriptionValues): void {
  state.subscriptionId = id;
  state.applied = { ...values };
  if (hardened(state)) state.ams = { ...values };
}

/**
 * A PATCH of one field succeeded. Rules 2 record that field as applied and keep AMS's
 * answer apart, so what AMS owns (Stale, Archived) is never patched back as a side effect.
 */
export function recordPatched(state: ClusterState, field: SubscriptionField, value: string, values: SubscriptionValues): void {
  if (!hardened(state)) {
    state.applied = { ...values };
    return;
  }
  state.applied[field] = value;
  state.ams = { ...values };
}

/** The delete step found the subscription Active (or later): AMS's status, left as it is. */
export function recordLeftUntouched(state: ClusterState, status: string): void {
  if (hardened(state)) state.ams = { ...state.ams, status };
  else state.applied.status = status;
}

export function recordRefusedValue(state: ClusterState, field: SubscriptionField, value: string): void {
  state.refusedValues[field] = value;
}

export function recordRefusal(state: ClusterState, error: AmsErrorInfo): void {
  state.refusal = error;
  state.phase = 'refused';
}

/** The status AMS last showed this run. */
export function amsStatus(state: ClusterState): string | undefined {
  return hardened(state) ? (state.ams?.status ?? state.applied.status) : state.applied.status;
}

/** The status the Web UI lists: AMS's, or Deleted once this run deleted it. */
export function appliedStatus(state: ClusterState): string | undefined {
  return state.deletion?.outcome === 'deleted' ? DELETED_STATUS : amsStatus(state);
}

// ---- requests whose outcome is unknown (rules 2) ----

/**
 * Did a failed request possibly reach AMS? Refusals and rate limits changed nothing; a
 * network error, timeout or 5xx may have, and so may any attempt before a retried one.
 */
export function mayHaveLanded(error: AmsErrorInfo): boolean {
  // `unsent` reaches here only in runs with the 'unsent-writes' patch (cluster-subscription.ts).
  const uncertain = error.category === 'transient' && error.unsent !== true && (error.status === undefined || error.status >= 500);
  return uncertain || (error.attempt ?? 1) > 1;
}

const later = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);

/** A create may still land (a failed or retried attempt): a deletion must look again after `until`. */
export function createUncertain(state: ClusterState, until: string): void {
  if (!hardened(state)) return;
  const current = state.inFlight ?? { writes: [] };
  state.inFlight = { ...current, createUntil: later(current.createUntil, until) };
}

/** A PATCH of this value may still land after a newer one: read AMS again after `until`. */
export function writeUncertain(state: ClusterState, write: UncertainWrite, until: string): void {
  if (!hardened(state)) return;
  const current = state.inFlight ?? { writes: [] };
  state.inFlight = { ...current, writes: [...current.writes, write].slice(-8), writesUntil: later(current.writesUntil, until) };
}

/**
 * AMS read again after the in-flight window: a field that holds one of our own uncertain
 * values (a late write) is no longer what we applied, so the loop patches it again.
 * Anything else in AMS (an owner's rename in OCM) is left alone.
 */
export function recordVerified(state: ClusterState, values: SubscriptionValues): void {
  for (const { field, value } of state.inFlight?.writes ?? []) {
    if (values[field] === value && state.applied[field] !== value) state.applied[field] = value;
  }
  state.ams = { ...values };
  clearWrites(state);
}

/** The uncertain writes can no longer be checked (the subscription is gone). */
export function clearWrites(state: ClusterState): void {
  if (state.inFlight) state.inFlight = { ...state.inFlight, writes: [], writesUntil: undefined };
}

/** The deletion's outcome is known; if a create may still land after it, look once more later. */
export function settleDeletion(state: ClusterState, outcome: NonNullable<ClusterState['deletion']>['outcome'], now: string): void {
  if (!state.deletion) return;
  state.deletion.outcome = outcome;
  const until = state.inFlight?.createUntil;
  if (hardened(state) && outcome !== 'left-untouched' && until !== undefined && until > now) state.deletion.recheckAfter = until;
}

/** The deletion's lookup answered: a subscription to act on, or none. */
export function recordLookup(state: ClusterState, found: { id: string; values: SubscriptionValues } | null, now: string): void {
  const deletion = state.deletion;
  const recheck = deletion?.recheckAfter !== undefined;
  if (deletion) delete deletion.recheckAfter;
  if (found) {
    if (recheck && found.id === state.subscriptionId && deletion?.outcome !== undefined) return;
    recordSubscription(state, found.id, found.values);
    if (deletion) delete deletion.outcome;
  } else if (deletion && deletion.outcome === undefined) {
    // Rules 3: an installed cluster keeps a subscription (the design's Active case), even one AMS never had.
    if (afterInstall(state) && installedCluster(state)) deletion.createFirst = true;
    else deletion.outcome = 'never-created';
  }
  // A lookup made once no POST can land any more settles the question for good.
  if (state.inFlight?.createUntil !== undefined && now >= state.inFlight.createUntil) state.inFlight = { ...state.inFlight, createUntil: undefined };
}
