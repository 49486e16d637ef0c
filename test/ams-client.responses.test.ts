// 2xx bodies as the client reads them. The OpenAPI spec makes almost every field
// optional: sparse answers it allows are accepted (a validation error would be
// retried for ever), while wrong types of fields the client uses, and bodies that
// are not what the API promises, are errors naming the field and the rule.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AmsResponseValidationError, SUBSCRIPTION_STATUSES, type AmsClient } from '../ams/index.js';
import { SUBSCRIPTION_FIXTURE, rejection, sendJson, tinyServerClients } from './helpers/ams-client-peers.js';

const { clientAgainst, closeAll } = tinyServerClients();
after(closeAll);

/** A client whose every GET/POST is answered 200 with `body`. */
async function answering(body: unknown): Promise<AmsClient> {
  return (await clientAgainst((_req, res) => sendJson(res, 200, body))).client;
}

async function invalid(promise: Promise<unknown>): Promise<AmsResponseValidationError> {
  const error = await rejection(promise);
  assert.ok(error instanceof AmsResponseValidationError, `expected AmsResponseValidationError, got ${String(error)}`);
  return error;
}

const authorize = (client: AmsClient) => client.createClusterAuthorization({ accountUsername: 'u', clusterId: 'c', displayName: 'd' });

describe('response validation', () => {
  it('keeps an unknown status value as it comes: a new AMS status is not a failure', async () => {
    const items = [SUBSCRIPTION_FIXTURE, { ...SUBSCRIPTION_FIXTURE, id: 'sub-2', status: 'Reclaimed' }];
    const client = await answering({ kind: 'SubscriptionList', page: 1, size: 2, total: 2, items });
    const list = await client.listSubscriptions();
    assert.deepEqual(list.items.map((s) => s.status), ['Reserved', 'Reclaimed']);
    assert.deepEqual(SUBSCRIPTION_STATUSES, ['Reserved', 'Active', 'Stale', 'Archived', 'Deprovisioned', 'Disconnected']);
  });

  it('names the field and the rule for a status that is not a string', async () => {
    const items = [SUBSCRIPTION_FIXTURE, { ...SUBSCRIPTION_FIXTURE, id: 'sub-2' }, { ...SUBSCRIPTION_FIXTURE, id: 'sub-3', status: 5 }];
    const error = await invalid((await answering({ kind: 'SubscriptionList', page: 1, size: 3, total: 3, items })).listSubscriptions());
    assert.equal(error.field, 'items[2].status');
    assert.equal(error.rule, 'expected string, got 5');
    assert.equal(error.operation, 'listSubscriptions');
    assert.equal(error.status, 200);
    assert.match(error.message, /GET \/api\/accounts_mgmt\/v1\/subscriptions \(listSubscriptions\) answered 200 with an invalid body: items\[2\]\.status: expected string, got 5$/);
  });

  it('reports a missing required field and a bad date', async () => {
    const { id: _omitted, ...withoutId } = SUBSCRIPTION_FIXTURE;
    const error = await invalid((await answering({ ...withoutId, created_at: 'yesterday' })).getSubscription('sub-1'));
    assert.deepEqual(error.issues, [
      { field: 'id', rule: 'required (string)' },
      { field: 'created_at', rule: 'expected an RFC 3339 date-time, got "yesterday"' },
    ]);
  });

  it('keeps unknown extra fields', async () => {
    const subscription = await (await answering({ ...SUBSCRIPTION_FIXTURE, support_level: 'Eval', metrics: [] })).getSubscription('sub-1');
    assert.equal((subscription as unknown as Record<string, unknown>).support_level, 'Eval');
  });

  it('rejects a 2xx body that is not application/json', async () => {
    const { client } = await clientAgainst((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    const error = await invalid(client.getCurrentAccount());
    assert.equal(error.field, '(body)');
    assert.equal(error.rule, 'expected Content-Type application/json, got text/html');
  });

  it('requires subscription.id in a cluster authorization', async () => {
    const error = await invalid(authorize(await answering({ allowed: true, excess_resources: [] })));
    assert.equal(error.field, 'subscription');
    assert.equal(error.operation, 'createClusterAuthorization');
    assert.equal((await invalid(authorize(await answering({ allowed: true, subscription: { kind: 'SubscriptionLink' } })))).field, 'subscription.id');
  });
});

describe('sparse answers the spec allows', () => {
  it('a subscription with only id and status gives just those (no kind, no href)', async () => {
    assert.deepEqual(await (await answering({ id: 'sub-1', status: 'Active' })).getSubscription('sub-1'), { id: 'sub-1', status: 'Active' });
  });

  it('a SubscriptionLink, a plan with only an id, a creator link without href', async () => {
    const body = { ...SUBSCRIPTION_FIXTURE, kind: 'SubscriptionLink', plan: { id: 'OCP-AssistedInstall' }, creator: { id: 'acc-1', kind: 'AccountLink' } };
    const subscription = await (await answering(body)).getSubscription('sub-1');
    assert.equal(subscription.kind, 'SubscriptionLink');
    assert.deepEqual(subscription.plan, { id: 'OCP-AssistedInstall' });
    assert.deepEqual(subscription.creator, { id: 'acc-1', kind: 'AccountLink' });
  });

  it('a list without kind, page, size or total gives what is there; without items, items []', async () => {
    assert.deepEqual(await (await answering({})).listSubscriptions(), { items: [] });
    assert.deepEqual(await (await answering({ items: [SUBSCRIPTION_FIXTURE] })).listSubscriptions(), { items: [SUBSCRIPTION_FIXTURE] });
  });

  it('a cluster authorization whose subscription is a bare id', async () => {
    assert.deepEqual(await authorize(await answering({ allowed: true, subscription: { id: 's9' } })), { allowed: true, subscriptionId: 's9' });
  });

  it('an account with only an id (no username, an organization without id)', async () => {
    const account = await (await answering({ id: 'acc-1', organization: { name: 'Org' } })).getCurrentAccount();
    assert.deepEqual(account, { id: 'acc-1', organization: { name: 'Org' } });
  });

  it("Go's zero time, which AMS sends for dates never set", async () => {
    const zero = '0001-01-01T00:00:00Z';
    const subscription = await (await answering({ ...SUBSCRIPTION_FIXTURE, created_at: zero, last_telemetry_date: zero })).getSubscription('sub-1');
    assert.equal(subscription.last_telemetry_date, zero);
  });
});

describe('what the spec allows, checked where present', () => {
  it('kind values, when sent, are the object or its link', async () => {
    const cases: [unknown, (client: AmsClient) => Promise<unknown>, string, string][] = [
      [{ ...SUBSCRIPTION_FIXTURE, kind: 'Cluster' }, (c) => c.getSubscription('s'), 'kind', 'expected one of Subscription|SubscriptionLink, got "Cluster"'],
      [{ ...SUBSCRIPTION_FIXTURE, plan: { id: 'p', kind: 'Account' } }, (c) => c.getSubscription('s'), 'plan.kind', 'expected one of Plan|PlanLink, got "Account"'],
      [{ ...SUBSCRIPTION_FIXTURE, creator: { id: 'a', kind: 'Plan' } }, (c) => c.getSubscription('s'), 'creator.kind', 'expected one of Account|AccountLink, got "Plan"'],
      [{ kind: 'ClusterList', items: [] }, (c) => c.listSubscriptions(), 'kind', 'expected one of SubscriptionList, got "ClusterList"'],
      [{ allowed: true, subscription: { id: 's', kind: 'Plan' } }, authorize, 'subscription.kind', 'expected one of Subscription|SubscriptionLink, got "Plan"'],
    ];
    for (const [body, call, field, rule] of cases) {
      const error = await invalid(call(await answering(body)));
      assert.deepEqual([error.field, error.rule], [field, rule]);
    }
  });

  it('wrong types of fields the client uses still fail, naming the field', async () => {
    const { status: _status, ...withoutStatus } = SUBSCRIPTION_FIXTURE;
    const cases: [unknown, (client: AmsClient) => Promise<unknown>, string, string][] = [
      [{ ...SUBSCRIPTION_FIXTURE, id: {} }, (c) => c.getSubscription('s'), 'id', 'expected string, got {}'],
      [{ ...SUBSCRIPTION_FIXTURE, id: '' }, (c) => c.getSubscription('s'), 'id', 'Too small: expected string to have >=1 characters, got ""'],
      // The lifecycle decides on the status (only a Reserved one is deleted): without one there is nothing to decide on.
      [withoutStatus, (c) => c.getSubscription('s'), 'status', 'required (string)'],
      [{ ...SUBSCRIPTION_FIXTURE, creator: { id: 'a', username: 5 } }, (c) => c.getSubscription('s'), 'creator.username', 'expected string, got 5'],
      [{ items: {} }, (c) => c.listSubscriptions(), 'items', 'expected array, got {}'],
      [{ items: [], total: 'many' }, (c) => c.listSubscriptions(), 'total', 'expected number, got "many"'],
      [{ subscription: { id: 's' } }, authorize, 'allowed', 'required (boolean)'],
      [{ username: 'u' }, (c) => c.getCurrentAccount(), 'id', 'required (string)'],
    ];
    for (const [body, call, field, rule] of cases) {
      const error = await invalid(call(await answering(body)));
      assert.deepEqual([error.field, error.rule], [field, rule], JSON.stringify(body));
    }
  });
});
