// Every CLI command against the real stack (Temporal dev server with visibility,
// AMS emulator, worker), embedded through the dev stack's own code: what the
// user sees on stdout/stderr and the exit code, and what AMS then holds.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { EXIT, runCli } from '../cli/index.js';
import { EmulatorAdmin } from '../emulator/admin-client.js';
import { GLOBEX_ORG_ID } from '../emulator/index.js';
import type { StackInfo } from '../scripts/dev/banner.js';
import { workflowPollers } from '../client/pollers.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { startEmbeddedStack, type EmbeddedStack } from './helpers/embedded-stack.js';
import { eventually } from './helpers/lifecycle-harness.js';

const BIN = fileURLToPath(new URL('../bin/ams-lifecycle.mjs', import.meta.url));
let embedded: EmbeddedStack;
let info: StackInfo;
let admin: EmulatorAdmin;
let env: Record<string, string>;

before(async () => {
  embedded = await startEmbeddedStack('cli-commands-');
  info = embedded.info;
  admin = new EmulatorAdmin(info.ams.url);
  env = { TEMPORAL_ADDRESS: info.temporal.address, AMS_URL: info.ams.url };
});

after(async () => {
  await embedded?.stop();
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), progressStream: new PassThrough(), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(...args);
  assert.equal(code, EXIT.ok, `${args.join(' ')}: ${stderr}`);
  return stdout;
}

const state = async (clusterId: string) => JSON.parse(await ok('--json', 'status', clusterId)) as ClusterStateView;
const subscriptionsOf = async (clusterId: string) => (await admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId);

