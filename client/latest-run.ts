// What became of a cluster's latest run, when a call finds it closed. Never waits
// for a run to finish: a run that is open again (a racing registration, a
// continue-as-new) is reported as running and the call simply tries again.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowArgs, WorkflowResult } from '../workflows/definitions.js';

export type LatestRun =
  /** No run at all: never registered, or forgotten after the namespace retention. */
  | { kind: 'none' }
  | { kind: 'running' }
  | { kind: 'completed'; result: WorkflowResult }
  /** Terminated, canceled, failed or timed out: closed by an operator or by Temporal, not by the lifecycle. */
  | { kind: 'closed'; status: string; runId: string };

export async function latestRun(client: Client, workflowId: string): Promise<LatestRun> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'none' };
    throw error;
  }
  const status = description.status.name;
  if (status === 'RUNNING' || status === 'CONTINUED_AS_NEW') return { kind: 'running' };
  if (status === 'COMPLETED') {
    // That very run, already closed: answers at once.
    const result = (await client.workflow.result(workflowId, description.runId, { followRuns: false })) as WorkflowResult;
    return { kind: 'completed', result };
  }
  return { kind: 'closed', status: status.toLowerCase(), runId: description.runId };
}

/**
 * The arguments a run was started with (its first event), e.g. the account a closed run
 * registered for. Read with the default payload converter, which is what this service uses.
 */
export async function startArgsOf(client: Client, workflowId: string, runId: string): Promise<WorkflowArgs | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<WorkflowArgs>(payload) : undefined;
}
