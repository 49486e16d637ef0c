// After the installer's last call (rules 3): the telemetry watch after Active and the
// daily drift check, with their default timing, on the time-skipping server against
// the emulator over HTTP. Workflow time skips; the emulator's clock does not.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { connectLifecycleClient } from '../client/index.js';
import { latestFirstDrift } from '../workflows/after-install.js';
import { AFTER_INSTALL_DEFAULTS, type ClusterStateView } from '../workflows/definitions.js';
import { eventually, newClusterId, startLifecycleHarness, type LifecycleHarness } from './helpers/lifecycle-harness.js';
import { currentDetails } from './helpers/sweeper-plant.js';

const CONSOLE = 'https://console-openshift-console.apps.after.example.com';
const SUBSCRIPTION = '/api/accounts_mgmt/v1/subscriptions/:id';
const HOUR = 3_600;
/** Past the first drift check, whatever its spread. */
const FIRST_DRIFT = latestFirstDrift(AFTER_INSTALL_DEFAULTS) + 60;

let h: LifecycleHarness;
before(async () => {
  h = await startLifecycleHarness({ server: 'time-skipping' });
});
after(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.admin.clearFaults();
});

const state = (clusterId: string) => h.lifecycle.getClusterState(clusterId);
const settled = (clusterId: string, accept: (s: ClusterStateView) => boolean = () => true, what = 'a settled run') =>
  eventually(() => state(clusterId), (s) => s.pending.length === 0 && s.failures === 0 && accept(s), { what, timeoutMs: 30_000 });
/** Skip workflow time, then wait (real time) for the run to have done what the timers started. */
async function skip(seconds: number): Promise<void> {
  await h.env.sleep(seconds * 1000);
}
const requests = (clusterId: string, method: string) => h.admin.requests({ cluster_id: clusterId, method });
const telemetryAttribute = async (clusterId: string) => (await h.lifecycle.handle(clusterId).describe()).searchAttributes.TelemetryStatus?.[0];

/** Registered, OpenShift id, console URL, installed: Active in AMS, the watch waiting. */
async function installed(clusterId: string, openshiftId = newClusterId()): Promise<{ subscriptionId: string; openshiftId: string }> {
  const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'after', accountUsername: 'alice' });
  await h.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
  await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
  await h.lifecycle.markInstalled(clusterId);
  await settled(clusterId, (s) => s.telemetry?.status === 'waiting', 'Active, the watch waiting');
  return { subscriptionId, openshiftId };
}

