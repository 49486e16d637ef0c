import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACME_ORG_ID, GLOBEX_ORG_ID } from '../emulator/index.js';
import { API, useTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe('emulator subscriptions', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]), { resetEachTest: true });

  it('cluster authorization reserves a subscription shaped as AMS does', async () => {
    const response = await t.authorize(sa, 'cluster-1', 'alice');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.body.kind, 'ClusterAuthorizationResponse');
    assert.equal(response.body.allowed, true);
    assert.deepEqual(response.body.excess_resources, []);
    const link = response.body.subscription;
    assert.equal(link.kind, 'SubscriptionLink');
    assert.equal(link.href, `${API}/subscriptions/${link.id}`);
    assert.match(link.id, /^[0-9A-Za-z]{27}$/);

    const sub = (await t.call('GET', link.href, { token: sa })).body;
    assert.equal(sub.kind, 'Subscription');
    assert.equal(sub.href, link.href);
    assert.equal(sub.status, 'Reserved');
    assert.equal(sub.cluster_id, 'cluster-1');
    assert.equal(sub.display_name, 'name-cluster-1');
    assert.equal(sub.organization_id, ACME_ORG_ID);
    assert.equal(sub.managed, false);
    assert.equal(sub.support_level, 'Eval');
    assert.equal(sub.provenance, 'Provisioning');
    assert.deepEqual(sub.plan, {
      id: 'OCP-AssistedInstall',
      kind: 'Plan',
      href: `${API}/plans/OCP-AssistedInstall`,
      type: 'OCP',
      category: 'AssistedInstall',
    });
    assert.equal(sub.creator.kind, 'Account');
    assert.equal(sub.creator.href, `${API}/accounts/${sub.creator.id}`);
    assert.match(sub.created_at, RFC3339);
    assert.match(sub.updated_at, RFC3339);
  });

  it('is idempotent for the same cluster and account, 409 for another account', async () => {
    const first = await t.authorize(sa, 'cluster-2', 'alice');
    const again = await t.authorize(sa, 'cluster-2', 'alice');
    assert.equal(again.status, 200);
    assert.equal(again.body.subscription.id, first.body.subscription.id);
    const other = await t.authorize(sa, 'cluster-2', 'carol');
    assert.equal(other.status, 409);
    assert.equal(other.body.kind, 'Error');
    assert.equal(other.body.code, 'ACCT-MGMT-6');
    assert.equal((await t.admin.state()).subscriptions.length, 1);
  });

  it('lets a user authorize only for themselves', async () => {
    const bob = await t.userToken('bob');
    const own = await t.authorize(bob, 'cluster-3', 'bob');
    assert.equal(own.status, 200);
    const forOther = await t.authorize(bob, 'cluster-4', 'alice');
    assert.equal(forOther.status, 403);
    assert.equal(forOther.body.code, 'ACCT-MGMT-11');
  });

  it('answers 400 for an unknown account_username from a service account', async () => {
    const response = await t.authorize(sa, 'cluster-5', 'nobody');
    assert.equal(response.status, 400);
    assert.match(response.body.reason, /account_username/);
  });

  it('without reserve only checks, creating nothing', async () => {
    const response = await t.authorize(sa, 'cluster-6', 'alice', { reserve: false });
    assert.equal(response.status, 200);
    assert.equal(response.body.allowed, true);
    assert.equal(response.body.subscription, undefined);
    assert.equal((await t.admin.state()).subscriptions.length, 0);
  });

  it('PATCH changes one field, accepts kind Subscription, returns the updated object', async () => {
    const id = (await t.authorize(sa, 'cluster-7')).body.subscription.id;
    const before = (await t.call('GET', `${API}/subscriptions/${id}`, { token: sa })).body;
    for (const patch of [
      { display_name: 'renamed' },
      { external_cluster_id: 'ext-7' },
      { console_url: 'https://console.example.com' },
      { status: 'Active' },
    ]) {
      const response = await t.call('PATCH', `${API}/subscriptions/${id}`, { token: sa, body: { kind: 'Subscription', ...patch } });
      assert.equal(response.status, 200);
      for (const [key, value] of Object.entries(patch)) assert.equal(response.body[key], value);
    }
    const after = (await t.call('GET', `${API}/subscriptions/${id}`, { token: sa })).body;
    assert.equal(after.display_name, 'renamed');
    assert.equal(after.status, 'Active');
    assert.equal(after.created_at, before.created_at);
    assert.ok(Date.parse(after.updated_at) >= Date.parse(before.updated_at));
  });

  it('DELETE answers 204 without a body, then GET is 404', async () => {
    const id = (await t.authorize(sa, 'cluster-8')).body.subscription.id;
    const response = await t.call('DELETE', `${API}/subscriptions/${id}`, { token: sa, headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 204);
    assert.equal(response.text, '');
    const gone = await t.call('GET', `${API}/subscriptions/${id}`, { token: sa });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'ACCT-MGMT-7');
    assert.equal((await t.call('DELETE', `${API}/subscriptions/${id}`, { token: sa })).status, 404);
    assert.equal((await t.call('PATCH', `${API}/subscriptions/${id}`, { token: sa, body: { display_name: 'x' } })).status, 404);
  });

  it('lists with paging: size is the page item count, -1 means all', async () => {
    for (let i = 0; i < 5; i++) await t.authorize(sa, `list-${i}`);
    const all = await t.call('GET', `${API}/subscriptions`, { token: sa });
    assert.equal(all.body.kind, 'SubscriptionList');
    assert.deepEqual([all.body.page, all.body.size, all.body.total], [1, 5, 5]);
    const page2 = await t.call('GET', `${API}/subscriptions?page=2&size=2`, { token: sa });
    assert.deepEqual([page2.body.page, page2.body.size, page2.body.total], [2, 2, 5]);
    assert.deepEqual(page2.body.items.map((s: { cluster_id: string }) => s.cluster_id), ['list-2', 'list-3']);
    const page3 = await t.call('GET', `${API}/subscriptions?page=3&size=2`, { token: sa });
    assert.equal(page3.body.size, 1);
    const everything = await t.call('GET', `${API}/subscriptions?size=-1`, { token: sa });
    assert.equal(everything.body.size, 5);
  });

  it('orders by order or orderBy, several terms, asc and desc', async () => {
    for (const name of ['b', 'c', 'a']) {
      await t.authorize(sa, `order-${name}`, 'alice', { display_name: name });
      await t.admin.advanceClock(1); // distinct created_at whatever the machine's speed
    }
    const names = async (query: string) =>
      (await t.call('GET', `${API}/subscriptions?${query}`, { token: sa })).body.items.map((s: { display_name: string }) => s.display_name);
    assert.deepEqual(await names('order=display_name+asc'), ['a', 'b', 'c']);
    assert.deepEqual(await names(`orderBy=${encodeURIComponent('display_name desc')}`), ['c', 'b', 'a']);
    assert.deepEqual(await names(`order=${encodeURIComponent('created_at desc, display_name asc')}`), ['a', 'c', 'b']);
    assert.deepEqual(await names(''), ['b', 'c', 'a']);
  });

  it('current_account describes the caller and its organization', async () => {
    const carol = await t.userToken('carol');
    const account = (await t.call('GET', `${API}/current_account`, { token: carol })).body;
    assert.equal(account.kind, 'Account');
    assert.equal(account.href, `${API}/accounts/${account.id}`);
    assert.equal(account.username, 'carol');
    assert.equal(account.service_account, false);
    assert.equal(account.banned, false);
    assert.equal(account.organization.id, GLOBEX_ORG_ID);
    assert.equal(account.organization.kind, 'Organization');
    assert.equal(typeof account.organization.external_id, 'string');
    const service = (await t.call('GET', `${API}/current_account`, { token: sa })).body;
    assert.equal(service.service_account, true);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const response = await t.call('GET', `${API}/nothing-here`, { token: sa });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.body.kind, 'Error');
  });
});
