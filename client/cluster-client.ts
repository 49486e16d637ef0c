// The typed library the installer calls: one function per lifecycle event.
// Every call validates its input first, is idempotent, has a deadline, and maps
// Temporal's errors onto the errors in ./errors.ts. "Refused" is said only when AMS
// refused; a run Temporal cannot find is never taken for a refusal.
import {
  Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowIdReusePolicy,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
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
  TASK_QUEUE_DEFAULT,
  workflowIdForCluster,
  type AmsErrorInfo,
  type ClusterRegistration,
  type ClusterStateView,
  type DeletedBy,
  type WorkflowArgs,
} from '../workflows/definitions.js';
import { staticDetails, staticSummary } from '../workflows/details.js';
import {
  clusterIdSchema,
  consoleUrlSchema,
  deletedSchema,
  installFailedSchema,
  openshiftClusterIdSchema,
  registrationSchema,
  renameSchema,
  validate,
} from '../workflows/validation.js';
import type { clusterSubscription } from '../workflows/index.js';
import { withDeadline } from './deadline.js';
import {
  ClusterDeletedError,
  ClusterNotFoundError,
  ClusterNotRunningError,
  InvalidInputError,
  RegistrationPendingError,
  RegistrationRefusedError,
} from './errors.js';
import { latestRun } from './latest-run.js';

export interface ClusterLifecycleClientOptions {
  client: Client;
  taskQueue?: string;
  /** How long registerCluster waits for AMS before RegistrationPendingError. */
  registrationWaitSeconds?: number;
  /** Deadline of every call (registerCluster: this plus the registration wait). */
  callTimeoutMs?: number;
}

export const CLIENT_DEFAULTS = { taskQueue: TASK_QUEUE_DEFAULT, registrationWaitSeconds: 30, callTimeoutMs: 10_000 } as const;

/** A registration meets a closed run or a hand-over this many times at most before the error stands. */
const REGISTRATION_ROUNDS = 10;
/** Before asking again after a hand-over: the old run needs a moment to continue as new. */
const HANDOVER_PAUSE_MS = 200;

export interface RegisterResult {
  subscriptionId: string;
  workflowId: string;
}

function check<T>(operation: string, schema: z.ZodType<T, unknown>, input: unknown): T {
  const result = validate(schema, input);
  if (!result.ok) throw new InvalidInputError(operation, result.issues);
  return result.value;
}

type Handle = WorkflowHandle<typeof clusterSubscription>;

export class ClusterLifecycleClient {
  readonly taskQueue: string;
  private readonly registrationWaitSeconds: number;
  private readonly callTimeoutMs: number;
  private readonly client: Client;

  constructor(options: ClusterLifecycleClientOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? CLIENT_DEFAULTS.taskQueue;
    this.registrationWaitSeconds = options.registrationWaitSeconds ?? CLIENT_DEFAULTS.registrationWaitSeconds;
    this.callTimeoutMs = options.callTimeoutMs ?? CLIENT_DEFAULTS.callTimeoutMs;
    for (const [name, value] of Object.entries({ registrationWaitSeconds: this.registrationWaitSeconds, callTimeoutMs: this.callTimeoutMs })) {
      if (!Number.isFinite(value) || value <= 0) throw new TypeError(`ClusterLifecycleClientOptions.${name}: must be a number > 0, got ${String(value)}`);
    }
  }

  private get scope() {
    return { client: this.client, taskQueue: this.taskQueue };
  }

