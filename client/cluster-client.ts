// The typed library the installer calls: one function per lifecycle event.
// Every call validates its input first, is idempotent, and maps Temporal's
// errors onto the errors in ./errors.ts.
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
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
  TASK_QUEUE_DEFAULT,
  workflowIdForCluster,
  type AmsErrorInfo,
  type ClusterRegistration,
  type ClusterStateView,
  type DeletedBy,
  type WorkflowResult,
} from '../workflows/definitions.js';
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
import {
  ClusterDeletedError,
  ClusterNotFoundError,
  InvalidInputError,
  RegistrationPendingError,
  RegistrationRefusedError,
} from './errors.js';

export interface ClusterLifecycleClientOptions {
  client: Client;
  taskQueue?: string;
  /** How long registerCluster waits for AMS before RegistrationPendingError. */
  registrationWaitSeconds?: number;
}

const DEFAULTS = { taskQueue: TASK_QUEUE_DEFAULT, registrationWaitSeconds: 30 };

export interface RegisterResult {
  subscriptionId: string;
  workflowId: string;
}

function check<T>(operation: string, schema: z.ZodType<T>, input: unknown): T {
  const result = validate(schema, input);
  if (!result.ok) throw new InvalidInputError(operation, result.issues);
  return result.value;
}

export class ClusterLifecycleClient {
  readonly taskQueue: string;
  private readonly registrationWaitSeconds: number;
  private readonly client: Client;

  constructor(options: ClusterLifecycleClientOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? DEFAULTS.taskQueue;
    this.registrationWaitSeconds = options.registrationWaitSeconds ?? DEFAULTS.registrationWaitSeconds;
  }

  /** Starts (or finds) the cluster's workflow and resolves with its AMS subscription id. */
  async registerCluster(input: ClusterRegistration): Promise<RegisterResult> {
    const registration = check('registerCluster', registrationSchema, input);
    const workflowId = workflowIdForCluster(registration.clusterId);
    const handle = await this.startOrReuse(registration, workflowId);
    try {
      const { subscriptionId } = await handle.executeUpdate(registrationUpdate, {
        args: [{ waitSeconds: this.registrationWaitSeconds }],
      });
      return { subscriptionId, workflowId };
    } catch (error) {
      throw this.registrationError(registration.clusterId, error);
    }
  }

  private async startOrReuse(registration: ClusterRegistration, workflowId: string) {
    const start = (reusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE') =>
      this.client.workflow.start<typeof clusterSubscription>('clusterSubscription', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [registration],
        // A repeated registration reaches the running workflow instead of failing.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: reusePolicy,
        staticSummary: `Cluster '${registration.displayName}' (${registration.clusterId}) ↔ AMS subscription`,
        staticDetails: [
          `Assisted Installer cluster \`${registration.clusterId}\`, registered by ${registration.accountUsername}.`,
          '',
          'Current details show desired vs applied AMS values; the `clusterState` query returns the full state.',
        ].join('\n'),
      });
    try {
      return await start('REJECT_DUPLICATE');
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // A closed run: a deleted cluster stays deleted; a refused registration, or a run an
      // operator terminated, may be registered again.
      const previous = await this.client.workflow
        .getHandle(workflowId)
        .result()
        .then((result: WorkflowResult) => result, () => undefined);
      if (previous !== undefined && previous.phase !== 'refused') throw new ClusterDeletedError(registration.clusterId);
      return await start('ALLOW_DUPLICATE');
    }
  }

  private registrationError(clusterId: string, error: unknown): Error {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const info = error.cause.details?.[0] as AmsErrorInfo | undefined;
      switch (error.cause.type) {
        case FailureTypes.registrationRefused:
          return new RegistrationRefusedError(clusterId, info);
        case FailureTypes.registrationPending:
          return new RegistrationPendingError(clusterId, info);
        case FailureTypes.clusterDeleted:
          return new ClusterDeletedError(clusterId);
      }
    }
    // The run ended before the update was accepted (refused registration finishes at once).
    if (error instanceof WorkflowNotFoundError || isAcceptedByClosedRun(error)) {
      return new RegistrationRefusedError(clusterId, undefined);
    }
    return error instanceof Error ? error : new Error(String(error));
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

  /** Idempotent: deleting an already deleted cluster resolves with alreadyDeleted. */
  async deleteCluster(clusterId: string, by: DeletedBy = 'user'): Promise<{ alreadyDeleted: boolean }> {
    const payload = check('deleteCluster', deletedSchema, { by });
    try {
      await this.signal('deleteCluster', clusterId, (h) => h.signal(deletedSignal, payload));
      return { alreadyDeleted: false };
    } catch (error) {
      if (error instanceof ClusterDeletedError) return { alreadyDeleted: true };
      throw error;
    }
  }

  /** Desired vs applied state, pending work, phase, last AMS error (also for finished runs). */
  async getClusterState(clusterId: string): Promise<ClusterStateView> {
    check('getClusterState', clusterIdSchema, { clusterId });
    try {
      return await this.client.workflow.getHandle(workflowIdForCluster(clusterId)).query(clusterStateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ClusterNotFoundError(clusterId);
      throw error;
    }
  }

  /** Handle of the cluster's workflow, for callers that need Temporal directly. */
  handle(clusterId: string): WorkflowHandle<typeof clusterSubscription> {
    return this.client.workflow.getHandle(workflowIdForCluster(clusterId));
  }

  private async signal(
    operation: string,
    clusterId: string,
    send: (handle: WorkflowHandle<typeof clusterSubscription>) => Promise<void>,
  ): Promise<void> {
    check(operation, clusterIdSchema, { clusterId });
    const handle = this.handle(clusterId);
    try {
      await send(handle);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Not running: either never registered or its run has finished (deleted).
      try {
        await handle.describe();
      } catch (describeError) {
        if (describeError instanceof WorkflowNotFoundError) throw new ClusterNotFoundError(clusterId);
        throw describeError;
      }
      throw new ClusterDeletedError(clusterId);
    }
  }
}

function isAcceptedByClosedRun(error: unknown): boolean {
  return error instanceof Error && /workflow execution (already )?completed/i.test(error.message);
}
