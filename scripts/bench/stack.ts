// The bench's stack, each part its own process as in the chaos harness (whose starts
// it reuses): the Temporal dev server, the AMS emulator, the project's real worker
// (worker/main.ts with the memory probe preloaded) and the trivial workflow's worker.
// Everything started is registered for stop(), which also runs on Ctrl-C.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { createAmsClient, type AmsClient } from '../../ams/index.js';
import { startProcess, type ManagedProcess } from '../cluster/processes.js';
import { ChaosWorker, ExitWatch, startEmulatorProcess, type ChaosEmulator } from '../chaos/processes.js';
import { startDevTemporal, type ChaosTemporal } from '../chaos/temporal.js';
import { REPO_ROOT } from '../dev/options.js';
import { waitForPollers } from '../dev/task-queue.js';
import { writeWorkflowBundle } from '../bundle-workflows.js';
import { waitFor } from './clusters.js';
import { CONFIG_VARIABLES } from '../../worker/config.js';
import type { CpuTargets } from './cpu.js';
import type { ProbeStats } from './probe.js';
import type { WorkerSettings } from './report.js';
import { TRIVIAL_TASK_QUEUE } from './trivial-workflow.js';

export const BENCH_TASK_QUEUE = 'bench';
/** The production default of one AMS request's timeout (AMS_TIMEOUT_MS). */
const AMS_TIMEOUT_MS = 10_000;

/** The real worker, with the probe answering its memory and cache figures. */
export class BenchWorker {
  constructor(
    readonly worker: ChaosWorker,
    private readonly probeFile: string,
  ) {}