describe('lifecycle commands', () => {
  const clusterId = randomUUID();
  const openshiftId = randomUUID();
  const consoleUrl = 'https://console-openshift-console.apps.prod-east.example.com';
  let subscriptionId: string;

  it('register prints the subscription id that AMS now holds as Reserved; again the same id', async () => {
    subscriptionId = await ok('register', clusterId, '--name', 'prod-east', '--account', 'alice');
    assert.match(subscriptionId, /^\w{10,}$/);
    const [sub, ...others] = await subscriptionsOf(clusterId);
    assert.deepEqual(others, []);
    assert.equal(sub?.id, subscriptionId);
    assert.equal(sub?.status, 'Reserved');
    assert.equal(sub?.display_name, 'prod-east');
    const again = JSON.parse(await ok('--json', 'register', clusterId, '--name', 'prod-east', '--account', 'alice'));
    assert.equal(again.subscriptionId, subscriptionId);
    assert.equal(again.workflowId, `cluster-subscription-${clusterId}`);
  });

  it('rename, OpenShift id, console URL and installed make it Active with those values', async () => {
    assert.match(await ok('rename', clusterId, 'prod-east-2'), /rename sent \(prod-east-2\)/);
    await ok('set-openshift-id', clusterId, openshiftId);
    await ok('set-console-url', clusterId, consoleUrl);
    const sent = JSON.parse(await ok('--json', 'installed', clusterId));
    assert.deepEqual(sent, { ok: true, clusterId, event: 'install succeeded' });
    const view = await eventually(() => state(clusterId), (v) => v.applied.status === 'Active' && v.pending.length === 0, { what: 'Active' });
    assert.equal(view.phase, 'installed');
    assert.deepEqual(view.applied, { display_name: 'prod-east-2', external_cluster_id: openshiftId, console_url: consoleUrl, status: 'Active' });
    const [sub] = await subscriptionsOf(clusterId);
    assert.equal(sub?.status, 'Active');
    assert.equal(sub?.display_name, 'prod-east-2');
    assert.equal(sub?.external_cluster_id, openshiftId);
    assert.equal(sub?.console_url, consoleUrl);
  });

  it('status shows desired vs applied, phase and pending work in a table', async () => {
    const text = await ok('status', clusterId);
    assert.match(text, /^Phase: +installed$/m);
    assert.match(text, new RegExp(`^AMS subscription: ${subscriptionId}$`, 'm'));
    assert.match(text, new RegExp(`│ external_cluster_id +│ ${openshiftId} +│ ${openshiftId} +│`));
    assert.match(text, /^Pending AMS work: none$/m);
    assert.match(text, /^Last AMS error: +none$/m);
    assert.match(text, new RegExp(`^Telemetry: +waiting \\(OpenShift id ${openshiftId}, 0 check\\(s\\); next check \\S+Z\\)$`, 'm'));
    assert.match(text, /^Drift check: +next \S+Z$/m);
  });

  it('list finds it by phase, by status and by a raw query, and refuses a bad query', async () => {
    const listed = async (...args: string[]) => JSON.parse(await ok('--json', 'list', ...args)) as { clusterId: string }[];
    const byPhase = await eventually(() => listed('--phase', 'installed'), (items) => items.some((i) => i.clusterId === clusterId), { what: 'listed' });
    assert.ok(byPhase.length >= 1);
    const byQuery = await listed('--status', 'Active', '--query', `ClusterId = '${clusterId}'`);
    assert.deepEqual(byQuery.map((i) => i.clusterId), [clusterId]);
    assert.deepEqual(await listed('--status', 'Reserved', '--query', `ClusterId = '${clusterId}'`), []);
    assert.match(await ok('list', '--query', `OpenshiftClusterId = '${openshiftId}'`), new RegExp(`${clusterId} +│ installed +│ ${subscriptionId} +│ Active`));
    const bad = await cli('list', '--query', 'ClusterId = ');
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.stderr, /^ams-lifecycle: --query: Temporal refused the list query/);
  });

  it('deleting an installed cluster leaves the Active subscription; then rename is exit 4, delete again exit 0', async () => {
    await ok('delete', clusterId);
    await eventually(() => state(clusterId), (v) => v.done, { what: 'workflow finished' });
    assert.equal((await subscriptionsOf(clusterId))[0]?.status, 'Active');
    const rename = await cli('--json', 'rename', clusterId, 'too-late');
    assert.equal(rename.code, EXIT.deleted);
    assert.equal(JSON.parse(rename.stderr).error.code, 'cluster-deleted');
    const again = JSON.parse(await ok('--json', 'delete', clusterId));
    assert.equal(again.alreadyDeleted, true);
  });

  it('install failed, restarted, then garbage-collected: the Reserved subscription is deleted', async () => {
    const other = randomUUID();
    await ok('register', other, '--name', 'lab-west', '--account', 'bob');
    await ok('set-openshift-id', other, randomUUID());
    await ok('install-failed', other, '--reason', 'disk too small');
    await ok('restart-install', other);
    assert.equal((await state(other)).phase, 'installing');
    assert.match(await ok('delete', other, '--by', 'garbage-collection'), /deletion \(by garbage-collection\) sent/);
    const view = await eventually(() => state(other), (v) => v.done, { what: 'deleted' });
    assert.deepEqual({ by: view.deletion?.by, outcome: view.deletion?.outcome }, { by: 'garbage-collection', outcome: 'deleted' });
    assert.deepEqual(await subscriptionsOf(other), []);
  });
});

