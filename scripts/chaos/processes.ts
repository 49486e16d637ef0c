// The chaos run's stack, each part its own process as in production: a Temporal
// server, the AMS emulator, and two workers on one task queue that can be killed
// (-9) and started again. Worker output goes to files, for the secrets check. Any
// exit nobody asked for is recorded: a crashing worker must not pass for a chaos kill.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { DEFAULT_SERVICE_ACCOUNT } from '../../emulator/options.js';
import { TOKEN_PATH } from '../../emulator/routes/token.js';
import { startProcess, waitUntil, type ManagedProcess } from '../cluster/processes.js';
import { REPO_ROOT } from '../dev/options.js';
import { findFreePort } from '../dev/ports.js';

/** Runs a Node script of this repository (through tsx), its output in `logFile`, with only `env` (plus PATH, HOME). */
function startNode(script: string, args: string[], env: Record<string, string>, logFile: string): ManagedProcess {
  return startProcess(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    logFile,
  });
}

/** Records every exit of a watched process that was not announced with planned() first. */
export class ExitWatch {
  readonly unplanned: string[] = [];
  readonly #planned = new WeakSet<ManagedProcess>();

  watch(child: ManagedProcess, name: string): void {
    void child.exited.then((code) => {
      if (!this.#planned.has(child)) this.unplanned.push(`${name} (pid ${child.pid}) exited on its own (code ${code})`);
    });
  }

  planned(child: ManagedProcess): void {
    this.#planned.add(child);
  }
}

export interface ChaosEmulator {
  url: string;
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string };
  admin: EmulatorAdmin;
  process: ManagedProcess;
  logFile: string;
  /** Where its log goes on past the start banner, which lists the credentials it issues by design. */
  bannerEnd: number;
}

export async function startEmulatorProcess(logDir: string): Promise<ChaosEmulator> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(logDir, 'emulator.log');
  // Errors only: its request lines would flood the log, its errors are worth a secrets scan.
  const emulatorProcess = startNode('emulator/main.ts', ['--port', String(port), '--log-level', 'error'], {}, logFile);
  const admin = new EmulatorAdmin(url);
  try {
    await waitUntil('the AMS emulator answers', emulatorProcess, async () => (await admin.clock()) !== undefined);
  } catch (error) {
    await emulatorProcess.stop(); // not left running when it never answered
    throw error;
  }
  const { clientId, clientSecret } = DEFAULT_SERVICE_ACCOUNT;
  // The banner is printed before the first request is served: once it answers, the banner is there.
  const bannerEnd = statSync(logFile).size;
  return { url, tokenUrl: `${url}${TOKEN_PATH}`, credentials: { clientId, clientSecret }, admin, process: emulatorProcess, logFile, bannerEnd };
}

export interface WorkerSettings {
  temporalAddress: string;
  taskQueue: string;
  emulator: ChaosEmulator;
  bundlePath: string;
  /** Timeout of one AMS request: short, so latency faults outlast it. */
  amsTimeoutMs: number;
  logDir: string;
  exits: ExitWatch;
  /** Starts the worker's process (tests give a stand-in). */
  launch?: (env: Record<string, string>, logFile: string) => ManagedProcess;
}

/** A worker process that can be killed with -9 and started again (same log file, appended). */
export class ChaosWorker {
  #process: ManagedProcess | undefined;
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly settings: WorkerSettings,
  ) {}

  get logFile(): string {
    return join(this.settings.logDir, `${this.name}.log`);
  }

  /** The running process's id (for CPU figures); undefined before the start. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  start(): void {
    const s = this.settings;
    const env = {
      TEMPORAL_ADDRESS: s.temporalAddress,
      TEMPORAL_TASK_QUEUE: s.taskQueue,
      AMS_URL: s.emulator.url,
      AMS_TOKEN_URL: s.emulator.tokenUrl,
      AMS_CLIENT_ID: s.emulator.credentials.clientId,
      AMS_CLIENT_SECRET: s.emulator.credentials.clientSecret,
      AMS_TIMEOUT_MS: String(s.amsTimeoutMs),
      WORKFLOW_BUNDLE_PATH: s.bundlePath,
      LOG_LEVEL: 'info',
    };
    this.#process = s.launch ? s.launch(env, this.logFile) : startNode('worker/main.ts', [], env, this.logFile);
    s.exits.watch(this.#process, this.name);
  }

  /** kill -9: no graceful shutdown, activities in flight are lost with it. True once a running worker has exited. */
  async kill(): Promise<boolean> {
    const child = this.#process;
    // Checked first: a worker that already died on its own stays an unplanned exit.
    if (!child?.running()) return false;
    this.settings.exits.planned(child);
    await child.stop('SIGKILL');
    return true;
  }

  async restart(): Promise<void> {
    this.restarts += 1;
    this.start();
  }

  async stop(): Promise<void> {
    if (!this.#process) return;
    this.settings.exits.planned(this.#process);
    await this.#process.stop('SIGTERM', 10_000);
  }
}
