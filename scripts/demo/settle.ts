// Waits until every cluster's workflow has applied all it was told: nothing pending,
// the last reported values desired, and deleted ones finished.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import type { ClusterStateView } from '../../workflows/definitions.js';
import { finalValues, type ClusterLife } from './plan.js';
import { mapWithConcurrency } from './pool.js';

export function isSettled(life: ClusterLife, view: ClusterStateView): boolean {
  const last = finalValues(life);
  const desired = view.desired;
  const told =
    desired.display_name === last.name &&
    desired.external_cluster_id === last.openshiftId &&
    desired.console_url === last.consoleUrl &&
    (desired.status === 'Active') === last.installed &&
    (view.deletion !== undefined) === last.deleted;
  return told && view.pending.length === 0 && (!last.deleted || view.done);
}

export interface SettleOptions {
  timeoutMs: number;
  pollMs?: number;
  concurrency?: number;
  onSettled?: () => void;
}

/** The last state seen of each cluster (settled or not, after the timeout). */
export async function waitUntilSettled(
  lifecycle: ClusterLifecycleClient,
  lives: ClusterLife[],
  options: SettleOptions,
): Promise<Map<string, ClusterStateView>> {
  const views = new Map<string, ClusterStateView>();
  let waiting = [...lives];
  const deadline = Date.now() + options.timeoutMs;
  while (waiting.length > 0) {
    const settled = await mapWithConcurrency(waiting, options.concurrency ?? 16, async (life) => {
      const view = await lifecycle.getClusterState(life.clusterId);
      views.set(life.clusterId, view);
      return isSettled(life, view);
    });
    waiting = waiting.filter((life, i) => {
      if (settled[i]) options.onSettled?.();
      return !settled[i];
    });
    if (waiting.length === 0 || Date.now() >= deadline) break;
    await sleep(options.pollMs ?? 300);
  }
  return views;
}