describe('failures and their exit codes', () => {
  it('an unknown cluster: exit 3 for status and signals; delete has nothing to do (exit 0)', async () => {
    const unknown = randomUUID();
    for (const args of [['status', unknown], ['rename', unknown, 'x'], ['installed', unknown]]) {
      const { code, stderr } = await cli(...args);
      assert.equal(code, EXIT.notFound, args.join(' '));
      assert.equal(stderr, `ams-lifecycle: cluster ${unknown} is not registered`);
    }
    const { code, stdout } = await cli('--json', 'delete', unknown);
    assert.equal(code, EXIT.ok);
    assert.deepEqual(JSON.parse(stdout), { ok: true, clusterId: unknown, event: 'deleted', by: 'user', alreadyDeleted: true });
  });

  it('no worker polls the task queue: exit 9 within the deadline, saying so', async () => {
    const started = Date.now();
    const { code, stderr } = await cli('--timeout', '2', '--task-queue', 'nobody-polls-this', 'register', randomUUID(), '--name', 'n', '--account', 'alice', '--wait', '1');
    assert.equal(code, EXIT.timeout, stderr);
    assert.match(stderr, /no answer within 3 s: no worker is polling task queue 'nobody-polls-this'/);
    assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
  });

  it('registration refused by AMS (quota): exit 5 with the AMS error', async () => {
    await admin.setQuota({ organization_id: GLOBEX_ORG_ID, max_clusters: 0, status: 403 });
    try {
      const { code, stderr } = await cli('--json', 'register', randomUUID(), '--name', 'over-quota', '--account', 'carol');
      assert.equal(code, EXIT.refused);
      const { error } = JSON.parse(stderr);
      assert.equal(error.code, 'registration-refused');
      assert.equal(error.amsError.status, 403);
      assert.match(error.message, /AMS refused the registration/);
    } finally {
      await admin.setQuota({ organization_id: GLOBEX_ORG_ID, max_clusters: null });
    }
  });

  it('registration pending while AMS fails: exit 6, and the workflow keeps trying', async () => {
    const fault = await admin.addFault({ kind: 'error', status: 503, method: 'POST', route: '/api/accounts_mgmt/v1/cluster_authorizations' });
    const clusterId = randomUUID();
    try {
      const { code, stderr } = await cli('register', clusterId, '--name', 'waiting', '--account', 'alice', '--wait', '1');
      assert.equal(code, EXIT.pending);
      assert.match(stderr, new RegExp(`^ams-lifecycle: the AMS subscription of cluster ${clusterId} is not created yet; the workflow keeps retrying`));
      const view = await state(clusterId);
      assert.deepEqual(view.pending, [{ kind: 'create' }]);
    } finally {
      await admin.removeFault(fault.id);
    }
  });
});

/** Collects a child's stdout until `accept` finds what it waits for. */
function waitForStdout<T>(child: ChildProcess, accept: (text: string) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    let text = '';
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.stdout?.on('data', (chunk) => {
      text += chunk;
      const found = accept(text);
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before the expected output:\n${text}\n${stderr}`)));
  });
}

const exitCode = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('long-running commands (through bin/ams-lifecycle.mjs)', () => {
  it('emulator --port 0 --json prints where it listens, serves, and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, '--json', 'emulator', '--port', '0', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = await waitForStdout(child, (text) => {
      try {
        return JSON.parse(text) as { url: string; tokenUrl: string; credentials: { clientId: string } };
      } catch {
        return undefined;
      }
    });
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(started.credentials.clientId, 'ams-lifecycle');
    assert.equal((await fetch(`${started.url}/_emulator/state`)).status, 200);
    const exited = exitCode(child);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  });

  it('worker runs from the environment, serves registrations, and exits 0 on SIGINT', async () => {
    const taskQueue = `cli-worker-${randomUUID()}`;
    const child = spawn(process.execPath, [BIN, 'worker'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: info.temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        AMS_URL: info.ams.url,
        AMS_TOKEN_URL: info.ams.tokenUrl,
        AMS_CLIENT_ID: info.ams.clientId,
        AMS_CLIENT_SECRET: info.ams.clientSecret,
        LOG_LEVEL: 'warn',
      },
    });
    const exited = exitCode(child);
    const connection = await Connection.connect({ address: info.temporal.address });
    try {
      const client = new Client({ connection });
      const identity = `${child.pid}@${hostname()}`;
      await eventually(() => workflowPollers(client, taskQueue), (pollers) => pollers.some((p) => p.identity === identity), {
        what: 'the worker polling',
        timeoutMs: 60_000,
      });
      const clusterId = randomUUID();
      const subscriptionId = await ok('--task-queue', taskQueue, 'register', clusterId, '--name', 'by-cli-worker', '--account', 'alice');
      assert.equal((await subscriptionsOf(clusterId))[0]?.id, subscriptionId);
    } finally {
      await connection.close();
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
  });
});
