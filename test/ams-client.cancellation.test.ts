// Cancellation by the caller (a Temporal activity passes its cancellation
// signal): the call rejects at once with AmsNetworkError(cancelled) and the
// request is aborted on the wire, so a late PATCH never lands after the caller
// gave up. Against the emulator, slowed down by latency faults.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { AmsNetworkError, type AmsClient } from '../ams/index.js';
import { newClusterId, startEmulatorFixture, type EmulatorFixture } from './helpers/ams-client-emulator.js';

const SUBSCRIPTIONS = '/api/accounts_mgmt/v1/subscriptions';

let fixture: EmulatorFixture;
let tokenPath: string;
before(async () => {
  fixture = await startEmulatorFixture();
  tokenPath = new URL(fixture.emulator.tokenUrl).pathname;
});
afterEach(() => fixture.admin.clearFaults());
after(() => fixture.close());

function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

/** The AmsNetworkError a cancelled call rejects with, and how long the call took. */
async function cancellation(call: () => Promise<unknown>): Promise<{ error: AmsNetworkError; elapsedMs: number }> {
  const started = performance.now();
  const error = await call().then(
    () => assert.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof AmsNetworkError, `expected AmsNetworkError, got ${String(error)}`);
  assert.equal(error.cancelled, true);
  assert.equal(error.timedOut, false);
  return { error, elapsedMs: performance.now() - started };
}

async function answered(filter: { method?: string; path?: string }): Promise<number> {
  return (await fixture.admin.requests(filter)).filter((entry) => entry.status > 0).length;
}

describe('cancellation by the caller', () => {
  it('a PATCH cancelled while AMS is slow rejects at once, and never lands', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await fixture.client.createClusterAuthorization({ accountUsername: 'alice', clusterId, displayName: 'old' });
    await fixture.admin.addFault({ kind: 'latency', latencyMs: 800, route: `${SUBSCRIPTIONS}/:id`, method: 'PATCH' });
    const { error, elapsedMs } = await cancellation(() =>
      fixture.client.patchSubscription(subscriptionId, { display_name: 'new' }, { signal: abortAfter(50) }),
    );
    assert.ok(elapsedMs < 500, `rejected after ${Math.round(elapsedMs)} ms`);
    assert.equal(error.message, `AMS PATCH ${SUBSCRIPTIONS}/${subscriptionId} was cancelled by the caller`);
    assert.equal(error.method, 'PATCH');
    // Had the request stayed open, the emulator would have applied it once the latency passed.
    await sleep(1000);
    await fixture.admin.clearFaults();
    assert.equal((await fixture.client.getSubscription(subscriptionId)).display_name, 'old');
    assert.equal(await answered({ method: 'PATCH', path: `${SUBSCRIPTIONS}/${subscriptionId}` }), 0);
  });

  it('a signal already aborted sends nothing, not even a token request, for every method', async () => {
    const client = fixture.clientWith({});
    const signal = AbortSignal.abort();
    const calls: Record<keyof AmsClient, () => Promise<unknown>> = {
      createClusterAuthorization: () =>
        client.createClusterAuthorization({ accountUsername: 'alice', clusterId: newClusterId(), displayName: 'x' }, { signal }),
      findSubscriptionByClusterId: () => client.findSubscriptionByClusterId('c', { signal }),
      findSubscriptionsByClusterId: () => client.findSubscriptionsByClusterId('c', { signal }),
      findSubscriptionsByExternalClusterId: () => client.findSubscriptionsByExternalClusterId('c', { signal }),
      getSubscription: () => client.getSubscription('s', { signal }),
      patchSubscription: () => client.patchSubscription('s', { display_name: 'x' }, { signal }),
      deleteSubscription: () => client.deleteSubscription('s', { signal }),
      listSubscriptions: () => client.listSubscriptions({}, { signal }),
      getCurrentAccount: () => client.getCurrentAccount({ signal }),
    };
    const before = (await fixture.admin.requests()).length;
    for (const [name, call] of Object.entries(calls)) {
      const { error } = await cancellation(call);
      assert.match(error.message, /was cancelled by the caller$/, name);
    }
    assert.equal((await fixture.admin.requests()).length, before, 'no request reached the emulator');
  });

  it('covers the token request made for the call: cancelled while it is slow, it is aborted too', async () => {
    const client = fixture.clientWith({});
    await fixture.admin.addFault({ kind: 'latency', latencyMs: 800, route: tokenPath });
    const tokensBefore = await answered({ path: tokenPath });
    const { error, elapsedMs } = await cancellation(() => client.getCurrentAccount({ signal: abortAfter(50) }));
    assert.ok(elapsedMs < 500, `rejected after ${Math.round(elapsedMs)} ms`);
    assert.equal(error.path, tokenPath, 'cancelled while waiting for the token');
    await sleep(1000);
    assert.equal(await answered({ path: tokenPath }), tokensBefore, 'the token request was aborted on the wire');
    assert.equal(await answered({ path: '/api/accounts_mgmt/v1/current_account' }), 0);
  });

  it('does not cancel another call waiting for the same token', async () => {
    const client = fixture.clientWith({});
    await fixture.admin.addFault({ kind: 'latency', latencyMs: 300, route: tokenPath, count: 1 });
    const tokensBefore = await fixture.tokenRequests();
    const [cancelled, other] = await Promise.allSettled([
      client.getCurrentAccount({ signal: abortAfter(50) }),
      client.getCurrentAccount(),
    ]);
    assert.ok(cancelled.status === 'rejected' && cancelled.reason instanceof AmsNetworkError && cancelled.reason.cancelled);
    assert.ok(other.status === 'fulfilled', `the other call failed: ${other.status === 'rejected' ? String(other.reason) : ''}`);
    assert.equal(other.value.username, 'service-account-ams-lifecycle');
    assert.equal(await fixture.tokenRequests(), tokensBefore + 1, 'one token request, shared');
  });

  it('the deadline still applies alongside a signal, reported as a timeout', async () => {
    await fixture.admin.addFault({ kind: 'latency', route: '/api/*', latencyMs: 1000, count: 1 });
    const error = await fixture
      .clientWith({ timeoutMs: 100 })
      .getCurrentAccount({ signal: new AbortController().signal })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof AmsNetworkError);
    assert.equal(error.timedOut, true);
    assert.equal(error.cancelled, false);
  });
});
