// Everything a workflow test needs, all real: the Java time-skipping Temporal
// server, the AMS emulator over HTTP, the real AMS client and a worker running
// the real workflow bundle. One harness per test file; close() stops it all.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createAmsClient, type AmsClientOptions } from '../../ams/index.js';
import type { AmsClient } from '../../ams/types.js';
import { ClusterLifecycleClient } from '../../client/index.js';
import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.js';
import { bundleWorkflows, createClusterWorker } from '../../worker/create-worker.js';
import { startTimeSkippingServer } from './temporal-env.js';

// Keep test output readable: SDK logs only from ERROR up (activity failures are expected here) (install once per process).
let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

let bundle: Promise<{ code: string }> | undefined;
/** Bundle once per test process: webpack takes seconds. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export interface LifecycleHarness {
  env: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  admin: EmulatorAdmin;
  ams: AmsClient;
  lifecycle: ClusterLifecycleClient;
  taskQueue: string;
  /** Start a worker (default: on the harness task queue), e.g. one with fixed credentials. */
  startWorker(ams?: AmsClient, taskQueue?: string): Promise<RunningWorker>;
  amsClient(overrides?: Partial<AmsClientOptions>): AmsClient;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export async function startLifecycleHarness(
  options: { emulator?: EmulatorOptions; startWorker?: boolean; registrationWaitSeconds?: number } = {},
): Promise<LifecycleHarness> {
  quietRuntime();
  const emulator = await startEmulator({ logger: false, ...options.emulator });
  const env = await startTimeSkippingServer();
  const taskQueue = `test-${randomUUID()}`;
  const workers: RunningWorker[] = [];

  const amsClient = (overrides: Partial<AmsClientOptions> = {}): AmsClient =>
    createAmsClient({
      baseUrl: emulator.url,
      auth: { kind: 'client-credentials', tokenUrl: emulator.tokenUrl, ...emulator.credentials },
      timeoutMs: 5_000,
      ...overrides,
    });
  const ams = amsClient();

  async function startWorker(workerAms: AmsClient = ams, queue = taskQueue): Promise<RunningWorker> {
    const worker = await createClusterWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: queue,
      ams: workerAms,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const handle: RunningWorker = {
      worker,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
    workers.push(handle);
    return handle;
  }
  if (options.startWorker !== false) await startWorker();

  return {
    env,
    emulator,
    admin: new EmulatorAdmin(emulator.url),
    ams,
    lifecycle: new ClusterLifecycleClient({
      client: env.client,
      taskQueue,
      registrationWaitSeconds: options.registrationWaitSeconds ?? 10,
    }),
    taskQueue,
    startWorker,
    amsClient,
    close: async () => {
      for (const w of workers) await w.stop();
      await env.teardown();
      await emulator.close();
    },
  };
}

/** Poll (real time) until `probe` yields a value `accept` likes; fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
  );
}

export const newClusterId = (): string => randomUUID();
