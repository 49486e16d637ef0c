import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SERVICE_ACCOUNT } from '../emulator/index.js';
import { API, jwtPayload, postForm, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

describe('emulator token endpoint', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  it('issues a Bearer JWT for client credentials sent in the form', async () => {
    const response = await postForm(t.emu.tokenUrl, {
      grant_type: 'client_credentials',
      client_id: DEFAULT_SERVICE_ACCOUNT.clientId,
      client_secret: DEFAULT_SERVICE_ACCOUNT.clientSecret,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, 900);
    assert.equal(response.body.refresh_token, undefined);
    const claims = jwtPayload(response.body.access_token);
    assert.equal(claims.typ, 'Bearer');
    assert.equal(claims.preferred_username, 'service-account-ams-lifecycle');
    assert.equal(claims.org_id, DEFAULT_SERVICE_ACCOUNT.organizationId);
    assert.equal(typeof claims.sub, 'string');
    assert.equal(claims.exp, Number(claims.iat) + 900);
  });

  it('accepts client credentials as HTTP Basic', async () => {
    const basic = Buffer.from(`${t.emu.credentials.clientId}:${t.emu.credentials.clientSecret}`).toString('base64');
    const response = await postForm(t.emu.tokenUrl, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    assert.equal(response.status, 200);
    assert.equal(jwtPayload(response.body.access_token).typ, 'Bearer');
  });

  it('refuses a wrong secret or unknown client with 401 invalid_client', async () => {
    const forms: Record<string, string>[] = [
      { grant_type: 'client_credentials', client_id: 'ams-lifecycle', client_secret: 'wrong' },
      { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'emulator-secret' },
      { grant_type: 'client_credentials', client_id: 'ams-lifecycle' },
    ];
    for (const form of forms) {
      const response = await postForm(t.emu.tokenUrl, form);
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'invalid_client');
      assert.equal(typeof response.body.error_description, 'string');
    }
  });

  it('answers 400 for a missing or unsupported grant type and for non-form bodies', async () => {
    const missing = await postForm(t.emu.tokenUrl, { client_id: 'x' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    const unsupported = await postForm(t.emu.tokenUrl, { grant_type: 'password', username: 'a', password: 'b' });
    assert.equal(unsupported.status, 400);
    assert.equal(unsupported.body.error, 'unsupported_grant_type');
    const json = await t.call('POST', '/auth/realms/redhat-external/protocol/openid-connect/token', {
      body: { grant_type: 'client_credentials' },
    });
    assert.equal(json.status, 400);
    assert.equal(json.body.error, 'invalid_request');
  });

  it('logs a user in with the printed offline token (refresh_token grant)', async () => {
    const alice = t.emu.users.find((u) => u.username === 'alice');
    assert.ok(alice);
    assert.equal(jwtPayload(alice.offlineToken).typ, 'Offline');
    assert.equal(jwtPayload(alice.offlineToken).exp, undefined);
    const response = await postForm(t.emu.tokenUrl, {
      grant_type: 'refresh_token',
      client_id: 'cloud-services',
      refresh_token: alice.offlineToken,
    });
    assert.equal(response.status, 200);
    const claims = jwtPayload(response.body.access_token);
    assert.equal(claims.preferred_username, 'alice');
    assert.equal(claims.typ, 'Bearer');
    assert.equal(jwtPayload(response.body.refresh_token).typ, 'Offline');
    const whoami = await t.call('GET', `${API}/current_account`, { token: response.body.access_token });
    assert.equal(whoami.status, 200);
    assert.equal(whoami.body.username, 'alice');
  });

  it('refuses a forged, malformed or access token as refresh token with 400 invalid_grant', async () => {
    const alice = t.emu.users.find((u) => u.username === 'alice');
    assert.ok(alice);
    const [header, payload] = alice.offlineToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not-the-signature').toString('base64url')}`;
    const access = await t.serviceToken();
    for (const refresh of [forged, 'not-a-jwt', access]) {
      const response = await postForm(t.emu.tokenUrl, { grant_type: 'refresh_token', refresh_token: refresh });
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_grant');
    }
    const missing = await postForm(t.emu.tokenUrl, { grant_type: 'refresh_token' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });
});

describe('emulator API authentication', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator({ tokenTtlSeconds: 2 });
  });
  after(() => t.close());

  const assertUnauthenticated = (response: { status: number; headers: Headers; body: Record<string, unknown> }) => {
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.body.kind, 'Error');
    assert.equal(typeof response.body.id, 'string');
    assert.match(String(response.body.code), /^ACCT-MGMT-\d+$/);
  };

  it('answers 401 in the OCM envelope without a token or with a malformed header', async () => {
    assertUnauthenticated(await t.call('GET', `${API}/subscriptions`));
    assertUnauthenticated(await t.call('GET', `${API}/subscriptions`, { headers: { authorization: 'Token abc' } }));
  });

  it('answers 401 for a forged token and for a refresh token used as access token', async () => {
    const token = await t.serviceToken();
    const [header, , signature] = token.split('.');
    const claims = { ...jwtPayload(token), preferred_username: 'mallory' };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    assertUnauthenticated(await t.call('GET', `${API}/current_account`, { token: forged }));
    const offline = t.emu.users[0]?.offlineToken ?? '';
    assertUnauthenticated(await t.call('GET', `${API}/current_account`, { token: offline }));
  });

  it('accepts a token until it expires, then answers 401', async () => {
    const token = await t.serviceToken();
    assert.equal((await t.call('GET', `${API}/current_account`, { token })).status, 200);
    const exp = Number(jwtPayload(token).exp);
    await sleep(Math.max(0, exp * 1000 - Date.now()) + 50);
    const expired = await t.call('GET', `${API}/current_account`, { token });
    assertUnauthenticated(expired);
    assert.match(expired.body.reason, /expired/);
  });
});
