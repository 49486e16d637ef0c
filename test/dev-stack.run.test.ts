// `npm start` end to end: the real script as a child process on free ports with a
// temporary data folder. It prints the Web UI first, the UI answers, a registered
// cluster reaches the emulator, SIGINT stops every process it started (exit 0),
// and a second start finds the workflow where it was and carries on with it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ClusterLifecycleClient } from '../client/cluster-client.js';
import { EmulatorAdmin } from '../emulator/admin-client.js';
import { findFreePort } from '../scripts/dev/ports.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions.js';
import { eventually } from './helpers/lifecycle-harness.js';
import { startDevServer } from './helpers/temporal-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'dev-stack-'));
const ports = { temporal: 0, ui: 0, ams: 0 };
const running = new Set<ChildProcess>();

before(async () => {
  ports.temporal = await findFreePort();
  ports.ui = await findFreePort();
  ports.ams = await findFreePort();
});

after(() => {
  for (const child of running) child.kill('SIGKILL'); // only if a test failed half-way
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  banner: string;
  exited: Promise<number | null>;
}

/** Runs scripts/dev-stack.ts and resolves once it printed where everything is. */
function startStack(overrides: Record<string, string> = {}): Promise<Started> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (/^(TEMPORAL_|AMS_)/.test(name)) delete env[name];
  Object.assign(env, {
    DEV_DATA_DIR: dataDir,
    DEV_TEMPORAL_PORT: String(ports.temporal),
    DEV_UI_PORT: String(ports.ui),
    DEV_AMS_PORT: String(ports.ams),
    LOG_LEVEL: 'warn',
    ...overrides,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-stack.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (running.delete(child), resolve(code))));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (/^Ctrl-C stops everything/m.test(stdout)) resolve({ child, banner: stdout, exited });
    });
    void exited.then((code) => reject(new Error(`dev stack exited (${code}) before it was up:\n${stdout}\n${stderr}`)));
  });
}

/** Processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): { pid: number; command: string }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid ? [{ pid: Number(name), command: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') }] : [];
      } catch {
        return []; // it ended while we looked
      }
    });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withLifecycle<T>(
  task: (lifecycle: ClusterLifecycleClient) => Promise<T>,
  { address = `127.0.0.1:${ports.temporal}`, namespace = 'default' } = {},
): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await task(new ClusterLifecycleClient({ client: new Client({ connection, namespace }) }));
  } finally {
    await connection.close();
  }
}

describe('npm start (scripts/dev-stack.ts)', () => {
  const clusterId = randomUUID();
  let subscriptionId: string;

  it('starts Temporal, the Web UI, the emulator and the worker, and says where, the Web UI first', async () => {
    const { child, banner, exited } = await startStack();
    const uiUrl = `http://127.0.0.1:${ports.ui}`;
    const lines = banner.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    assert.equal(lines[at(/Web UI/)]?.trim(), `Web UI         ${uiUrl}`);
    assert.ok(at(/Web UI/) < at(/^ {2}Temporal /), 'Web UI first');
    assert.match(banner, new RegExp(`Temporal +127\\.0\\.0\\.1:${ports.temporal} \\(namespace default, task queue ams-lifecycle\\)`));
    assert.match(banner, new RegExp(`AMS emulator +http://127\\.0\\.0\\.1:${ports.ams}`));
    assert.match(banner, /client id ams-lifecycle, client secret emulator-secret/);
    assert.match(banner, /npx ams-lifecycle demo --clusters 20/);

    const ui = await fetch(uiUrl);
    assert.equal(ui.status, 200);
    await ui.body?.cancel();

    ({ subscriptionId } = await withLifecycle((l) => l.registerCluster({ clusterId, displayName: 'laptop-1', accountUsername: 'alice' })));
    const admin = new EmulatorAdmin(`http://127.0.0.1:${ports.ams}`);
    const sub = (await admin.state()).subscriptions.find((s) => s.cluster_id === clusterId);
    assert.equal(sub?.id, subscriptionId);
    assert.equal(sub?.status, 'Reserved');
    assert.ok(existsSync(join(dataDir, 'temporal.sqlite')));
    // The emulator writes its file behind (within its flush interval, 1 s by default).
    await eventually(async () => existsSync(join(dataDir, 'ams.sqlite')), Boolean, { what: 'data/ams.sqlite written', timeoutMs: 5_000 });

    const children = childrenOf(child.pid!);
    assert.ok(children.some((c) => c.command.includes('tools/bin/temporal-dev-server server start-dev')), JSON.stringify(children));
    assert.ok(children.some((c) => c.command.includes('emulator/main.ts')), `the emulator runs in its own process: ${JSON.stringify(children)}`);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    // The dev server is gone when the stack exits; tsx's esbuild helper ends when its pipe closes.
    assert.equal(isAlive(children.find((c) => c.command.includes('tools/bin/temporal'))!.pid), false, 'dev server stopped');
    await eventually(async () => children.filter((c) => isAlive(c.pid)), (alive) => alive.length === 0, { what: 'every child gone', timeoutMs: 5_000 });
  });

  it('a second start finds the workflow where it was, and the worker carries on with it', async () => {
    const { child, exited } = await startStack();
    try {
      const view = await withLifecycle((l) => l.getClusterState(clusterId));
      assert.equal(view.subscriptionId, subscriptionId);
      assert.equal(view.phase, 'registered');
      assert.equal(view.applied.display_name, 'laptop-1');
      assert.equal(view.done, false);

      await withLifecycle((l) => l.renameCluster(clusterId, 'laptop-2'));
      const admin = new EmulatorAdmin(`http://127.0.0.1:${ports.ams}`);
      const renamed = await eventually(
        async () => (await admin.state()).subscriptions.find((s) => s.cluster_id === clusterId),
        (s) => s?.display_name === 'laptop-2',
        { what: 'the rename applied to the same subscription' },
      );
      assert.equal(renamed?.id, subscriptionId);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
  });
});

describe('npm start with an external Temporal (TEMPORAL_ADDRESS)', () => {
  it('starts no dev server, registers the missing search attributes, and runs the emulator and worker against it', async () => {
    const external = await startDevServer();
    const namespace = `external-${randomUUID()}`;
    const otherData = mkdtempSync(join(tmpdir(), 'dev-stack-external-'));
    try {
      await external.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      const amsPort = await findFreePort();
      const { child, banner, exited } = await startStack({
        TEMPORAL_ADDRESS: external.address,
        TEMPORAL_NAMESPACE: namespace,
        DEV_AMS_PORT: String(amsPort),
        DEV_DATA_DIR: otherData,
      });
      try {
        assert.match(banner, new RegExp(`Web UI +not started here: Temporal at ${external.address} is external`));
        assert.match(banner, new RegExp(`AMS emulator +http://127\\.0\\.0\\.1:${amsPort}`));
        assert.deepEqual(childrenOf(child.pid!).filter((c) => c.command.includes('temporal')), []);
        const { customAttributes } = await external.connection.operatorService.listSearchAttributes({ namespace });
        for (const key of SEARCH_ATTRIBUTE_KEYS) assert.ok(key.name in (customAttributes ?? {}), `${key.name} registered`);

        const clusterId = randomUUID();
        const { subscriptionId } = await withLifecycle((l) => l.registerCluster({ clusterId, displayName: 'ext-1', accountUsername: 'bob' }), {
          address: external.address,
          namespace,
        });
        const subs = (await new EmulatorAdmin(`http://127.0.0.1:${amsPort}`).state()).subscriptions;
        assert.equal(subs.find((s) => s.cluster_id === clusterId)?.id, subscriptionId);
      } finally {
        child.kill('SIGINT');
      }
      assert.equal(await exited, 0);
    } finally {
      await external.teardown();
      rmSync(otherData, { recursive: true, force: true });
    }
  });
});
