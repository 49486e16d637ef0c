// One chaos run: start the stack (Temporal, the AMS emulator, two workers, each its own
// process), play the seeded lives while the seeded faults strike, wait until the work
// settles, then hold AMS against the oracle and look for secrets.
import { setMaxListeners } from 'node:events';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { Directory } from '../../emulator/directory.js';
import { DEFAULT_USERS } from '../../emulator/options.js';
import { waitForPollers } from '../dev/task-queue.js';
import { writeWorkflowBundle } from '../bundle-workflows.js';
import { newDriveRecord, driveLife } from './drive.js';
import { longestHoldMs, runFaults, scheduleFaults } from './faults.js';
import { planLives } from './lives.js';
import { ChaosWorker, ExitWatch, startEmulatorProcess } from './processes.js';
import { passed, type ChaosSummary } from './report.js';
import { listRuns, runReader } from './runs.js';
import { logFilesIn, scanForSecrets } from './secrets.js';
import { startDevTemporal, type ChaosTemporal, type TemporalKind } from './temporal.js';
import { sweepProblems } from './sweep.js';
import { tally, verify, waitUntilSettled, type Owner, type Verification } from './verify.js';

export interface ChaosOptions {
  clusters: number;
  seed: number;
  durationMs: number;
  temporal: TemporalKind;
  settleTimeoutMs: number;
  /** Folder for state and logs (default: a new temp folder, removed after a pass unless `keep`). */
  dataDir?: string;
  keep?: boolean;
  /** Aborting it (Ctrl-C) stops the whole stack; the run then rejects with its reason. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** For the production-shaped cluster: starts it in the data folder. */
  startCluster?: (dataDir: string, log: (line: string) => void) => Promise<ChaosTemporal>;
}

/** One report-only sweep over the settled state: a few pages and one listing of runs. */
const SWEEP_TIMEOUT_MS = 120_000;

export const CHAOS_DEFAULTS = { clusters: 50, durationSeconds: 60, settleTimeoutSeconds: 600, workers: 2, amsTimeoutMs: 3_000 } as const;

/** AMS must hold still this long once nothing is held any more. */
const STILL_MS = 3_000;

export interface ChaosResult {
  summary: ChaosSummary;
  verification: Verification;
  passed: boolean;
  dataDir: string;
  /** False when the temp folder was removed after a pass. */
  kept: boolean;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ams-chaos-'));
  const stops: (() => Promise<unknown>)[] = [];
  const stopWork = new AbortController(); // ends the fault loop and the lives at teardown
  setMaxListeners(0, stopWork.signal); // every life and strike waits on it at once
  let faultLoop: Promise<unknown> = Promise.resolve();
  /** Registers a started part for teardown; after teardown (an interruption) stops it at once and ends the start-up. */
  async function own(stop: () => Promise<unknown>): Promise<void> {
    if (!stopWork.signal.aborted) return void stops.push(stop);
    await stop().catch(() => undefined);
    stopWork.signal.throwIfAborted();
  }

