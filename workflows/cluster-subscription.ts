// One long-running workflow per cluster keeps its AMS subscription in step with
// what the installer reports. Signals only change the desired state; one loop
// applies the difference to AMS, in order, with durable backoff, so updates
// coalesce and none is lost however long AMS is down. Deterministic code only.
import * as wf from '@temporalio/workflow';
import type { SubscriptionActivities } from '../activities/index.js';
import * as A from './after-install.js';
import { adoptedSchema, adoptedState, type AdoptionArgs } from './adoption.js';
import { FIELD_PACE_SECONDS, nextUnpaced, pacedUntil, type PaceEnds } from './backoff.js';
import type { AmsErrorInfo, ClusterState, DriftFinding, PendingWork, WorkflowResult } from './definitions.js';
import { describeBackoff, describeFinding, describePace, describeWait, describeWork, renderDetails } from './details.js';
import { handleFailure } from './failures.js';
import { setHandlers } from './handlers.js';
import { publishSearchAttributes } from './search-attributes.js';
import * as S from './state.js';
import { deletionRunSchema, describeIssues, registrationSchema, RULES_1_SCHEMAS, validate } from './rules-check.js';

export { loopBackoffSeconds, LOOP_BACKOFF } from './backoff.js';

// Each activity makes a few quick attempts (honouring Retry-After through the
// failure's nextRetryDelay); longer outages are retried by the loop below with
// durable timers, so each retry sends the latest desired value. The attempt's
// deadline covers the longest chain (ensureSubscription: token, lookup, POST, GET at
// AMS_TIMEOUT_MS each); the activity aborts its requests before it, and heartbeats
// between requests so a dead worker's attempt is retried within the heartbeat timeout.
const ams = wf.proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

export const DEFAULT_MAX_HISTORY_EVENTS = 5_000;

// Worker Deployment Versioning: a versioned worker pins each run to its version (its
// default behavior, worker/create-worker.ts; declared here, the behavior would be sent by
// unversioned workers too, and the server refuses that), so a deploy never replays a
// running history on other code. The run moves at its next continue-as-new (below).

/**
 * How long a request whose outcome is unknown (timed out, reset, 5xx) may still land in
 * AMS: an attempt's requests are aborted at its 60 s deadline, and AMS may still finish
 * one it already received. Steps that depend on it wait this long after the failure.
 */
export const IN_FLIGHT_SETTLE_SECONDS = 120;

/** Patch ids of rules 2 and 3 (see state.ts); a run keeps the rules it started with. */
const HARDENED_RULES_PATCH = 'hardened-rules';
const AFTER_INSTALL_PATCH = 'after-install';
/** Runs with it skip the guarded delete's read when AMS already answered a status past Reserved. */
const KNOWN_PAST_RESERVED_PATCH = 'delete-known-past-reserved';
/** Runs with it hold a further change of a field until FIELD_PACE_SECONDS after its last PATCH. */
const FIELD_PACE_PATCH = 'field-pace';
/** Runs with it trust an activity's `unsent` (the circuit breaker refused the write): it cannot land. */
const UNSENT_WRITES_PATCH = 'unsent-writes';

