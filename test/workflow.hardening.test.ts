// Sequences the first suite never tried, end to end on both servers: AMS ageing a
// subscription, a success after a deletion, success before the OpenShift id, another
// account's subscription, bad raw messages, an operator's cancel.
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { RegistrationRefusedError } from '../client/index.js';
import { workflowIdForCluster, type WorkflowResult } from '../workflows/definitions.js';
import { RULES } from '../workflows/state.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);
beforeEach(async () => {
  await h?.admin.clearFaults();
});

const SUBSCRIPTION = '/api/accounts_mgmt/v1/subscriptions/:id';
const CONSOLE = 'https://console-openshift-console.apps.hardening.example.com';
const register = (clusterId: string, displayName = 'hard', accountUsername = 'alice') =>
  h.lifecycle.registerCluster({ clusterId, displayName, accountUsername });
const settled = (clusterId: string, what = 'no pending AMS work') =>
  eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0 && s.failures === 0, { what, timeoutMs: 60_000 });
const successfulPatches = async (clusterId: string) =>
  (await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' })).filter((e) => e.status === 200).length;

async function installedCluster(clusterId: string): Promise<string> {
  const { subscriptionId } = await register(clusterId);
  await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
  await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
  await h.lifecycle.markInstalled(clusterId);
  await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
  return subscriptionId;
}

describeOnServers('what AMS owns', {}, use, () => {
  it('AMS ages an installed cluster to Stale; a later rename never patches it back to Active', async () => {
    const clusterId = newClusterId();
    const subscriptionId = await installedCluster(clusterId);
    await settled(clusterId);
    await h.admin.advanceClock(2 * 86_400); // no telemetry for two days: AMS marks it Stale
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale');
    const before = await successfulPatches(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'renamed-after-stale');
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.applied.display_name === 'renamed-after-stale', {
      what: 'the rename',
    });
    await settled(clusterId);
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.deepEqual([sub.status, sub.display_name], ['Stale', 'renamed-after-stale']);
    assert.equal(await successfulPatches(clusterId), before + 1, 'only the rename was sent');
    assert.equal(state.ams?.status, 'Stale', 'the run shows what AMS says');
    const described = await h.lifecycle.handle(clusterId).describe();
    assert.equal(described.searchAttributes.AmsSubscriptionStatus?.[0], 'Stale');
  });
});

describeOnServers('an old run handed over by continue-as-new', {}, use, () => {
  it('its carried state (rules 1) continues under the current rules (3): Stale is left alone', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const { subscriptionId } = await h.ams.createClusterAuthorization({ clusterId, displayName: 'old', accountUsername: 'alice' });
    await h.ams.patchSubscription(subscriptionId, { external_cluster_id: externalId });
    await h.ams.patchSubscription(subscriptionId, { status: 'Active' });
    const values = { display_name: 'old', external_cluster_id: externalId, status: 'Active' };
    const registration = { clusterId, displayName: 'old', accountUsername: 'alice' };
    // What a run started before the hardening carries: no `rules`, `applied` is AMS's whole answer.
    const carriedState = {
      registration,
      phase: 'installed' as const,
      subscriptionId,
      desired: { ...values },
      applied: { ...values },
      refusedValues: {},
      failures: 0,
      amsCalls: 3,
      rejectedInputs: [],
      continuedAsNew: 1,
    };
    await h.startRun(clusterId, { ...registration, carriedState });
    await h.admin.advanceClock(2 * 86_400);
    const before = await successfulPatches(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'new-name');
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.applied.display_name === 'new-name', {
      what: 'the rename',
    });
    assert.equal(state.rules, RULES);
    await settled(clusterId);
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale');
    assert.equal(await successfulPatches(clusterId), before + 1, 'only the rename');
  });
});

describeOnServers('deletion is terminal', {}, use, () => {
  it('a success that arrives after the deletion (a monitor retrying) is ignored: the Reserved subscription is deleted', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    // The delete step's read fails for its three quick attempts, so the loop backs off.
    await h.admin.addFault({ kind: 'error', status: 503, route: SUBSCRIPTION, method: 'GET', count: 3 });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.failures >= 1, { what: 'the failed read' });
    await h.lifecycle.markInstalled(clusterId);
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
    assert.equal(await successfulPatches(clusterId), 0, 'nothing was patched Active');
    const state = await h.lifecycle.getClusterState(clusterId);
    assert.deepEqual(state.rejectedInputs.map((r) => `${r.signal}: ${r.rule}`), ['installSucceeded: arrived after the deletion; ignored']);
  });
});

describeOnServers('Active waits for the OpenShift id', {}, use, () => {
  it('success reported before the id: AMS gets the id first, then Active', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.markInstalled(clusterId);
    const held = await settled(clusterId, 'the run to idle with Active held');
    assert.equal(held.phase, 'installed');
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Reserved', 'no Active without the id');
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    const sub = await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
    assert.equal(sub.external_cluster_id, externalId);
    const patches = await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' });
    assert.equal(patches.length, 2, 'one PATCH for the id, then one for Active');
  });
});

