// What AMS sees per lifecycle (issue 13: the design's minimum is one POST, one PATCH per
// change, one DELETE when Reserved) plus the lookup before every POST: the AMS wire
// reference does not promise a POST idempotent per cluster_id, and a new activity or run
// starts at attempt 1 after earlier ones may have reserved.
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { RequestLogEntry } from '../emulator/index.js';
import type { WorkflowResult } from '../workflows/definitions.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);
beforeEach(async () => {
  await h.admin.clearFaults();
});

const CREATE = '/api/accounts_mgmt/v1/cluster_authorizations';
/** method, kind of request and status, in order: `lookup` is a GET with a search, `get` one subscription. */
const calls = async (clusterId: string) =>
  (await h.admin.requests({ cluster_id: clusterId })).map((e: RequestLogEntry) => {
    const kind = e.method === 'GET' ? (e.subscription_id ? 'get' : 'lookup') : e.method;
    return `${kind} ${e.status}`;
  });

describeOnServers('AMS calls per lifecycle', { servers: ['time-skipping', 'dev'], registrationWaitSeconds: 10 }, use, () => {
  it('a registration costs the lookup, the POST and one read of its answer', async () => {
    const clusterId = newClusterId();
    await h.lifecycle.registerCluster({ clusterId, displayName: 'lean', accountUsername: 'alice' });
    assert.deepEqual(await calls(clusterId), ['lookup 200', 'POST 200', 'get 200']);
  });

  it('a retried attempt looks up again (its predecessor may have reserved), then reserves', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'error', route: CREATE, method: 'POST', status: 503, count: 1 });
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'retried', accountUsername: 'alice' });
    assert.deepEqual(await calls(clusterId), ['lookup 200', 'POST 503', 'lookup 200', 'POST 200', 'get 200']);
    assert.equal((await h.admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId)[0]?.id, subscriptionId);
  });

  it('an install and deletion: lookup, POST, a read, two PATCHes, a read and Active, nothing for the delete of an Active one', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'full', accountUsername: 'alice' });
    await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
    await h.lifecycle.setConsoleUrl(clusterId, 'https://console-openshift-console.apps.full.example.com');
    await h.lifecycle.markInstalled(clusterId);
    // Read through the admin API: its calls are not in the request log.
    const statusOf = async () => (await h.admin.state()).subscriptions.find((s) => s.id === subscriptionId)?.status;
    await eventually(statusOf, (status) => status === 'Active', { what: 'Active' });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    // Rules 2 (Active only ever replaces Reserved) read before Active: AMS's last 'Reserved'
    // may be days old and a person may have archived the subscription since. AMS answered
    // Active, which it never turns back to Reserved, so the delete needs no read.
    assert.deepEqual(await calls(clusterId), ['lookup 200', 'POST 200', 'get 200', 'PATCH 200', 'PATCH 200', 'get 200', 'PATCH 200']);
    assert.equal(done.deletion?.outcome, 'left-untouched');
    assert.equal(await statusOf(), 'Active');
  });

  it('an Active PATCH whose first attempt failed reads before the retry (that attempt may have landed)', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'careful', accountUsername: 'alice' });
    await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
    await eventually(() => calls(clusterId), (c) => c.length === 4, { what: 'the id PATCHed' });
    await h.admin.addFault({ kind: 'error', route: `/api/accounts_mgmt/v1/subscriptions/${subscriptionId}`, method: 'PATCH', status: 503, count: 1 });
    await h.lifecycle.markInstalled(clusterId);
    const seen = await eventually(() => calls(clusterId), (c) => c.at(-1) === 'PATCH 200' && c.length > 6, { what: 'Active applied' });
    assert.deepEqual(seen.slice(4), ['get 200', 'PATCH 503', 'get 200', 'PATCH 200']);
  });

  it('when the read after the POST fails, nothing is made up: no status until AMS answers one', async () => {
    const clusterId = newClusterId();
    const one = '/api/accounts_mgmt/v1/subscriptions/:id';
    await h.admin.addFault({ kind: 'error', route: one, method: 'GET', status: 503, count: 1 });
    // No PATCH may answer either, or its answer (AMS's status) would hide a made-up one.
    await h.admin.addFault({ kind: 'outage', route: one, method: 'PATCH' });
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'unread', accountUsername: 'alice' });
    assert.ok(subscriptionId, 'the reserved id is answered anyway');
    const state = await h.lifecycle.getClusterState(clusterId);
    assert.equal(state.ams?.status, undefined, 'AMS answered no status, so the run has none');
    assert.equal(state.applied.status, undefined);
    await h.admin.clearFaults();
    await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
    await h.lifecycle.markInstalled(clusterId);
    const statusOf = async () => (await h.admin.state()).subscriptions.find((s) => s.id === subscriptionId)?.status;
    await eventually(statusOf, (status) => status === 'Active', { what: 'Active' });
    const seen = await calls(clusterId);
    assert.deepEqual(seen.slice(0, 3), ['lookup 200', 'POST 200', 'get 503']);
    assert.ok(seen.includes('PATCH 503'), 'the name, unknown to the run, is PATCHed');
  });

  it('a Reserved subscription is still read before its guarded DELETE', async () => {
    const clusterId = newClusterId();
    await h.lifecycle.registerCluster({ clusterId, displayName: 'short', accountUsername: 'alice' });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    await h.lifecycle.handle(clusterId).result();
    assert.deepEqual(await calls(clusterId), ['lookup 200', 'POST 200', 'get 200', 'get 200', 'DELETE 204']);
  });
});
