// Emulator faults as the AMS client reports them, and token use against the
// emulator's token endpoint. The client never retries on its own (Temporal
// does), except one token refresh-and-replay on 401.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { AmsApiError, AmsNetworkError } from '../ams/index.js';
import { fakeJwt, startTinyServer, type TinyServer } from './helpers/ams-client-peers.js';
import { newClusterId, startEmulatorFixture, type EmulatorFixture } from './helpers/ams-client-emulator.js';

const API_ROUTE = '/api/*';
const SUBSCRIPTIONS = '/api/accounts_mgmt/v1/subscriptions';

let fixture: EmulatorFixture;
const servers: TinyServer[] = [];
before(async () => {
  fixture = await startEmulatorFixture();
});
afterEach(() => fixture.admin.clearFaults());
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await fixture.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

async function apiRequests(method: string, path: string): Promise<number> {
  return (await fixture.admin.requests({ method, path })).length;
}

describe('faults', () => {
  it('429 carries Retry-After as retryAfterSeconds, and is not retried', async () => {
    await fixture.admin.addFault({ kind: 'rate_limit', route: '/api/accounts_mgmt/v1/cluster_authorizations', retryAfterSeconds: 7 });
    const before = await apiRequests('POST', '/api/accounts_mgmt/v1/cluster_authorizations');
    const error = await rejection(
      fixture.client.createClusterAuthorization({ accountUsername: 'alice', clusterId: newClusterId(), displayName: 'x' }),
    );
    assert.ok(error instanceof AmsApiError);
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterSeconds, 7);
    assert.match(error.code ?? '', /^ACCT-MGMT-\d+$/);
    assert.equal(await apiRequests('POST', '/api/accounts_mgmt/v1/cluster_authorizations'), before + 1);
  });

  for (const status of [500, 502, 503] as const) {
    it(`${status} becomes AmsApiError(${status}) after a single attempt`, async () => {
      await fixture.admin.addFault({ kind: 'error', route: SUBSCRIPTIONS, method: 'GET', status });
      const before = await apiRequests('GET', SUBSCRIPTIONS);
      const error = await rejection(fixture.client.listSubscriptions());
      assert.ok(error instanceof AmsApiError);
      assert.equal(error.status, status);
      assert.equal(await apiRequests('GET', SUBSCRIPTIONS), before + 1);
    });
  }

  it('an outage answers 503 with Retry-After', async () => {
    const until = new Date(Date.now() + 3600_000).toISOString();
    await fixture.admin.addFault({ kind: 'outage', route: API_ROUTE, until });
    const error = await rejection(fixture.client.getCurrentAccount());
    assert.ok(error instanceof AmsApiError);
    assert.equal(error.status, 503);
    assert.ok(error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 3000);
  });

  it('latency beyond timeoutMs becomes AmsNetworkError(timedOut)', async () => {
    await fixture.admin.addFault({ kind: 'latency', route: API_ROUTE, latencyMs: 1000, count: 1 });
    const error = await rejection(fixture.clientWith({ timeoutMs: 100 }).getCurrentAccount());
    assert.ok(error instanceof AmsNetworkError);
    assert.equal(error.timedOut, true);
    assert.equal(error.message, 'AMS GET /api/accounts_mgmt/v1/current_account timed out after 100 ms');
  });

  it('a connection reset becomes AmsNetworkError (not timed out)', async () => {
    await fixture.admin.addFault({ kind: 'reset', route: API_ROUTE, count: 1 });
    const error = await rejection(fixture.client.getCurrentAccount());
    assert.ok(error instanceof AmsNetworkError);
    assert.equal(error.timedOut, false);
    assert.equal(error.path, '/api/accounts_mgmt/v1/current_account');
    assert.match(error.message, /^AMS GET \/api\/accounts_mgmt\/v1\/current_account failed without an answer: /);
  });

  it('a dropped response after the commit becomes AmsNetworkError, though the change happened', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await fixture.client.createClusterAuthorization({ accountUsername: 'alice', clusterId, displayName: 'old' });
    await fixture.admin.addFault({ kind: 'commit_then_drop', route: `${SUBSCRIPTIONS}/:id`, method: 'PATCH', count: 1 });
    const error = await rejection(fixture.client.patchSubscription(subscriptionId, { display_name: 'new' }));
    assert.ok(error instanceof AmsNetworkError);
    assert.equal(error.timedOut, false);
    assert.equal((await fixture.client.getSubscription(subscriptionId)).display_name, 'new');
  });

  it('a connection refused becomes AmsNetworkError with code ECONNREFUSED', async () => {
    const gone = await startTinyServer(() => undefined);
    await gone.close();
    const error = await rejection(fixture.clientWith({ baseUrl: gone.url }).getCurrentAccount());
    assert.ok(error instanceof AmsNetworkError);
    assert.equal(error.code, 'ECONNREFUSED');
  });
});

