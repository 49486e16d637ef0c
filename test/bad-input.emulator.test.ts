// Bad input matrix, hostile requests straight to the AMS emulator: forged, foreign,
// expired and other-organization tokens, oversized bodies, path tricks and wrong
// content types. Each row names the request and the exact answer (status, OCM
// envelope code and reason), and no row may change what the emulator holds.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';
import { API, jwtPayload, rawCall, startTestEmulator, type ApiResponse, type TestEmulator } from './helpers/emulator-http.js';

let t: TestEmulator;
let foreign: RunningEmulator;
let sa: string;
let subscriptionId: string;
let stateBefore: string;

before(async () => {
  t = await startTestEmulator();
  foreign = await startEmulator(); // another issuer: its own signing key
  sa = await t.serviceToken();
  subscriptionId = (await t.authorize(sa, 'acme-cluster', 'alice')).body.subscription.id;
  stateBefore = await snapshot();
});
afterEach(async () => {
  assert.equal(await snapshot(), stateBefore, 'the emulator holds exactly what it held before');
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});
after(async () => {
  await foreign?.close();
  await t?.close();
});

async function snapshot(): Promise<string> {
  const { subscriptions, labels } = await t.admin.state();
  return JSON.stringify({ subscriptions, labels });
}

const SUBSCRIPTION = () => `${API}/subscriptions/${subscriptionId}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
  rawCall(t.emu.url, method, path, { headers, ...(body === undefined ? {} : { body }) });
const json = { 'content-type': 'application/json' };

/** The answer is the OCM error envelope with this status, code and reason. */
function assertEnvelope(response: ApiResponse, status: number, code: string, reason: RegExp): void {
  assert.equal(response.status, status, response.text.slice(0, 300));
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.equal(response.body?.kind, 'Error', response.text.slice(0, 300));
  assert.equal(response.body.code, code);
  assert.match(response.body.reason, reason);
}

/** A JWT with the given header and claims and a made-up signature. */
function unsignedJwt(header: object, claims: object, signature = ''): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.${signature}`;
}

