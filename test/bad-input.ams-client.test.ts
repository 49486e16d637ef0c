// Bad input matrix, AMS answers as the AMS client reads them (emulator `answer`
// faults over real HTTP): each row names the answer, the exact error class and
// message, and how the activities classify it (transient and credentials are
// retried, never a refusal). bad-input.ams-run.test.ts plays the same answers to
// real workflow runs.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { classifyAmsError } from '../activities/ams-failure.js';
import { AmsApiError, AmsResponseValidationError, type AmsClient } from '../ams/index.js';
import type { FaultRuleInput } from '../emulator/index.js';
import { newClusterId, startEmulatorFixture, type EmulatorFixture } from './helpers/ams-client-emulator.js';
import { rejection } from './helpers/ams-client-peers.js';

const API = '/api/accounts_mgmt/v1';
const PROXY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>';
const OCM_ERROR = JSON.stringify({ kind: 'Error', id: '9', href: `${API}/errors/9`, code: 'ACCT-MGMT-9', reason: 'database is down', operation_id: 'op-1' });
const GIANT = '9999999999999999999999'; // 22 digits: Number() of it is 1e22

let fixture: EmulatorFixture;
let client: AmsClient;
before(async () => {
  fixture = await startEmulatorFixture();
  client = fixture.client;
});
afterEach(() => fixture.admin.clearFaults());
after(() => fixture.close());

async function reserved(): Promise<string> {
  return (await client.createClusterAuthorization({ clusterId: newClusterId(), displayName: 'bad-answers', accountUsername: 'alice' })).subscriptionId;
}

/** The next matching request gets exactly this answer instead of the emulator's. */
const answer = (route: string, method: string, status: number, contentType: string | undefined, body: string, headers?: Record<string, string>) =>
  fixture.admin.addFault({ kind: 'answer', route, method, status, body, count: 1, ...(contentType ? { contentType } : {}), ...(headers ? { headers } : {}) } as FaultRuleInput);

async function invalidBody(promise: Promise<unknown>): Promise<AmsResponseValidationError> {
  const error = await rejection(promise);
  assert.ok(error instanceof AmsResponseValidationError, `expected AmsResponseValidationError, got ${String(error)}`);
  return error;
}

