// Round trips of every AmsClient method against the AMS emulator over real
// HTTP, and the OCM error envelopes it answers with.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AmsApiError, type AmsClient } from '../ams/index.js';
import { newClusterId, startEmulatorFixture, type EmulatorFixture } from './helpers/ams-client-emulator.js';

let fixture: EmulatorFixture;
let client: AmsClient;
before(async () => {
  fixture = await startEmulatorFixture();
  client = fixture.client;
});
after(() => fixture.close());

async function apiError(promise: Promise<unknown>): Promise<AmsApiError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof AmsApiError, `expected AmsApiError, got ${String(error)}`);
  return error;
}

async function reserve(displayName = 'demo'): Promise<{ clusterId: string; subscriptionId: string }> {
  const clusterId = newClusterId();
  const { allowed, subscriptionId } = await client.createClusterAuthorization({ accountUsername: 'alice', clusterId, displayName });
  assert.equal(allowed, true);
  return { clusterId, subscriptionId };
}

describe('AmsClient against the emulator', () => {
  it('creates a Reserved subscription and finds it by cluster id', async () => {
    const { clusterId, subscriptionId } = await reserve('first cluster');
    const found = await client.findSubscriptionByClusterId(clusterId);
    assert.equal(found?.id, subscriptionId);
    assert.equal(found?.status, 'Reserved');
    assert.equal(found?.cluster_id, clusterId);
    assert.equal(found?.display_name, 'first cluster');
    assert.equal(found?.managed, false);
    assert.equal(found?.plan?.id, 'OCP-AssistedInstall');
    assert.deepEqual(await client.getSubscription(subscriptionId), found);
  });

  it('returns undefined when no subscription has the cluster id', async () => {
    assert.equal(await client.findSubscriptionByClusterId("no-such-cluster-'quoted'"), undefined);
  });

  it('is idempotent per cluster: a second authorization returns the same subscription', async () => {
    const { clusterId, subscriptionId } = await reserve();
    const again = await client.createClusterAuthorization({ accountUsername: 'alice', clusterId, displayName: 'demo' });
    assert.deepEqual(again, { allowed: true, subscriptionId });
  });

  it('patches one field at a time through the install lifecycle', async () => {
    const { subscriptionId } = await reserve('before');
    const renamed = await client.patchSubscription(subscriptionId, { display_name: 'after' });
    assert.equal(renamed.display_name, 'after');
    const external = await client.patchSubscription(subscriptionId, { external_cluster_id: 'ext-123' });
    assert.equal(external.external_cluster_id, 'ext-123');
    const console = await client.patchSubscription(subscriptionId, { console_url: 'https://console.apps.demo.example' });
    assert.equal(console.console_url, 'https://console.apps.demo.example');
    const active = await client.patchSubscription(subscriptionId, { status: 'Active' });
    assert.equal(active.status, 'Active');
    const stored = await client.getSubscription(subscriptionId);
    assert.deepEqual(
      [stored.display_name, stored.external_cluster_id, stored.console_url, stored.status],
      ['after', 'ext-123', 'https://console.apps.demo.example', 'Active'],
    );
  });

  it('deletes a subscription, after which it is not found', async () => {
    const { clusterId, subscriptionId } = await reserve();
    await client.deleteSubscription(subscriptionId);
    assert.equal(await client.findSubscriptionByClusterId(clusterId), undefined);
    const error = await apiError(client.getSubscription(subscriptionId));
    assert.equal(error.status, 404);
  });

  it('lists with search and paging', async () => {
    const prefix = `page-${Date.now()}`;
    for (let i = 0; i < 3; i++) await reserve(`${prefix}-${i}`);
    const search = `display_name like '${prefix}-%'`;
    const first = await client.listSubscriptions({ search, size: 2, page: 1, orderBy: 'display_name asc' });
    assert.equal(first.kind, 'SubscriptionList');
    assert.deepEqual([first.page, first.size, first.total], [1, 2, 3]);
    assert.deepEqual(first.items.map((s) => s.display_name), [`${prefix}-0`, `${prefix}-1`]);
    const second = await client.listSubscriptions({ search, size: 2, page: 2, orderBy: 'display_name asc' });
    assert.deepEqual(second.items.map((s) => s.display_name), [`${prefix}-2`]);
    const all = await client.listSubscriptions({ search, size: -1 });
    assert.equal(all.items.length, 3);
  });

  it('reads the current account', async () => {
    const account = await client.getCurrentAccount();
    assert.equal(account.username, 'service-account-ams-lifecycle');
    assert.equal(account.organization?.name, 'Emulated Service Organization');
    assert.ok(account.id.length > 0);
  });
});

describe('OCM error envelopes from the emulator', () => {
  it('404 on PATCH of an unknown subscription carries code, reason, id and operation id', async () => {
    const error = await apiError(client.patchSubscription('abc', { display_name: 'x' }));
    assert.equal(error.status, 404);
    assert.equal(error.code, 'ACCT-MGMT-7');
    assert.equal(error.id, '7');
    assert.equal(error.method, 'PATCH');
    assert.equal(error.path, '/api/accounts_mgmt/v1/subscriptions/abc');
    assert.ok(error.reason && error.reason.length > 0);
    assert.ok(error.operationId && error.operationId.length > 0);
    assert.equal(
      error.message,
      `AMS PATCH /api/accounts_mgmt/v1/subscriptions/abc answered 404 ACCT-MGMT-7: ${error.reason} (operation ${error.operationId})`,
    );
    assert.equal(error.retryAfterSeconds, undefined);
  });

  it('409 when the cluster already belongs to another account', async () => {
    const { clusterId } = await reserve();
    const error = await apiError(client.createClusterAuthorization({ accountUsername: 'carol', clusterId, displayName: 'x' }));
    assert.equal(error.status, 409);
    assert.match(error.code ?? '', /^ACCT-MGMT-\d+$/);
    assert.match(error.reason ?? '', /another account/);
  });

  it('400 for an unknown account, with details', async () => {
    const error = await apiError(
      client.createClusterAuthorization({ accountUsername: 'nobody', clusterId: newClusterId(), displayName: 'x' }),
    );
    assert.equal(error.status, 400);
    assert.match(error.reason ?? '', /account_username/);
    assert.ok(Array.isArray(error.details) && error.details.length > 0);
  });

  it('400 for a search the emulator cannot parse', async () => {
    const error = await apiError(client.listSubscriptions({ search: "cluster_id = 'unterminated" }));
    assert.equal(error.status, 400);
    assert.match(error.message, /^AMS GET \/api\/accounts_mgmt\/v1\/subscriptions answered 400 ACCT-MGMT-\d+: /);
  });
});
