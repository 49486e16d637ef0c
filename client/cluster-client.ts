// The typed library the installer calls: one function per lifecycle event.
// Every call validates its input first, is idempotent, has a deadline, and maps
// Temporal's errors onto the errors in ./errors.ts. "Refused" is said only when AMS
// refused; a run Temporal cannot find is never taken for a refusal.
import {
  Client,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import { z } from 'zod';
import {
  clusterStateQuery,
  consoleUrlSignal,
  deletedSignal,
  installFailedSignal,
  installRestartedSignal,
  installSucceededSignal,
  openshiftClusterIdSignal,
  renameSignal,
  TASK_QUEUE_DEFAULT,
  workflowIdForCluster,
  type AfterInstallTiming,
  type ClusterRegistration,
  type ClusterStateView,
  type DeletedBy,
  type WorkflowArgs,
} from '../workflows/definitions.js';
import { staticDetails, staticSummary } from '../workflows/details.js';
import {
  afterInstallSchema,
  clusterIdSchema,
  consoleUrlSchema,
  deletedSchema,
  installFailedSchema,
  openshiftClusterIdSchema,
  registrationSchema,
  REGISTRATION_WAIT_MAX_SECONDS,
  renameSchema,
  validate,
  type ValidationIssue,
} from '../workflows/validation.js';
import type { clusterSubscription } from '../workflows/index.js';
import { adoptCluster, type AdoptClusterInput, type AdoptResult } from './adoption.js';
import { withDeadline } from './deadline.js';
import {
  ClusterDeletedError,
  ClusterNotFoundError,
  ClusterNotRunningError,
  InvalidInputError,
} from './errors.js';
import { latestRun, startArgsOf } from './latest-run.js';
import { register } from './registration.js';

export interface ClusterLifecycleClientOptions {
  client: Client;
  taskQueue?: string;
  /** How long registerCluster waits for AMS before RegistrationPendingError. */
  registrationWaitSeconds?: number;
  /** Deadline of every call (registerCluster: this plus the registration wait). */
  callTimeoutMs?: number;
  /**
   * When a registered cluster's run checks AMS after the install (telemetry after Active,
   * drift); fixed per run at its registration. Defaults: AFTER_INSTALL_DEFAULTS.
   */
  afterInstall?: Partial<AfterInstallTiming>;
}

export const CLIENT_DEFAULTS = { taskQueue: TASK_QUEUE_DEFAULT, registrationWaitSeconds: 30, callTimeoutMs: 10_000 } as const;


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

/** The timing of the checks after the install, whole (afterInstallSchema): a field's first broken rule when wrong. */
function checkAfterInstall(given: Partial<AfterInstallTiming>): AfterInstallTiming {
  const result = validate(afterInstallSchema, given);
  if (result.ok) return result.value;
  // An element's issue (telemetryCheckSeconds.0) names its field: the rule speaks of them all.
  const [{ field, rule }] = result.issues as [ValidationIssue];
  const name = field.split('.')[0]!;
  const option = 'ClusterLifecycleClientOptions.afterInstall';
  if (!(name in given)) throw new TypeError(`${option}: ${rule}`); // not an object, or unknown fields
  const value = (given as Record<string, unknown>)[name];
  throw new TypeError(`${option}.${name}: ${rule}, got ${Array.isArray(value) ? JSON.stringify(value) : String(value)}`);
}

export class ClusterLifecycleClient {
  readonly taskQueue: string;
  private readonly registrationWaitSeconds: number;
  private readonly callTimeoutMs: number;
  private readonly client: Client;
  private readonly afterInstall?: AfterInstallTiming;

  constructor(options: ClusterLifecycleClientOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? CLIENT_DEFAULTS.taskQueue;
    this.registrationWaitSeconds = options.registrationWaitSeconds ?? CLIENT_DEFAULTS.registrationWaitSeconds;
    this.callTimeoutMs = options.callTimeoutMs ?? CLIENT_DEFAULTS.callTimeoutMs;
    const wait = this.registrationWaitSeconds;
    if (!Number.isInteger(wait) || wait < 1 || wait > REGISTRATION_WAIT_MAX_SECONDS) {
      throw new TypeError(`ClusterLifecycleClientOptions.registrationWaitSeconds: must be a whole number from 1 to ${REGISTRATION_WAIT_MAX_SECONDS}, got ${String(wait)}`);
    }
    if (!Number.isFinite(this.callTimeoutMs) || this.callTimeoutMs <= 0) {
      throw new TypeError(`ClusterLifecycleClientOptions.callTimeoutMs: must be a number > 0, got ${String(this.callTimeoutMs)}`);
    }
    if (options.afterInstall !== undefined) this.afterInstall = checkAfterInstall(options.afterInstall);
  }

  private get scope() {
    return { client: this.client, taskQueue: this.taskQueue, ...(this.afterInstall ? { afterInstall: this.afterInstall } : {}) };
  }

  /** Starts (or finds) the cluster's workflow and resolves with its AMS subscription id. */
  async registerCluster(input: ClusterRegistration): Promise<RegisterResult> {
    const registration = check('registerCluster', registrationSchema, input);
    const waitMs = this.registrationWaitSeconds * 1000;
    const call = { operation: 'registerCluster', clusterId: registration.clusterId, timeoutMs: waitMs + this.callTimeoutMs };
    return withDeadline(this.scope, call, async () => {
      const { workflowId } = await this.existingHandle(input.clusterId, registration.clusterId);
      return register(this.scope, registration, waitMs, workflowId);
    });
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
   * Idempotent: a cluster whose deletion is done, that AMS refused, or that this service
   * has no run for (never registered, or forgotten after the namespace retention) resolves
   * with alreadyDeleted: there is nothing this service reserved. A cluster whose run an
   * operator terminated or cancelled gets a short run that deletes its subscription if
   * it is Reserved (looked up for the account that registered it).
   */
  async deleteCluster(clusterId: string, by: DeletedBy = 'user'): Promise<{ alreadyDeleted: boolean }> {
    const { clusterId: id } = check('deleteCluster', clusterIdSchema, { clusterId });
    const payload = check('deleteCluster', deletedSchema, { by });
    const call = { operation: 'deleteCluster', clusterId: id, timeoutMs: this.callTimeoutMs };
    return withDeadline(this.scope, call, async () => {
      const handle = await this.existingHandle(clusterId, id);
      const sendDeletion = () => handle.signal(deletedSignal, payload).then(() => ({ alreadyDeleted: false }));
      try {
        return await sendDeletion();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      const latest = await latestRun(this.client, handle.workflowId);
      if (latest.kind === 'running') return sendDeletion(); // it opened again meanwhile
      if (latest.kind !== 'closed') return { alreadyDeleted: true };
      const started = await startArgsOf(this.client, handle.workflowId, latest.runId);
      const args: WorkflowArgs = {
        clusterId: id,
        displayName: started?.displayName ?? '',
        accountUsername: started?.accountUsername ?? '',
        deletion: payload,
      };
      await this.client.workflow.signalWithStart<typeof clusterSubscription, [{ by: DeletedBy }]>('clusterSubscription', {
        taskQueue: this.taskQueue,
        workflowId: handle.workflowId,
        args: [args],
        signal: deletedSignal,
        signalArgs: [payload],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        staticSummary: staticSummary({ clusterId: id, displayName: '' }),
        staticDetails: staticDetails(args),
      });
      return { alreadyDeleted: false };
    });
  }

  /** Starts the run of a cluster registered before this service, in its phase with its subscription id (client/adoption.ts). */
  adoptCluster(input: AdoptClusterInput): Promise<AdoptResult> {
    return adoptCluster(this.scope, input, this.callTimeoutMs);
  }

  /** Desired vs applied state, pending work, phase, last AMS error (also for finished runs). */
  async getClusterState(clusterId: string): Promise<ClusterStateView> {
    const { clusterId: id } = check('getClusterState', clusterIdSchema, { clusterId });
    return withDeadline(this.scope, { operation: 'getClusterState', clusterId: id, timeoutMs: this.callTimeoutMs }, async () => {
      try {
        return await (await this.existingHandle(clusterId, id)).query(clusterStateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new ClusterNotFoundError(id);
        throw error;
      }
    });
  }

  /**
   * Ids are lower-cased since the hardening; a run started before it under an upper-case
   * id keeps its workflow id, and is found as given when no lower-case run exists.
   */
  private async existingHandle(asGiven: string, normalised: string): Promise<Handle> {
    const handle = this.handle(normalised);
    if (asGiven === normalised) return handle;
    const exists = (h: Handle) => h.describe().then(() => true, (e: unknown) => (e instanceof WorkflowNotFoundError ? false : Promise.reject(e)));
    if (await exists(handle)) return handle;
    const old = this.client.workflow.getHandle<typeof clusterSubscription>(workflowIdForCluster(asGiven));
    return (await exists(old)) ? old : handle;
  }

  /** Handle of the cluster's workflow, for callers that need Temporal directly. */
  handle(clusterId: string): Handle {
    return this.client.workflow.getHandle(workflowIdForCluster(clusterId.toLowerCase()));
  }

  private async signal(operation: string, clusterId: string, send: (handle: Handle) => Promise<void>): Promise<void> {
    const { clusterId: id } = check(operation, clusterIdSchema, { clusterId });
    await withDeadline(this.scope, { operation, clusterId: id, timeoutMs: this.callTimeoutMs }, async () => {
      const handle = await this.existingHandle(clusterId, id);
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
