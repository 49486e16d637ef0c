// Every client call has its own deadline: the installer's API must never hang, not
// even when no worker polls the task queue (a deploy, a crash), where an update or a
// query would otherwise wait inside Temporal for ever. The error says why.
import { isGrpcCancelledError, isGrpcDeadlineError, isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { LifecycleTimeoutError, type NoAnswerReason } from './errors.js';
import { workflowPollers } from './pollers.js';

/** How long the diagnosis after a timeout may take. */
const DIAGNOSIS_MS = 1_500;
/** The client's own timer fires this much after the gRPC deadline, in case a call ignored it. */
const BACKSTOP_MS = 1_000;

/** gRPC status code UNIMPLEMENTED. */
const GRPC_UNIMPLEMENTED = 12;

class DeadlinePassed extends Error {}

export interface DeadlineScope {
  client: Client;
  taskQueue: string;
}

/** Runs `fn` with every Temporal call in it under one deadline; a miss becomes LifecycleTimeoutError. */
export async function withDeadline<T>(
  scope: DeadlineScope,
  call: { operation: string; clusterId: string; timeoutMs: number },
  fn: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed()), call.timeoutMs + BACKSTOP_MS);
  });
  try {
    return await Promise.race([scope.client.withDeadline(Date.now() + call.timeoutMs, fn), backstop]);
  } catch (error) {
    if (!isDeadline(error)) throw error;
    const reason = await whyNoAnswer(scope);
    throw new LifecycleTimeoutError(call.operation, call.clusterId, call.timeoutMs, reason, scope.taskQueue, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

// gRPC reports a deadline met mid-call as CANCELLED at times; nothing else cancels these calls.
function isDeadline(error: unknown): boolean {
  return (
    error instanceof DeadlinePassed ||
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    isGrpcDeadlineError(error) ||
    isGrpcCancelledError(error)
  );
}

/** Asks Temporal who polls the task queue, to tell "no worker" from "no answer". */
async function whyNoAnswer({ client, taskQueue }: DeadlineScope): Promise<NoAnswerReason> {
  try {
    const pollers = await client.withDeadline(Date.now() + DIAGNOSIS_MS, () => workflowPollers(client, taskQueue));
    return pollers.length === 0 ? 'no-worker' : 'worker-did-not-answer';
  } catch (error) {
    // The time-skipping test server does not implement DescribeTaskQueue.
    return isGrpcServiceError(error) && error.code === GRPC_UNIMPLEMENTED ? 'unknown' : 'temporal-unreachable';
  }
}
