// Waiting for a worker on a task queue: how the demo knows some worker will run its workflows.
import type { Client } from '@temporalio/client';
import { workflowPollers } from '../../client/pollers.js';

/**
 * Resolves once the server sees a workflow poller on the queue, so whoever the stack
 * reports "ready" to (a user's demo, a test) finds a worker there.
 */
export async function waitForPollers(
  client: Client,
  taskQueue: string,
  { timeoutMs = 30_000, intervalMs = 200, signal }: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await workflowPollers(client, taskQueue)).length === 0) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`no worker polled task queue '${taskQueue}' within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