  /** Starts (or finds) the cluster's workflow and resolves with its AMS subscription id. */
  async registerCluster(input: ClusterRegistration): Promise<RegisterResult> {
    const registration = check('registerCluster', registrationSchema, input);
    const workflowId = workflowIdForCluster(registration.clusterId);
    const waitMs = this.registrationWaitSeconds * 1000;
    const call = { operation: 'registerCluster', clusterId: registration.clusterId, timeoutMs: waitMs + this.callTimeoutMs };
    return withDeadline(this.scope, call, async () => {
      const waitUntil = Date.now() + waitMs;
      let reuse: WorkflowIdReusePolicy = 'REJECT_DUPLICATE';
      for (let round = 1; ; round++) {
        const waitSeconds = Math.max(1, Math.ceil((waitUntil - Date.now()) / 1000));
        try {
          const { subscriptionId } = await this.client.workflow.executeUpdateWithStart(registrationUpdate, {
            args: [{ waitSeconds }],
            startWorkflowOperation: this.startOperation(registration, reuse),
          });
          return { subscriptionId, workflowId };
        } catch (error) {
          const next = await this.afterRegistrationError(registration.clusterId, error);
          if (round >= REGISTRATION_ROUNDS) throw error;
          if (next === 'allow-duplicate') reuse = 'ALLOW_DUPLICATE';
          if (next === 'handover') await sleep(HANDOVER_PAUSE_MS * round);
        }
      }
    });
  }

  private startOperation(registration: ClusterRegistration, reuse: WorkflowIdReusePolicy) {
    return new WithStartWorkflowOperation<typeof clusterSubscription>('clusterSubscription', {
      taskQueue: this.taskQueue,
      workflowId: workflowIdForCluster(registration.clusterId),
      args: [registration],
      // A repeated registration reaches the running workflow instead of failing; a closed
      // run is looked at first (a deleted cluster stays deleted).
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: reuse,
      staticSummary: staticSummary(registration),
      staticDetails: staticDetails(registration),
    });
  }