describe('telemetry watch after Active [time-skipping server]', () => {
  it('telemetry that arrives late: waiting after the 1 h check, ok at the 6 h check, then no more checks', async () => {
    const clusterId = newClusterId();
    const { openshiftId } = await installed(clusterId);
    const view = await state(clusterId);
    assert.deepEqual(view.scheduled.map((w) => w.kind), ['telemetry', 'drift'], 'the 1 h check comes before the daily drift check');
    assert.equal(await telemetryAttribute(clusterId), 'waiting');
    await skip(HOUR + 60);
    const first = await eventually(() => state(clusterId), (s) => s.telemetry?.checks === 1, { what: 'the 1 h check' });
    assert.equal(first.telemetry?.status, 'waiting');
    await h.admin.reportTelemetry({ external_cluster_id: openshiftId });
    await skip(5 * HOUR);
    const ok = await eventually(() => state(clusterId), (s) => s.telemetry?.status === 'ok', { what: 'telemetry ok' });
    assert.equal(ok.telemetry?.checks, 2);
    assert.ok(ok.telemetry?.lastTelemetryDate, 'the date AMS recorded');
    assert.deepEqual(ok.scheduled.map((w) => w.kind), ['drift'], 'the watch is over');
    assert.equal(await telemetryAttribute(clusterId), 'ok');
    const gets = (await requests(clusterId, 'GET')).length;
    await skip(21 * HOUR); // past the 24 h check the watch no longer makes, and the daily drift check
    const later = await eventually(() => state(clusterId), (s) => s.drift?.lastCheckedAt !== undefined, { what: 'the drift check' });
    assert.equal(later.telemetry?.checks, 2, 'no telemetry check after ok');
    assert.equal((await requests(clusterId, 'GET')).length, gets + 1, "the drift check's one GET, nothing else");
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('telemetry that never arrives: missing after the last (24 h) check, in details and the search attribute', async () => {
    const clusterId = newClusterId();
    await installed(clusterId);
    await skip(25 * HOUR);
    const missing = await eventually(() => state(clusterId), (s) => s.telemetry?.status === 'missing', { what: 'missing' });
    assert.equal(missing.telemetry?.checks, AFTER_INSTALL_DEFAULTS.telemetryCheckSeconds.length);
    assert.equal(await telemetryAttribute(clusterId), 'missing');
    const { raw } = await h.lifecycle.handle(clusterId).describe();
    assert.ok(raw.workflowExecutionInfo, 'described');
    const details = await currentDetails(h.lifecycle.handle(clusterId));
    assert.match(details, /\*\*Telemetry:\*\* missing/);
    await h.lifecycle.deleteCluster(clusterId);
  });

  it("an unsubscribed duplicate (telemetry before AMS had the OpenShift id): 'duplicate' with both subscription ids", async () => {
    const clusterId = newClusterId();
    const openshiftId = newClusterId();
    // The cluster reports before its id reached AMS: AMS creates a subscription with none of the installer's fields.
    const { subscription: unsubscribed } = await h.admin.reportTelemetry({ external_cluster_id: openshiftId });
    const { subscriptionId } = await installed(clusterId, openshiftId);
    await skip(HOUR + 60);
    const dup = await eventually(() => state(clusterId), (s) => s.telemetry?.status === 'duplicate', { what: 'duplicate' });
    assert.deepEqual(dup.telemetry?.duplicates, [unsubscribed.id]);
    assert.notEqual(unsubscribed.id, subscriptionId);
    assert.equal(await telemetryAttribute(clusterId), 'duplicate');
    assert.match(await currentDetails(h.lifecycle.handle(clusterId)), new RegExp(`unsubscribed duplicate.*${unsubscribed.id}`));
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('a new OpenShift id after Active starts the watch again, for the new id', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await installed(clusterId);
    await skip(HOUR + 60);
    await eventually(() => state(clusterId), (s) => s.telemetry?.checks === 1, { what: 'the first check' });
    const fresh = newClusterId();
    await h.lifecycle.setOpenshiftClusterId(clusterId, fresh);
    const restarted = await settled(clusterId, (s) => s.telemetry?.externalClusterId === fresh, 'the watch for the new id');
    assert.deepEqual([restarted.telemetry?.status, restarted.telemetry?.checks], ['waiting', 0]);
    assert.equal((await h.ams.getSubscription(subscriptionId)).external_cluster_id, fresh);
    await h.admin.reportTelemetry({ external_cluster_id: fresh });
    await skip(HOUR + 60);
    await eventually(() => state(clusterId), (s) => s.telemetry?.status === 'ok', { what: 'ok for the new id' });
    await h.lifecycle.deleteCluster(clusterId);
  });
});

describe('drift check [time-skipping server]', () => {
  it('each installer-owned field changed in AMS (an owner renamed it in OCM) is set back at the daily check, one PATCH each', async () => {
    const clusterId = newClusterId();
    const { subscriptionId, openshiftId } = await installed(clusterId);
    await h.ams.patchSubscription(subscriptionId, { display_name: 'renamed-in-ocm' });
    await h.ams.patchSubscription(subscriptionId, { console_url: 'https://elsewhere.example.com' });
    const wrongId = newClusterId();
    await h.ams.patchSubscription(subscriptionId, { external_cluster_id: wrongId });
    const patches = (await requests(clusterId, 'PATCH')).length;
    await skip(FIRST_DRIFT);
    const repaired = await settled(clusterId, (s) => (s.drift?.findings.filter((f) => f.kind === 'repaired').length ?? 0) === 3, 'three repairs');
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.deepEqual([sub.display_name, sub.console_url, sub.external_cluster_id, sub.status], ['after', CONSOLE, openshiftId, 'Active']);
    assert.deepEqual(
      repaired.drift?.findings.filter((f) => f.kind === 'repaired').map((f) => [f.field, f.found, f.wanted]),
      [['display_name', 'renamed-in-ocm', 'after'], ['external_cluster_id', wrongId, openshiftId], ['console_url', 'https://elsewhere.example.com', CONSOLE]],
    );
    // Our three PATCHes plus the three made behind its back.
    assert.equal((await requests(clusterId, 'PATCH')).length, patches + 3);
    assert.match(await currentDetails(h.lifecycle.handle(clusterId)), /\*\*Drift found:\*\* 3/);
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('Stale (AMS ageing the cluster) is reported and left alone: no PATCH', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await installed(clusterId);
    await h.admin.advanceClock(2 * 86_400); // the emulator's clock: no telemetry for two days
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale');
    const patches = (await requests(clusterId, 'PATCH')).length;
    await skip(FIRST_DRIFT);
    const seen = await eventually(() => state(clusterId), (s) => s.drift?.findings.some((f) => f.kind === 'status') ?? false, { what: 'the report' });
    assert.deepEqual(seen.drift?.findings.filter((f) => f.kind === 'status').map((f) => [f.before, f.found]), [['Active', 'Stale']]);
    assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale');
    assert.equal((await requests(clusterId, 'PATCH')).length, patches, 'nothing patched back');
    assert.equal(seen.ams?.status, 'Stale');
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('a subscription that vanished while the cluster exists is reserved again, reported, and gets its fields back', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'vanishing', accountUsername: 'alice' });
    const openshiftId = newClusterId();
    await h.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
    await settled(clusterId, (s) => s.applied.external_cluster_id === openshiftId);
    await h.ams.deleteSubscription(subscriptionId); // behind the run's back
    await skip(FIRST_DRIFT);
    const again = await settled(clusterId, (s) => s.subscriptionId !== undefined && s.subscriptionId !== subscriptionId, 'a new subscription');
    const sub = await h.ams.getSubscription(again.subscriptionId!);
    assert.deepEqual([sub.status, sub.display_name, sub.external_cluster_id, sub.cluster_id], ['Reserved', 'vanishing', openshiftId, clusterId]);
    assert.deepEqual(again.drift?.findings.map((f) => [f.kind, f.found]), [['recreated', subscriptionId]]);
    const described = await h.lifecycle.handle(clusterId).describe();
    assert.equal(described.searchAttributes.AmsSubscriptionId?.[0], again.subscriptionId);
    assert.match(await currentDetails(h.lifecycle.handle(clusterId)), /vanished from AMS/);
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('an installed cluster whose subscription vanished: reserved again, Active again, and its telemetry watch starts over', async () => {
    const clusterId = newClusterId();
    const { subscriptionId, openshiftId } = await installed(clusterId);
    await skip(HOUR + 60);
    await eventually(() => state(clusterId), (s) => s.telemetry?.checks === 1, { what: 'the first check' });
    await h.ams.deleteSubscription(subscriptionId);
    await skip(5 * HOUR); // the 6 h telemetry check finds it gone
    const again = await settled(clusterId, (s) => s.subscriptionId !== subscriptionId && s.telemetry?.checks === 0, 'reserved again, watched again');
    const sub = await h.ams.getSubscription(again.subscriptionId!);
    assert.deepEqual([sub.status, sub.external_cluster_id, sub.console_url], ['Active', openshiftId, CONSOLE]);
    assert.deepEqual(again.drift?.findings.map((f) => f.kind), ['recreated']);
    assert.equal(await telemetryAttribute(clusterId), 'waiting', 'the new watch (the old one was unset with its subscription)');
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('an AMS outage at check time: the check is retried with backoff and done once AMS answers', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await installed(clusterId);
    await h.admin.addFault({ kind: 'outage', route: SUBSCRIPTION, method: 'GET' });
    await h.ams.patchSubscription(subscriptionId, { display_name: 'drifted' }).catch(() => undefined);
    await skip(FIRST_DRIFT);
    await eventually(() => state(clusterId), (s) => s.failures > 0 && s.lastError?.operation === 'get', { what: 'the failing check' });
    await h.admin.clearFaults();
    await skip(700); // past the longest backoff
    await settled(clusterId, (s) => s.drift?.lastCheckedAt !== undefined, 'the check done');
    assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'after');
    await h.lifecycle.deleteCluster(clusterId);
  });
});

describe('checks held while other things happen [time-skipping server]', () => {
  it('a rename during the wait for a check goes out at once; the check still comes at its time', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await installed(clusterId);
    const held = await state(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'renamed-while-held');
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'renamed-while-held', { what: 'the rename in AMS' });
    const after = await settled(clusterId);
    assert.deepEqual(after.scheduled, held.scheduled, 'the checks kept their times');
    await skip(HOUR + 60);
    await eventually(() => state(clusterId), (s) => s.telemetry?.checks === 1, { what: 'the 1 h check' });
    await h.lifecycle.deleteCluster(clusterId);
  });

  it('a continue-as-new while checks are held carries them and the run\'s timing over', async () => {
    const clusterId = newClusterId();
    const openshiftId = newClusterId();
    const timing = { telemetryCheckSeconds: [7_200, 14_400], driftCheckSeconds: 43_200 };
    await h.startRun(clusterId, { displayName: 'carried', maxHistoryEvents: 60, afterInstall: timing });
    await h.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
    await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
    await h.lifecycle.markInstalled(clusterId);
    const held = await settled(clusterId, (s) => s.telemetry?.status === 'waiting', 'the watch');
    // Renames grow the history past 60 events: the run continues as new while the checks wait.
    for (let i = 1; i <= 8; i++) await h.lifecycle.renameCluster(clusterId, `carried-${i}`);
    const carried = await settled(clusterId, (s) => s.continuedAsNew >= 1 && s.applied.display_name === 'carried-8', 'the hand-over');
    assert.deepEqual([carried.telemetry?.since, carried.telemetry?.nextCheckAt], [held.telemetry?.since, held.telemetry?.nextCheckAt]);
    assert.equal(carried.drift?.nextCheckAt, held.drift?.nextCheckAt);
    await h.admin.reportTelemetry({ external_cluster_id: openshiftId });
    await skip(HOUR + 60); // past the default 1 h: the run's own timing says 2 h, so no check yet
    assert.equal((await settled(clusterId)).telemetry?.checks, 0);
    await skip(HOUR);
    const ok = await eventually(() => state(clusterId), (s) => s.telemetry?.status === 'ok', { what: 'ok after the hand-over' });
    assert.equal(ok.telemetry?.checks, 1);
    await h.lifecycle.deleteCluster(clusterId);
  });
});

describe('deletion of an installed cluster AMS never reserved for [time-skipping server]', () => {
  it('garbage collection while AMS was down the whole install: the cluster gets its Active subscription, left untouched', async () => {
    const clusterId = newClusterId();
    const openshiftId = newClusterId();
    await h.admin.addFault({ kind: 'outage', route: '/api/accounts_mgmt/v1/cluster_authorizations', method: 'POST' });
    await assert.rejects(h.lifecycle.registerCluster({ clusterId, displayName: 'never-reserved', accountUsername: 'alice' }), { name: 'RegistrationPendingError' });
    await h.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
    await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
    await h.lifecycle.markInstalled(clusterId);
    await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
    await h.admin.clearFaults();
    const result = await h.lifecycle.handle(clusterId).result();
    assert.equal(result.deletion?.outcome, 'left-untouched');
    const [sub] = await h.ams.findSubscriptionsByClusterId(clusterId);
    assert.ok(sub, 'a subscription exists');
    assert.deepEqual([sub.status, sub.external_cluster_id, sub.console_url, sub.display_name], ['Active', openshiftId, CONSOLE, 'never-reserved']);
  });

  it('a cluster that was not installed still ends with nothing reserved (never-created)', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'outage', route: '/api/accounts_mgmt/v1/cluster_authorizations', method: 'POST' });
    await assert.rejects(h.lifecycle.registerCluster({ clusterId, displayName: 'not-installed', accountUsername: 'alice' }), { name: 'RegistrationPendingError' });
    await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
    await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
    await h.admin.clearFaults();
    const result = await h.lifecycle.handle(clusterId).result();
    assert.equal(result.deletion?.outcome, 'never-created');
    assert.deepEqual(await h.ams.findSubscriptionsByClusterId(clusterId), []);
  });
});