  async function play(): Promise<ChaosResult> {
    const lives = planLives({ clusters: options.clusters, seed: options.seed, durationMs: options.durationMs });
    const schedule = scheduleFaults(options.seed, options.durationMs, CHAOS_DEFAULTS.workers, CHAOS_DEFAULTS.amsTimeoutMs);
    log(`chaos: seed ${options.seed}, ${lives.length} clusters, ${schedule.length} faults over ${options.durationMs / 1000} s; state and logs in ${dataDir}`);

    // Each part is registered for teardown as soon as it runs: a later start that fails leaks nothing.
    const { path: bundlePath } = await writeWorkflowBundle(join(dataDir, 'workflow-bundle.js'));
    if (options.temporal === 'cluster' && !options.startCluster) throw new Error("temporal 'cluster' needs startCluster");
    const temporal =
      options.temporal === 'cluster' && options.startCluster
        ? await options.startCluster(dataDir, log)
        : await startDevTemporal(dataDir, appendTo(join(dataDir, 'temporal.log')));
    await own(() => temporal.stop());
    const exits = new ExitWatch();
    const emulator = await startEmulatorProcess(dataDir);
    exits.watch(emulator.process, 'the AMS emulator');
    await own(() => {
      exits.planned(emulator.process);
      return emulator.process.stop();
    });
    const taskQueue = `chaos-${options.seed}`;
    const settings = { temporalAddress: temporal.address, taskQueue, emulator, bundlePath, amsTimeoutMs: CHAOS_DEFAULTS.amsTimeoutMs, logDir: dataDir, exits };
    const workers = Array.from({ length: CHAOS_DEFAULTS.workers }, (_, i) => new ChaosWorker(`worker-${i + 1}`, settings));
    const connection = await Connection.connect({ address: temporal.address });
    await own(() => connection.close());
    for (const w of workers) await own(() => w.stop());
    const client = new Client({ connection });
    stopWork.signal.throwIfAborted(); // in the same tick as the starts: none can start after teardown
    for (const w of workers) w.start();
    await waitForPollers(client, taskQueue, { timeoutMs: 120_000 });
    const lifecycle = new ClusterLifecycleClient({ client, taskQueue, registrationWaitSeconds: 10 });

    const aged = new Set<string>();
    const record = newDriveRecord();
    const startedAt = Date.now() + 1_000;
    const targets = {
      admin: emulator.admin,
      killWorker: (i: number) => workers[i]!.kill(),
      startWorker: (i: number) => workers[i]!.restart(),
      restartTemporal: () => temporal.restart(),
      onAged: (ids: string[]) => ids.forEach((id) => aged.add(id)),
      log: (line: string) => log(`chaos: ${line}`),
    };
    const faultRun = runFaults(schedule, targets, startedAt, { signal: stopWork.signal });
    faultLoop = faultRun;
    const drives = Promise.all(lives.map((life) => driveLife(lifecycle, life, startedAt, record, { signal: stopWork.signal })));
    // Together: a fault that fails to strike ends the run at once, not after every life was played.
    const [, faults] = await Promise.all([drives, faultRun]);
    await emulator.admin.clearFaults();
    const rulesGoneAt = Date.now();
    log(`chaos: all events sent after ${((rulesGoneAt - startedAt) / 1000).toFixed(1)} s; waiting for the work to settle`);

    const { views, settledAfterMs } = await waitUntilSettled(lifecycle, lives, options.settleTimeoutMs);
    // A request a fault held commits up to longestHoldMs after its rule is gone; then AMS must hold still.
    await sleep(Math.max(0, rulesGoneAt + longestHoldMs(schedule) + 1_000 - Date.now()));
    const earlierSubscriptions = (await emulator.admin.state()).subscriptions;
    await sleep(STILL_MS);
    const { subscriptions } = await emulator.admin.state();
    const workflowIds = new Map(lives.map((l) => [l.clusterId, lifecycle.handle(l.clusterId).workflowId]));
    const runsById = await listRuns(client, [...workflowIds.values()]);
    const runs = new Map(lives.map((l) => [l.clusterId, runsById.get(workflowIds.get(l.clusterId)!) ?? []]));
    const verification = verify({
      lives,
      views,
      runs,
      subscriptions,
      earlierSubscriptions,
      aged,
      installerFailures: record.failures,
      owners: emulatorOwners(),
      unplannedExits: [...exits.unplanned],
    });
    verification.general.push(...(await sweepProblems(client, taskQueue, SWEEP_TIMEOUT_MS)));
    for (const v of verification.verdicts.filter((v) => v.problems.length > 0).slice(0, 20)) {
      const entries = await emulator.admin.requests({ cluster_id: v.life.clusterId });
      v.requests = entries.map((e) => `${e.time} ${e.method} ${e.path} → ${e.status} ${e.outcome}${e.faults ? ` [${e.faults.join(',')}]` : ''} ${e.duration_ms} ms`);
    }
    const secrets = await scanForSecrets({
      runs: [...runs.values()].flat(),
      ...runReader(client),
      logFiles: logFilesIn(dataDir),
      logStarts: { [emulator.logFile]: emulator.bannerEnd },
      messages: record.messages,
      states: [...views.values()],
      secrets: [emulator.credentials.clientSecret, ...(temporal.secrets ?? [])],
      ...(temporal.uiUrl ? { uiUrl: temporal.uiUrl } : {}),
    });
    const summary: ChaosSummary = {
      seed: options.seed,
      temporal: temporal.kind,
      clusters: lives.length,
      events: lives.reduce((sum, l) => sum + l.events.length, 0),
      durationMs: rulesGoneAt - startedAt,
      faults,
      amsCalls: (await emulator.admin.requests()).length,
      settleMs: settledAfterMs,
      settleLimitMs: options.settleTimeoutMs,
      installerRetries: record.retries,
      longestRegistrationMs: record.longestRegistrationMs,
      workerRestarts: workers.reduce((sum, w) => sum + w.restarts, 0),
      counts: tally(verification),
      secrets,
    };
    return { summary, verification, passed: passed(summary), dataDir, kept: true };
  }

  let result: ChaosResult;
  try {
    const body = play();
    body.catch(() => undefined); // after an interruption it fails against a stopped stack: nobody waits for it then
    result = await Promise.race([body, interrupted(options.signal)]);
  } catch (error) {
    log(`chaos: the run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw error;
  } finally {
    stopWork.abort();
    await faultLoop.catch(() => undefined); // first: it must not start a worker that is being stopped
    const outcomes = await Promise.allSettled(stops.map((stop) => stop()));
    for (const o of outcomes) if (o.status === 'rejected') log(`chaos: stopping the stack: ${o.reason instanceof Error ? o.reason.message : String(o.reason)}`);
  }
  if (result.passed && !options.dataDir && !options.keep) {
    rmSync(dataDir, { recursive: true, force: true });
    result.kept = false;
  }
  return result;
}

/** Rejects when `signal` aborts; never settles without one. */
function interrupted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('interrupted'));
    if (signal?.aborted) fail();
    else signal?.addEventListener('abort', fail, { once: true });
  });
}

/** Who each account is in the emulator (its default users): the creator and organization its subscriptions must carry. */
function emulatorOwners(): Map<string, Owner> {
  const directory = new Directory([], DEFAULT_USERS.map((u) => ({ ...u })));
  return new Map(directory.accounts.map((a) => [a.username, { accountId: a.id, organizationId: a.organization.id }]));
}

/** The server's own warnings go to a file: its restarts make it talk a lot. */
function appendTo(file: string): (line: string) => void {
  return (line) => appendFileSync(file, `${line}\n`);
}
