// The sweeper against the emulator over HTTP, on both servers: what it reports as a
// leak (and what it must not), duplicates per cluster_id, open runs whose subscription
// is gone (dev server: the Java test server cannot list runs), and deleteLeaked
// deleting exactly the leaks through the guarded activity.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { workflowIdForCluster } from '../workflows/definitions.js';
import { sweepProgressQuery, sweepResultKey, type SweepResult } from '../workflows/sweeper-definitions.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';
import { amsIds, currentDetails, plant, removeFromAms, startSweep, sweep } from './helpers/sweeper-plant.js';

let h: LifecycleHarness;
/** Cluster runs a test left open: terminated after it, so the next test's AMS is the only truth. */
let opened: string[] = [];

async function register(clusterId: string): Promise<string> {
  opened.push(clusterId);
  return (await h.lifecycle.registerCluster({ clusterId, displayName: 'swept', accountUsername: 'alice' })).subscriptionId;
}

/** A cluster driven through the client library to its deletion: the run ends in phase deleted. */
async function deletedCluster(): Promise<string> {
  const clusterId = newClusterId();
  await h.lifecycle.registerCluster({ clusterId, displayName: 'gone', accountUsername: 'alice' });
  await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
  const result = await h.env.client.workflow.getHandle(workflowIdForCluster(clusterId)).result();
  assert.equal(result.phase, 'deleted');
  return clusterId;
}

