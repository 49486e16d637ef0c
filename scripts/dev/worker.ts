// Runs the project's worker in this process. Unlike worker/run-worker.ts (the
// production entry, stopped by signals only) it keeps the Worker, so the stack
// can also stop it itself: on a failing part, or when tests embed the stack.
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createAmsClient } from '../../ams/index.js';
import type { WorkerConfig } from '../../worker/config.js';
import { bundleWorkflows, createClusterWorker } from '../../worker/create-worker.js';
import { installSdkLogger } from '../../worker/logger.js';

export interface RunningDevWorker {
  /** Settles when the worker has stopped (the SDK runtime also stops it on SIGINT/SIGTERM). */
  done: Promise<void>;
  /** Graceful shutdown: in-flight activities finish first. */
  stop(): Promise<void>;
}

export async function startDevWorker(config: WorkerConfig, logger: Logger): Promise<RunningDevWorker> {
  installSdkLogger(logger);
  const { address, namespace, taskQueue, apiKey, tls } = config.temporal;
  const connection = await NativeConnection.connect({ address, apiKey, tls });
  try {
    const worker = await createClusterWorker({
      connection,
      namespace,
      taskQueue,
      ams: createAmsClient({ ...config.ams, logger: logger.child({ component: 'ams' }) }),
      // Bundled here (quietly) unless a pre-built bundle is configured: the SDK's own bundling logs all of webpack's output.
      workflowBundle: config.workflowBundlePath ? { codePath: config.workflowBundlePath } : await bundleWorkflows(),
      maxConcurrentActivities: config.maxConcurrentActivities,
    });
    const done = worker.run().finally(() => connection.close());
    done.catch(() => undefined); // the stack watches `done` itself
    logger.info({ address, namespace, taskQueue, ams: config.ams.baseUrl }, 'worker started');
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
