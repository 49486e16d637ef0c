// A cluster lives for weeks: the workflow continues as new before its history
// grows long, and carries its whole state across.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { WorkflowResult } from '../workflows/definitions.js';
import { eventually, newClusterId, describeOnServers, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

describeOnServers('continue-as-new', {}, use, () => {
  it('keeps desired, applied, errors and ignored inputs across runs, and the cluster keeps working', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const first = await h.startRun(clusterId, { displayName: 'can-0', maxHistoryEvents: 60 });
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'can-0', accountUsername: 'alice' });
    await first.signal('rename', { displayName: '' }); // ignored input, must survive the hand-over
    for (let i = 1; i <= 12; i++) {
      await h.lifecycle.renameCluster(clusterId, `can-${i}`);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === `can-${i}`, { what: `rename ${i}` });
    }
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.continuedAsNew >= 1, {
      what: 'a continue-as-new',
    });
    const latest = await h.lifecycle.handle(clusterId).describe();
    assert.notEqual(latest.runId, first.firstExecutionRunId, 'a new run carries on');
    assert.equal(state.subscriptionId, subscriptionId);
    assert.equal(state.applied.display_name, 'can-12');
    assert.equal(state.desired.display_name, 'can-12');
    assert.equal(state.rejectedInputs.length, 1);
    assert.ok(state.amsCalls >= 13);
    assert.ok(latest.historyLength < 80, `the new run's history is short (${latest.historyLength})`);

    // The chain finishes the lifecycle as one cluster.
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    await h.lifecycle.markInstalled(clusterId);
    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'left-untouched');
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.deepEqual([sub.status, sub.display_name, sub.external_cluster_id], ['Active', 'can-12', externalId]);
  });

  it('a registration waiting on the update is answered before the hand-over (handlers drain)', async () => {
    const clusterId = newClusterId();
    await h.startRun(clusterId, { displayName: 'drain', maxHistoryEvents: 20 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => h.lifecycle.registerCluster({ clusterId, displayName: 'drain', accountUsername: 'alice' })),
    );
    assert.equal(new Set(answers.map((a) => a.subscriptionId)).size, 1);
    for (let i = 0; i < 6; i++) await h.lifecycle.renameCluster(clusterId, `drain-${i}`);
    const state = await eventually(
      () => h.lifecycle.getClusterState(clusterId),
      (s) => s.continuedAsNew >= 1 && s.pending.length === 0,
      { what: 'hand-over and settle' },
    );
    assert.equal(state.applied.display_name, 'drain-5');
  });
});
