import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EmulatorAdminError } from '../emulator/admin-client.js';
import { API, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const SUBSCRIPTIONS = `${API}/subscriptions`;
const AUTHORIZATIONS = `${API}/cluster_authorizations`;

describe('emulator answer faults', () => {
  let t: TestEmulator;
  let sa: string;
  let id: string;
  before(async () => {
    t = await startTestEmulator();
  });
  beforeEach(async () => {
    await t.admin.reset();
    sa = await t.serviceToken();
    id = (await t.authorize(sa, 'cluster-a')).body.subscription.id;
    await t.admin.clearRequests();
  });
  after(() => t.close());

  const get = () => t.call('GET', `${SUBSCRIPTIONS}/${id}`, { token: sa });

  it("a proxy's HTML 404 page instead of the subscription, logged with its status and fault id", async () => {
    const page = '<html><body><h1>404 Not Found</h1></body></html>';
    const rule = await t.admin.addFault({
      kind: 'answer',
      route: `${SUBSCRIPTIONS}/:id`,
      method: 'GET',
      status: 404,
      contentType: 'text/html',
      body: page,
      count: 1,
    });
    const answered = await get();
    assert.equal(answered.status, 404);
    assert.equal(answered.headers.get('content-type'), 'text/html');
    assert.equal(answered.text, page);
    assert.equal((await get()).status, 200, 'count 1: the next request is handled');
    const [entry] = await t.admin.requests({ method: 'GET' });
    assert.equal(entry?.outcome, 'answered');
    assert.equal(entry?.status, 404);
    assert.deepEqual(entry?.faults, [rule.id]);
    assert.equal(entry?.cluster_id, 'cluster-a');
  });

  it('a 502 HTML page on a POST: nothing is created, the log knows the cluster from the body', async () => {
    await t.admin.addFault({
      kind: 'answer',
      route: AUTHORIZATIONS,
      method: 'POST',
      status: 502,
      contentType: 'text/html; charset=utf-8',
      body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
    });
    const answered = await t.authorize(sa, 'cluster-b');
    assert.equal(answered.status, 502);
    assert.equal(answered.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(answered.text, /502 Bad Gateway/);
    assert.deepEqual((await t.admin.state()).subscriptions.map((s) => s.cluster_id), ['cluster-a']);
    const [entry] = await t.admin.requests({ cluster_id: 'cluster-b' });
    assert.deepEqual([entry?.status, entry?.outcome], [502, 'answered']);
  });

  it('a 200 whose body is an OCM error envelope; a PATCH answered so changes nothing', async () => {
    const envelope = { kind: 'Error', id: '9', href: `${API}/errors/9`, code: 'ACCT-MGMT-9', reason: 'upstream hiccup' };
    await t.admin.addFault({
      kind: 'answer',
      route: `${SUBSCRIPTIONS}/:id`,
      method: 'PATCH',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(envelope),
    });
    const answered = await t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, body: { display_name: 'changed' } });
    assert.equal(answered.status, 200);
    assert.equal(answered.headers.get('content-type'), 'application/json');
    assert.deepEqual(answered.body, envelope);
    assert.equal((await t.admin.state()).subscriptions[0]?.display_name, 'name-cluster-a');
  });

  it('a body that is not JSON although labelled application/json, even for a malformed request', async () => {
    await t.admin.addFault({ kind: 'answer', route: SUBSCRIPTIONS, status: 200, contentType: 'application/json', body: '<!DOCTYPE html>' });
    const answered = await t.call('GET', SUBSCRIPTIONS, { token: sa });
    assert.equal(answered.status, 200);
    assert.equal(answered.headers.get('content-type'), 'application/json');
    assert.equal(answered.text, '<!DOCTYPE html>');
    assert.equal(answered.body, undefined, 'not parseable');
    const malformed = await t.call('POST', SUBSCRIPTIONS, { token: sa, rawBody: '{' });
    assert.equal(malformed.status, 200, 'the answer wins over the 400 for the bad JSON');
    assert.equal(malformed.text, '<!DOCTYPE html>');
  });

  it('a subscription with an unknown status value, body given as a JSON string; the store keeps its own', async () => {
    const stored = (await get()).body;
    await t.admin.addFault({
      kind: 'answer',
      route: `${SUBSCRIPTIONS}/:id`,
      method: 'GET',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...stored, status: 'Hibernating' }),
      count: 1,
    });
    const answered = await get();
    assert.equal(answered.body.status, 'Hibernating');
    assert.equal(answered.body.id, id);
    assert.equal((await get()).body.status, stored.status);
  });

  it('a 429 with a 22-digit Retry-After and no body, decided before authentication', async () => {
    const retryAfter = '9999999999999999999999';
    await t.admin.addFault({ kind: 'answer', route: AUTHORIZATIONS, status: 429, headers: { 'Retry-After': retryAfter } });
    const answered = await t.call('POST', AUTHORIZATIONS, { body: { cluster_id: 'cluster-c' } });
    assert.equal(answered.status, 429, 'no token, yet no 401');
    assert.equal(answered.headers.get('retry-after'), retryAfter);
    assert.equal(answered.headers.get('content-type'), null, 'no body, no content type');
    assert.equal(answered.text, '');
  });

  it('a body without contentType is text/plain; the token endpoint and unknown paths can be answered too', async () => {
    await t.admin.addFault({ kind: 'answer', route: '*', method: 'GET', status: 503, body: 'upstream connect error', count: 1 });
    const answered = await t.call('GET', `${API}/no_such_thing`);
    assert.equal(answered.status, 503);
    assert.equal(answered.headers.get('content-type'), 'text/plain');
    assert.equal(answered.text, 'upstream connect error');
    await t.admin.addFault({ kind: 'answer', route: '/auth/*', status: 500, rate: 1 });
    await assert.rejects(t.serviceToken(), /500/);
  });

  it('bad answer rules are refused with 400 naming the field', async () => {
    const headers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v']));
    for (const [rule, field] of [
      [{ kind: 'answer' }, 'status'],
      [{ kind: 'answer', status: 99 }, 'status'],
      [{ kind: 'answer', status: 600 }, 'status'],
      [{ kind: 'answer', status: 200.5 }, 'status'],
      [{ kind: 'answer', status: 200, body: 'x'.repeat(65_537) }, 'body'],
      [{ kind: 'answer', status: 204, body: 'x' }, 'body'],
      [{ kind: 'answer', status: 200, headers: { 'Bad Header': 'x' } }, 'headers'],
      [{ kind: 'answer', status: 200, headers: { 'x-ok': 'line\r\nbreak' } }, 'headers'],
      [{ kind: 'answer', status: 200, headers }, 'headers'],
      [{ kind: 'answer', status: 200, headers: { 'Content-Type': 'text/html' } }, 'headers'],
      [{ kind: 'answer', status: 200, contentType: 'text/html\n' }, 'contentType'],
      [{ kind: 'error', body: 'x' }, 'body'],
    ] as const) {
      await assert.rejects(t.admin.addFault(rule as never), (error: unknown) => {
        assert.ok(error instanceof EmulatorAdminError);
        assert.equal(error.status, 400);
        assert.match(String((error.body as { reason: string }).reason), new RegExp(`'${field}[.']`), JSON.stringify(rule).slice(0, 80));
        return true;
      });
    }
    assert.deepEqual(await t.admin.faults(), []);
    const twenty = Object.fromEntries(Object.entries(headers).slice(0, 20));
    assert.deepEqual((await t.admin.addFault({ kind: 'answer', status: 100, headers: twenty })).headers, twenty);
  });
});
