// Token handling against real HTTP peers: a fake token endpoint (expiry and
// failures on demand) and a tiny AMS stand-in that checks bearer tokens.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  AmsApiError,
  AmsAuthError,
  createAmsClient,
  createTokenProvider,
  decodeJwtPayload,
  resolveAmsClientOptions,
} from '../ams/index.js';
import {
  SUBSCRIPTION_FIXTURE,
  fakeJwt,
  sendJson,
  startFakeTokenEndpoint,
  startTinyServer,
  type TinyServer,
} from './helpers/ams-client-peers.js';

const servers: TinyServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function tokenEndpoint(options: Parameters<typeof startFakeTokenEndpoint>[0] = {}) {
  const endpoint = await startFakeTokenEndpoint(options);
  servers.push(endpoint);
  return endpoint;
}

/** An AMS stand-in answering GET /subscriptions/{id}, 401 unless `accepts(token)`. */
async function amsStandIn(accepts: (token: string) => boolean) {
  const server = await startTinyServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!accepts(token)) {
      sendJson(res, 401, { kind: 'Error', id: '401', code: 'ACCT-MGMT-401', reason: 'Invalid token' });
      return;
    }
    sendJson(res, 200, SUBSCRIPTION_FIXTURE);
  });
  servers.push(server);
  return server;
}

function credentials(tokenUrl: string) {
  return { kind: 'client-credentials' as const, tokenUrl, clientId: 'svc-id', clientSecret: 's3cr3t value' };
}