export async function clusterSubscription(args: AdoptionArgs): Promise<WorkflowResult> {
  const rules = wf.patched(HARDENED_RULES_PATCH) ? (wf.patched(AFTER_INSTALL_PATCH) ? S.RULES : 2) : 1;
  const timing = A.timingOf(args.afterInstall);
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const registration = { clusterId: args.clusterId, displayName: args.displayName, accountUsername: args.accountUsername };
  const now = () => new Date().toISOString(); // workflow time: deterministic
  const later = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const carried = args.carriedState;
  // An adoption (never in older histories) is checked with its own rules; a bad one refuses the run below.
  const adoption = !carried && args.adopted !== undefined ? validate(adoptedSchema, args.adopted) : undefined;
  const state: ClusterState = carried
    ? (rules >= 2 ? S.upgradeCarriedState(carried, rules) : carried)
    : adoption?.ok ? adoptedState(registration, adoption.value, rules, now()) : S.initialState(registration, rules);

  if (!carried) {
    // A deletion-only run needs nothing but the cluster id.
    const checked = args.deletion
      ? validate(deletionRunSchema, registration)
      : validate(rules >= 2 ? registrationSchema : RULES_1_SCHEMAS.registration, registration);
    if (!checked.ok) {
      S.recordRefusal(state, { operation: 'register', category: 'invalid', message: describeIssues(checked.issues), at: now() });
    } else if (adoption && !adoption.ok) {
      S.recordRefusal(state, { operation: 'adopt', category: 'invalid', message: describeIssues(adoption.issues), at: now() });
    } else if (args.deletion) {
      S.markDeleted(state, args.deletion.by, now());
    }
  }

  function shouldContinueAsNew(): boolean {
    const info = wf.workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents || movesToNewVersion();
  }

  /**
   * A newer worker version became this pinned run's target: hand over to it once nothing
   * is owed to AMS (scheduled checks are carried, as in any hand-over), so runs do not
   * stay on an old version for weeks. The flag comes from the workflow task's history
   * event: false in every unversioned history, so their replay is unchanged.
   */
  function movesToNewVersion(): boolean {
    return wf.workflowInfo().targetWorkerDeploymentVersionChanged && S.pendingWork(state).length === 0;
  }

  // The field pace (backoff.ts): when each field's pace ends. Kept in the run only, so a
  // continue-as-new drops it: the new run's first change of a field goes out at once, as
  // after a quiet period (at most one more PATCH per field), and nothing waits for it.
  const paceEnds: PaceEnds = {};
  // Asked only when a pace would first hold a PATCH, so runs without a burst get no marker;
  // histories recorded before it replay as they ran (never paced).
  let paceOn: boolean | undefined;
  const paced = () => (paceOn ??= wf.patched(FIELD_PACE_PATCH));

  /** The next AMS step and, if every due step is held by a field's pace, the time the hold ends. */
  function nextStep(): { work?: PendingWork; until?: string } {
    const first = S.nextWork(state);
    // Deletion never waits for a pace: what the loop does then goes out as before.
    if (state.deletion || !pacedUntil(first, paceEnds, now()) || !paced()) return { work: first };
    return nextUnpaced([...S.pendingWork(state), ...A.scheduledChecks(state)], paceEnds, now());
  }

  let published = '';
  function publish(): void {
    const details = renderDetails(state, paceOn ? { ends: paceEnds, now: now() } : undefined);
    if (details !== published) {
      wf.setCurrentDetails(details);
      published = details;
    }
    publishSearchAttributes(state);
  }

  // Set once the loop has decided to continue as new and waits for handlers to finish.
  let handingOver = false;
  setHandlers({ state, now, publish, handingOver: () => handingOver });

  /**
   * AMS never turns a subscription back to Reserved: once it answered Active (or later),
   * the guarded delete would only read it to leave it untouched, so no request is sent.
   */
  function leftUntouchedWithoutRead(): boolean {
    const seen = state.ams?.status;
    // A subscription AMS confirmed gone is 'already-gone', not left untouched: the guarded delete says so.
    if (!S.hardened(state) || seen === undefined || seen === 'Reserved' || state.subscriptionGone) return false;
    if (!wf.patched(KNOWN_PAST_RESERVED_PATCH)) return false;
    S.recordLeftUntouched(state, seen);
    S.settleDeletion(state, 'left-untouched', now());
    return true;
  }

  async function perform(work: PendingWork): Promise<void> {
    if (work.kind === 'delete' && leftUntouchedWithoutRead()) return;
    const summary = describeWork(work, state);
    state.amsCalls += 1;
    const { clusterId, accountUsername } = state.registration;
    switch (work.kind) {
      case 'create': {
        const sub = await ams.ensureSubscription.executeWithOptions({ summary }, [
          { clusterId, accountUsername, displayName: state.desired.display_name },
        ]);
        S.recordSubscription(state, sub.id, sub.values);
        // An earlier attempt may have timed out with its POST still on the way.
        if ((sub.attempt ?? 1) > 1) S.createUncertain(state, later(IN_FLIGHT_SETTLE_SECONDS));
        return;
      }
      case 'lookup': {
        const sub = await ams.findSubscription.executeWithOptions({ summary }, [{ clusterId, accountUsername }]);
        S.recordLookup(state, sub, now());
        return;
      }
      case 'patch': {
        // Rules 2: Active only ever replaces Reserved; AMS owns every status after it.
        const onlyFromReserved = S.hardened(state) && work.field === 'status';
        // Always read before Active: AMS's last 'Reserved' may be days old, and a person or
        // another tool may have archived the subscription since (the run would un-archive it).
        const sub = await ams.patchSubscriptionField.executeWithOptions({ summary }, [
          { subscriptionId: state.subscriptionId!, field: work.field, value: work.value, ...(onlyFromReserved ? { onlyFromReserved } : {}) },
        ]);
        S.recordPatched(state, work.field, work.value, sub.values);
        paceEnds[work.field] = later(FIELD_PACE_SECONDS);
        if ((sub.attempt ?? 1) > 1) S.writeUncertain(state, { field: work.field, value: work.value }, later(IN_FLIGHT_SETTLE_SECONDS));
        return;
      }
      case 'verify': {
        const sub = await ams.readSubscription.executeWithOptions({ summary }, [{ subscriptionId: state.subscriptionId! }]);
        S.recordVerified(state, sub.values);
        return;
      }
      case 'delete': {
        const result = await ams.deleteReservedSubscription.executeWithOptions({ summary }, [
          { subscriptionId: state.subscriptionId! },
        ]);
        if (result.outcome === 'left-untouched') S.recordLeftUntouched(state, result.status);
        S.settleDeletion(state, result.outcome, now());
        return;
      }
      case 'telemetry': {
        const watch = state.telemetry!;
        const found = await ams.inspectSubscription.executeWithOptions({ summary }, [
          { subscriptionId: state.subscriptionId!, externalClusterId: watch.externalClusterId },
        ]);
        const subscriptionId = state.subscriptionId;
        report(A.recordTelemetryCheck(state, found, now(), timing));
        if (watch.status === 'duplicate' || watch.status === 'missing') {
          wf.log.warn(`telemetry ${watch.status}: ${watch.status === 'duplicate' ? 'AMS created an unsubscribed subscription for this cluster' : 'none reached the subscription'}`, {
            clusterId, subscriptionId, externalClusterId: watch.externalClusterId, duplicateSubscriptionIds: watch.duplicates ?? [], checks: watch.checks,
          });
        }
        return;
      }
      case 'drift': {
        const found = await ams.inspectSubscription.executeWithOptions({ summary }, [{ subscriptionId: state.subscriptionId! }]);
        report(A.recordDriftCheck(state, found, now(), timing));
        return;
      }
    }
  }

  /** Rules 3: what the checks after the install found goes to the log (and the details, via publish). */
  function report(findings: DriftFinding[]): void {
    for (const finding of findings) {
      wf.log.warn(`AMS drift: ${describeFinding(finding)}`, { clusterId: state.registration.clusterId, ...finding });
    }
  }

  publish();
  while (!S.isTerminal(state)) {
    if (A.afterInstall(state)) {
      report(A.scheduleChecks(state, now(), timing, Math.random())); // seeded PRNG: deterministic
      publish(); // a watch just started shows at once (publish upserts only what changed)
    }
    if (shouldContinueAsNew()) {
      handingOver = true;
      await wf.condition(wf.allHandlersFinished);
      state.continuedAsNew += 1;
      const next = { ...registration, carriedState: state, maxHistoryEvents };
      // The next run starts on the deployment's target version (current, or ramping for this id); unversioned: ignored.
      const continueOnTarget = wf.makeContinueAsNewFunc<typeof clusterSubscription>({ initialVersioningBehavior: 'AUTO_UPGRADE' });
      return continueOnTarget(args.afterInstall ? { ...next, afterInstall: args.afterInstall } : next);
    }
    const { work, until } = nextStep();
    if (work && until !== undefined) {
      // Every due step is held by a field's pace: wait until the first hold ends, unless other
      // work becomes due (a signal for another field, a deletion) or the run must continue as
      // new. A held field's newer values only replace its value: the latest is sent.
      const waitingFor = workKey(work);
      publish();
      await wf.condition(
        () => workKey(nextStep().work) !== waitingFor || shouldContinueAsNew(),
        Date.parse(until) - Date.now(),
        { summary: pacedUntil(work, paceEnds, now()) ? describePace(work, state, until) : describeWait(work, state) },
      );
      continue;
    }
    if (!work) {
      await wf.condition(() => S.nextWork(state) !== undefined || shouldContinueAsNew());
      continue;
    }
    const notBefore = 'notBefore' in work ? work.notBefore : undefined;
    if (notBefore !== undefined && notBefore > now()) {
      // Wait for in-flight requests to settle (or a check's time), unless other work comes first.
      const waitingFor = workKey(work);
      const changed = A.afterInstall(state) ? () => workKey(S.nextWork(state)) !== waitingFor : () => S.nextWork(state)?.kind !== work.kind;
      await wf.condition(
        () => changed() || shouldContinueAsNew(),
        Date.parse(notBefore) - Date.now(),
        { summary: describeWait(work, state) },
      );
      continue;
    }
    let backoffSeconds = 0;
    try {
      await perform(work);
      state.failures = 0;
    } catch (error) {
      // An operator's cancel ends the run as cancelled; it is not an AMS error (rules 2).
      if (S.hardened(state) && wf.isCancellation(error)) throw error;
      backoffSeconds = handleFailure(state, work, trustedUnsent(amsErrorFrom(error, work)), {
        now: now(),
        inFlightUntil: later(IN_FLIGHT_SETTLE_SECONDS),
        jitter: Math.random(), // the workflow's seeded PRNG: deterministic
        ...(A.afterInstall(state) ? { afterInstall: timing } : {}),
      });
    }
    publish();
    if (backoffSeconds > 0) {
      const summary = describeBackoff(work, state, backoffSeconds);
      // Rules 2: a run that must continue as new (and a registration waiting on that) need not sit out the backoff.
      if (S.hardened(state)) await wf.condition(shouldContinueAsNew, `${backoffSeconds}s`, { summary });
      else await wf.sleep(`${backoffSeconds}s`, { summary });
    }
  }
  publish();
  await wf.condition(wf.allHandlersFinished);
  return {
    clusterId: state.registration.clusterId,
    phase: state.phase,
    subscriptionId: state.subscriptionId,
    deletion: state.deletion,
    refusal: state.refusal,
  };
}

