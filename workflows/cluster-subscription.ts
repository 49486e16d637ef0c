// One long-running workflow per cluster keeps its AMS subscription in step with
// what the installer reports. Signals only change the desired state; one loop
// applies the difference to AMS, in order, with durable backoff, so updates
// coalesce and none is lost however long AMS is down. Deterministic code only.
import * as wf from '@temporalio/workflow';
import type { SubscriptionActivities } from '../activities/index.js';
import {
  clusterStateQuery,
  consoleUrlSignal,
  deletedSignal,
  FailureTypes,
  installFailedSignal,
  installRestartedSignal,
  installSucceededSignal,
  openshiftClusterIdSignal,
  registrationUpdate,
  renameSignal,
  type AmsErrorInfo,
  type ClusterState,
  type PendingWork,
  type WorkflowArgs,
  type WorkflowResult,
} from './definitions.js';
import { describeBackoff, describeWork, renderDetails } from './details.js';
import { publishSearchAttributes } from './search-attributes.js';
import * as S from './state.js';
import {
  consoleUrlSchema,
  deletedSchema,
  describeIssues,
  installFailedSchema,
  openshiftClusterIdSchema,
  registrationSchema,
  renameSchema,
  validate,
} from './validation.js';
import type { z } from 'zod';

// Each activity makes a few quick attempts (honouring Retry-After through the
// failure's nextRetryDelay); longer outages are retried by the loop below with
// durable timers, so each retry sends the latest desired value.
const ams = wf.proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

export const LOOP_BACKOFF = { initialSeconds: 10, maxSeconds: 600 } as const;
export const DEFAULT_MAX_HISTORY_EVENTS = 5_000;
const REGISTRATION_WAIT_DEFAULT_SECONDS = 30;
const MAX_REJECTED_INPUTS_KEPT = 20;

export function loopBackoffSeconds(failures: number, retryAfterSeconds = 0): number {
  const exponential = Math.min(LOOP_BACKOFF.maxSeconds, LOOP_BACKOFF.initialSeconds * 2 ** Math.max(0, failures - 1));
  return Math.max(exponential, retryAfterSeconds);
}

