// Each lifecycle path of the design, end to end: client → Temporal test server →
// worker → real AMS client → AMS emulator over HTTP.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ClusterDeletedError, ClusterNotFoundError } from '../client/index.js';
import type { WorkflowResult } from '../workflows/definitions.js';
import { eventually, newClusterId, describeOnServers, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const register = (clusterId: string, displayName = 'prod-east') =>
  h.lifecycle.registerCluster({ clusterId, displayName, accountUsername: 'alice' });

const result = (clusterId: string) => h.lifecycle.handle(clusterId).result() as Promise<WorkflowResult>;

async function patches(clusterId: string): Promise<string[]> {
  const entries = await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' });
  return entries.filter((e) => e.status === 200).map((e) => e.path);
}

describeOnServers('cluster lifecycle', {}, use, () => {
  it('registration reserves a subscription with the design values and answers its id', async () => {
    const clusterId = newClusterId();
    const { subscriptionId, workflowId } = await register(clusterId);
    assert.equal(workflowId, `cluster-subscription-${clusterId}`);
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.equal(sub.status, 'Reserved');
    assert.equal(sub.cluster_id, clusterId);
    assert.equal(sub.display_name, 'prod-east');
    assert.equal(sub.plan?.id, 'OCP-AssistedInstall');
    assert.equal(sub.managed, false);
  });

  it('a repeated registration is harmless and answers the same subscription', async () => {
    const clusterId = newClusterId();
    const first = await register(clusterId);
    const second = await register(clusterId);
    assert.equal(second.subscriptionId, first.subscriptionId);
    const list = await h.ams.listSubscriptions({ search: `cluster_id = '${clusterId}'` });
    assert.equal(list.total, 1);
  });

  it('install success: id, console URL, Active; deletion then leaves the Active subscription untouched', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    await h.lifecycle.setConsoleUrl(clusterId, 'https://console-openshift-console.apps.prod-east.example.com');
    await h.lifecycle.markInstalled(clusterId);
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
    const active = await h.ams.getSubscription(subscriptionId);
    assert.equal(active.external_cluster_id, externalId);
    assert.equal(active.console_url, 'https://console-openshift-console.apps.prod-east.example.com');
    // Today's wire behaviour: one PATCH per changed field, Active last.
    assert.equal((await patches(clusterId)).length, 3);

    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = await result(clusterId);
    assert.equal(done.phase, 'deleted');
    assert.equal(done.deletion?.outcome, 'left-untouched');
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Active');
    const deletes = await h.admin.requests({ cluster_id: clusterId, method: 'DELETE' });
    assert.equal(deletes.length, 0, 'no DELETE is sent for an Active subscription');
  });

  it('install failure makes no AMS call; a restart overwrites the obsolete external id; deletion removes the Reserved subscription', async () => {
    const clusterId = newClusterId();
    const obsoleteId = newClusterId();
    const newId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, obsoleteId);
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id === obsoleteId);
    const callsBefore = (await h.admin.requests({ cluster_id: clusterId })).length;
    await h.lifecycle.markInstallFailed(clusterId, 'bootkube timed out');
    const failed = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.phase === 'failed');
    assert.deepEqual(failed.pending, []);
    assert.equal((await h.admin.requests({ cluster_id: clusterId })).length, callsBefore, 'failure makes no AMS call');
    const stillReserved = await h.ams.getSubscription(subscriptionId);
    assert.equal(stillReserved.status, 'Reserved');
    assert.equal(stillReserved.external_cluster_id, obsoleteId, 'the obsolete id stays until a restart');

    await h.lifecycle.restartInstall(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, newId);
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id === newId, {
      what: 'new external id',
    });

    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), (e: { status?: number }) => e.status === 404);
  });

  it('garbage collection deletes a Reserved subscription (today it leaks)', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
    const done = await result(clusterId);
    assert.equal(done.deletion?.by, 'garbage-collection');
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), (e: { status?: number }) => e.status === 404);
  });

  it('garbage collection of an installed cluster leaves its Active subscription', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId()); // Active waits for it
    await h.lifecycle.markInstalled(clusterId);
    await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'left-untouched');
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Active');
  });

  it('a Reserved subscription deleted in AMS meanwhile counts as deleted (404 is done)', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.ams.deleteSubscription(subscriptionId);
    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'already-gone');
  });

  it('after deletion: repeated delete is harmless, other calls say the cluster is deleted, unknown clusters are named', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId), { alreadyDeleted: false });
    await result(clusterId);
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId), { alreadyDeleted: true });
    await assert.rejects(h.lifecycle.renameCluster(clusterId, 'x'), ClusterDeletedError);
    await assert.rejects(register(clusterId), ClusterDeletedError);
    const state = await h.lifecycle.getClusterState(clusterId);
    assert.equal(state.done, true);

    const unknown = newClusterId();
    await assert.rejects(h.lifecycle.renameCluster(unknown, 'x'), ClusterNotFoundError);
    await assert.rejects(h.lifecycle.getClusterState(unknown), (e: Error) => e instanceof ClusterNotFoundError && e.message.includes(unknown));
  });
});

describeOnServers('re-registration', {}, use, () => {
  it('after an operator terminated the run, registering again starts a fresh run with the same subscription', async () => {
    const clusterId = newClusterId();
    const first = await register(clusterId);
    await h.lifecycle.handle(clusterId).terminate('operator cleanup');
    const second = await register(clusterId);
    assert.equal(second.subscriptionId, first.subscriptionId, 'the create step found and reused the subscription');
    assert.equal((await h.lifecycle.handle(clusterId).describe()).status.name, 'RUNNING');
  });
});
