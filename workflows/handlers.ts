// The workflow's message handlers: signals change the desired state, the query
// shows it, the registration update waits for the subscription id. Payloads are
// validated here, at the door; bad ones are recorded and ignored, never fail the run.
import * as wf from '@temporalio/workflow';
import {
  clusterStateQuery,
  consoleUrlSignal,
  deletedSignal,
  FailureTypes,
  HANDOVER,
  installFailedSignal,
  installRestartedSignal,
  installSucceededSignal,
  openshiftClusterIdSignal,
  registrationUpdate,
  renameSignal,
  versionCheckSignal,
  type ClusterState,
} from './definitions.js';
import { scheduledChecks } from './after-install.js';
import * as S from './state.js';
import {
  consoleUrlSchema,
  deletedSchema,
  describeIssues,
  installFailedSchema,
  openshiftClusterIdSchema,
  registrationWaitSchema,
  renameSchema,
  RULES_1_SCHEMAS,
  validate,
  type Schema,
} from './rules-check.js';

const REGISTRATION_WAIT_DEFAULT_SECONDS = 30;

export interface HandlerContext {
  state: ClusterState;
  /** Workflow time, ISO. */
  now(): string;
  /** Show the state in the Web UI (details, search attributes). */
  publish(): void;
  /** The run is about to continue as new; waiting handlers should let it (rules 2). */
  handingOver(): boolean;
}

export function setHandlers(ctx: HandlerContext): void {
  const { state, now, publish } = ctx;

  /** Validate a signal payload; bad ones, and (rules 2) any after the deletion, are recorded and ignored. */
  function accept<T>(signal: string, schema: Schema<T> | undefined, payload: unknown, apply: (value: T) => void): void {
    const checked = schema ? validate(schema, payload) : { ok: true as const, value: payload as T };
    if (!checked.ok) {
      for (const issue of checked.issues) S.recordRejected(state, { signal, ...issue, at: now() });
      wf.log.warn('ignored invalid signal', { signal, issues: describeIssues(checked.issues) });
    } else if (signal === 'deleted' || !S.ignoredAfterDeletion(state, signal, now())) {
      apply(checked.value);
    } else {
      wf.log.info('ignored a signal that arrived after the deletion', { signal });
    }
    publish();
  }

  // Runs on rules 1 keep the payload rules they were recorded with (their replay must not change).
  const hardened = S.hardened(state);
  const nameSchema = hardened ? renameSchema : RULES_1_SCHEMAS.rename;
  const idSchema = hardened ? openshiftClusterIdSchema : RULES_1_SCHEMAS.openshiftClusterId;
  const urlSchema = hardened ? consoleUrlSchema : RULES_1_SCHEMAS.consoleUrl;
  const failedSchema = hardened ? installFailedSchema : RULES_1_SCHEMAS.installFailed;
  wf.setHandler(renameSignal, (p) => accept('rename', nameSchema, p, (v) => S.rename(state, v.displayName)));
  wf.setHandler(openshiftClusterIdSignal, (p) =>
    accept('openshiftClusterId', idSchema, p, (v) => S.setOpenshiftClusterId(state, v.openshiftClusterId)),
  );
  wf.setHandler(consoleUrlSignal, (p) => accept('consoleUrl', urlSchema, p, (v) => S.setConsoleUrl(state, v.consoleUrl)));
  wf.setHandler(installSucceededSignal, () => accept('installSucceeded', undefined, undefined, () => S.installSucceeded(state)));
  wf.setHandler(installFailedSignal, (p) =>
    accept('installFailed', failedSchema, p, (v) => S.installFailed(state, v?.reason, now())),
  );
  wf.setHandler(installRestartedSignal, () => accept('installRestarted', undefined, undefined, () => S.installRestarted(state)));
  wf.setHandler(deletedSignal, (p) => accept('deleted', deletedSchema, p, (v) => S.markDeleted(state, v.by, now())));
  // Nothing to apply: the main loop looks at the version flag after every workflow task.
  wf.setHandler(versionCheckSignal, () => undefined);

  wf.setHandler(
    clusterStateQuery,
    () => ({
      ...state,
      workflowId: wf.workflowInfo().workflowId,
      pending: S.pendingWork(state),
      scheduled: scheduledChecks(state),
      done: S.isTerminal(state),
    }),
    { description: 'Desired vs applied AMS state, pending AMS work, phase, last AMS error, ignored inputs' },
  );

  wf.setHandler(
    registrationUpdate,
    async (options) => {
      const waitSeconds = options?.waitSeconds ?? REGISTRATION_WAIT_DEFAULT_SECONDS;
      const hardened = S.hardened(state);
      await wf.condition(
        () =>
          state.subscriptionId !== undefined ||
          state.phase === 'refused' ||
          state.deletion !== undefined ||
          (hardened && ctx.handingOver()),
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
      const handover = hardened && ctx.handingOver();
      throw wf.ApplicationFailure.create({
        type: FailureTypes.registrationPending,
        message: handover
          ? 'the run is handing over to a new run (continue-as-new); ask again'
          : `the AMS subscription is not created yet (still retrying${state.lastError ? `: ${state.lastError.message}` : ''})`,
        nonRetryable: true,
        details: handover ? [state.lastError, HANDOVER] : [state.lastError],
      });
    },
    {
      // Rejected here, a bad argument never enters the history (a NaN wait used to loop the task).
      validator: (options) => {
        const checked = validate(registrationWaitSchema, options);
        if (!checked.ok) {
          throw wf.ApplicationFailure.create({
            type: FailureTypes.invalidInput,
            message: `registration: invalid input: ${describeIssues(checked.issues)}`,
            nonRetryable: true,
          });
        }
      },
    },
  );
}
