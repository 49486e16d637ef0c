// The installer's calls never hang: with no worker polling the task queue (a deploy,
// a crash) each call answers within its deadline with an error that says so, and
// signals sent meanwhile are kept and applied once a worker is back.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { findFreePort } from '../scripts/dev/ports.js';
import { LifecycleTimeoutError } from '../client/index.js';
import { ClusterLifecycleClient } from '../client/cluster-client.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

/** Resolves with how long the call took and what it threw. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, error };
}

/** The diagnosis after a miss (a second and a half) and the client's own backstop (a second), with some slack. */
const AFTER_DEADLINE_MS = 3_500;

describeOnServers('deadlines with no worker polling', { startWorker: false, registrationWaitSeconds: 2, callTimeoutMs: 2_000 }, use, (server) => {
  // The dev server lists the pollers of a task queue; the test server cannot tell.
  const idle = server === 'dev' ? 'no-worker' : 'unknown';

  it('registerCluster answers within its wait plus the call timeout, naming the idle task queue', async () => {
    const clusterId = newClusterId();
    const { ms, error } = await timed(() => h.lifecycle.registerCluster({ clusterId, displayName: 'run', accountUsername: 'alice' }));
    assert.ok(error instanceof LifecycleTimeoutError, String(error));
    assert.equal(error.reason, idle);
    assert.equal(error.operation, 'registerCluster');
    assert.match(error.message, new RegExp(`no worker (is polling|answered on) task queue '${h.taskQueue}'`));
    assert.ok(ms < 4_000 + AFTER_DEADLINE_MS, `answered after ${ms} ms (deadline 4 s)`);
  });

  it('getClusterState of a run no worker serves times out the same way', async () => {
    const clusterId = newClusterId();
    await h.startRun(clusterId);
    const { ms, error } = await timed(() => h.lifecycle.getClusterState(clusterId));
    assert.ok(error instanceof LifecycleTimeoutError, String(error));
    assert.equal(error.reason, idle);
    assert.ok(ms < 2_000 + AFTER_DEADLINE_MS, `answered after ${ms} ms`);
  });

  it('signals need no worker: they are kept, and applied once a worker polls again', async () => {
    const clusterId = newClusterId();
    await h.startRun(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'renamed-while-down');
    const worker = await h.startWorker();
    try {
      const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'run', accountUsername: 'alice' });
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'renamed-while-down', {
        what: 'the rename sent while no worker ran',
      });
    } finally {
      await worker.stop();
    }
  });

  it('Temporal itself unreachable: the call fails within its deadline instead of retrying for ever', async () => {
    const port = await findFreePort(); // nothing listens there
    const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
    try {
      const unreachable = new ClusterLifecycleClient({ client: new Client({ connection }), taskQueue: h.taskQueue, callTimeoutMs: 1_500 });
      const { ms, error } = await timed(() => unreachable.renameCluster(newClusterId(), 'x'));
      assert.ok(error instanceof LifecycleTimeoutError, String(error));
      assert.equal(error.reason, 'temporal-unreachable');
      assert.ok(ms < 1_500 + AFTER_DEADLINE_MS, `answered after ${ms} ms`);
    } finally {
      await connection.close();
    }
  });
});