describe('tokens from the emulator', () => {
  it('one token serves many calls', async () => {
    const client = fixture.clientWith({});
    const before = await fixture.tokenRequests();
    await client.getCurrentAccount();
    await client.listSubscriptions({ size: 1 });
    await Promise.all([client.getCurrentAccount(), client.getCurrentAccount(), client.findSubscriptionByClusterId('none')]);
    assert.equal(await fixture.tokenRequests(), before + 1);
  });

  it('a static token works', async () => {
    const response = await fetch(fixture.emulator.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', ...clientCredentialsForm() }),
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const client = fixture.clientWith({ auth: { kind: 'static-token', token } });
    assert.equal((await client.getCurrentAccount()).username, 'service-account-ams-lifecycle');
  });

  it('a token the emulator rejects is replaced once, and the request replayed', async () => {
    // The first token comes from nowhere the emulator trusts; later ones are the emulator's own.
    let count = 0;
    const tokenUrl = await tokenProxy(() => (++count === 1 ? fakeJwt({ exp: Math.floor(Date.now() / 1000) + 900 }) : undefined));
    const client = fixture.clientWith({ auth: { kind: 'client-credentials', tokenUrl, ...fixture.emulator.credentials } });
    const before = await apiRequests('GET', '/api/accounts_mgmt/v1/current_account');
    assert.equal((await client.getCurrentAccount()).username, 'service-account-ams-lifecycle');
    const log = (await fixture.admin.requests({ method: 'GET', path: '/api/accounts_mgmt/v1/current_account' })).slice(before);
    assert.deepEqual(log.map((entry) => entry.status), [401, 200]);
    assert.equal(count, 2);
  });

  it('a second 401 is final', async () => {
    let count = 0;
    const tokenUrl = await tokenProxy(() => (++count, fakeJwt({ exp: Math.floor(Date.now() / 1000) + 900 })));
    const client = fixture.clientWith({ auth: { kind: 'client-credentials', tokenUrl, ...fixture.emulator.credentials } });
    const error = await rejection(client.getCurrentAccount());
    assert.ok(error instanceof AmsApiError);
    assert.equal(error.status, 401);
    assert.equal(count, 2);
  });
});

function clientCredentialsForm() {
  const { clientId, clientSecret } = fixture.emulator.credentials;
  return { client_id: clientId, client_secret: clientSecret };
}

/**
 * A token URL that answers with `override()` when it returns a token, and
 * otherwise relays the request to the emulator's token endpoint.
 */
async function tokenProxy(override: () => string | undefined): Promise<string> {
  const server = await startTinyServer(async (req, res) => {
    const token = override();
    if (token !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 900 }));
      return;
    }
    const relayed = await fetch(fixture.emulator.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']), authorization: String(req.headers.authorization) },
      body: req.body,
    });
    res.writeHead(relayed.status, { 'content-type': 'application/json' }).end(await relayed.text());
  });
  servers.push(server);
  return `${server.url}/token`;
}
