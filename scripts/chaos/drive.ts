// Plays each cluster's life through the client library the way the real installer
// does: calls in order, each retried until Temporal takes it (a server restart, a
// deadline); a registration answered "pending" asked again before the life goes on;
// some clusters deleted while their registration is still pending in the background.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { ClusterDeletedError, InvalidInputError, RegistrationPendingError } from '../../client/errors.js';
import { perform } from '../demo/drive.js';
import type { ChaosEvent, ChaosLife } from './lives.js';
import { errorText } from './secrets.js';

export interface DriveLimits {
  /** How long the installer keeps retrying one call before it gives up. */
  giveUpMs: number;
  /** How long the installer waits for a background registration's run to exist. */
  runAppearsMs: number;
  pendingRetryMs: number;
  /**
   * How long the installer keeps asking for a pending registration. "Pending" is an
   * answer (the run has it and keeps retrying), not a failure: the real installer asks
   * again for as long as the cluster lives. The longest wait is reported.
   */
  pendingGiveUpMs: number;
}

export const DRIVE_LIMITS: DriveLimits = { giveUpMs: 5 * 60_000, runAppearsMs: 2 * 60_000, pendingRetryMs: 3_000, pendingGiveUpMs: 20 * 60_000 };

export interface DriveRecord {
  /** Calls retried because Temporal did not take them (restart, deadline). */
  retries: number;
  /** Calls the installer gave up on, or that failed in a way the installer never expects. */
  failures: { clusterId: string; event: ChaosEvent['kind']; error: string }[];
  /** Every error a call raised (message, details, causes), for the secrets check. */
  messages: string[];
  /** The longest time from a cluster's first registerCluster to the answer with its subscription id. */
  longestRegistrationMs: number;
}

export function newDriveRecord(): DriveRecord {
  return { retries: 0, failures: [], messages: [], longestRegistrationMs: 0 };
}

/** How one life is being played: the deletion may only be reported done after the life sent it. */
interface Play {
  lifecycle: ClusterLifecycleClient;
  life: ChaosLife;
  record: DriveRecord;
  limits: DriveLimits;
  signal: AbortSignal | undefined;
  deleteSent: boolean;
}


function fail(play: Play, event: ChaosEvent['kind'], error: string): void {
  play.record.failures.push({ clusterId: play.life.clusterId, event, error });
}

/** Sends one event until it is taken; true when taken (or, after the life's deletion, rightly refused). */
async function deliver(play: Play, event: ChaosEvent): Promise<boolean> {
  const { record, limits, signal } = play;
  const startedAt = Date.now();
  // A registration may be "pending" for longer than Temporal may take to take a call.
  const giveUpAt = startedAt + (event.kind === 'register' ? Math.max(limits.giveUpMs, limits.pendingGiveUpMs) : limits.giveUpMs);
  for (let attempt = 1; ; attempt++) {
    try {
      await perform(play.lifecycle, play.life.clusterId, event);
      if (event.kind === 'register') registered(play, startedAt);
      return true;
    } catch (error) {
      const text = errorText(error);
      if (error instanceof RegistrationPendingError) {
        // An answer, not a failure: the run has it and keeps retrying. Ask again later.
        record.messages.push(text);
        if (Date.now() - startedAt > limits.pendingGiveUpMs) {
          fail(play, event.kind, `registration still not answered after ${limits.pendingGiveUpMs / 1000} s`);
          return false;
        }
        await sleep(limits.pendingRetryMs, undefined, { signal });
        continue;
      }
      record.messages.push(text);
      if (error instanceof ClusterDeletedError) {
        // A late signal after this life's own deletion: the installer is told so. Expected then, and only then.
        if (play.deleteSent) return true;
        fail(play, event.kind, `deleted before the installer deleted it: ${text}`);
        return false;
      }
      if (error instanceof InvalidInputError || Date.now() > giveUpAt) {
        fail(play, event.kind, text);
        return false;
      }
      record.retries += 1;
      await sleep(Math.min(5_000, 500 * attempt), undefined, { signal });
    }
  }
}

function registered(play: Play, startedAt: number): void {
  play.record.longestRegistrationMs = Math.max(play.record.longestRegistrationMs, Date.now() - startedAt);
}

/** Registration in the background: asks until answered or the cluster is deleted (by this life). */
async function registerInBackground(play: Play, event: ChaosEvent): Promise<void> {
  const startedAt = Date.now();
  const giveUpAt = startedAt + play.limits.pendingGiveUpMs;
  while (Date.now() < giveUpAt) {
    try {
      await perform(play.lifecycle, play.life.clusterId, event);
      registered(play, startedAt);
      return;
    } catch (error) {
      play.record.messages.push(errorText(error));
      if (error instanceof ClusterDeletedError) {
        if (!play.deleteSent) fail(play, 'register', `deleted before the installer deleted it: ${errorText(error)}`);
        return;
      }
      await sleep(play.limits.pendingRetryMs, undefined, { signal: play.signal });
    }
  }
  fail(play, 'register', `registration still not answered after ${play.limits.pendingGiveUpMs / 1000} s`);
}

/** Whether the cluster's run exists, asked until it does or `runAppearsMs` has passed. */
async function runAppears(play: Play): Promise<boolean> {
  const until = Date.now() + play.limits.runAppearsMs;
  const exists = () => play.lifecycle.handle(play.life.clusterId).describe().then(() => true, () => false);
  while (!(await exists())) {
    if (Date.now() > until) return false;
    await sleep(200, undefined, { signal: play.signal });
  }
  return true;
}

export interface DriveOptions {
  /** Stops the life where it is (the run is being torn down): the promise then rejects. */
  signal?: AbortSignal;
  limits?: Partial<DriveLimits>;
}

/** Plays one life from `startedAt`; resolves when every event was delivered (or given up). */
export async function driveLife(lifecycle: ClusterLifecycleClient, life: ChaosLife, startedAt: number, record: DriveRecord, options: DriveOptions = {}): Promise<void> {
  const play: Play = { lifecycle, life, record, limits: { ...DRIVE_LIMITS, ...options.limits }, signal: options.signal, deleteSent: false };
  const background: Promise<void>[] = [];
  for (const { event, atMs } of life.events) {
    await sleep(Math.max(0, startedAt + atMs - Date.now()), undefined, { signal: options.signal });
    if (event.kind === 'register' && event.background) {
      const registration = registerInBackground(play, event);
      registration.catch(() => undefined); // awaited at the end; a teardown before then must not make it unhandled
      background.push(registration);
      // The installer goes on once the cluster's run exists; one that never appears is a failed call.
      if (!(await runAppears(play))) fail(play, 'register', `the run did not exist after ${play.limits.runAppearsMs / 1000} s`);
      continue;
    }
    // Set before sending: the deletion may land although its answer is lost.
    if (event.kind === 'delete') play.deleteSent = true;
    await deliver(play, event);
  }
  await Promise.all(background);
}
