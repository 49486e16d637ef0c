// What the Web UI test runs against, all real: the dev server (scripts/devserver/) with
// its Web UI (real visibility, our search attributes), the AMS emulator over HTTP,
// the real AMS client and a worker running the real workflow bundle. Unlike the
// time-skipping harness, time passes for real here.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createAmsClient } from '../../ams/index.js';
import { ClusterLifecycleClient } from '../../client/index.js';
import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { findFreePort } from '../../scripts/dev/ports.js';
import { createClusterWorker } from '../../worker/create-worker.js';
import { eventually, workflowBundle } from './lifecycle-harness.js';
import { startDevServer } from './temporal-env.js';

export interface WebUiStack {
  env: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  admin: EmulatorAdmin;
  lifecycle: ClusterLifecycleClient;
  /** Base URL of the Web UI, e.g. http://127.0.0.1:40123 */
  uiUrl: string;
  /** Resolves once a visibility query lists exactly these workflow ids (visibility lags a little). */
  waitForVisibility(query: string, workflowIds: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startWebUiStack(): Promise<WebUiStack> {
  // SDK logs from ERROR up only: the failing cluster's activity errors are expected.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const emulator = await startEmulator({ logger: false });
    cleanups.push(() => emulator.close());
    const uiPort = await findFreePort();
    const env = await startDevServer({ uiPort });
    cleanups.push(() => env.teardown());

    const taskQueue = `webui-${randomUUID()}`;
    const worker = await createClusterWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      ams: createAmsClient({
        baseUrl: emulator.url,
        auth: { kind: 'client-credentials', tokenUrl: emulator.tokenUrl, ...emulator.credentials },
        timeoutMs: 5_000,
      }),
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const uiUrl = `http://127.0.0.1:${uiPort}`;
    // The UI server may answer a moment after the frontend does.
    await eventually(() => fetch(uiUrl).then((r) => r.status), (status) => status === 200, { what: `Web UI at ${uiUrl}` });

    const waitForVisibility = async (query: string, workflowIds: string[]) => {
      const listed = async () => {
        const ids: string[] = [];
        for await (const run of env.client.workflow.list({ query })) ids.push(run.workflowId);
        return ids.sort();
      };
      const want = [...workflowIds].sort();
      await eventually(listed, (ids) => JSON.stringify(ids) === JSON.stringify(want), { what: `visibility: ${query}` });
    };

    return {
      env,
      emulator,
      admin: new EmulatorAdmin(emulator.url),
      lifecycle: new ClusterLifecycleClient({ client: env.client, taskQueue, registrationWaitSeconds: 10 }),
      uiUrl,
      waitForVisibility,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