describeOnServers('whose subscription', {}, use, () => {
  it("another account's subscription for the same cluster id is never adopted (AMS's 409 is the answer), nor deleted afterwards", async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await h.ams.createClusterAuthorization({ clusterId, displayName: 'carols', accountUsername: 'carol' });
    const error = await register(clusterId, 'alices', 'alice').then(
      () => assert.fail('the registration must be refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RegistrationRefusedError, String(error));
    assert.equal(error.amsError?.status, 409);
    // The installer rolls the cluster back and deletes it: nothing of ours to delete.
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId, 'user'), { alreadyDeleted: true });
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Reserved', "carol's subscription is untouched");
  });
});

describeOnServers('raw messages that bypass the client', {}, use, () => {
  it('a registration update with a bad argument is rejected at the door; the run carries on', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    const handle = h.lifecycle.handle(clusterId);
    await assert.rejects(handle.executeUpdate('registration', { args: [{ waitSeconds: 'x' }] }), (e: Error & { cause?: Error }) => {
      assert.equal(e.name, 'WorkflowUpdateFailedError');
      assert.match(e.cause?.message ?? '', /registration: invalid input: waitSeconds: must be a number/);
      return true;
    });
    const events = (await handle.fetchHistory()).events ?? [];
    assert.equal(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length, 1, 'only the good update entered history');
    assert.equal((await handle.describe()).status.name, 'RUNNING');
  });

  it('a console URL with user-info is refused by the client and ignored by the workflow', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    const secretUrl = 'https://admin:s3cret@console.example.com';
    await assert.rejects(h.lifecycle.setConsoleUrl(clusterId, secretUrl), /consoleUrl: must not contain user-info/);
    await h.lifecycle.handle(clusterId).signal('consoleUrl', { consoleUrl: secretUrl });
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.rejectedInputs.length === 1);
    assert.equal(state.desired.console_url, undefined);
    assert.doesNotMatch(JSON.stringify(state), /s3cret/);
  });

  it('one signal with a thousand long keys keeps the state small', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    const junk = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}-${'x'.repeat(200)}`, 'v']));
    await h.lifecycle.handle(clusterId).signal('rename', { displayName: 'ok', ...junk });
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.rejectedInputs.length > 0);
    assert.ok(JSON.stringify(state).length < 8_000, `state is ${JSON.stringify(state).length} bytes`);
  });
});

describeOnServers('the run itself', {}, use, () => {
  it('an install failure keeps its reason in the state and the details', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    await h.lifecycle.markInstallFailed(clusterId, 'bootkube timed out');
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.phase === 'failed');
    assert.equal(state.installFailure?.reason, 'bootkube timed out');
  });

  it("an operator's cancel ends the run as cancelled, not as an AMS error", async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    await h.admin.addFault({ kind: 'latency', latencyMs: 1_500, route: SUBSCRIPTION, method: 'PATCH', count: 1 });
    await h.lifecycle.renameCluster(clusterId, 'in-flight');
    await eventually(() => h.admin.requests({ cluster_id: clusterId, method: 'PATCH' }), () => true, { timeoutMs: 500 }).catch(() => undefined);
    await h.lifecycle.handle(clusterId).cancel();
    const description = await eventually(() => h.lifecycle.handle(clusterId).describe(), (d) => d.status.name !== 'RUNNING');
    assert.equal(description.status.name, 'CANCELLED');
    const state = await h.lifecycle.getClusterState(clusterId);
    assert.equal(state.lastError, undefined, 'no AMS error was recorded for the cancel');
  });
});

describeOnServers('forgotten clusters (after the namespace retention)', { servers: ['dev'] }, use, () => {
  it('a deleted cluster Temporal no longer remembers: deleting again has nothing to do; registering again adopts, never duplicates', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    await h.lifecycle.markInstalled(clusterId);
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
    await h.lifecycle.deleteCluster(clusterId, 'user');
    assert.equal(((await h.lifecycle.handle(clusterId).result()) as WorkflowResult).deletion?.outcome, 'left-untouched');
    // What the retention does to a closed run: Temporal forgets it.
    await h.env.client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: workflowIdForCluster(clusterId) },
    });
    // The server deletes in the background, within about 40 s here.
    await eventually(() => h.lifecycle.handle(clusterId).describe().then(() => false, () => true), (gone) => gone, {
      what: 'the run to be forgotten',
      timeoutMs: 120_000,
      intervalMs: 1_000,
    });
    const callsBefore = (await h.admin.requests({ cluster_id: clusterId })).length;
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId, 'garbage-collection'), { alreadyDeleted: true });
    assert.equal((await h.admin.requests({ cluster_id: clusterId })).length, callsBefore, 'no AMS call');
    const again = await register(clusterId);
    assert.equal(again.subscriptionId, subscriptionId, 'the Active subscription AMS holds is adopted');
    assert.equal((await h.ams.findSubscriptionsByClusterId(clusterId)).length, 1);
  });
});
