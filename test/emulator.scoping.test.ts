import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACME_ORG_ID, GLOBEX_ORG_ID } from '../emulator/index.js';
import { API, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

describe('emulator organization scoping', () => {
  let t: TestEmulator;
  let sa: string;
  let alice: string;
  let carol: string;
  let acmeSub: string;
  let globexSub: string;

  before(async () => {
    t = await startTestEmulator();
    sa = await t.serviceToken();
    alice = await t.userToken('alice');
    carol = await t.userToken('carol');
    acmeSub = (await t.authorize(sa, 'acme-cluster', 'bob')).body.subscription.id;
    globexSub = (await t.authorize(sa, 'globex-cluster', 'carol')).body.subscription.id;
    await t.call('POST', `${API}/organizations/${GLOBEX_ORG_ID}/labels`, { token: sa, body: { key: 'secret', value: 'x' } });
  });
  after(() => t.close());

  const clusterIds = async (token: string) =>
    (await t.call('GET', `${API}/subscriptions`, { token })).body.items.map((s: { cluster_id: string }) => s.cluster_id).sort();

  it('a user lists only their organization, a service account everything', async () => {
    assert.deepEqual(await clusterIds(alice), ['acme-cluster']);
    assert.deepEqual(await clusterIds(carol), ['globex-cluster']);
    assert.deepEqual(await clusterIds(sa), ['acme-cluster', 'globex-cluster']);
    const total = (await t.call('GET', `${API}/subscriptions?search=${encodeURIComponent("cluster_id = 'globex-cluster'")}`, { token: alice })).body.total;
    assert.equal(total, 0);
  });

  it("another organization's subscription is 404 for GET, PATCH and DELETE", async () => {
    const path = `${API}/subscriptions/${globexSub}`;
    assert.equal((await t.call('GET', path, { token: alice })).status, 404);
    assert.equal((await t.call('PATCH', path, { token: alice, body: { display_name: 'mine' } })).status, 404);
    assert.equal((await t.call('DELETE', path, { token: alice })).status, 404);
    const still = await t.call('GET', path, { token: sa });
    assert.equal(still.status, 200);
    assert.equal(still.body.display_name, 'name-globex-cluster');
  });

  it('a user of the same organization may read and change its subscriptions', async () => {
    const path = `${API}/subscriptions/${acmeSub}`;
    assert.equal((await t.call('GET', path, { token: alice })).status, 200);
    const renamed = await t.call('PATCH', path, { token: alice, body: { kind: 'Subscription', display_name: 'acme-renamed' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.display_name, 'acme-renamed');
  });

  it("another organization's labels are 403; the service account sees them", async () => {
    const path = `${API}/organizations/${GLOBEX_ORG_ID}/labels`;
    const denied = await t.call('GET', path, { token: alice });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.kind, 'Error');
    assert.equal((await t.call('GET', `${path}/secret`, { token: alice })).status, 403);
    assert.equal((await t.call('GET', path, { token: carol })).body.total, 1);
    assert.equal((await t.call('GET', path, { token: sa })).body.total, 1);
    assert.equal((await t.call('GET', `${API}/organizations/${ACME_ORG_ID}/labels`, { token: alice })).status, 200);
  });

  it('an unknown organization is 404 for a service account', async () => {
    assert.equal((await t.call('GET', `${API}/organizations/unknown-org/labels`, { token: sa })).status, 404);
  });
});