describe('hostile emulator requests: tokens', () => {
  it('a forged token (claims changed, signature kept) on a DELETE: 401 ACCT-MGMT-1, nothing deleted', async () => {
    const [header, , signature] = sa.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...jwtPayload(sa), preferred_username: 'mallory' })).toString('base64url')}.${signature}`;
    assertEnvelope(await t.call('DELETE', SUBSCRIPTION(), { token: forged }), 401, 'ACCT-MGMT-1', /^Invalid access token: token signature is invalid or the token is malformed$/);
  });

  it("an unsigned token (alg 'none') with valid claims: 401 ACCT-MGMT-1", async () => {
    const token = unsignedJwt({ alg: 'none', typ: 'JWT' }, jwtPayload(sa));
    assertEnvelope(await t.call('GET', SUBSCRIPTION(), { token }), 401, 'ACCT-MGMT-1', /token signature is invalid or the token is malformed/);
  });

  it("a token another issuer signed (another emulator's key) for the same account: 401 ACCT-MGMT-1", async () => {
    const response = await fetch(foreign.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', ...{ client_id: foreign.credentials.clientId, client_secret: foreign.credentials.clientSecret } }),
    });
    const token = String(((await response.json()) as { access_token: string }).access_token);
    assert.equal(jwtPayload(token).sub, jwtPayload(sa).sub, 'the same account id');
    assertEnvelope(await t.call('PATCH', SUBSCRIPTION(), { token, body: { display_name: 'foreign' } }), 401, 'ACCT-MGMT-1', /token signature is invalid/);
  });

  it('an expired token on a PATCH: 401 ACCT-MGMT-1 saying it expired, nothing patched', async () => {
    const short = await startTestEmulator({ tokenTtlSeconds: 1 }); // its tokens live a second
    try {
      const token = await short.serviceToken();
      const id = (await short.authorize(token, 'short-lived', 'alice')).body.subscription.id as string;
      await sleep(Math.max(0, Number(jwtPayload(token).exp) * 1000 - Date.now()) + 50);
      const response = await short.call('PATCH', `${API}/subscriptions/${id}`, { token, body: { display_name: 'late' } });
      assertEnvelope(response, 401, 'ACCT-MGMT-1', /^Invalid access token: token is expired$/);
      assert.equal((await short.admin.state()).subscriptions[0]?.display_name, 'name-short-lived');
    } finally {
      await short.close();
    }
  });

  it("another organization's user (carol, Globex) deleting Acme's subscription: 404 as if it did not exist", async () => {
    const carol = await t.userToken('carol');
    assertEnvelope(await t.call('DELETE', SUBSCRIPTION(), { token: carol }), 404, 'ACCT-MGMT-7', new RegExp(`^Subscription '${subscriptionId}' not found$`));
  });

  it("another organization's user searching by Acme's cluster_id: an empty list, not Acme's subscription", async () => {
    const carol = await t.userToken('carol');
    const response = await t.call('GET', `${API}/subscriptions?search=${encodeURIComponent("cluster_id = 'acme-cluster'")}`, { token: carol });
    assert.equal(response.status, 200);
    assert.deepEqual([response.body.total, response.body.items], [0, []]);
  });

  it("another organization's user reserving for an Acme account: 403 ACCT-MGMT-11", async () => {
    const carol = await t.userToken('carol');
    assertEnvelope(await t.authorize(carol, 'acme-cluster-2', 'alice'), 403, 'ACCT-MGMT-11', /^Account 'carol' may only authorize clusters for itself$/);
  });

  it("two tokens in one Authorization header: 401 ACCT-MGMT-15 naming the form 'Bearer <access token>'", async () => {
    assertEnvelope(await t.call('GET', SUBSCRIPTION(), { headers: { authorization: `Bearer ${sa} ${sa}` } }), 401, 'ACCT-MGMT-15', /must be of the form: Bearer <access token>/);
  });
});

describe('hostile emulator requests: bodies', () => {
  it('a 2 MB PATCH body: 413 ACCT-MGMT-17, nothing patched', async () => {
    const body = JSON.stringify({ display_name: 'x'.repeat(2_000_000) });
    assertEnvelope(await raw('PATCH', SUBSCRIPTION(), { ...bearer(sa), ...json }, body), 413, 'ACCT-MGMT-17', /^Request body is too large$/);
  });

  it('a 2 MB form to the token endpoint: 413, no token issued', async () => {
    const response = await raw('POST', '/auth/realms/redhat-external/protocol/openid-connect/token', { 'content-type': 'application/x-www-form-urlencoded' }, `grant_type=client_credentials&pad=${'a'.repeat(2_000_000)}`);
    assertEnvelope(response, 413, 'ACCT-MGMT-17', /too large/);
  });

  it("a '__proto__' key in a PATCH: 400 ACCT-MGMT-21 naming the field, no prototype polluted", async () => {
    const response = await raw('PATCH', SUBSCRIPTION(), { ...bearer(sa), ...json }, '{"__proto__":{"polluted":true},"display_name":"p"}');
    assertEnvelope(response, 400, 'ACCT-MGMT-21', /^Field '__proto__' is not a known field$/);
  });

  it('JSON nested 100,000 deep: 400 ACCT-MGMT-21 (a body, not an object of known fields), the emulator still serves', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assertEnvelope(await raw('PATCH', SUBSCRIPTION(), { ...bearer(sa), ...json }, deep), 400, 'ACCT-MGMT-21', /must be a JSON object/);
    assert.equal((await t.call('GET', SUBSCRIPTION(), { token: sa })).status, 200);
  });
});

describe('hostile emulator requests: paths', () => {
  it("'..' as the subscription id: 404 ACCT-MGMT-7 naming '..'", async () => {
    assertEnvelope(await raw('GET', `${API}/subscriptions/..`, bearer(sa)), 404, 'ACCT-MGMT-7', /^Subscription '\.\.' not found$/);
  });

  it("'../../../_emulator/state' under the API: 404 for that path, the admin state is not served", async () => {
    const response = await raw('GET', `${API}/subscriptions/../../../_emulator/state`, bearer(sa));
    assertEnvelope(response, 404, 'ACCT-MGMT-7', /^Resource 'GET \/api\/accounts_mgmt\/v1\/subscriptions\/\.\.\/\.\.\/\.\.\/_emulator\/state' not found$/);
  });

  it("'/api/../_emulator/reset' without a token: 401, nothing reset", async () => {
    assertEnvelope(await raw('POST', '/api/../_emulator/reset'), 401, 'ACCT-MGMT-15', /missing an access token/);
  });

  it('encoded slashes in the id (%2F..%2F..): 404 naming the decoded id, no other resource reached', async () => {
    const response = await raw('DELETE', `${SUBSCRIPTION()}%2F..%2F..`, bearer(sa));
    assertEnvelope(response, 404, 'ACCT-MGMT-7', new RegExp(`^Subscription '${subscriptionId}/\\.\\./\\.\\.' not found$`));
  });

  it("an escaped API path (/%61pi/…) without a token: 401 ACCT-MGMT-15, like /api/… (was a 500)", async () => {
    assertEnvelope(await raw('GET', `/%61pi/accounts_mgmt/v1/subscriptions/${subscriptionId}`), 401, 'ACCT-MGMT-15', /missing an access token/);
    assertEnvelope(await raw('DELETE', `/%61pi/accounts_mgmt/v1/subscriptions/${subscriptionId}`), 401, 'ACCT-MGMT-15', /missing an access token/);
  });

  it('an escaped admin path (/%5femulator/…) is an admin call: not in the request log, never faulted', async () => {
    await t.admin.clearRequests();
    await t.admin.addFault({ kind: 'error', status: 503, route: '*', count: 1 });
    try {
      const response = await raw('GET', '/%5femulator/clock');
      assert.equal(response.status, 200, response.text);
      assert.equal(typeof response.body.now, 'string');
      assert.deepEqual(await t.admin.requests(), []);
    } finally {
      await t.admin.clearFaults();
    }
  });

  it('a 5,000-character id: 414 in the OCM envelope (ACCT-MGMT-17), not a framework body', async () => {
    assertEnvelope(await raw('GET', `${API}/subscriptions/${'x'.repeat(5_000)}`, bearer(sa)), 414, 'ACCT-MGMT-17', /parameter is too long/);
  });

  it('a malformed escape (%zz) in the id: 400 in the OCM envelope (ACCT-MGMT-17)', async () => {
    assertEnvelope(await raw('GET', `${API}/subscriptions/%zz`, bearer(sa)), 400, 'ACCT-MGMT-17', /not a valid URL path/);
  });

  it('a NUL (%00) in the id: 404 naming it escaped', async () => {
    assertEnvelope(await raw('GET', `${SUBSCRIPTION()}%00`, bearer(sa)), 404, 'ACCT-MGMT-7', new RegExp(`^Subscription '${subscriptionId}\\u0000' not found$`));
  });

  it('a 20,000-character URL: 431 from the HTTP parser, and the emulator keeps serving', async () => {
    const response = await raw('GET', `${API}/subscriptions/${'x'.repeat(20_000)}`, bearer(sa));
    assert.equal(response.status, 431);
    assert.equal((await t.call('GET', SUBSCRIPTION(), { token: sa })).status, 200);
  });
});

describe('hostile emulator requests: content types', () => {
  const patchAs = (contentType: string | undefined, body: string) =>
    raw('PATCH', SUBSCRIPTION(), { ...bearer(sa), ...(contentType ? { 'content-type': contentType } : {}) }, body);

  it('a JSON body sent as text/plain: 400 ACCT-MGMT-21 (a body must be a JSON object), nothing patched', async () => {
    assertEnvelope(await patchAs('text/plain', '{"display_name":"plain"}'), 400, 'ACCT-MGMT-21', /^Request body must be a JSON object$/);
  });

  it('a body without Content-Type: 415 ACCT-MGMT-21', async () => {
    assertEnvelope(await patchAs(undefined, '{"display_name":"none"}'), 415, 'ACCT-MGMT-21', /^Unsupported Media Type/);
  });

  it('a JSON Patch document (application/json-patch+json): 415 ACCT-MGMT-21', async () => {
    assertEnvelope(await patchAs('application/json-patch+json', '[{"op":"replace","path":"/display_name","value":"p"}]'), 415, 'ACCT-MGMT-21', /^Unsupported Media Type/);
  });

  it('a form body (display_name=x) on the API: 415 ACCT-MGMT-21, not read as a patch (was 200)', async () => {
    assertEnvelope(await patchAs('application/x-www-form-urlencoded', 'display_name=form'), 415, 'ACCT-MGMT-21', /^Unsupported Media Type: the API takes application\/json$/);
  });
});
