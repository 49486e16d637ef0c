import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACME_ORG_ID, GLOBEX_ORG_ID } from '../emulator/index.js';
import { API, startTestEmulator, useTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const DAY = 86_400;

describe('emulator telemetry and ageing', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]), { resetEachTest: true, staleAfterSeconds: DAY, archiveAfterSeconds: 30 * DAY });

  /** An installed cluster: reserved, external id set, Active. */
  const installed = async (clusterId: string, externalId: string) => {
    const id = (await t.authorize(sa, clusterId)).body.subscription.id;
    for (const patch of [{ external_cluster_id: externalId }, { status: 'Active' }]) {
      await t.call('PATCH', `${API}/subscriptions/${id}`, { token: sa, body: { kind: 'Subscription', ...patch } });
    }
    return id as string;
  };
  const get = async (id: string) => (await t.call('GET', `${API}/subscriptions/${id}`, { token: sa })).body;

  it('telemetry adds metrics and last_telemetry_date to the matching subscription', async () => {
    const id = await installed('c-1', 'ext-1');
    await t.admin.advanceClock(3600);
    const before = Date.parse((await t.admin.clock()).now);
    const result = await t.admin.reportTelemetry({ external_cluster_id: 'ext-1', metrics: { openshift_version: '4.17.3' } });
    assert.equal(result.created, false);
    assert.equal(result.subscription.id, id);
    const sub = await get(id);
    assert.equal(sub.metrics.length, 1);
    assert.equal(sub.metrics[0].openshift_version, '4.17.3');
    assert.equal(sub.metrics[0].health_state, 'healthy');
    assert.deepEqual(sub.metrics[0].nodes, { total: 3, master: 3 });
    const reported = Date.parse(sub.last_telemetry_date);
    assert.ok(reported >= before && reported <= Date.parse((await t.admin.clock()).now), 'telemetry time is the emulator clock');
  });

  it('telemetry for an unknown cluster creates an "unsubscribed" Active subscription', async () => {
    const result = await t.admin.reportTelemetry({ external_cluster_id: 'ext-unknown', organization_id: GLOBEX_ORG_ID });
    assert.equal(result.created, true);
    const sub = await get(result.subscription.id);
    assert.equal(sub.status, 'Active');
    assert.equal(sub.external_cluster_id, 'ext-unknown');
    assert.equal(sub.cluster_id, undefined);
    assert.equal(sub.display_name, undefined);
    assert.equal(sub.creator, undefined);
    assert.equal(sub.organization_id, GLOBEX_ORG_ID);
    assert.equal(sub.metrics.length, 1);
  });

  it('Active without telemetry turns Stale, then Archived, on the emulator clock', async () => {
    const id = await installed('c-2', 'ext-2');
    await t.admin.reportTelemetry({ external_cluster_id: 'ext-2' });
    await t.admin.advanceClock(DAY - 10);
    assert.equal((await get(id)).status, 'Active');
    await t.admin.advanceClock(20);
    const stale = await get(id);
    assert.equal(stale.status, 'Stale');
    const staleSearch = await t.call('GET', `${API}/subscriptions?search=${encodeURIComponent("status = 'Stale'")}`, { token: sa });
    assert.equal(staleSearch.body.total, 1);
    await t.admin.advanceClock(30 * DAY);
    const archived = await get(id);
    assert.equal(archived.status, 'Archived');
    assert.ok(Date.parse(archived.updated_at) > Date.parse(stale.updated_at));
  });

  it('telemetry keeps a cluster Active and brings a Stale one back', async () => {
    const id = await installed('c-3', 'ext-3');
    for (let i = 0; i < 3; i++) {
      await t.admin.advanceClock(DAY - 60);
      await t.admin.reportTelemetry({ external_cluster_id: 'ext-3' });
    }
    assert.equal((await get(id)).status, 'Active');
    await t.admin.advanceClock(2 * DAY);
    assert.equal((await get(id)).status, 'Stale');
    await t.admin.reportTelemetry({ external_cluster_id: 'ext-3' });
    assert.equal((await get(id)).status, 'Active');
  });

  it('Reserved subscriptions are never aged', async () => {
    const id = (await t.authorize(sa, 'c-4')).body.subscription.id;
    await t.admin.advanceClock(365 * DAY);
    assert.equal((await get(id)).status, 'Reserved');
  });

  it('the clock can be read and advanced; bad advances are refused', async () => {
    const before = await t.admin.clock();
    const after = await t.admin.advanceClock(3600);
    assert.equal(after.offset_seconds - before.offset_seconds, 3600);
    assert.ok(Date.parse(after.now) - Date.parse(before.now) >= 3600_000);
    const bad = await t.call('POST', '/_emulator/clock/advance', { body: { seconds: -5 } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.reason, /'seconds'/);
  });
});

describe('emulator cluster quota', () => {
  let t: TestEmulator;
  let sa: string;
  before(async () => {
    t = await startTestEmulator({ quotas: [{ organization_id: GLOBEX_ORG_ID, max_clusters: 1, status: 403 }] });
    sa = await t.serviceToken();
  });
  after(() => t.close());

  it('answers 429 over the organization quota (Reserved + Active count)', async () => {
    await t.admin.setQuota({ organization_id: ACME_ORG_ID, max_clusters: 2, status: 429 });
    assert.equal((await t.authorize(sa, 'q-1', 'alice')).status, 200);
    assert.equal((await t.authorize(sa, 'q-2', 'bob')).status, 200);
    const over = await t.authorize(sa, 'q-3', 'alice');
    assert.equal(over.status, 429);
    assert.equal(over.body.kind, 'Error');
    assert.equal(over.body.details[0].kind, 'ExcessResources');
    assert.equal((await t.authorize(sa, 'q-1', 'alice')).status, 200, 'an existing cluster is still answered');
    const id = (await t.authorize(sa, 'q-1', 'alice')).body.subscription.id;
    await t.call('DELETE', `${API}/subscriptions/${id}`, { token: sa });
    assert.equal((await t.authorize(sa, 'q-3', 'alice')).status, 200, 'room again after a delete');
  });

  it('answers 403 with ExcessResources details when configured so; reserve false reports it', async () => {
    assert.equal((await t.authorize(sa, 'g-1', 'carol')).status, 200);
    const over = await t.authorize(sa, 'g-2', 'carol');
    assert.equal(over.status, 403);
    assert.deepEqual(
      [over.body.details[0].kind, over.body.details[0].max_clusters, over.body.details[0].current_clusters],
      ['ExcessResources', 1, 1],
    );
    const check = await t.authorize(sa, 'g-2', 'carol', { reserve: false });
    assert.equal(check.status, 200);
    assert.equal(check.body.allowed, false);
    assert.equal(check.body.excess_resources[0].kind, 'ExcessResources');
  });

  it('a null max_clusters lifts the limit; bad quota input is 400', async () => {
    await t.admin.setQuota({ organization_id: GLOBEX_ORG_ID, max_clusters: null });
    assert.equal((await t.authorize(sa, 'g-3', 'carol')).status, 200);
    const bad = await t.call('PUT', '/_emulator/quota', { body: { max_clusters: -1 } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.reason, /'max_clusters'/);
    const badStatus = await t.call('PUT', '/_emulator/quota', { body: { max_clusters: 1, status: 418 } });
    assert.equal(badStatus.status, 400);
  });
});
