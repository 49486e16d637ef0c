// The chaos run's stack, each part its own process as in production: a Temporal
// server, the AMS emulator, and two workers on one task queue that can be killed
// (-9) and started again. Worker output goes to files, for the secrets check.
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

export interface ChaosEmulator {
  url: string;
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string };
  admin: EmulatorAdmin;
  process: ManagedProcess;
}

export async function startEmulatorProcess(logDir: string): Promise<ChaosEmulator> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const emulatorProcess = startNode('emulator/main.ts', ['--port', String(port), '--log-level', 'silent'], {}, join(logDir, 'emulator.log'));
  const admin = new EmulatorAdmin(url);
  await waitUntil('the AMS emulator answers', emulatorProcess, async () => (await admin.clock()) !== undefined);
  const { clientId, clientSecret } = DEFAULT_SERVICE_ACCOUNT;
  return { url, tokenUrl: `${url}${TOKEN_PATH}`, credentials: { clientId, clientSecret }, admin, process: emulatorProcess };
}

export interface WorkerSettings {
  temporalAddress: string;
  taskQueue: string;
  emulator: ChaosEmulator;
  bundlePath: string;
  /** Timeout of one AMS request: short, so latency faults outlast it. */
  amsTimeoutMs: number;
  logDir: string;
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

  start(): void {
    const s = this.settings;
    this.#process = startNode(
      'worker/main.ts',
      [],
      {
        TEMPORAL_ADDRESS: s.temporalAddress,
        TEMPORAL_TASK_QUEUE: s.taskQueue,
        AMS_URL: s.emulator.url,
        AMS_TOKEN_URL: s.emulator.tokenUrl,
        AMS_CLIENT_ID: s.emulator.credentials.clientId,
        AMS_CLIENT_SECRET: s.emulator.credentials.clientSecret,
        AMS_TIMEOUT_MS: String(s.amsTimeoutMs),
        WORKFLOW_BUNDLE_PATH: s.bundlePath,
        LOG_LEVEL: 'info',
      },
      this.logFile,
    );
  }

  /** kill -9: no graceful shutdown, activities in flight are lost with it. */
  async kill(): Promise<void> {
    await this.#process?.stop('SIGKILL');
  }

  async restart(): Promise<void> {
    this.restarts += 1;
    this.start();
  }

  async stop(): Promise<void> {
    await this.#process?.stop('SIGTERM', 10_000);
  }
}
