// The demo: its plan is a function of the seed, its verdict follows the design's
// rules, and a real run against the stack (dev server, worker, emulator, embedded
// through the dev stack's code) ends with every row matching.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { ClusterLifecycleClient } from '../client/cluster-client.js';
import { EXIT, runCli } from '../cli/index.js';
import type { Subscription } from '../emulator/admin-client.js';
import type { StackInfo } from '../scripts/dev/banner.js';
import { DemoSetupError, expectedSubscription, OUTCOMES, planDemo, runDemo, type ClusterLife } from '../scripts/demo/index.js';
import { compareSubscription } from '../scripts/demo/verify.js';
import { startEmbeddedStack, type EmbeddedStack } from './helpers/embedded-stack.js';

const count = (lives: ClusterLife[], outcome: string) => lives.filter((l) => l.outcome === outcome).length;

describe('demo plan', () => {
  it('is the same for the same seed and differs for another', () => {
    assert.deepEqual(planDemo({ clusters: 30, seed: 7 }), planDemo({ clusters: 30, seed: 7 }));
    assert.notDeepEqual(planDemo({ clusters: 30, seed: 7 }), planDemo({ clusters: 30, seed: 8 }));
  });

  it('12 clusters: mostly installs, and every other life at least once', () => {
    const lives = planDemo({ clusters: 12, seed: 1 });
    assert.deepEqual(
      Object.fromEntries(OUTCOMES.map(({ outcome }) => [outcome, count(lives, outcome)])),
      { installed: 6, 'restarted-installed': 2, failed: 1, 'deleted-by-user': 1, 'garbage-collected': 1, 'installed-then-deleted': 1 },
    );
    assert.equal(new Set(lives.map((l) => l.clusterId)).size, 12);
    for (const life of lives) assert.equal(life.steps[0]?.step.kind, 'register');
  });

  it('some clusters get renamed one to three times, never after their deletion', () => {
    const lives = planDemo({ clusters: 60, seed: 3 });
    const renames = lives.map((l) => l.steps.filter((s) => s.step.kind === 'rename').length);
    assert.ok(renames.some((n) => n === 0) && renames.some((n) => n > 0));
    assert.ok(renames.every((n) => n <= 3));
    for (const life of lives) {
      const kinds = life.steps.map((s) => s.step.kind);
      if (kinds.includes('delete')) assert.equal(kinds.at(-1), 'delete');
    }
  });
});

describe('what the design says AMS must hold', () => {
  const life = (outcome: ClusterLife['outcome'], ...steps: ClusterLife['steps'][number]['step'][]): ClusterLife => ({
    index: 0,
    clusterId: 'c',
    outcome,
    steps: steps.map((step) => ({ step, pauseMs: 0 })),
  });
  const register = { kind: 'register', name: 'a', account: 'alice' } as const;

  it('installed: Active with the last name, id and console URL, also when deleted afterwards', () => {
    const installed = life('installed-then-deleted', register, { kind: 'openshift-id', id: 'x1' }, { kind: 'rename', name: 'b' }, { kind: 'console-url', url: 'https://c' }, { kind: 'installed' }, { kind: 'delete', by: 'user' });
    assert.deepEqual(expectedSubscription(installed), { status: 'Active', display_name: 'b', external_cluster_id: 'x1', console_url: 'https://c' });
  });

  it('failed: Reserved keeping the obsolete id; restarted: the new id wins', () => {
    const failed = life('failed', register, { kind: 'openshift-id', id: 'x1' }, { kind: 'install-failed', reason: 'r' });
    assert.deepEqual(expectedSubscription(failed), { status: 'Reserved', display_name: 'a', external_cluster_id: 'x1' });
    const restarted = life('restarted-installed', register, { kind: 'openshift-id', id: 'x1' }, { kind: 'install-failed', reason: 'r' }, { kind: 'restart' }, { kind: 'openshift-id', id: 'x2' }, { kind: 'installed' });
    assert.equal(expectedSubscription(restarted)?.external_cluster_id, 'x2');
  });

  it('deleted before install (user or garbage collection): no subscription at all', () => {
    assert.equal(expectedSubscription(life('garbage-collected', register, { kind: 'delete', by: 'garbage-collection' })), null);
  });

  it('each difference is reported with the field, what AMS has and what the design says', () => {
    const failed = life('failed', register, { kind: 'openshift-id', id: 'x1' }, { kind: 'install-failed', reason: 'r' });
    const sub = { id: 's1', status: 'Active', display_name: 'a', external_cluster_id: 'x0' } as Subscription;
    assert.deepEqual(compareSubscription(failed, [sub]), [
      "status is 'Active'; the design says 'Reserved'",
      "external_cluster_id is 'x0'; the design says 'x1'",
    ]);
    assert.deepEqual(compareSubscription(failed, []), ['no subscription; the design says Reserved']);
    const gc = life('garbage-collected', register, { kind: 'delete', by: 'garbage-collection' });
    assert.deepEqual(compareSubscription(gc, [{ ...sub, status: 'Reserved' }]), ["subscription s1 (Reserved) still exists; the design says it must be deleted"]);
  });
});

