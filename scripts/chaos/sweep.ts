// Once the work has settled, one report-only sweep must find nothing: an independent
// look at the end state (AMS against the runs) by the service's own sweeper, on the
// run's real server, which also proves the sweeper under the same faults' aftermath.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { SWEEPER_WORKFLOW_TYPE, type SweepFinding, type SweepResult } from '../../workflows/sweeper-definitions.js';
import type { Problem } from './verify.js';

/** Each finding of a sweep over the settled state, as a problem; none when AMS and the runs agree. */
export async function sweepProblems(client: Client, taskQueue: string, timeoutMs: number): Promise<Problem[]> {
  const handle = await client.workflow.start(SWEEPER_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `chaos-sweep-${randomUUID()}`,
    // Every Reserved subscription counts, however young: nothing is still being registered.
    args: [{ minReservedAgeSeconds: 0, pauseBetweenPagesSeconds: 0 }],
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the sweep did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const outcome = handle.result();
  outcome.catch(() => undefined); // still pending after a timeout: it must not reject unhandled later
  try {
    const result = (await Promise.race([outcome, timedOut])) as SweepResult;
    const problem = (kind: string) => (f: SweepFinding): Problem => ({ count: 'sweeper findings', detail: `${kind} ${f.subscriptionId} (cluster ${f.clusterId}): ${f.why}` });
    const problems = [
      ...result.leaked.map(problem('leaked')),
      ...result.duplicates.map(problem('duplicate')),
      ...result.runsWithoutSubscription.map(problem('run without subscription')),
    ];
    if (!result.openRunsChecked) problems.push({ count: 'sweeper findings', detail: 'the server could not list the open runs' });
    if (result.truncated) problems.push({ count: 'sweeper findings', detail: 'more findings than the sweep lists' });
    return problems;
  } catch (error) {
    await handle.terminate('chaos: the sweep did not finish in time').catch(() => undefined); // a late sweep must not run on
    return [{ count: 'sweeper findings', detail: `the sweep failed: ${error instanceof Error ? error.message : String(error)}` }];
  } finally {
    clearTimeout(timer);
  }
}