  async stats(options: { gc?: boolean; evicted?: boolean } = {}): Promise<ProbeStats> {
    const { port } = JSON.parse(readFileSync(this.probeFile, 'utf8')) as { port: number };
    const query = new URLSearchParams({ gc: options.gc ? '1' : '0', evicted: options.evicted ? '1' : '0' });
    const response = await fetch(`http://127.0.0.1:${port}/?${query}`);
    if (!response.ok) throw new Error(`the worker's probe answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as ProbeStats;
  }
}

export interface BenchStack {
  dataDir: string;
  temporal: ChaosTemporal;
  emulator: ChaosEmulator;
  client: Client;
  lifecycle: ClusterLifecycleClient;
  /** AMS straight from here, for the non-durable comparison (the activities' own HTTP client). */
  ams: AmsClient;
  worker: BenchWorker;
  /** Stops the current worker and starts a fresh one (a cold cache), sized when `cacheSize` is given. */
  restartWorker(options?: { cacheSize?: number }): Promise<BenchWorker>;
  /** The stack's processes, for CPU figures (the current worker's pid; 'self' is the bench). */
  cpuTargets(): CpuTargets;
  /** The worker's settings behind the figures: its defaults, as the bench passes neither variable. */
  workerSettings: WorkerSettings;
  /** Processes that exited while nobody asked them to (a crashed worker spoils the numbers). */
  unplannedExits: string[];
  stop(): Promise<void>;
}

/**
 * `onStop` gets the stop function at once, so a Ctrl-C during the start stops what has
 * started; a part that finishes starting after that is stopped at once.
 */
export async function startBenchStack(log: (line: string) => void, onStop: (stop: () => Promise<void>) => void): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ams-bench-'));
  const stops: (() => Promise<unknown>)[] = [];
  let stopped: Promise<void> | undefined;
  const report = (error: unknown) => log(`bench: stopping: ${(error as Error).message}`);
  function stop(): Promise<void> {
    stopped ??= (async () => {
      // Last started first: workers before the emulator and the server they talk to.
      while (stops.length > 0) await stops.pop()!().catch(report);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  }
  async function own(stopPart: () => Promise<unknown>): Promise<void> {
    if (!stopped) return void stops.push(stopPart);
    await stopPart().catch(report);
    throw new Error('bench: stopped while starting');
  }
  onStop(stop);
  try {
    log(`bench: starting Temporal, the AMS emulator and the workers (state in ${dataDir})`);
    const temporal = await startDevTemporal(dataDir, () => undefined);
    await own(() => temporal.stop());
    const exits = new ExitWatch();
    const emulator = await startEmulatorProcess(dataDir);
    exits.watch(emulator.process, 'the AMS emulator');
    await own(() => (exits.planned(emulator.process), emulator.process.stop()));
    const connection = await Connection.connect({ address: temporal.address });
    await own(() => connection.close());
    const client = new Client({ connection });

    const trivial = startNode('scripts/bench/trivial-worker.ts', [], { TEMPORAL_ADDRESS: temporal.address }, join(dataDir, 'trivial-worker.log'));
    exits.watch(trivial, 'the trivial workflow worker');
    await own(() => (exits.planned(trivial), trivial.stop('SIGTERM', 10_000)));
    const { path: bundlePath } = await writeWorkflowBundle(join(dataDir, 'workflow-bundle.js'));

    let generation = 0;
    let current: BenchWorker | undefined;
    async function startWorker(cacheSize?: number): Promise<BenchWorker> {
      generation += 1;
      const probeFile = join(dataDir, `probe-${generation}.json`);
      const extra = { BENCH_PROBE_FILE: probeFile, ...(cacheSize !== undefined ? { BENCH_MAX_CACHED_WORKFLOWS: String(cacheSize) } : {}) };
      const settings = {
        temporalAddress: temporal.address,
        taskQueue: BENCH_TASK_QUEUE,
        emulator,
        bundlePath,
        amsTimeoutMs: AMS_TIMEOUT_MS,
        logDir: dataDir,
        exits,
        launch: (env: Record<string, string>, logFile: string) =>
          (launched = startNode('scripts/bench/worker-main.ts', [], { ...env, ...extra }, logFile, ['--expose-gc'])),
      };
      let launched: ManagedProcess | undefined;
      const worker = new ChaosWorker(`worker-${generation}`, settings);
      worker.start();
      await own(() => worker.stop());
      // A worker that exits at start fails the bench at once, with its last lines.
      const exited = launched!.exited.then((code) => Promise.reject(new Error(`the worker exited (code ${code})`)));
      await Promise.race([waitForPollers(client, BENCH_TASK_QUEUE, { timeoutMs: 120_000 }), exited]).catch((error: Error) => {
        throw new Error(`${error.message}; ${worker.logFile} ends:\n${tailOf(worker.logFile)}`);
      });
      exited.catch(() => undefined); // later exits are the ExitWatch's
      // The server lists a stopped worker's pollers for a while: the new worker's own word counts.
      const started = new BenchWorker(worker, probeFile);
      await waitFor('the worker runs', async () => existsSync(probeFile) && (await started.stats()).state === 'RUNNING', 60_000, 200);
      return started;
    }
    current = await startWorker();
    await waitForPollers(client, TRIVIAL_TASK_QUEUE, { timeoutMs: 120_000 });

    const { clientId, clientSecret } = emulator.credentials;
    const ams = createAmsClient({ baseUrl: emulator.url, auth: { kind: 'client-credentials', tokenUrl: emulator.tokenUrl, clientId, clientSecret } });
    const stack: BenchStack = {
      dataDir,
      temporal,
      emulator,
      client,
      lifecycle: new ClusterLifecycleClient({ client, taskQueue: BENCH_TASK_QUEUE, callTimeoutMs: 30_000 }),
      ams,
      worker: current,
      async restartWorker(options = {}) {
        await stack.worker.worker.stop();
        stack.worker = await startWorker(options.cacheSize);
        return stack.worker;
      },
      cpuTargets: () => ({
        server: temporal.pid ?? -1,
        worker: stack.worker.worker.pid ?? -1,
        emulator: emulator.process.pid,
        'trivial worker': trivial.pid,
        bench: 'self',
      }),
      workerSettings: {
        amsMaxActivitiesPerSecond: Number(CONFIG_VARIABLES.AMS_MAX_ACTIVITIES_PER_SECOND.default),
        maxCachedWorkflows: Number(CONFIG_VARIABLES.WORKER_MAX_CACHED_WORKFLOWS.default),
      },
      unplannedExits: exits.unplanned,
      stop,
    };
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

function tailOf(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
}

/** A Node script of this repository through tsx, with only `env` (plus PATH, HOME). */
function startNode(script: string, args: string[], env: Record<string, string>, logFile: string, nodeArgs: string[] = []): ManagedProcess {
  return startProcess(process.execPath, ['--import', 'tsx', ...nodeArgs, join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    logFile,
  });
}
