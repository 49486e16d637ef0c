// Connects to Temporal and AMS and runs the worker. The production entry runs it
// until SIGINT/SIGTERM (the SDK runtime turns those into a graceful shutdown); the
// dev stack keeps the handle so it can also stop the worker itself.
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { CIRCUIT_BREAKER_DEFAULTS, createAmsClient } from '../ams/index.js';
import type { WorkerConfig } from './config.js';
import { bundleWorkflows, createClusterWorker } from './create-worker.js';
import { installSdkLogger } from './logger.js';

/** Temporal could not be reached at start; the message says where the worker looked. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(
    readonly address: string,
    readonly namespace: string,
    cause: unknown,
  ) {
    super(`cannot reach Temporal at ${address} (namespace ${namespace}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface RunningWorker {
  /** Settles when the worker has stopped (and its connection is closed). */
  done: Promise<void>;
  /** Graceful shutdown: in-flight activities finish first. */
  stop(): Promise<void>;
}

export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  installSdkLogger(logger);
  const { address, namespace, taskQueue, apiKey, tls } = config.temporal;
  // The SDK's own errors name neither the address nor what failed (a silent port: 'Timeout expired').
  const connection = await NativeConnection.connect({ address, apiKey, tls }).catch((error: unknown) => {
    throw new TemporalUnreachableError(address, namespace, error);
  });
  try {
    const worker = await createClusterWorker({
      connection,
      namespace,
      taskQueue,
      // One breaker per worker process: a dead AMS gets one probe per interval, not every retry.
      ams: createAmsClient({ ...config.ams, logger: logger.child({ component: 'ams' }), circuitBreaker: CIRCUIT_BREAKER_DEFAULTS }),
      // Bundled here (quietly) unless a pre-built bundle is configured: the SDK's own bundling logs all of webpack's output.
      workflowBundle: config.workflowBundlePath ? { codePath: config.workflowBundlePath } : await bundleWorkflows(),
      maxConcurrentActivities: config.maxConcurrentActivities,
      maxCachedWorkflows: config.maxCachedWorkflows,
      maxTaskQueueActivitiesPerSecond: config.amsMaxActivitiesPerSecond,
      ...(config.deployment ? { deployment: config.deployment } : {}),
    });
    const done = worker.run().finally(() => connection.close());
    done.catch(() => undefined); // callers watch `done` themselves
    logger.info({ address, namespace, taskQueue, ams: config.ams.baseUrl, deployment: config.deployment ?? 'unversioned' }, 'worker started');
    return {
      done,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/** Runs until the process gets SIGINT/SIGTERM, then lets in-flight activities finish. */
export async function runWorker(config: WorkerConfig, logger: Logger): Promise<void> {
  const worker = await startWorker(config, logger);
  await worker.done;
  logger.info('worker stopped');
}
