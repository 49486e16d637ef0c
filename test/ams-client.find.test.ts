// findSubscriptionsByClusterId: every subscription AMS has for a cluster id
// (a lost response, an old deprovisioned one, another account's), with the
// creator's username, across pages. Against the emulator, and tiny servers for
// odd paging.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Subscription as EmulatorSubscription } from '../emulator/admin-client.js';
import { newClusterId, startEmulatorFixture, type EmulatorFixture } from './helpers/ams-client-emulator.js';
import { SUBSCRIPTION_FIXTURE, sendJson, tinyServerClients } from './helpers/ams-client-peers.js';

const SUBSCRIPTIONS = '/api/accounts_mgmt/v1/subscriptions';

let fixture: EmulatorFixture;
const tiny = tinyServerClients();
before(async () => {
  fixture = await startEmulatorFixture();
});
after(async () => {
  await tiny.closeAll();
  await fixture.close();
});

/** Reserves a subscription for a new cluster, then seeds `copies` more with the same cluster_id. */
async function clusterWithCopies(copies: number, copy: Partial<EmulatorSubscription> = {}): Promise<{ clusterId: string; reservedId: string }> {
  const clusterId = newClusterId();
  const { subscriptionId } = await fixture.client.createClusterAuthorization({ accountUsername: 'alice', clusterId, displayName: 'x' });
  const state = await fixture.admin.state();
  const reserved = state.subscriptions.find((sub) => sub.id === subscriptionId);
  assert.ok(reserved);
  for (let i = 0; i < copies; i++) {
    const id = `${subscriptionId}-copy-${i}`;
    state.subscriptions.push({ ...reserved, id, href: `${SUBSCRIPTIONS}/${id}`, ...copy });
  }
  await fixture.admin.seed(state);
  return { clusterId, reservedId: subscriptionId };
}

describe('findSubscriptionsByClusterId against the emulator', () => {
  it('returns every subscription of the cluster, with the creator username', async () => {
    const { clusterId, reservedId } = await clusterWithCopies(1, { status: 'Deprovisioned' });
    const found = await fixture.client.findSubscriptionsByClusterId(clusterId);
    assert.deepEqual(found.map((sub) => [sub.id, sub.status]).sort(), [[reservedId, 'Reserved'], [`${reservedId}-copy-0`, 'Deprovisioned']]);
    assert.ok(found.every((sub) => sub.cluster_id === clusterId && sub.creator?.username === 'alice'));
  });

  it('returns [] when the cluster has none', async () => {
    assert.deepEqual(await fixture.client.findSubscriptionsByClusterId(newClusterId()), []);
  });

  it('follows the pages when there are more than one page holds', async () => {
    const { clusterId } = await clusterWithCopies(120);
    const before = (await fixture.admin.requests({ method: 'GET', path: SUBSCRIPTIONS })).length;
    const found = await fixture.client.findSubscriptionsByClusterId(clusterId);
    assert.equal(found.length, 121);
    assert.equal(new Set(found.map((sub) => sub.id)).size, 121);
    assert.equal((await fixture.admin.requests({ method: 'GET', path: SUBSCRIPTIONS })).length - before, 2, 'two pages of 100');
  });
});

describe('findSubscriptionsByExternalClusterId against the emulator', () => {
  it("finds the cluster's own subscription and the unsubscribed one telemetry created, and nothing else", async () => {
    const clusterId = newClusterId();
    const openshiftId = newClusterId();
    const { subscriptionId } = await fixture.client.createClusterAuthorization({ accountUsername: 'alice', clusterId, displayName: 'x' });
    await fixture.client.patchSubscription(subscriptionId, { external_cluster_id: openshiftId });
    // Telemetry for an id no subscription carries: AMS creates an "unsubscribed" one.
    const stray = newClusterId();
    const { subscription: unsubscribed } = await fixture.admin.reportTelemetry({ external_cluster_id: stray });
    const unsubscribedId = unsubscribed.id;
    const own = await fixture.client.findSubscriptionsByExternalClusterId(openshiftId);
    assert.deepEqual(own.map((sub) => sub.id), [subscriptionId]);
    const found = await fixture.client.findSubscriptionsByExternalClusterId(stray);
    assert.deepEqual(found.map((sub) => [sub.id, sub.cluster_id ?? null, sub.display_name ?? null]), [[unsubscribedId, null, null]]);
    assert.ok((found[0]!.metrics?.length ?? 0) > 0 && found[0]!.last_telemetry_date, 'telemetry attached');
    assert.deepEqual(await fixture.client.findSubscriptionsByExternalClusterId(newClusterId()), []);
  });
});

describe('findSubscriptionsByClusterId requests and paging', () => {
  const item = (id: string, clusterId = 'c-1') => ({ ...SUBSCRIPTION_FIXTURE, id, cluster_id: clusterId });

  it("asks for cluster_id = '…' with fetchAccounts, 100 a page", async () => {
    const { client, server } = await tiny.clientAgainst((_req, res) => sendJson(res, 200, { kind: 'SubscriptionList', page: 1, size: 0, total: 0, items: [] }));
    assert.deepEqual(await client.findSubscriptionsByClusterId("it's"), []);
    assert.deepEqual(Object.fromEntries(server.requests[0]?.query ?? []), {
      search: "cluster_id = 'it''s'",
      fetchAccounts: 'true',
      page: '1',
      size: '100',
    });
  });

  it('keeps only exact cluster_id matches', async () => {
    const { client } = await tiny.clientAgainst((_req, res) =>
      sendJson(res, 200, { page: 1, size: 2, total: 2, items: [item('a'), item('b', 'C-1')] }),
    );
    assert.deepEqual((await client.findSubscriptionsByClusterId('c-1')).map((sub) => sub.id), ['a']);
  });

  it('stops at an empty page even when total promises more', async () => {
    const { client, server } = await tiny.clientAgainst((req, res) => {
      const page = Number(req.query.get('page'));
      const items = page === 1 ? Array.from({ length: 100 }, (_, i) => item(`p1-${i}`)) : [];
      sendJson(res, 200, { page, size: items.length, total: 500, items });
    });
    assert.equal((await client.findSubscriptionsByClusterId('c-1')).length, 100);
    assert.equal(server.requests.length, 2);
  });

  it('without a total, pages on while pages come full', async () => {
    const { client, server } = await tiny.clientAgainst((req, res) => {
      const page = Number(req.query.get('page'));
      sendJson(res, 200, { items: Array.from({ length: page === 1 ? 100 : 3 }, (_, i) => item(`p${page}-${i}`)) });
    });
    assert.equal((await client.findSubscriptionsByClusterId('c-1')).length, 103);
    assert.deepEqual(server.requests.map((r) => r.query.get('page')), ['1', '2']);
  });

  it('rejects an empty cluster id', async () => {
    const { client } = await tiny.clientAgainst(() => assert.fail('no request expected'));
    await assert.rejects(client.findSubscriptionsByClusterId(''), /findSubscriptionsByClusterId: clusterId must be a non-empty string, got ""/);
  });
});
