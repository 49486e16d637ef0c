// Plays each cluster's life through the client library the way the real installer
// does: calls in order, each retried until Temporal takes it (a server restart, a
// deadline), registration asked again after "pending", and some clusters deleted while
// their registration is still pending in the background.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { ClusterDeletedError, InvalidInputError, RegistrationPendingError } from '../../client/errors.js';
import type { ChaosEvent, ChaosLife } from './lives.js';

/** How long the installer keeps retrying one call before it gives up. */
const GIVE_UP_MS = 5 * 60_000;
const PENDING_RETRY_MS = 3_000;

export interface DriveRecord {
  /** Calls retried because Temporal did not take them (restart, deadline). */
  retries: number;
  /** Calls the installer gave up on, or that failed in a way the installer never expects. */
  failures: { clusterId: string; event: ChaosEvent['kind']; error: string }[];
  /** Every error message a call raised, for the secrets check. */
  messages: string[];
}

export function newDriveRecord(): DriveRecord {
  return { retries: 0, failures: [], messages: [] };
}

async function send(lifecycle: ClusterLifecycleClient, clusterId: string, event: ChaosEvent): Promise<void> {
  switch (event.kind) {
    case 'register':
      await lifecycle.registerCluster({ clusterId, displayName: event.name, accountUsername: event.account });
      return;
    case 'rename':
      return lifecycle.renameCluster(clusterId, event.name);
    case 'openshift-id':
      return lifecycle.setOpenshiftClusterId(clusterId, event.id);
    case 'console-url':
      return lifecycle.setConsoleUrl(clusterId, event.url);
    case 'installed':
      return lifecycle.markInstalled(clusterId);
    case 'install-failed':
      return lifecycle.markInstallFailed(clusterId, event.reason);
    case 'restart':
      return lifecycle.restartInstall(clusterId);
    case 'delete':
      await lifecycle.deleteCluster(clusterId, event.by);
      return;
  }
}

/** Sends one event until it is taken; true when taken (or, after the deletion, rightly refused). */
async function deliver(lifecycle: ClusterLifecycleClient, clusterId: string, event: ChaosEvent, record: DriveRecord): Promise<boolean> {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await send(lifecycle, clusterId, event);
      return true;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      record.messages.push(message);
      // A late signal to a cluster whose deletion is done: the installer is told so. Expected.
      if (error instanceof ClusterDeletedError && event.kind !== 'register') return true;
      if (error instanceof InvalidInputError || Date.now() > giveUpAt) {
        record.failures.push({ clusterId, event: event.kind, error: message });
        return false;
      }
      if (!(error instanceof RegistrationPendingError)) record.retries += 1;
      await sleep(error instanceof RegistrationPendingError ? PENDING_RETRY_MS : Math.min(5_000, 500 * attempt));
    }
  }
}

/** Registration in the background: asks until answered or the cluster is deleted. */
async function registerInBackground(lifecycle: ClusterLifecycleClient, life: ChaosLife, event: ChaosEvent, record: DriveRecord): Promise<void> {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  while (Date.now() < giveUpAt) {
    try {
      await send(lifecycle, life.clusterId, event);
      return;
    } catch (error) {
      if (error instanceof ClusterDeletedError) return;
      record.messages.push(error instanceof Error ? error.message : String(error));
      await sleep(PENDING_RETRY_MS);
    }
  }
  record.failures.push({ clusterId: life.clusterId, event: 'register', error: 'background registration never answered' });
}

/** Plays one life from `startedAt`; resolves when every event was delivered (or given up). */
export async function driveLife(lifecycle: ClusterLifecycleClient, life: ChaosLife, startedAt: number, record: DriveRecord): Promise<void> {
  const background: Promise<void>[] = [];
  for (const { event, atMs } of life.events) {
    await sleep(Math.max(0, startedAt + atMs - Date.now()));
    if (event.kind === 'register' && event.background) {
      background.push(registerInBackground(lifecycle, life, event, record));
      // The installer goes on once the cluster's run exists.
      while (!(await lifecycle.handle(life.clusterId).describe().then(() => true, () => false))) await sleep(200);
      continue;
    }
    await deliver(lifecycle, life.clusterId, event, record);
  }
  await Promise.all(background);
}
