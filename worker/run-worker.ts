// Connects to Temporal and AMS and runs the worker until SIGINT/SIGTERM, which
// let in-flight activities finish before the process exits.
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createAmsClient } from '../ams/index.js';
import type { WorkerConfig } from './config.js';
import { createClusterWorker } from './create-worker.js';
import { installSdkLogger } from './logger.js';

export async function runWorker(config: WorkerConfig, logger: Logger): Promise<void> {
  installSdkLogger(logger);
  const { address, namespace, taskQueue, apiKey, tls } = config.temporal;
  const connection = await NativeConnection.connect({ address, apiKey, tls });
  try {
    const ams = createAmsClient({ ...config.ams, logger: logger.child({ component: 'ams' }) });
    const worker = await createClusterWorker({
      connection,
      namespace,
      taskQueue,
      ams,
      workflowBundle: config.workflowBundlePath ? { codePath: config.workflowBundlePath } : undefined,
      maxConcurrentActivities: config.maxConcurrentActivities,
    });
    logger.info({ address, namespace, taskQueue, ams: config.ams.baseUrl }, 'worker started');
    // The SDK's Runtime turns SIGINT/SIGTERM into a graceful worker shutdown.
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
  }
}