describe('the Web UI queries that find clusters needing attention [dev server]', () => {
  let dev: LifecycleHarness;
  let installer: Awaited<ReturnType<typeof connectLifecycleClient>>;
  before(async () => {
    dev = await startLifecycleHarness({ server: 'dev' });
    // The installer's way in, with real time on the real server: checks seconds apart instead of hours.
    const config = { address: dev.env.address, namespace: dev.env.namespace ?? 'default', taskQueue: dev.taskQueue };
    installer = await connectLifecycleClient(config, { afterInstall: { telemetryCheckSeconds: [1, 2], driftCheckSeconds: 3_600 } });
  });
  after(async () => {
    await installer?.close();
    await dev?.close();
  });

  it("TelemetryStatus = 'missing' and = 'duplicate' each list exactly their cluster (timing set through connectLifecycleClient)", async () => {
    const install = async (clusterId: string, openshiftId: string) => {
      await installer.lifecycle.registerCluster({ clusterId, displayName: 'ui', accountUsername: 'alice' });
      await installer.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
      await installer.lifecycle.markInstalled(clusterId);
    };
    const silent = newClusterId();
    const duplicated = newClusterId();
    const duplicatedOpenshiftId = newClusterId();
    await dev.admin.reportTelemetry({ external_cluster_id: duplicatedOpenshiftId });
    await install(silent, newClusterId());
    await install(duplicated, duplicatedOpenshiftId);
    const list = async (query: string) => {
      const ids: string[] = [];
      for await (const run of dev.env.client.workflow.list({ query })) ids.push(String(run.searchAttributes.ClusterId?.[0]));
      return ids;
    };
    const ours = `ClusterId IN ('${silent}', '${duplicated}')`;
    assert.deepEqual(await eventually(() => list(`TelemetryStatus = 'missing' AND ${ours}`), (ids) => ids.length > 0, { what: 'missing' }), [silent]);
    assert.deepEqual(await eventually(() => list(`TelemetryStatus = 'duplicate' AND ${ours}`), (ids) => ids.length > 0, { what: 'duplicate' }), [duplicated]);
    const view = await dev.lifecycle.getClusterState(silent);
    assert.equal(view.telemetry?.checks, 2, 'the two configured checks, then missing');
  });

  it("every query of the README's 'Clusters that need attention' table is one the server accepts", async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Clusters that need attention'), readme.indexOf('### Sweeper'));
    const queries = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
    assert.ok(queries.length >= 5, `queries found: ${queries.length}`);
    for (const query of queries) await dev.env.client.workflow.count(query); // rejects on a query the server refuses
    await assert.rejects(dev.env.client.workflow.count("TelemetryStatus = 'missing' AND"), 'a broken query is refused (the check can fail)');
  });
});
