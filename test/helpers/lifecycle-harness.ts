// Everything a workflow test needs, all real: a Temporal server (the Java
// time-skipping test server, or the dev server (scripts/devserver/) where the real server's
// client semantics matter), the AMS emulator over HTTP, the real AMS client and a
// worker running the real workflow bundle. close() stops it all.
import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { WorkflowHandleWithStartDetails } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowIdForCluster, type WorkflowArgs } from '../../workflows/definitions.js';
import type { clusterSubscription } from '../../workflows/index.js';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createAmsClient, type AmsClientOptions } from '../../ams/index.js';
import type { AmsClient } from '../../ams/types.js';
import { ClusterLifecycleClient } from '../../client/index.js';
import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.js';
import { bundleWorkflows, createClusterWorker } from '../../worker/create-worker.js';
import { connectToServer, startDevServer, startTimeSkippingServer } from './temporal-env.js';

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

/**
 * `time-skipping`: the Java test server, whose timers skip ahead (days of outage in seconds).
 * `dev`: the dev server (production's server on SQLite), a real server: what it decides about starts,
 * updates, signals to closed runs and continue-as-new is what production sees.
 */
export const SERVERS = ['time-skipping', 'dev'] as const;
/** `cluster`: a running production-shaped cluster (scripts/cluster/), named by `cluster`; not a default. */
export type ServerKind = (typeof SERVERS)[number] | 'cluster';

export interface HarnessOptions {
  server?: ServerKind;
  /** With server `cluster`: where it runs (the harness leaves it running). */
  cluster?: { address: string; namespace: string };
  emulator?: EmulatorOptions;
  startWorker?: boolean;
  registrationWaitSeconds?: number;
  /** Deadline of one client call (the library's callTimeoutMs). */
  callTimeoutMs?: number;
}

export interface LifecycleHarness {
  server: ServerKind;
  env: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  admin: EmulatorAdmin;
  ams: AmsClient;
  lifecycle: ClusterLifecycleClient;
  taskQueue: string;
  /** Start a worker (default: on the harness task queue), e.g. one with fixed credentials. */
  startWorker(ams?: AmsClient, taskQueue?: string): Promise<RunningWorker>;
  amsClient(overrides?: Partial<AmsClientOptions>): AmsClient;
  /** Starts a cluster's run directly, as another Temporal client could (no library checks). */
  startRun(clusterId: string, args?: Partial<WorkflowArgs>): Promise<WorkflowHandleWithStartDetails<typeof clusterSubscription>>;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export async function startLifecycleHarness(options: HarnessOptions = {}): Promise<LifecycleHarness> {
  quietRuntime();
  const server = options.server ?? 'time-skipping';
  if (server === 'cluster' && !options.cluster) throw new Error("server 'cluster' needs the cluster option");
  const emulator = await startEmulator({ logger: false, ...options.emulator });
  let env: TestWorkflowEnvironment;
  try {
    env =
      server === 'dev'
        ? await startDevServer()
        : server === 'cluster'
          ? await connectToServer(options.cluster!)
          : await startTimeSkippingServer();
  } catch (error) {
    // Left open, the emulator would keep the test file's process alive after the failed hook.
    await emulator.close();
    throw error;
  }
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
    server,
    env,
    emulator,
    admin: new EmulatorAdmin(emulator.url),
    ams,
    lifecycle: new ClusterLifecycleClient({
      client: env.client,
      taskQueue,
      registrationWaitSeconds: options.registrationWaitSeconds ?? 10,
      ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
    }),
    taskQueue,
    startWorker,
    amsClient,
    startRun: (clusterId, args = {}) =>
      env.client.workflow.start<typeof clusterSubscription>('clusterSubscription', {
        taskQueue,
        workflowId: workflowIdForCluster(clusterId),
        args: [{ clusterId, displayName: 'run', accountUsername: 'alice', ...args }],
      }),
    close: async () => {
      for (const w of workers) await w.stop();
      await env.teardown();
      await emulator.close();
    },
  };
}

/**
 * Defines `suite` once per server (test names say which), each with its own harness,
 * handed to `use` before the suite's tests run. For every test that needs no time
 * skipping: the real server is where client semantics differ from the test server.
 */
export function describeOnServers(
  title: string,
  options: HarnessOptions & { servers?: readonly ServerKind[] },
  use: (h: LifecycleHarness) => void,
  suite: (server: ServerKind) => void,
): void {
  const { servers = SERVERS, ...harnessOptions } = options;
  for (const server of servers) {
    describe(`${title} [${server} server]`, () => {
      let h: LifecycleHarness | undefined;
      before(async () => {
        h = await startLifecycleHarness({ ...harnessOptions, server });
        use(h);
      });
      after(async () => {
        await h?.close();
      });
      suite(server);
    });
  }
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
