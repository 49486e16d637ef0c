// What a failed AMS step means for the run: retry later, a refusal, a value AMS
// will not take, a subscription that is gone. Pure rules; the loop calls them.
import { checkRefused } from './after-install.js';
import type { AfterInstallTiming, AmsErrorInfo, ClusterState, PendingWork } from './definitions.js';
import { loopBackoffSeconds } from './backoff.js';
import * as S from './state.js';

export interface FailureContext {
  /** Workflow time, ISO. */
  now: string;
  /** Until when a request sent now may still land in AMS (ISO). */
  inFlightUntil: string;
  /** In [0, 1): spreads the backoff (rules 2). */
  jitter: number;
  /** Rules 3: the run's timing, to move a refused check to its next time. */
  afterInstall?: AfterInstallTiming;
}

/** Records the failure in the state; returns the backoff in seconds, or 0 to go on at once. */
export function handleFailure(state: ClusterState, work: PendingWork, error: AmsErrorInfo, ctx: FailureContext): number {
  state.lastError = { ...error, at: ctx.now };
  const hardened = S.hardened(state);
  const retryLater = () => {
    state.failures += 1;
    return loopBackoffSeconds(state.failures, error.retryAfterSeconds, hardened ? ctx.jitter : undefined);
  };
  if (hardened && S.mayHaveLanded(error)) {
    if (work.kind === 'create') S.createUncertain(state, ctx.inFlightUntil);
    if (work.kind === 'patch') S.writeUncertain(state, { field: work.field, value: work.value }, ctx.inFlightUntil);
  }
  if (error.category === 'transient' || error.category === 'credentials') return retryLater();
  if (!hardened) return oldRules(state, work, error);
  switch (work.kind) {
    case 'create':
      // Only AMS refusing the POST itself is a refusal; a sub-step's error (the lookup,
      // the read after a successful POST) says nothing about the registration.
      if (error.operation !== 'create' || error.category !== 'refused') return retryLater();
      state.failures = 0;
      // Rules 3: a deleted installed cluster's late reservation refused: the deletion is over, nothing was reserved.
      if (state.deletion?.createFirst) state.deletion.outcome = 'never-created';
      else S.recordRefusal(state, state.lastError);
      return 0;
    case 'patch':
      state.failures = 0;
      // The activity confirmed with a GET that AMS no longer has the subscription.
      if (error.category === 'not-found') state.subscriptionGone = true;
      else S.recordRefusedValue(state, work.field, work.value);
      return 0;
    case 'verify':
      if (error.category !== 'not-found') return retryLater();
      state.failures = 0;
      state.subscriptionGone = true; // confirmed gone (ACCT-MGMT-7): nothing left to check
      S.clearWrites(state);
      return 0;
    case 'telemetry':
    case 'drift':
      // A check AMS refuses for good is not retried every few minutes for ever: it moves on.
      if (!ctx.afterInstall) return retryLater();
      state.failures = 0;
      checkRefused(state, work.kind, ctx.now, ctx.afterInstall);
      return 0;
    default:
      // A lookup or delete that AMS answers with a 4xx is retried and shown, never
      // labelled "gone" (the delete activity itself answers already-gone on a confirmed 404).
      return retryLater();
  }
}

/** Rules 1, kept for runs started before the hardening. */
function oldRules(state: ClusterState, work: PendingWork, error: AmsErrorInfo): number {
  state.failures = 0;
  if (work.kind === 'create') {
    S.recordRefusal(state, state.lastError ?? error);
  } else if (work.kind === 'patch') {
    if (error.category === 'not-found') state.subscriptionGone = true;
    else S.recordRefusedValue(state, work.field, work.value);
  } else if (state.deletion) {
    state.deletion.outcome = 'already-gone';
  }
  return 0;
}