describe('demo against the running stack', () => {
  let embedded: EmbeddedStack;
  let info: StackInfo;
  let connection: Connection;
  let client: Client;
  let lifecycle: ClusterLifecycleClient;

  before(async () => {
    embedded = await startEmbeddedStack('demo-');
    info = embedded.info;
    connection = await Connection.connect({ address: info.temporal.address });
    client = new Client({ connection });
    lifecycle = new ClusterLifecycleClient({ client });
  });

  after(async () => {
    await connection?.close();
    await embedded?.stop();
  });

  it('12 clusters: every outcome row matches the design, with the AMS calls counted; progress shown', async () => {
    const progress = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    let drawn = '';
    progress.on('data', (chunk) => (drawn += chunk));
    const result = await runDemo({ clusters: 12, seed: 20_241_125, client, lifecycle, amsUrl: info.ams.url, maxPauseMs: 50, progress });
    assert.deepEqual(result.problems, []);
    assert.equal(result.allMatch, true);
    assert.deepEqual(result.rows.map((r) => r.outcome), OUTCOMES.map((o) => o.outcome));
    assert.equal(result.rows.reduce((sum, r) => sum + r.count, 0), 12);
    for (const row of result.rows) {
      assert.equal(row.matches, true, row.label);
      assert.equal(row.matching, row.count);
      // Every life made at least the look-up and the create.
      assert.ok(row.amsCalls >= 2 * row.count, `${row.label}: ${row.amsCalls} AMS calls`);
    }
    assert.match(drawn, /demo \[.*\] \d+\/\d+ /);
  });

  it('the same seed twice is refused (its clusters exist), naming the seed', async () => {
    await assert.rejects(
      runDemo({ clusters: 12, seed: 20_241_125, client, lifecycle, amsUrl: info.ams.url }),
      (error: unknown) => error instanceof DemoSetupError && /--seed 20241125: its clusters were already run/.test(error.message),
    );
  });

  it('through the CLI: --json result and exit 0; without an emulator exit 2 naming the URL', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), progressStream: new PassThrough() };
    const env = { TEMPORAL_ADDRESS: info.temporal.address, AMS_URL: info.ams.url };
    const seed = String(Math.floor(Math.random() * 2 ** 31));
    const code = await runCli(['--json', 'demo', '--clusters', '4', '--seed', seed], { ...io, env });
    assert.equal(code, EXIT.ok, err.join('\n'));
    const result = JSON.parse(out.join('\n'));
    assert.equal(result.allMatch, true);
    assert.equal(result.clusters, 4);
    assert.equal(result.seed, Number(seed));

    const noEmulator = await runCli(['demo', '--clusters', '1', '--ams-url', 'http://127.0.0.1:1'], { ...io, env });
    assert.equal(noEmulator, EXIT.usage);
    assert.match(err.at(-1)!, /^ams-lifecycle: no AMS emulator at http:\/\/127\.0\.0\.1:1 /);
  });

  it('refuses to run without a worker on the task queue', async () => {
    const alone = new ClusterLifecycleClient({ client, taskQueue: `nobody-${randomUUID()}` });
    await assert.rejects(
      runDemo({ clusters: 1, seed: 5, client, lifecycle: alone, amsUrl: info.ams.url }),
      /no worker polls task queue 'nobody-/,
    );
  });
});