describe('bad AMS answers, as the AMS client reports them', () => {
  it('200 with malformed JSON to a GET: AmsResponseValidationError (body) unparsable, transient', async () => {
    const id = await reserved();
    await answer(`${API}/subscriptions/${id}`, 'GET', 200, 'application/json', '{"id": "s1", "status": ');
    const error = await invalidBody(client.getSubscription(id));
    assert.equal(error.message, `AMS GET ${API}/subscriptions/${id} (getSubscription) answered 200 with an invalid body: (body): expected a JSON document, got unparsable text`);
    assert.equal(classifyAmsError(error, 'get').category, 'transient');
  });

  it("a proxy's 502 HTML page to the POST: AmsApiError 502 quoting the page, no OCM code, transient (never a refusal)", async () => {
    await answer(`${API}/cluster_authorizations`, 'POST', 502, 'text/html', PROXY_PAGE);
    const error = await rejection(client.createClusterAuthorization({ clusterId: newClusterId(), displayName: 'proxied', accountUsername: 'alice' }));
    assert.ok(error instanceof AmsApiError, String(error));
    assert.deepEqual([error.status, error.code, error.body], [502, undefined, PROXY_PAGE]);
    assert.equal(error.message, `AMS POST ${API}/cluster_authorizations answered 502 with a body that is not an OCM error: ${JSON.stringify(PROXY_PAGE)}`);
    assert.equal(classifyAmsError(error, 'create').category, 'transient');
  });

  it('200 with an OCM error body to a GET: AmsResponseValidationError naming kind Error and the missing status, transient', async () => {
    const id = await reserved();
    await answer(`${API}/subscriptions/${id}`, 'GET', 200, 'application/json', OCM_ERROR);
    const error = await invalidBody(client.getSubscription(id));
    assert.deepEqual(error.issues, [
      { field: 'kind', rule: 'expected one of Subscription|SubscriptionLink, got "Error"' },
      { field: 'status', rule: 'required (string)' },
    ]);
    assert.equal(classifyAmsError(error, 'get').category, 'transient');
  });

  it('200 with a wrong type (status 5) to a PATCH: AmsResponseValidationError status: expected string, got 5', async () => {
    const id = await reserved();
    const current = await client.getSubscription(id);
    await answer(`${API}/subscriptions/${id}`, 'PATCH', 200, 'application/json', JSON.stringify({ ...current, status: 5 }));
    const error = await invalidBody(client.patchSubscription(id, { display_name: 'typed' }));
    assert.deepEqual([error.field, error.rule, error.operation], ['status', 'expected string, got 5', 'patchSubscription']);
  });

  it('200 with an unknown status value (Reclaimed) to a GET: accepted as AMS says it', async () => {
    const id = await reserved();
    const current = await client.getSubscription(id);
    await answer(`${API}/subscriptions/${id}`, 'GET', 200, 'application/json', JSON.stringify({ ...current, status: 'Reclaimed' }));
    assert.equal((await client.getSubscription(id)).status, 'Reclaimed');
  });

  it('429 with a 22-digit Retry-After: retryAfterSeconds is the cap (3600 by default, 2 when configured), transient', async () => {
    const id = await reserved();
    for (const [maxRetryAfterSeconds, expected] of [[undefined, 3600], [2, 2]] as const) {
      await answer(`${API}/subscriptions/${id}`, 'PATCH', 429, 'application/json', OCM_ERROR, { 'Retry-After': GIANT });
      const capped = maxRetryAfterSeconds === undefined ? client : fixture.clientWith({ maxRetryAfterSeconds });
      const error = await rejection(capped.patchSubscription(id, { display_name: 'later' }));
      assert.ok(error instanceof AmsApiError, String(error));
      assert.deepEqual([error.status, error.retryAfterSeconds], [429, expected]);
      assert.equal(classifyAmsError(error, 'patch').category, 'transient');
    }
  });

  it("a DELETE answered 200 with an HTML page (a proxy's login page): AmsResponseValidationError, not a deletion", async () => {
    const id = await reserved();
    await answer(`${API}/subscriptions/${id}`, 'DELETE', 200, 'text/html', '<html><body>Please log in</body></html>');
    const error = await invalidBody(client.deleteSubscription(id));
    assert.deepEqual([error.field, error.rule], ['(body)', 'expected no body or JSON, got Content-Type text/html']);
    assert.equal((await client.getSubscription(id)).status, 'Reserved', 'the subscription is still there');
  });

  it('a DELETE answered 200 with an OCM error body: AmsResponseValidationError, not a deletion', async () => {
    const id = await reserved();
    await answer(`${API}/subscriptions/${id}`, 'DELETE', 200, 'application/json', OCM_ERROR);
    const error = await invalidBody(client.deleteSubscription(id));
    assert.deepEqual([error.field, error.rule], ['(body)', 'expected a success, got an OCM error (ACCT-MGMT-9: database is down)']);
  });

  it('a DELETE answered 204 without a Content-Type, or 200 with a JSON object: done', async () => {
    const first = await reserved();
    await answer(`${API}/subscriptions/${first}`, 'DELETE', 204, undefined, '');
    await client.deleteSubscription(first);
    const second = await reserved();
    await answer(`${API}/subscriptions/${second}`, 'DELETE', 200, 'application/json', '{}');
    await client.deleteSubscription(second);
  });

  it('401 to a static token (AMS refuses the credentials): AmsApiError 401 after one attempt, category credentials', async () => {
    const refused = fixture.clientWith({ auth: { kind: 'static-token', token: 'revoked-token' } });
    const error = await rejection(refused.listSubscriptions());
    assert.ok(error instanceof AmsApiError, String(error));
    assert.equal(error.status, 401);
    assert.match(error.message, /^AMS GET \/api\/accounts_mgmt\/v1\/subscriptions answered 401 ACCT-MGMT-1: Invalid access token/);
    assert.equal(classifyAmsError(error, 'lookup').category, 'credentials');
  });

  it("the token endpoint answers 200 with a proxy's HTML page: AmsResponseValidationError saying it is not JSON, transient", async () => {
    await fixture.admin.addFault({ kind: 'answer', route: '/auth/*', status: 200, contentType: 'text/html', body: PROXY_PAGE, count: 1 });
    const error = await invalidBody(fixture.clientWith({}).listSubscriptions());
    assert.equal(
      error.message,
      'AMS POST /auth/realms/redhat-external/protocol/openid-connect/token (fetchToken) answered 200 with an invalid body: (body): expected Content-Type application/json, got text/html',
    );
    assert.equal(classifyAmsError(error, 'lookup').category, 'transient');
  });
});