describeOnServers('sweeper findings', {}, (harness) => (h = harness), (server) => {
  beforeEach(async () => {
    await h.admin.reset();
    opened = [];
  });
  afterEach(async () => {
    for (const clusterId of opened) await h.lifecycle.handle(clusterId).terminate('test over').catch(() => undefined);
  });

  it(`reports leaks (no run, run deleted), duplicates and gone subscriptions; leaves Active, young and owned ones alone [${server}]`, async () => {
    const gone = await deletedCluster();
    const [noRun, runDeleted, active, young] = [newClusterId(), gone, newClusterId(), newClusterId()];
    const [leakNoRun, leakRunDeleted, activeId, youngId] = await plant(h, [
      { clusterId: noRun },
      { clusterId: runDeleted },
      { clusterId: active, status: 'Active' },
      { clusterId: young, ageSeconds: 60 },
    ]);
    // Two subscriptions for one registered cluster (its own, and an Active one beside it).
    const dup = newClusterId();
    const dupOwn = await register(dup);
    const [dupOther] = await plant(h, [{ clusterId: dup, status: 'Active' }]);
    // An open run whose subscription an operator deleted in OCM behind its back.
    const orphan = newClusterId();
    const orphanSub = await register(orphan);
    await removeFromAms(h, [orphanSub]);
    const before = await amsIds(h);

    const { handle, result } = await sweep(h, { pageSize: 2 });

    assert.equal(result.result, 'findings');
    assert.deepEqual(
      result.leaked.map((f) => [f.subscriptionId, f.clusterId]).sort(),
      [[leakNoRun, noRun], [leakRunDeleted, runDeleted]].sort(),
      'exactly the two leaks',
    );
    assert.match(result.leaked.find((f) => f.clusterId === noRun)!.why, /no run/);
    assert.match(result.leaked.find((f) => f.clusterId === runDeleted)!.why, /completed its deletion/);
    for (const notALeak of [activeId, youngId, dupOwn, dupOther]) assert.ok(!result.leaked.some((f) => f.subscriptionId === notALeak));
    assert.equal(result.counts.subscriptions, 6);
    assert.equal(result.counts.young, 2, 'the young planted one and the registered cluster\'s own');
    assert.equal(result.duplicates.length, 1);
    assert.equal(result.duplicates[0]!.clusterId, dup);
    assert.deepEqual([result.duplicates[0]!.subscriptionId, ...(result.duplicates[0]!.also ?? [])].sort(), [dupOwn, dupOther].sort());
    assert.deepEqual(await amsIds(h), before, 'a report deletes nothing');
    assert.equal(result.counts.deleted, 0);

    if (server === 'dev') {
      assert.equal(result.openRunsChecked, true);
      assert.deepEqual(result.runsWithoutSubscription.map((f) => [f.clusterId, f.subscriptionId]), [[orphan, orphanSub]]);
      // Operators find runs with findings by the search attribute.
      const found = await eventually(
        async () => {
          const ids: string[] = [];
          for await (const run of h.env.client.workflow.list({ query: `${sweepResultKey.name} = 'findings'` })) ids.push(run.workflowId);
          return ids;
        },
        (ids) => ids.includes(handle.workflowId),
        { what: "the run listed by SweepResult = 'findings'" },
      );
      assert.ok(found.includes(handle.workflowId));
    } else {
      assert.equal(result.openRunsChecked, false, 'the Java test server cannot list runs: said, not guessed');
      assert.deepEqual(result.runsWithoutSubscription, []);
    }
    assert.equal((await handle.describe()).typedSearchAttributes.get(sweepResultKey), 'findings');
    const details = await currentDetails(handle);
    assert.match(details, /report only\): done/);
    assert.match(details, /\| leaked Reserved subscriptions \| 2 \|/);
    assert.match(details, new RegExp(`\`${leakNoRun}\` cluster \`${noRun}\``));
  });

  it(`deleteLeaked deletes exactly the leaks through the guarded delete; Active and young stay [${server}]`, async () => {
    const runDeleted = await deletedCluster();
    const noRun = newClusterId();
    const [leakNoRun, leakRunDeleted, activeId, youngId] = await plant(h, [
      { clusterId: noRun },
      { clusterId: runDeleted },
      { clusterId: newClusterId(), status: 'Active' },
      { clusterId: newClusterId(), ageSeconds: 60 },
    ]);
    await h.admin.clearRequests();

    const { handle, result } = await sweep(h, { deleteLeaked: true, pageSize: 3 });

    assert.equal(result.result, 'cleaned');
    assert.deepEqual(await amsIds(h), [activeId, youngId].sort());
    assert.deepEqual(result.leaked.map((f) => f.outcome), ['deleted', 'deleted']);
    assert.equal(result.counts.deleted, 2);
    const deletes = (await h.admin.requests({ method: 'DELETE' })).map((r) => r.subscription_id).sort();
    assert.deepEqual(deletes, [leakNoRun, leakRunDeleted].sort(), 'one DELETE per leak, none for anything else');
    // The guarded delete read each one first.
    for (const id of [leakNoRun, leakRunDeleted]) {
      assert.ok((await h.admin.requests({ method: 'GET', path: `/api/accounts_mgmt/v1/subscriptions/${id}` })).length >= 1);
    }
    assert.equal((await handle.describe()).typedSearchAttributes.get(sweepResultKey), 'cleaned');
  });

  if (server === 'dev') {
    // Real time: the pause before a delete is the window in which the cluster's run starts.
    it('a leak whose cluster registers between the listing and the delete is the run\'s now: not deleted [dev]', async () => {
      const clusterId = newClusterId();
      const [leak] = await plant(h, [{ clusterId }]);
      const handle = await startSweep(h, { deleteLeaked: true, pauseBetweenPagesSeconds: 3 });
      await eventually(() => handle.query(sweepProgressQuery), (p) => p.counts.leaked === 1, { what: 'the leak counted, its delete paused' });
      // The adoption registers the cluster: its run reuses the Reserved subscription (same cluster_id and account).
      assert.equal(await register(clusterId), leak);
      const result = (await handle.result()) as SweepResult;
      assert.deepEqual([result.counts.leaked, result.counts.deleted, result.leaked], [0, 0, []]);
      assert.ok((await amsIds(h)).includes(leak!), 'the run\'s subscription is still in AMS');
      assert.deepEqual(await h.admin.requests({ method: 'DELETE' }), []);
    });
  }

  it(`nothing to find: clean [${server}]`, async () => {
    await plant(h, [{ clusterId: newClusterId(), status: 'Active' }]);
    const { handle, result } = await sweep(h, {});
    assert.equal(result.result, 'clean');
    assert.deepEqual([result.leaked, result.duplicates, result.runsWithoutSubscription], [[], [], []]);
    assert.equal((await handle.describe()).typedSearchAttributes.get(sweepResultKey), 'clean');
  });
});
