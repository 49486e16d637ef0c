// Starts the run of a cluster that existed before this service, in its phase and with
// the subscription id the installer stored. Temporal is the record of what was adopted:
// the workflow id is the cluster's, and a start that meets any run of it (open, or
// closed and still retained) changes nothing. What it says depends on that run: one that
// is running or finished its deletion is already adopted; one an operator ended, or whose
// registration AMS refused, is not running, and adopt never restarts it on its own
// (someone closed it on purpose; docs/adopt.md).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AdoptedCluster } from '../workflows/adoption.js';
import { workflowIdForCluster, type ClusterRegistration } from '../workflows/definitions.js';
import { staticDetails, staticSummary } from '../workflows/details.js';
import type { clusterSubscription } from '../workflows/index.js';
import { adoptedSchema, registrationSchema, validate, type ValidationIssue } from '../workflows/validation.js';
import { withDeadline, type DeadlineScope } from './deadline.js';
import { InvalidInputError } from './errors.js';
import { latestRun, type LatestRun } from './latest-run.js';
import type { RegistrationScope } from './registration.js';

export type AdoptClusterInput = ClusterRegistration & AdoptedCluster;

export const ADOPT_OUTCOMES = ['adopted', 'already-adopted', 'not-running'] as const;
export type AdoptOutcome = (typeof ADOPT_OUTCOMES)[number];

export interface AdoptResult {
  outcome: AdoptOutcome;
  workflowId: string;
  /** not-running: how the run ended (terminated, canceled, failed, timed_out, or refused by AMS). */
  status?: string;
}

/** What an existing run of the cluster means for adoption; undefined when there is none. */
export function existingRunOutcome(latest: LatestRun): Pick<AdoptResult, 'outcome' | 'status'> | undefined {
  switch (latest.kind) {
    case 'none':
      return undefined;
    case 'running':
      return { outcome: 'already-adopted' };
    case 'completed':
      // A run completes only when its deletion is done or AMS refused its registration.
      return latest.result.phase === 'deleted' ? { outcome: 'already-adopted' } : { outcome: 'not-running', status: latest.result.phase };
    case 'closed':
      return { outcome: 'not-running', status: latest.status };
  }
}

/** The dry run's question: what would adopting this cluster meet? Reads Temporal only, within the call's deadline. */
export function existingRun(scope: DeadlineScope, clusterId: string, timeoutMs: number): Promise<Pick<AdoptResult, 'outcome' | 'status'> | undefined> {
  const id = clusterId.toLowerCase();
  return withDeadline(scope, { operation: 'adoptCluster (dry run)', clusterId: id, timeoutMs }, async () =>
    existingRunOutcome(await latestRun(scope.client, workflowIdForCluster(id))),
  );
}

/** The registration and the adoption of one input, or every issue of both (field and rule). */
export function checkAdoption(input: Record<string, unknown>):
  | { ok: true; registration: ClusterRegistration; adopted: AdoptedCluster }
  | { ok: false; issues: ValidationIssue[] } {
  const { clusterId, displayName, accountUsername, ...rest } = input;
  const registration = validate(registrationSchema, { clusterId, displayName, accountUsername });
  const adopted = validate(adoptedSchema, rest);
  if (registration.ok && adopted.ok) return { ok: true, registration: registration.value, adopted: adopted.value };
  return { ok: false, issues: [...(registration.ok ? [] : registration.issues), ...(adopted.ok ? [] : adopted.issues)] };
}

/** Validates first (InvalidInputError, nothing sent), then starts the run unless one exists. */
export async function adoptCluster(scope: RegistrationScope, input: AdoptClusterInput, timeoutMs: number): Promise<AdoptResult> {
  const checked = checkAdoption({ ...input });
  if (!checked.ok) throw new InvalidInputError('adoptCluster', checked.issues);
  const { registration, adopted } = checked;
  const workflowId = workflowIdForCluster(registration.clusterId);
  return withDeadline(scope, { operation: 'adoptCluster', clusterId: registration.clusterId, timeoutMs }, async () => {
    // A run that vanished between the refusal and the look (retention) is started once more.
    for (let attempt = 1; ; attempt++) {
      try {
        await scope.client.workflow.start<typeof clusterSubscription>('clusterSubscription', {
          taskQueue: scope.taskQueue,
          workflowId,
          args: [{ ...registration, adopted, ...(scope.afterInstall ? { afterInstall: scope.afterInstall } : {}) }],
          // Never a second run beside an open one, nor one after a closed one: adopting twice changes nothing.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: staticSummary(registration),
          staticDetails: staticDetails(registration),
        });
        return { outcome: 'adopted', workflowId };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const existing = existingRunOutcome(await latestRun(scope.client, workflowId));
        if (existing) return { ...existing, workflowId };
        if (attempt >= 2) throw error;
      }
    }
  });
}
