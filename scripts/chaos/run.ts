// One chaos run: start the stack (Temporal, the AMS emulator, two workers, each its own
// process), play the seeded lives while the seeded faults strike, wait until the work
// settles, then hold AMS against the oracle and look for secrets.
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { waitForPollers } from '../dev/task-queue.js';
import { writeWorkflowBundle } from '../bundle-workflows.js';
import { mapWithConcurrency } from '../demo/pool.js';
import { newDriveRecord, driveLife } from './drive.js';
import { runFaults, scheduleFaults } from './faults.js';
import { planLives, type ChaosLife } from './lives.js';
import { ChaosWorker, startEmulatorProcess } from './processes.js';
import { passed, type ChaosSummary } from './report.js';
import { scanForSecrets } from './secrets.js';
import { startDevTemporal, type ChaosTemporal, type TemporalKind } from './temporal.js';
import { tally, verify, waitUntilSettled, type ClusterVerdict } from './verify.js';

export interface ChaosOptions {
  clusters: number;
  seed: number;
  durationMs: number;
  temporal: TemporalKind;
  settleTimeoutMs: number;
  /** Folder for state and logs (default: a new temp folder). */
  dataDir?: string;
  log?: (line: string) => void;
  /** For the production-shaped cluster: starts it in the data folder. */
  startCluster?: (dataDir: string, log: (line: string) => void) => Promise<ChaosTemporal>;
}

export const CHAOS_DEFAULTS = { clusters: 50, durationSeconds: 60, settleTimeoutSeconds: 600, workers: 2, amsTimeoutMs: 3_000 } as const;

export interface ChaosResult {
  summary: ChaosSummary;
  verdicts: ClusterVerdict[];
  passed: boolean;
  dataDir: string;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ams-chaos-'));
  const lives = planLives({ clusters: options.clusters, seed: options.seed, durationMs: options.durationMs });
  const schedule = scheduleFaults(options.seed, options.durationMs, CHAOS_DEFAULTS.workers, CHAOS_DEFAULTS.amsTimeoutMs);
  log(`chaos: seed ${options.seed}, ${lives.length} clusters, ${schedule.length} faults over ${options.durationMs / 1000} s; state and logs in ${dataDir}`);

  const { path: bundlePath } = await writeWorkflowBundle(join(dataDir, 'workflow-bundle.js'));
  if (options.temporal === 'cluster' && !options.startCluster) throw new Error("temporal 'cluster' needs startCluster");
  const temporal =
    options.temporal === 'cluster' && options.startCluster
      ? await options.startCluster(dataDir, log)
      : await startDevTemporal(dataDir, appendTo(join(dataDir, 'temporal.log')));
  const emulator = await startEmulatorProcess(dataDir);
  const taskQueue = `chaos-${options.seed}`;
  const settings = { temporalAddress: temporal.address, taskQueue, emulator, bundlePath, amsTimeoutMs: CHAOS_DEFAULTS.amsTimeoutMs, logDir: dataDir };
  const workers = Array.from({ length: CHAOS_DEFAULTS.workers }, (_, i) => new ChaosWorker(`worker-${i + 1}`, settings));
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection });
    for (const w of workers) w.start();
    await waitForPollers(client, taskQueue, { timeoutMs: 120_000 });
    const lifecycle = new ClusterLifecycleClient({ client, taskQueue, registrationWaitSeconds: 10 });

    const aged = new Set<string>();
    const record = newDriveRecord();
    const startedAt = Date.now() + 1_000;
    const faultRun = runFaults(
      schedule,
      {
        admin: emulator.admin,
        killWorker: (i) => workers[i]!.kill(),
        startWorker: (i) => workers[i]!.restart(),
        restartTemporal: () => temporal.restart(),
        onAged: (ids) => ids.forEach((id) => aged.add(id)),
        log: (line) => log(`chaos: ${line}`),
      },
      startedAt,
    );
    await Promise.all(lives.map((life) => driveLife(lifecycle, life, startedAt, record)));
    const faults = await faultRun;
    await emulator.admin.clearFaults();
    const driveEnded = Date.now();
    log(`chaos: all events sent after ${((driveEnded - startedAt) / 1000).toFixed(1)} s; waiting for the work to settle`);

    const { views, settledAfterMs } = await waitUntilSettled(lifecycle, lives, options.settleTimeoutMs);
    const runStatus = await runStatuses(lifecycle, lives);
    const { subscriptions } = await emulator.admin.state();
    const verdicts = verify({
      lives,
      views,
      runStatus,
      subscriptions,
      aged,
      ageingHappened: faults['ams-ageing'] > 0,
      installerFailures: new Set(record.failures.map((f) => f.clusterId)),
    });
    for (const v of verdicts.filter((v) => v.problems.length > 0).slice(0, 20)) {
      const entries = await emulator.admin.requests({ cluster_id: v.life.clusterId });
      v.requests = entries.map((e) => `${e.time} ${e.method} ${e.path} → ${e.status} ${e.outcome}${e.faults ? ` [${e.faults.join(',')}]` : ''} ${e.duration_ms} ms`);
    }
    const secrets = await scanForSecrets({
      client,
      workflowIds: lives.map((l) => lifecycle.handle(l.clusterId).workflowId),
      logFiles: workers.map((w) => w.logFile),
      messages: record.messages,
      states: [...views.values()],
      secrets: [emulator.credentials.clientSecret],
      ...(temporal.uiUrl ? { uiUrl: temporal.uiUrl } : {}),
    });
    const summary: ChaosSummary = {
      seed: options.seed,
      temporal: temporal.kind,
      clusters: lives.length,
      events: lives.reduce((sum, l) => sum + l.events.length, 0),
      durationMs: driveEnded - startedAt,
      faults,
      amsCalls: (await emulator.admin.requests()).length,
      settleMs: settledAfterMs,
      settleLimitMs: options.settleTimeoutMs,
      installerRetries: record.retries,
      workerRestarts: workers.reduce((sum, w) => sum + w.restarts, 0),
      counts: tally(verdicts),
      secrets,
    };
    return { summary, verdicts, passed: passed(summary), dataDir };
  } catch (error) {
    log(`chaos: the run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw error;
  } finally {
    await connection.close();
    for (const w of workers) await w.stop();
    await emulator.process.stop();
    await temporal.stop();
  }
}

/** The server's own warnings go to a file: its restarts make it talk a lot. */
function appendTo(file: string): (line: string) => void {
  return (line) => appendFileSync(file, `${line}\n`);
}

async function runStatuses(lifecycle: ClusterLifecycleClient, lives: ChaosLife[]): Promise<Map<string, string>> {
  const statuses = await mapWithConcurrency(lives, 8, (life) =>
    lifecycle.handle(life.clusterId).describe().then((d) => d.status.name as string, () => 'NOT_FOUND'),
  );
  return new Map(lives.map((life, i) => [life.clusterId, statuses[i]!]));
}
