// Plants subscriptions in the emulator for the sweeper tests: reserved the way the
// installer does (POST cluster_authorizations over HTTP, for a stand-in cluster id
// since AMS answers the existing one per cluster_id), then given their cluster_id,
// status and age through the admin state dump and seed, so every other field is AMS's own.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { SweeperArgs, SweepResult } from '../../workflows/sweeper-definitions.js';
import { SWEEPER_WORKFLOW_TYPE } from '../../workflows/sweeper-definitions.js';
import type { LifecycleHarness } from './lifecycle-harness.js';

export interface Plant {
  clusterId: string;
  status?: 'Reserved' | 'Active';
  /** How old it is (created_at in the past); default two hours: older than the sweeper's one-hour minimum. */
  ageSeconds?: number;
}

export const OLD = 2 * 3_600;

/** What planting needs: an AMS client on the emulator and its admin API (a harness, or an embedded stack's). */
export type AmsSide = Pick<LifecycleHarness, 'ams' | 'admin'>;

/** Reserves one subscription per plant, then sets its status and age; returns the ids in plant order. */
export async function plant(h: AmsSide, plants: Plant[]): Promise<string[]> {
  const ids: string[] = [];
  for (const p of plants) {
    const standIn = randomUUID();
    const { subscriptionId } = await h.ams.createClusterAuthorization({ accountUsername: 'alice', clusterId: standIn, displayName: `planted-${p.clusterId.slice(0, 8)}` });
    ids.push(subscriptionId);
  }
  const dump = await h.admin.state();
  for (const [i, p] of plants.entries()) {
    const sub = dump.subscriptions.find((s) => s.id === ids[i])!;
    const created = new Date(Date.now() - (p.ageSeconds ?? OLD) * 1000).toISOString();
    Object.assign(sub, { cluster_id: p.clusterId, status: p.status ?? 'Reserved', created_at: created, updated_at: created });
  }
  await h.admin.seed(dump);
  return ids;
}

/** Removes subscriptions behind the service's back (an operator in OCM). */
export async function removeFromAms(h: AmsSide, ids: string[]): Promise<void> {
  const dump = await h.admin.state();
  dump.subscriptions = dump.subscriptions.filter((s) => !ids.includes(s.id));
  await h.admin.seed(dump);
}

export async function amsIds(h: AmsSide): Promise<string[]> {
  return (await h.admin.state()).subscriptions.map((s) => s.id).sort();
}

/** Cluster ids that sort in the order given (a shared random head, a counter tail): pages are in cluster_id order. */
export function orderedClusterIds(n: number): string[] {
  const head = randomUUID().slice(0, 24);
  return Array.from({ length: n }, (_, i) => `${head}${String(i).padStart(12, '0')}`);
}

export function startSweep(h: LifecycleHarness, args: SweeperArgs = {}): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return h.env.client.workflow.start(SWEEPER_WORKFLOW_TYPE, {
    taskQueue: h.taskQueue,
    workflowId: `sweep-test-${randomUUID()}`,
    args: [args],
  });
}

export async function sweep(h: LifecycleHarness, args: SweeperArgs = {}): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId; result: SweepResult }> {
  const handle = await startSweep(h, args);
  return { handle, result: (await handle.result()) as SweepResult };
}

/** The run's current details (Markdown), as the Web UI shows them. */
export async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
}