export async function clusterSubscription(args: WorkflowArgs): Promise<WorkflowResult> {
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const registration = { clusterId: args.clusterId, displayName: args.displayName, accountUsername: args.accountUsername };
  const state: ClusterState = args.carriedState ?? S.initialState(registration);
  const now = () => new Date().toISOString(); // workflow time: deterministic

  if (!args.carriedState) {
    const checked = validate(registrationSchema, registration);
    if (!checked.ok) {
      S.recordRefusal(state, { operation: 'register', category: 'invalid', message: describeIssues(checked.issues), at: now() });
    }
  }

  /** Validate a signal payload; bad ones are recorded and ignored, never fail the run. */
  function accept<T>(signal: string, schema: z.ZodType<T>, payload: unknown, apply: (value: T) => void): void {
    const checked = validate(schema, payload);
    if (checked.ok) {
      apply(checked.value);
    } else {
      for (const issue of checked.issues) state.rejectedInputs.push({ signal, ...issue, at: now() });
      state.rejectedInputs.splice(0, Math.max(0, state.rejectedInputs.length - MAX_REJECTED_INPUTS_KEPT));
      wf.log.warn('ignored invalid signal', { signal, issues: describeIssues(checked.issues) });
    }
    publish();
  }

  wf.setHandler(renameSignal, (p) => accept('rename', renameSchema, p, (v) => S.rename(state, v.displayName)));
  wf.setHandler(openshiftClusterIdSignal, (p) =>
    accept('openshiftClusterId', openshiftClusterIdSchema, p, (v) => S.setOpenshiftClusterId(state, v.openshiftClusterId)),
  );
  wf.setHandler(consoleUrlSignal, (p) => accept('consoleUrl', consoleUrlSchema, p, (v) => S.setConsoleUrl(state, v.consoleUrl)));
  wf.setHandler(installSucceededSignal, () => {
    S.installSucceeded(state);
    publish();
  });
  wf.setHandler(installFailedSignal, (p) => accept('installFailed', installFailedSchema, p, () => S.installFailed(state)));
  wf.setHandler(installRestartedSignal, () => {
    S.installRestarted(state);
    publish();
  });
  wf.setHandler(deletedSignal, (p) => accept('deleted', deletedSchema, p, (v) => S.markDeleted(state, v.by, now())));

  wf.setHandler(
    clusterStateQuery,
    () => ({
      ...state,
      workflowId: wf.workflowInfo().workflowId,
      pending: S.pendingWork(state),
      done: S.isTerminal(state),
    }),
    { description: 'Desired vs applied AMS state, pending AMS work, phase, last AMS error, ignored inputs' },
  );

  wf.setHandler(registrationUpdate, async (options) => {
    const waitSeconds = Math.min(300, Math.max(1, options?.waitSeconds ?? REGISTRATION_WAIT_DEFAULT_SECONDS));
    await wf.condition(
      () => state.subscriptionId !== undefined || state.phase === 'refused' || state.deletion !== undefined,
      `${waitSeconds}s`,
      { summary: `Registration: wait up to ${waitSeconds}s for the AMS subscription id` },
    );
    if (state.phase === 'refused') {
      throw wf.ApplicationFailure.create({
        type: FailureTypes.registrationRefused,
        message: `AMS refused the registration: ${state.refusal?.message ?? 'unknown reason'}`,
        nonRetryable: true,
        details: [state.refusal],
      });
    }
    if (state.deletion) {
      throw wf.ApplicationFailure.create({
        type: FailureTypes.clusterDeleted,
        message: `cluster ${state.registration.clusterId} was deleted`,
        nonRetryable: true,
      });
    }
    if (state.subscriptionId !== undefined) return { subscriptionId: state.subscriptionId };
    throw wf.ApplicationFailure.create({
      type: FailureTypes.registrationPending,
      message: `the AMS subscription is not created yet (still retrying${state.lastError ? `: ${state.lastError.message}` : ''})`,
      nonRetryable: true,
      details: [state.lastError],
    });
  });

  let published = '';
  function publish(): void {
    const details = renderDetails(state);
    if (details !== published) {
      wf.setCurrentDetails(details);
      published = details;
    }
    publishSearchAttributes(state);
  }

  async function perform(work: PendingWork): Promise<void> {
    const summary = describeWork(work, state);
    state.amsCalls += 1;
    switch (work.kind) {
      case 'create': {
        const { clusterId, accountUsername } = state.registration;
        const sub = await ams.ensureSubscription.executeWithOptions({ summary }, [
          { clusterId, accountUsername, displayName: state.desired.display_name },
        ]);
        S.recordSubscription(state, sub.id, sub.values);
        return;
      }
      case 'lookup': {
        const sub = await ams.findSubscription.executeWithOptions({ summary }, [
          { clusterId: state.registration.clusterId },
        ]);
        if (sub) S.recordSubscription(state, sub.id, sub.values);
        else if (state.deletion) state.deletion.outcome = 'never-created';
        return;
      }
      case 'patch': {
        const sub = await ams.patchSubscriptionField.executeWithOptions({ summary }, [
          { subscriptionId: state.subscriptionId!, field: work.field, value: work.value },
        ]);
        S.recordPatched(state, sub.values);
        return;
      }
      case 'delete': {
        const result = await ams.deleteReservedSubscription.executeWithOptions({ summary }, [
          { subscriptionId: state.subscriptionId! },
        ]);
        if (result.outcome === 'left-untouched') state.applied.status = result.status;
        if (state.deletion) state.deletion.outcome = result.outcome;
        return;
      }
    }
  }

  /** Decide what a failed step means; returns the backoff in seconds, or 0 to go on at once. */
  function handleFailure(work: PendingWork, error: AmsErrorInfo): number {
    state.lastError = { ...error, at: now() };
    if (error.category === 'transient' || error.category === 'credentials') {
      state.failures += 1;
      return loopBackoffSeconds(state.failures, error.retryAfterSeconds);
    }
    state.failures = 0;
    if (work.kind === 'create') {
      S.recordRefusal(state, state.lastError);
    } else if (work.kind === 'patch') {
      // 404: the subscription went away outside this workflow; nothing left to patch.
      if (error.category === 'not-found') state.subscriptionGone = true;
      else S.recordRefusedValue(state, work.field, work.value);
    } else if (state.deletion) {
      state.deletion.outcome = 'already-gone';
    }
    return 0;
  }

  function shouldContinueAsNew(): boolean {
    const info = wf.workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents;
  }

  publish();
  while (!S.isTerminal(state)) {
    if (shouldContinueAsNew()) {
      await wf.condition(wf.allHandlersFinished);
      state.continuedAsNew += 1;
      return wf.continueAsNew<typeof clusterSubscription>({ ...registration, carriedState: state, maxHistoryEvents });
    }
    const work = S.nextWork(state);
    if (!work) {
      await wf.condition(() => S.nextWork(state) !== undefined || shouldContinueAsNew());
      continue;
    }
    let backoffSeconds = 0;
    try {
      await perform(work);
      state.failures = 0;
    } catch (error) {
      backoffSeconds = handleFailure(work, amsErrorFrom(error, work));
    }
    publish();
    if (backoffSeconds > 0) {
      await wf.sleep(`${backoffSeconds}s`, { summary: describeBackoff(work, state, backoffSeconds) });
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