/**
 * An activity of a newer worker may report `unsent` to a run whose history was made by code
 * that ignored it (a rolling deploy): such a run keeps treating the write as uncertain. Asked
 * only when an error carries the flag, so other runs get no marker.
 */
function trustedUnsent(info: AmsErrorInfo): AmsErrorInfo {
  if (!info.unsent || wf.patched(UNSENT_WRITES_PATCH)) return info;
  const { unsent: _ignored, ...rest } = info;
  return rest;
}

/** Tells one held step from another: a check moved to another time is other work. */
function workKey(work: PendingWork | undefined): string {
  if (work?.kind === 'patch') return `patch:${work.field}`; // a newer value of the same field is the same step
  return work ? `${work.kind}@${'notBefore' in work ? (work.notBefore ?? '') : ''}` : '';
}

/** The AMS error an activity reported (details[0]), or a transient one for anything else. */
function amsErrorFrom(error: unknown, work: PendingWork): AmsErrorInfo {
  if (error instanceof wf.ActivityFailure && error.cause instanceof wf.ApplicationFailure) {
    const info = error.cause.details?.[0] as AmsErrorInfo | undefined;
    if (info && typeof info.category === 'string') return info;
    return { operation: work.kind, category: 'transient', message: error.cause.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { operation: work.kind, category: 'transient', message };
}