describe('client-credentials token provider', () => {
  it('POSTs the client credentials as a form and as HTTP Basic, scope openid by default', async () => {
    const endpoint = await tokenEndpoint();
    const tokens = createTokenProvider(resolveAmsClientOptions({ baseUrl: 'http://127.0.0.1:1', auth: credentials(endpoint.tokenUrl) }));
    assert.equal(await tokens.getToken(), endpoint.issued[0]);
    const [request] = endpoint.requests;
    assert.equal(request?.method, 'POST');
    assert.match(String(request?.headers['content-type']), /^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(request?.body);
    assert.deepEqual(Object.fromEntries(form), {
      grant_type: 'client_credentials',
      client_id: 'svc-id',
      client_secret: 's3cr3t value',
      scope: 'openid',
    });
    const basic = Buffer.from(String(request?.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    assert.equal(basic, 'svc-id:s3cr3t+value');
  });

  it('caches the token across calls', async () => {
    const endpoint = await tokenEndpoint();
    const ams = await amsStandIn((token) => endpoint.issued.includes(token));
    const client = createAmsClient({ baseUrl: ams.url, auth: credentials(endpoint.tokenUrl) });
    for (let i = 0; i < 3; i++) assert.equal((await client.getSubscription('sub-1')).id, 'sub-1');
    assert.equal(endpoint.requests.length, 1);
    assert.equal(ams.requests.length, 3);
  });

  it('refreshes when less than a minute is left before the JWT exp', async () => {
    const endpoint = await tokenEndpoint({ ttlSeconds: 3600 });
    let clock = Date.now();
    const tokens = createTokenProvider(
      resolveAmsClientOptions({ baseUrl: 'http://127.0.0.1:1', auth: credentials(endpoint.tokenUrl), now: () => clock }),
    );
    const first = await tokens.getToken();
    const expMs = Number(decodeJwtPayload(first)?.exp) * 1000;
    clock = expMs - 61_000;
    assert.equal(await tokens.getToken(), first, 'still more than 60 s left: cached');
    assert.equal(endpoint.requests.length, 1);
    clock = expMs - 59_000;
    const second = await tokens.getToken();
    assert.notEqual(second, first);
    assert.equal(second, endpoint.issued[1]);
    assert.equal(endpoint.requests.length, 2);
  });

  it('uses expires_in when the token is not a JWT, refreshing a short-lived one halfway', async () => {
    const endpoint = await tokenEndpoint({ ttlSeconds: 61, jwt: false });
    const start = Date.now();
    let clock = start;
    const tokens = createTokenProvider(
      resolveAmsClientOptions({ baseUrl: 'http://127.0.0.1:1', auth: credentials(endpoint.tokenUrl), now: () => clock }),
    );
    assert.equal(await tokens.getToken(), 'opaque-token-1');
    clock = start + 30_000;
    assert.equal(await tokens.getToken(), 'opaque-token-1');
    clock = start + 31_000;
    assert.equal(await tokens.getToken(), 'opaque-token-2');
    assert.equal(endpoint.requests.length, 2);
  });

  it('lets concurrent callers share one token request', async () => {
    const endpoint = await tokenEndpoint({ delayMs: 50 });
    const ams = await amsStandIn((token) => endpoint.issued.includes(token));
    const client = createAmsClient({ baseUrl: ams.url, auth: credentials(endpoint.tokenUrl) });
    const results = await Promise.all(Array.from({ length: 8 }, () => client.getSubscription('sub-1')));
    assert.equal(results.length, 8);
    assert.equal(endpoint.requests.length, 1);
    assert.equal(ams.requests.length, 8);
  });

  it('keeps serving the cached token while it is valid if the refresh fails', async () => {
    const endpoint = await tokenEndpoint({
      ttlSeconds: 3600,
      respond: (n, res) => n > 1 && (sendJson(res, 503, { error: 'temporarily_unavailable' }), true),
    });
    let clock = Date.now();
    const tokens = createTokenProvider(
      resolveAmsClientOptions({ baseUrl: 'http://127.0.0.1:1', auth: credentials(endpoint.tokenUrl), now: () => clock }),
    );
    const first = await tokens.getToken();
    clock += 3600_000 - 30_000; // inside the refresh margin, not yet expired
    assert.equal(await tokens.getToken(), first);
    assert.equal(endpoint.requests.length, 2, 'it did try to refresh');
    clock += 60_000; // expired now
    await assert.rejects(tokens.getToken(), (error: unknown) => error instanceof AmsAuthError && error.status === 503);
  });

  it('turns a token endpoint error into AmsAuthError with status, error and error_description', async () => {
    const endpoint = await tokenEndpoint({
      respond: (_n, res) => (sendJson(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' }), true),
    });
    const client = createAmsClient({ baseUrl: 'http://127.0.0.1:1', auth: credentials(endpoint.tokenUrl) });
    const error = await client.getSubscription('sub-1').then(
      () => assert.fail('expected a rejection'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof AmsAuthError);
    assert.equal(error.status, 401);
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.errorDescription, 'Invalid client credentials');
    assert.equal(error.path, '/auth/realms/test/protocol/openid-connect/token');
    assert.match(error.message, /answered 401 invalid_client: Invalid client credentials/);
    assert.doesNotMatch(error.message, /s3cr3t/);
  });

  it('turns a token endpoint 500 with an HTML body into AmsAuthError(500)', async () => {
    const endpoint = await tokenEndpoint({
      respond: (_n, res) => (res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>'), true),
    });
    const tokens = createTokenProvider(resolveAmsClientOptions({ baseUrl: 'http://127.0.0.1:1', auth: credentials(endpoint.tokenUrl) }));
    await assert.rejects(
      tokens.getToken(),
      (error: unknown) => error instanceof AmsAuthError && error.status === 500 && error.error === undefined,
    );
  });
});

describe('401 from AMS', () => {
  it('invalidates the token, fetches a new one and replays the request once', async () => {
    const endpoint = await tokenEndpoint();
    // The first token is "revoked": only later ones are accepted.
    const ams = await amsStandIn((token) => endpoint.issued.indexOf(token) >= 1);
    const client = createAmsClient({ baseUrl: ams.url, auth: credentials(endpoint.tokenUrl) });
    assert.equal((await client.getSubscription('sub-1')).id, 'sub-1');
    assert.equal(endpoint.requests.length, 2);
    assert.deepEqual(
      ams.requests.map((r) => r.headers.authorization),
      [`Bearer ${endpoint.issued[0]}`, `Bearer ${endpoint.issued[1]}`],
    );
  });

  it('gives up with AmsApiError(401) after one replay', async () => {
    const endpoint = await tokenEndpoint();
    const ams = await amsStandIn(() => false);
    const client = createAmsClient({ baseUrl: ams.url, auth: credentials(endpoint.tokenUrl) });
    await assert.rejects(client.getSubscription('sub-1'), (error: unknown) => error instanceof AmsApiError && error.status === 401);
    assert.equal(ams.requests.length, 2);
    assert.equal(endpoint.requests.length, 2);
  });

  it('does not replay with a static token, which cannot be refreshed', async () => {
    const good = fakeJwt({ sub: 'static' });
    const ams = await amsStandIn((token) => token === good);
    const ok = createAmsClient({ baseUrl: ams.url, auth: { kind: 'static-token', token: good } });
    assert.equal((await ok.getSubscription('sub-1')).id, 'sub-1');
    assert.equal(ams.requests.at(-1)?.headers.authorization, `Bearer ${good}`);
    const bad = createAmsClient({ baseUrl: ams.url, auth: { kind: 'static-token', token: 'nope' } });
    await assert.rejects(bad.getSubscription('sub-1'), (error: unknown) => error instanceof AmsApiError && error.status === 401);
    assert.equal(ams.requests.length, 2);
  });
});
