// Starts the run of a cluster that existed before this service, in its phase and with
// the subscription id the installer stored. Temporal is the record of what was adopted:
// the workflow id is the cluster's, and a start that meets any run of it (open, or
// closed and still retained) changes nothing and says so.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AdoptedCluster } from '../workflows/adoption.js';
import { workflowIdForCluster, type ClusterRegistration } from '../workflows/definitions.js';
import { staticDetails, staticSummary } from '../workflows/details.js';
import type { clusterSubscription } from '../workflows/index.js';
import { adoptedSchema, registrationSchema, validate, type ValidationIssue } from '../workflows/validation.js';
import { withDeadline } from './deadline.js';
import { InvalidInputError } from './errors.js';
import type { RegistrationScope } from './registration.js';

export type AdoptClusterInput = ClusterRegistration & AdoptedCluster;

export const ADOPT_OUTCOMES = ['adopted', 'already-adopted'] as const;
export type AdoptOutcome = (typeof ADOPT_OUTCOMES)[number];

export interface AdoptResult {
  outcome: AdoptOutcome;
  workflowId: string;
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
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'already-adopted', workflowId };
      throw error;
    }
  });
}
