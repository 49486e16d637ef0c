// registerCluster's conversation with Temporal: one update-with-start to the workflow
// id (never to a run id a continue-as-new may have replaced), and what to do when it
// meets a closed run or a hand-over. "Refused" is said only when AMS refused.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowIdReusePolicy,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  FailureTypes,
  HANDOVER,
  registrationUpdate,
  type AfterInstallTiming,
  type AmsErrorInfo,
  type ClusterRegistration,
} from '../workflows/definitions.js';
import { staticDetails, staticSummary } from '../workflows/details.js';
import type { clusterSubscription } from '../workflows/index.js';
import { ClusterDeletedError, InvalidInputError, RegistrationPendingError, RegistrationRefusedError } from './errors.js';
import { latestRun } from './latest-run.js';

/** A registration meets a closed run or a hand-over this many times at most before the error stands. */
const ROUNDS = 10;
/** Before asking again after a hand-over: the old run needs a moment to continue as new. */
const HANDOVER_PAUSE_MS = 200;

export interface RegistrationScope {
  client: Client;
  taskQueue: string;
  /** The run's timing of the checks after the install; the workflow's defaults when absent. */
  afterInstall?: AfterInstallTiming;
}

type Next = { next: 'retry' | 'handover' | 'allow-duplicate'; exhausted: unknown };

/** Resolves with the subscription id within `waitMs` (the wait inside the workflow), or throws the installer's error. */
export async function register(scope: RegistrationScope, registration: ClusterRegistration, waitMs: number, workflowId: string) {
  const waitUntil = Date.now() + waitMs;
  let reuse: WorkflowIdReusePolicy = 'REJECT_DUPLICATE';
  for (let round = 1; ; round++) {
    const waitSeconds = Math.max(1, Math.ceil((waitUntil - Date.now()) / 1000));
    try {
      const { subscriptionId } = await scope.client.workflow.executeUpdateWithStart(registrationUpdate, {
        args: [{ waitSeconds }],
        startWorkflowOperation: startOperation(scope, workflowId, registration, reuse),
      });
      return { subscriptionId, workflowId };
    } catch (error) {
      const { next, exhausted } = await afterError(scope.client, workflowId, registration.clusterId, error);
      if (round >= ROUNDS) throw exhausted;
      if (next === 'allow-duplicate') reuse = 'ALLOW_DUPLICATE';
      if (next === 'handover') await sleep(HANDOVER_PAUSE_MS * round);
    }
  }
}

function startOperation(scope: RegistrationScope, workflowId: string, registration: ClusterRegistration, reuse: WorkflowIdReusePolicy) {
  return new WithStartWorkflowOperation<typeof clusterSubscription>('clusterSubscription', {
    taskQueue: scope.taskQueue,
    workflowId,
    args: [scope.afterInstall ? { ...registration, afterInstall: scope.afterInstall } : registration],
    // A repeated registration reaches the running workflow instead of failing; a closed
    // run is looked at first (a deleted cluster stays deleted).
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: reuse,
    staticSummary: staticSummary(registration),
    staticDetails: staticDetails(registration),
  });
}

/** Throws the error the installer should see, or says how to try again (and what to throw if rounds run out). */
async function afterError(client: Client, workflowId: string, clusterId: string, error: unknown): Promise<Next> {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const [info, marker] = (error.cause.details ?? []) as [AmsErrorInfo | undefined, unknown];
    switch (error.cause.type) {
      case FailureTypes.registrationRefused:
        throw new RegistrationRefusedError(clusterId, info);
      case FailureTypes.registrationPending:
        // The run is handing over: the next run answers. Out of rounds, it is still pending.
        if (marker === HANDOVER) return { next: 'handover', exhausted: new RegistrationPendingError(clusterId, info) };
        throw new RegistrationPendingError(clusterId, info);
      case FailureTypes.clusterDeleted:
        throw new ClusterDeletedError(clusterId);
      case FailureTypes.invalidInput:
        throw new InvalidInputError('registerCluster', [{ field: '(update)', rule: error.cause.message }]);
    }
    throw error;
  }
  const closedBefore = error instanceof WorkflowExecutionAlreadyStartedError;
  if (!closedBefore && !(error instanceof WorkflowNotFoundError) && !isAcceptedByClosedRun(error)) throw error;
  // The run was closed before the call, or closed while the update waited: see how.
  const latest = await latestRun(client, workflowId);
  if (latest.kind === 'none' || latest.kind === 'running') return { next: 'retry', exhausted: error };
  // Terminated or cancelled by an operator: start afresh.
  if (latest.kind === 'closed') return { next: 'allow-duplicate', exhausted: error };
  const { result } = latest;
  if (result.phase === 'deleted') throw new ClusterDeletedError(clusterId);
  // Refused earlier: registering again is allowed (quota may have been raised). Refused
  // just now, while this update waited: that refusal is the answer.
  if (closedBefore) return { next: 'allow-duplicate', exhausted: error };
  throw new RegistrationRefusedError(clusterId, result.refusal);
}

function isAcceptedByClosedRun(error: unknown): boolean {
  return error instanceof Error && /workflow execution (already )?completed/i.test(error.message);
}
