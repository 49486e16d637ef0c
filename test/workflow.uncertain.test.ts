// AMS answers that are not what they seem, and requests that land after the caller
// gave up: a proxy's 404 page, a failed read after a successful POST, a status value
// nobody knew, a PATCH or POST that AMS finishes after our timeout.
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { WorkflowResult } from '../workflows/definitions.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);
beforeEach(async () => {
  await h?.admin.clearFaults();
});

const SUBSCRIPTION = '/api/accounts_mgmt/v1/subscriptions/:id';
const SUBSCRIPTIONS = '/api/accounts_mgmt/v1/subscriptions';
const CREATE = '/api/accounts_mgmt/v1/cluster_authorizations';
const PROXY_404 = { kind: 'answer', status: 404, contentType: 'text/html', body: '<html><body><h1>404 Not Found</h1>nginx</body></html>' } as const;
const OCM_404 = JSON.stringify({ kind: 'Error', id: '7', href: '/api/accounts_mgmt/v1/errors/7', code: 'ACCT-MGMT-7', reason: 'not found' });

const register = (clusterId: string, displayName = 'odd') => h.lifecycle.registerCluster({ clusterId, displayName, accountUsername: 'alice' });
const result = (clusterId: string) => h.lifecycle.handle(clusterId).result() as Promise<WorkflowResult>;
const subscriptionsOf = async (clusterId: string) => (await h.admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId);
const lateRequests = async (clusterId: string) => (await h.admin.requests({ cluster_id: clusterId })).filter((e) => e.outcome === 'late');

describeOnServers('answers that are not what they seem', {}, use, () => {
  it("a proxy's 404 page on a PATCH does not end patching: AMS is asked, and the rename lands", async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.admin.addFault({ ...PROXY_404, route: SUBSCRIPTION, method: 'PATCH', count: 1 });
    await h.lifecycle.renameCluster(clusterId, 'after-proxy');
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'after-proxy', { what: 'the rename' });
    const state = await h.lifecycle.getClusterState(clusterId);
    assert.notEqual(state.subscriptionGone, true);
  });

  it("a proxy's 404 page on the DELETE is not taken for 'already gone': the subscription is deleted", async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.admin.addFault({ ...PROXY_404, route: SUBSCRIPTION, method: 'DELETE', count: 1 });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    assert.equal((await result(clusterId)).deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
  });

  it('a failed read right after a successful POST still answers the reserved id, never a refusal', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'answer', status: 404, contentType: 'application/json', body: OCM_404, route: SUBSCRIPTION, method: 'GET', count: 1 });
    const { subscriptionId } = await register(clusterId);
    assert.equal((await subscriptionsOf(clusterId))[0]?.id, subscriptionId);
    assert.equal((await h.lifecycle.getClusterState(clusterId)).phase, 'registered');
  });

  it('a lookup AMS answers with 400 is retried, not taken for a refusal', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'answer', status: 400, contentType: 'application/json', body: '{"kind":"Error","code":"ACCT-MGMT-23","reason":"bad search"}', route: SUBSCRIPTIONS, method: 'GET', count: 1 });
    await register(clusterId).catch((e: Error) => assert.equal(e.name, 'RegistrationPendingError'));
    const { subscriptionId } = await eventually(() => register(clusterId), () => true, { what: 'the registration', timeoutMs: 60_000 });
    assert.equal((await subscriptionsOf(clusterId))[0]?.id, subscriptionId);
  });

  it('a status value this service never heard of is kept as AMS says it, not retried for ever', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    const sub = await h.ams.getSubscription(subscriptionId);
    await h.admin.addFault({ kind: 'answer', status: 200, contentType: 'application/json', body: JSON.stringify({ ...sub, status: 'Hibernating' }), route: SUBSCRIPTION, method: 'GET', count: 1 });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'left-untouched', 'only a Reserved subscription is deleted');
    assert.equal((await h.lifecycle.getClusterState(clusterId)).ams?.status, 'Hibernating');
  });
});

