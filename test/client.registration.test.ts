// What the installer's calls answer where the server, not the workflow, decides:
// registration across continue-as-new, closed runs, races, cluster id case. Run on
// the real dev server and on the test server.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ClusterDeletedError, RegistrationRefusedError } from '../client/index.js';
import { workflowIdForCluster, type WorkflowResult } from '../workflows/definitions.js';
import type { clusterSubscription } from '../workflows/index.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const register = (clusterId: string, displayName = 'reg') =>
  h.lifecycle.registerCluster({ clusterId, displayName, accountUsername: 'alice' });

/** Starts the run the way the installer's first registration does, with a short history limit. */
const startShortRun = (clusterId: string, maxHistoryEvents: number) =>
  h.env.client.workflow.start<typeof clusterSubscription>('clusterSubscription', {
    taskQueue: h.taskQueue,
    workflowId: workflowIdForCluster(clusterId),
    args: [{ clusterId, displayName: 'reg', accountUsername: 'alice', maxHistoryEvents }],
  });

describeOnServers('registration', { registrationWaitSeconds: 5 }, use, () => {
  it('registering again after the run continued as new answers the same subscription, never a refusal', async () => {
    const clusterId = newClusterId();
    await startShortRun(clusterId, 40);
    const { subscriptionId } = await register(clusterId);
    for (let i = 1; i <= 8; i++) await h.lifecycle.renameCluster(clusterId, `reg-${i}`);
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.continuedAsNew >= 1 && s.pending.length === 0, {
      what: 'a continue-as-new',
    });
    const again = await register(clusterId);
    assert.equal(again.subscriptionId, subscriptionId);
  });

  it('a run that closed as deleted is reported as deleted, not refused, and registering it never blocks', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    await h.lifecycle.deleteCluster(clusterId, 'user');
    await h.lifecycle.handle(clusterId).result();
    const error = await register(clusterId).then(
      () => assert.fail('a deleted cluster cannot register again'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ClusterDeletedError, String(error));
  });

  it('two registrations racing after a refusal both get an answer (no wait on a run that stays open)', async () => {
    const clusterId = newClusterId();
    await h.admin.setQuota({ max_clusters: 0, status: 403 });
    try {
      await assert.rejects(register(clusterId), RegistrationRefusedError);
    } finally {
      await h.admin.setQuota({ max_clusters: null });
    }
    const answers = await Promise.all([register(clusterId), register(clusterId)]);
    assert.equal(answers[0].subscriptionId, answers[1].subscriptionId);
    const runs = await h.lifecycle.handle(clusterId).describe();
    assert.equal(runs.status.name, 'RUNNING');
  });

  it('an upper-case cluster id is the same cluster as its lower-case form', async () => {
    const clusterId = newClusterId();
    const { subscriptionId, workflowId } = await register(clusterId.toUpperCase());
    assert.equal(workflowId, workflowIdForCluster(clusterId));
    assert.equal((await register(clusterId)).subscriptionId, subscriptionId);
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.equal(sub.cluster_id, clusterId, 'AMS holds the lower-case id, which a cluster_id search finds');
    await h.lifecycle.renameCluster(clusterId.toUpperCase(), 'upper');
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'upper', { what: 'the rename' });
  });

  it('after an operator terminated the run, deleteCluster still deletes the Reserved subscription', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.handle(clusterId).terminate('operator cleanup');
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId, 'garbage-collection'), { alreadyDeleted: false });
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
  });

  it('after an operator cancelled the run, deleteCluster still deletes the Reserved subscription', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.handle(clusterId).cancel();
    await assert.rejects(h.lifecycle.handle(clusterId).result(), { name: 'WorkflowFailedError' });
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId, 'user'), { alreadyDeleted: false });
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
  });
});
