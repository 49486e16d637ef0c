// Plays each planned life through the client library, as the installer would.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import type { ClusterLife, Step } from './plan.js';

/** One installer call for one step (the chaos drive plays its events with it too). */
export async function perform(lifecycle: ClusterLifecycleClient, clusterId: string, step: Step): Promise<void> {
  switch (step.kind) {
    case 'register':
      await lifecycle.registerCluster({ clusterId, displayName: step.name, accountUsername: step.account });
      return;
    case 'rename':
      return lifecycle.renameCluster(clusterId, step.name);
    case 'openshift-id':
      return lifecycle.setOpenshiftClusterId(clusterId, step.id);
    case 'console-url':
      return lifecycle.setConsoleUrl(clusterId, step.url);
    case 'installed':
      return lifecycle.markInstalled(clusterId);
    case 'install-failed':
      return lifecycle.markInstallFailed(clusterId, step.reason);
    case 'restart':
      return lifecycle.restartInstall(clusterId);
    case 'delete':
      await lifecycle.deleteCluster(clusterId, step.by);
      return;
  }
}

export async function driveLife(lifecycle: ClusterLifecycleClient, life: ClusterLife, onStep: () => void): Promise<void> {
  for (const { step, pauseMs } of life.steps) {
    if (pauseMs > 0) await sleep(pauseMs);
    try {
      await perform(lifecycle, life.clusterId, step);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`cluster ${life.clusterId} (${life.outcome}), step ${step.kind}: ${message}`, { cause: error });
    }
    onStep();
  }
}
