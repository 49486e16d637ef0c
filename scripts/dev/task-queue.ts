// Who polls a task queue for workflow tasks: how the demo knows some worker will run its workflows.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;

export interface Poller {
  identity: string;
  lastAccessTime?: Date;
}

export async function workflowPollers(client: Client, taskQueue: string): Promise<Poller[]> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (response.pollers ?? []).map((p) => ({
    identity: p.identity ?? '',
    lastAccessTime: p.lastAccessTime?.seconds != null ? new Date(Number(p.lastAccessTime.seconds) * 1000) : undefined,
  }));
}

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
