// Starts what the plan says (Temporal dev server, AMS emulator, worker) in that
// order and stops them in the reverse order: worker first (graceful), then the
// emulator child, then the dev server child, each by its pid.
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { Client, Connection } from '@temporalio/client';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config.js';
import type { StackInfo } from './banner.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process.js';
import type { DevStackPlan } from './options.js';
import { workerEnv } from './options.js';
import { assertPortsFree } from './ports.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { runSetupTools } from './setup-tools.js';
import { startTemporalDevServer, type RunningDevServer } from './temporal-dev-server.js';
import { waitForPollers } from './task-queue.js';
import { startWorker, type RunningWorker } from '../../worker/run-worker.js';
import { ensureSweeperSchedule } from '../../worker/sweeper-schedule.js';

const WORKER_STOP_TIMEOUT_MS = 30_000;

export class DevStack {
  #abort = new AbortController();
  #temporal?: RunningDevServer;
  #emulator?: EmulatorProcess;
  #worker?: RunningWorker;

  constructor(
    readonly plan: DevStackPlan,
    private readonly logger: Logger,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  /** Settles when a child the stack depends on ends on its own (not through stop()). */
  unexpectedExit?: Promise<string>;

  async start(): Promise<StackInfo> {
    const { plan } = this;
    const signal = this.#abort.signal;
    mkdirSync(plan.dataDir, { recursive: true });
    const ports = [];
    if (plan.temporal.kind === 'embedded') {
      ports.push({ port: plan.temporal.port, variable: 'DEV_TEMPORAL_PORT', what: 'Temporal' });
      ports.push({ port: plan.temporal.uiPort, variable: 'DEV_UI_PORT', what: 'Web UI' });
    }
    if (plan.ams.kind === 'emulator') ports.push({ port: plan.ams.port, variable: 'DEV_AMS_PORT', what: 'AMS emulator' });
    await assertPortsFree('127.0.0.1', ports);
    // With a real AMS the worker's settings come from the environment alone: check them before starting anything.
    if (plan.ams.kind === 'external') loadWorkerConfig(workerEnv(this.env, plan.temporal.config));

    if (plan.setupTools) await runSetupTools(this.env);
    signal.throwIfAborted();

    if (plan.temporal.kind === 'embedded') {
      this.logger.info({ address: plan.temporal.config.address }, 'starting the Temporal dev server');
      this.#temporal = await startTemporalDevServer(plan.temporal, { signal, log: (line) => this.logger.warn(line) });
      this.unexpectedExit = this.#temporal.exited.then((code) => `the Temporal dev server exited (code ${code})`);
    } else {
      const added = await ensureSearchAttributes(plan.temporal.config);
      if (added.length) this.logger.info({ namespace: plan.temporal.config.namespace, added }, 'search attributes registered');
    }
    signal.throwIfAborted();

    if (plan.ams.kind === 'emulator') {
      this.#emulator = await startEmulatorProcess(plan.ams, { signal, log: (line) => this.logger.warn(line) });
      this.logger.info({ url: this.#emulator.url, pid: this.#emulator.pid }, 'AMS emulator started');
      const emulatorExited = this.#emulator.exited.then((code) => `the AMS emulator exited (code ${code})`);
      this.unexpectedExit = this.unexpectedExit ? Promise.race([this.unexpectedExit, emulatorExited]) : emulatorExited;
    }
    signal.throwIfAborted();

    const config = loadWorkerConfig(workerEnv(this.env, plan.temporal.config, this.#emulator));
    this.#worker = await startWorker(config, this.logger);
    const workerStopped = this.#worker.done.then(
      () => 'the worker stopped',
      (error: unknown) => `the worker failed: ${(error as Error).message}`,
    );
    this.unexpectedExit = this.unexpectedExit ? Promise.race([this.unexpectedExit, workerStopped]) : workerStopped;
    await this.#untilWorkerPolls(config, signal);

    return {
      uiUrl: this.#temporal?.uiUrl,
      temporal: {
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        dbFile: plan.temporal.kind === 'embedded' ? plan.temporal.dbFile : undefined,
      },
      ams: this.#emulator
        ? { url: this.#emulator.url, tokenUrl: this.#emulator.tokenUrl, ...this.#emulator.credentials, dataFile: plan.ams.kind === 'emulator' ? plan.ams.dataFile : undefined }
        : { url: config.ams.baseUrl },
    };
  }

  /**
   * Ready means ready: the server already sees the worker polling its task queue.
   * Then the sweeper's Schedule (daily, report only) is there too, created or kept.
   */
  async #untilWorkerPolls(config: WorkerConfig, signal: AbortSignal): Promise<void> {
    const { address, namespace, taskQueue, apiKey, tls } = config.temporal;
    const connection = await Connection.connect({ address, apiKey, tls });
    try {
      const client = new Client({ connection, namespace });
      await waitForPollers(client, taskQueue, { signal });
      // A Temporal that refuses Schedules (permissions) must not keep the stack from starting.
      await ensureSweeperSchedule(client, { taskQueue }).then(
        (change) => change !== 'unchanged' && this.logger.info({ change }, 'sweeper schedule (daily, report only)'),
        (error: unknown) => this.logger.warn({ err: error }, 'could not create the sweeper schedule; run: ams-lifecycle sweep --schedule'),
      );
    } finally {
      await connection.close();
    }
  }

  /** Stops everything that was started, the worker first and gracefully. Safe to call twice. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('stopping'));
    if (this.#worker) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, WORKER_STOP_TIMEOUT_MS).unref());
      await Promise.race([this.#worker.stop().catch(() => undefined), timeout]);
      this.#worker = undefined;
    }
    if (this.#emulator) {
      await this.#emulator.stop();
      this.#emulator = undefined;
      this.logger.info('AMS emulator stopped');
    }
    if (this.#temporal) {
      await this.#temporal.stop();
      this.#temporal = undefined;
      this.logger.info('Temporal dev server stopped');
    }
  }
}