  /** Throws the error the installer should see, or says how to try again. */
  private async afterRegistrationError(clusterId: string, error: unknown): Promise<'retry' | 'handover' | 'allow-duplicate'> {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const [info, marker] = (error.cause.details ?? []) as [AmsErrorInfo | undefined, unknown];
      switch (error.cause.type) {
        case FailureTypes.registrationRefused:
          throw new RegistrationRefusedError(clusterId, info);
        case FailureTypes.registrationPending:
          if (marker === HANDOVER) return 'handover'; // the next run answers
          throw new RegistrationPendingError(clusterId, info);
        case FailureTypes.clusterDeleted:
          throw new ClusterDeletedError(clusterId);
      }
      throw error;
    }
    const closedBefore = error instanceof WorkflowExecutionAlreadyStartedError;
    if (!closedBefore && !(error instanceof WorkflowNotFoundError) && !isAcceptedByClosedRun(error)) throw error;
    // The run was closed before the call, or closed while the update waited: see how.
    const latest = await latestRun(this.client, workflowIdForCluster(clusterId));
    if (latest.kind === 'none' || latest.kind === 'running') return 'retry';
    if (latest.kind === 'closed') return 'allow-duplicate'; // terminated or cancelled by an operator: start afresh
    const { result } = latest;
    if (result.phase === 'deleted') throw new ClusterDeletedError(clusterId);
    // Refused earlier: registering again is allowed (quota may have been raised). Refused
    // just now, while this update waited: that refusal is the answer.
    if (closedBefore) return 'allow-duplicate';
    throw new RegistrationRefusedError(clusterId, result.refusal);
  }

  async renameCluster(clusterId: string, displayName: string): Promise<void> {
    const payload = check('renameCluster', renameSchema, { displayName });
    await this.signal('renameCluster', clusterId, (h) => h.signal(renameSignal, payload));
  }

  async setOpenshiftClusterId(clusterId: string, openshiftClusterId: string): Promise<void> {
    const payload = check('setOpenshiftClusterId', openshiftClusterIdSchema, { openshiftClusterId });
    await this.signal('setOpenshiftClusterId', clusterId, (h) => h.signal(openshiftClusterIdSignal, payload));
  }

  async setConsoleUrl(clusterId: string, consoleUrl: string): Promise<void> {
    const payload = check('setConsoleUrl', consoleUrlSchema, { consoleUrl });
    await this.signal('setConsoleUrl', clusterId, (h) => h.signal(consoleUrlSignal, payload));
  }

  async markInstalled(clusterId: string): Promise<void> {
    await this.signal('markInstalled', clusterId, (h) => h.signal(installSucceededSignal));
  }

  async markInstallFailed(clusterId: string, reason?: string): Promise<void> {
    const payload = check('markInstallFailed', installFailedSchema, reason === undefined ? {} : { reason }) ?? {};
    await this.signal('markInstallFailed', clusterId, (h) => h.signal(installFailedSignal, payload));
  }

  async restartInstall(clusterId: string): Promise<void> {
    await this.signal('restartInstall', clusterId, (h) => h.signal(installRestartedSignal));
  }

  /**
   * Idempotent: deleting an already deleted cluster resolves with alreadyDeleted. A cluster
   * whose run an operator closed, or that this service no longer remembers (the namespace
   * retention passed), gets a short run that deletes its subscription if it is Reserved.
   */
  async deleteCluster(clusterId: string, by: DeletedBy = 'user'): Promise<{ alreadyDeleted: boolean }> {
    const { clusterId: id } = check('deleteCluster', clusterIdSchema, { clusterId });
    const payload = check('deleteCluster', deletedSchema, { by });
    const call = { operation: 'deleteCluster', clusterId: id, timeoutMs: this.callTimeoutMs };
    return withDeadline(this.scope, call, async () => {
      const handle = this.handle(id);
      try {
        await handle.signal(deletedSignal, payload);
        return { alreadyDeleted: false };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      const latest = await latestRun(this.client, handle.workflowId);
      if (latest.kind === 'completed' && latest.result.phase === 'deleted') return { alreadyDeleted: true };
      const args: WorkflowArgs = { clusterId: id, displayName: '', accountUsername: '', deletion: payload };
      await this.client.workflow.signalWithStart<typeof clusterSubscription, [{ by: DeletedBy }]>('clusterSubscription', {
        taskQueue: this.taskQueue,
        workflowId: handle.workflowId,
        args: [args],
        signal: deletedSignal,
        signalArgs: [payload],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        staticSummary: staticSummary(args),
        staticDetails: staticDetails(args),
      });
      return { alreadyDeleted: false };
    });
  }

  /** Desired vs applied state, pending work, phase, last AMS error (also for finished runs). */
  async getClusterState(clusterId: string): Promise<ClusterStateView> {
    const { clusterId: id } = check('getClusterState', clusterIdSchema, { clusterId });
    return withDeadline(this.scope, { operation: 'getClusterState', clusterId: id, timeoutMs: this.callTimeoutMs }, async () => {
      try {
        return await this.handle(id).query(clusterStateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new ClusterNotFoundError(id);
        throw error;
      }
    });
  }

  /** Handle of the cluster's workflow, for callers that need Temporal directly. */
  handle(clusterId: string): Handle {
    return this.client.workflow.getHandle(workflowIdForCluster(clusterId.toLowerCase()));
  }

  private async signal(operation: string, clusterId: string, send: (handle: Handle) => Promise<void>): Promise<void> {
    const { clusterId: id } = check(operation, clusterIdSchema, { clusterId });
    await withDeadline(this.scope, { operation, clusterId: id, timeoutMs: this.callTimeoutMs }, async () => {
      const handle = this.handle(id);
      try {
        return await send(handle);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      const latest = await latestRun(this.client, handle.workflowId);
      switch (latest.kind) {
        case 'none':
          throw new ClusterNotFoundError(id);
        case 'running':
          return send(handle); // it closed and opened again meanwhile (a racing registration)
        case 'completed':
          if (latest.result.phase === 'deleted') throw new ClusterDeletedError(id);
          throw new ClusterNotRunningError(id, latest.result.phase);
        case 'closed':
          throw new ClusterNotRunningError(id, latest.status);
      }
    });
  }
}

function isAcceptedByClosedRun(error: unknown): boolean {
  return error instanceof Error && /workflow execution (already )?completed/i.test(error.message);
}
