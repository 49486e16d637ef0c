// The worker process of the trivial workflow (scripts/bench/trivial-workflow.ts): the
// same SDK, connection and activity slots as the real worker, nothing else.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { TRIVIAL_TASK_QUEUE } from './trivial-workflow.js';

const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const worker = await Worker.create({
  connection,
  taskQueue: TRIVIAL_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./trivial-workflow.ts', import.meta.url)),
  activities: { noop: async () => undefined },
  maxConcurrentActivityTaskExecutions: 50, // the real worker's default (WORKER_MAX_CONCURRENT_ACTIVITIES)
});
await worker.run(); // until SIGTERM/SIGINT (the SDK's runtime shuts it down gracefully)
await connection.close();
