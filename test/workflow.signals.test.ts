// Signals in any order, any number of times, and bad payloads: the latest value
// of each field wins, unchanged values make no call, bad input is named and ignored.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInputError } from '../client/index.js';
import { DISPLAY_NAME_MAX } from '../workflows/validation.js';
import { eventually, newClusterId, describeOnServers, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const CONSOLE = 'https://console-openshift-console.apps.c1.example.com';
const settled = (clusterId: string) =>
  eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0 && s.subscriptionId !== undefined, {
    what: 'no pending AMS work',
  });
const patchesOf = async (clusterId: string) =>
  (await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' })).filter((e) => e.status === 200).length;

describeOnServers('signal order and repetition', {}, use, () => {
  it('signals out of order end in the same AMS state as in order', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    await h.lifecycle.registerCluster({ clusterId, displayName: 'ooo', accountUsername: 'alice' });
    await h.lifecycle.markInstalled(clusterId); // success reported before id and console
    await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    const state = await settled(clusterId);
    assert.equal(state.phase, 'installed');
    const sub = await h.ams.getSubscription(state.subscriptionId!);
    assert.deepEqual(
      { status: sub.status, external: sub.external_cluster_id, console: sub.console_url },
      { status: 'Active', external: externalId, console: CONSOLE },
    );
  });

  it('duplicates and unchanged values make no extra AMS call', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    await h.lifecycle.registerCluster({ clusterId, displayName: 'dup', accountUsername: 'alice' });
    await h.lifecycle.renameCluster(clusterId, 'dup'); // same as registered: nothing to do
    for (let i = 0; i < 3; i++) {
      await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
      await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
      await h.lifecycle.markInstalled(clusterId);
    }
    await settled(clusterId);
    assert.equal(await patchesOf(clusterId), 3, 'one PATCH per changed field');
    await h.lifecycle.markInstalled(clusterId);
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    await settled(clusterId);
    assert.equal(await patchesOf(clusterId), 3, 'repeats after settling change nothing');
  });

  it('renames while a PATCH is in flight: the last name wins', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'r0', accountUsername: 'alice' });
    await h.admin.addFault({ kind: 'latency', latencyMs: 1500, route: '/api/accounts_mgmt/v1/subscriptions/:id', method: 'PATCH', count: 1 });
    await h.lifecycle.renameCluster(clusterId, 'r1');
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.amsCalls >= 2, { what: 'the slow PATCH to start' });
    for (const name of ['r2', 'r3', 'r4']) await h.lifecycle.renameCluster(clusterId, name);
    await settled(clusterId);
    assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'r4');
    assert.ok((await patchesOf(clusterId)) <= 2, 'the burst during the slow call became at most one more PATCH');
  });
});

describeOnServers('bad input', {}, use, () => {
  const clusterId = newClusterId();
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['cluster id not a UUID', () => h.lifecycle.registerCluster({ clusterId: 'abc', displayName: 'n', accountUsername: 'a' }), /clusterId: must be a UUID/],
    ['empty display name', () => h.lifecycle.registerCluster({ clusterId, displayName: '  ', accountUsername: 'a' }), /displayName: must not be empty/],
    ['over-long display name', () => h.lifecycle.renameCluster(clusterId, 'x'.repeat(DISPLAY_NAME_MAX + 1)), /displayName: must be at most 255 characters/],
    ['empty account', () => h.lifecycle.registerCluster({ clusterId, displayName: 'n', accountUsername: '' }), /accountUsername: must not be empty/],
    ['openshift id not a UUID', () => h.lifecycle.setOpenshiftClusterId(clusterId, 'not-a-uuid'), /openshiftClusterId: must be a UUID/],
    ['console URL over http', () => h.lifecycle.setConsoleUrl(clusterId, 'http://console.example.com'), /consoleUrl: must be an absolute https URL/],
    ['console URL relative', () => h.lifecycle.setConsoleUrl(clusterId, '/console'), /consoleUrl: must be an absolute https URL/],
    ['console URL without host', () => h.lifecycle.setConsoleUrl(clusterId, 'https://'), /consoleUrl: must be an absolute https URL/],
    ['unknown deleter', () => h.lifecycle.deleteCluster(clusterId, 'cron' as never), /by: must be 'user' or 'garbage-collection'/],
    ['state of a non-UUID', () => h.lifecycle.getClusterState('../etc'), /clusterId: must be a UUID/],
    ['extra field in registration', () => h.lifecycle.registerCluster({ clusterId, displayName: 'n', accountUsername: 'a', token: 's' } as never), /unknown field\(s\): token/],
  ];
  for (const [name, call, message] of cases) {
    it(`the client refuses ${name}, naming the field and the rule, before sending anything`, async () => {
      await assert.rejects(call(), (e: unknown) => e instanceof InvalidInputError && message.test(e.message));
    });
  }
  it('the client sent nothing for any of them', async () => {
    await assert.rejects(h.lifecycle.getClusterState(clusterId), { name: 'ClusterNotFoundError' });
  });

  it('bad payloads that still reach the workflow are recorded and ignored without failing the run', async () => {
    const id = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId: id, displayName: 'ok', accountUsername: 'alice' });
    const handle = h.lifecycle.handle(id);
    await handle.signal('rename', { displayName: '' });
    await handle.signal('rename', { displayName: 'y'.repeat(DISPLAY_NAME_MAX + 1) });
    await handle.signal('openshiftClusterId', { openshiftClusterId: 'nope' });
    await handle.signal('consoleUrl', { consoleUrl: 'ftp://x' });
    await handle.signal('deleted', { by: 'somebody' });
    await handle.signal('rename', { displayName: 'still-works' });
    const state = await settled(id);
    assert.deepEqual(
      state.rejectedInputs.map((r) => `${r.signal} ${r.field}: ${r.rule}`),
      [
        'rename displayName: must not be empty',
        'rename displayName: must be at most 255 characters',
        'openshiftClusterId openshiftClusterId: must be a UUID',
        'consoleUrl consoleUrl: must be an absolute https URL',
        "deleted by: must be 'user' or 'garbage-collection'",
      ],
    );
    assert.equal(state.phase, 'registered');
    assert.equal(state.deletion, undefined);
    assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'still-works');
    const description = await handle.describe();
    assert.equal(description.status.name, 'RUNNING');
  });

  it('a registration that bypassed the client with a bad payload ends cleanly as refused', async () => {
    const id = newClusterId();
    const handle = await h.env.client.workflow.start('clusterSubscription', {
      taskQueue: h.taskQueue,
      workflowId: `cluster-subscription-${id}`,
      args: [{ clusterId: id, displayName: '', accountUsername: 'alice' }],
    });
    const result = (await handle.result()) as { phase: string; refusal?: { message: string } };
    assert.equal(result.phase, 'refused');
    assert.match(result.refusal?.message ?? '', /displayName: must not be empty/);
    assert.equal((await h.admin.requests({ cluster_id: id })).length, 0, 'no AMS call for a bad registration');
  });
});
