// Builds the worker that hosts the clusterSubscription and subscriptionSweeper
// workflows and their activities; shared by the production entry point, the dev
// stack and the tests.
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { AmsClient } from '../ams/types.js';
import type { WorkerDeploymentVersion } from './config.js';
import { createSubscriptionActivities, createSweeperActivities } from '../activities/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface ClusterWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  ams: AmsClient;
  /** Pre-bundled workflow code (production); without it the source is bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  maxConcurrentActivities?: number;
  /** Runs kept in the workflow cache (WORKER_MAX_CACHED_WORKFLOWS); absent: the SDK's default (tests). */
  maxCachedWorkflows?: number;
  /**
   * Activities the server hands out per second on this task queue, across all its workers
   * (AMS_MAX_ACTIVITIES_PER_SECOND): the one limit that holds however many workers run.
   * Absent: no limit (tests).
   */
  maxTaskQueueActivitiesPerSecond?: number;
  /**
   * The Temporal client the sweeper's activities describe and list cluster runs with;
   * by default one on the worker's own connection (same address, TLS and namespace).
   */
  client?: Client;
  /**
   * Worker Deployment Versioning: this worker serves only its version's tasks, and every
   * run it starts (cluster runs and sweeps) is pinned to it until its next continue-as-new,
   * which starts on the current version. Absent: unversioned, as before.
   */
  deployment?: WorkerDeploymentVersion;
}

export function createClusterWorker(options: ClusterWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: {
      ...createSubscriptionActivities(options.ams),
      ...createSweeperActivities({
        ams: options.ams,
        client: options.client ?? new Client({ connection: options.connection, namespace: options.namespace }),
        namespace: options.namespace,
      }),
    },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 50,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.maxTaskQueueActivitiesPerSecond !== undefined
      ? {
          maxTaskQueueActivitiesPerSecond: options.maxTaskQueueActivitiesPerSecond,
          // An eagerly started activity never passes the task queue's matching, so its rate limit would not count it.
          maxEagerActivityReservationsPerWorkflowTask: 0,
        }
      : {}),
    ...(options.deployment
      ? { workerDeploymentOptions: { version: options.deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const } }
      : {}),
  });
}

/** Bundle the workflow code once (webpack); the bundle is what replay and production load. */
export async function bundleWorkflows(): Promise<{ code: string }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return { code };
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