describeOnServers('requests AMS finishes after we gave up', { servers: ['time-skipping'], registrationWaitSeconds: 2 }, use, () => {
  it('a PATCH that lands after a newer one is found when AMS is read again, and the newer value goes out again', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    // Attempt 1 of 'A' times out on our side (5 s) and AMS commits it 25 s later; attempts 2 and 3 fail.
    await h.admin.addFault({ kind: 'late_commit', latencyMs: 25_000, route: SUBSCRIPTION, method: 'PATCH', count: 1 });
    await h.admin.addFault({ kind: 'error', status: 503, route: SUBSCRIPTION, method: 'PATCH', count: 2 });
    await h.lifecycle.renameCluster(clusterId, 'A');
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.failures >= 1, { what: "A's failure", timeoutMs: 30_000 });
    await h.lifecycle.renameCluster(clusterId, 'B');
    await eventually(() => lateRequests(clusterId), (late) => late.length === 1, { what: "the late 'A'", timeoutMs: 40_000, intervalMs: 500 });
    await h.env.sleep('3 minutes'); // past the in-flight window: the run reads AMS again
    const sub = await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'B', { what: "'B' again" });
    assert.equal(sub.display_name, 'B');
    const state = await h.lifecycle.getClusterState(clusterId);
    assert.deepEqual([state.applied.display_name, state.inFlight?.writes.length], ['B', 0]);
  });

  it('an Active PATCH that landed late, after which AMS aged the cluster, is not sent again over Stale', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id !== undefined, { what: 'the id' });
    // Active: attempt 1 times out on our side (5 s) and lands at 6 s; once AMS holds it,
    // an outage fails attempts 2 and 3, so the run never learns that Active was applied.
    const late = await h.admin.addFault({ kind: 'late_commit', latencyMs: 6_000, route: SUBSCRIPTION, method: 'PATCH', count: 1 });
    await h.lifecycle.markInstalled(clusterId);
    await eventually(() => h.admin.faults(), (rules) => !rules.some((r) => r.id === late.id), { what: 'the Active PATCH held', intervalMs: 50 });
    const outage = await h.admin.addFault({ kind: 'outage', route: SUBSCRIPTION });
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.failures >= 1, { what: 'the failed activity', timeoutMs: 30_000 });
    await eventually(() => lateRequests(clusterId), (entries) => entries.length === 1, { what: 'the late Active', timeoutMs: 30_000, intervalMs: 500 });
    await h.admin.removeFault(outage.id);
    await h.admin.advanceClock(2 * 86_400); // no telemetry: AMS marks it Stale
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale');
    await h.env.sleep('5 minutes'); // the loop tries Active again, and reads AMS first
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0 && s.failures === 0, {
      what: 'the retry',
    });
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale', 'AMS owns it now: not patched back to Active');
    assert.deepEqual([state.applied.status, state.ams?.status], ['Active', 'Stale']);
  });

  it('a POST that lands after the deletion found nothing is found later and deleted: no Reserved leak', async () => {
    const clusterId = newClusterId();
    // Every attempt's POST times out on our side; AMS reserves 45 s later, after the
    // deletion's first chance to look (the loop retries about 28 s in).
    await h.admin.addFault({ kind: 'late_commit', latencyMs: 45_000, route: CREATE, method: 'POST', count: 3 });
    await assert.rejects(register(clusterId), { name: 'RegistrationPendingError' });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    await eventually(() => lateRequests(clusterId), (late) => late.length >= 1, { what: 'a late POST', timeoutMs: 90_000, intervalMs: 500 });
    assert.equal((await subscriptionsOf(clusterId)).length, 1, 'AMS reserved after we gave up');
    await h.env.sleep('3 minutes');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'deleted');
    assert.deepEqual(await subscriptionsOf(clusterId), [], 'nothing Reserved is left');
  });
});
