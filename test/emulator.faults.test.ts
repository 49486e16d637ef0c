import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EmulatorAdminError } from '../emulator/admin-client.js';
import { API, startTestEmulator, useTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const SUBSCRIPTIONS = `${API}/subscriptions`;

describe('emulator faults', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]), { resetEachTest: true });

  const list = () => t.call('GET', SUBSCRIPTIONS, { token: sa });

  it('error: the next N matching requests get the status, then normal answers resume', async () => {
    const rule = await t.admin.addFault({ kind: 'error', route: SUBSCRIPTIONS, method: 'GET', status: 503, count: 2 });
    assert.equal(rule.remaining, 2);
    const first = await list();
    assert.equal(first.status, 503);
    assert.equal(first.headers.get('content-type'), 'application/json');
    assert.equal(first.body.kind, 'Error');
    assert.equal((await t.call('GET', `${API}/current_account`, { token: sa })).status, 200, 'other routes unaffected');
    assert.equal((await list()).status, 503);
    assert.equal((await list()).status, 200);
    assert.deepEqual(await t.admin.faults(), [], 'an exhausted count rule goes away');
  });

  it('error: route patterns with :params, method filter, and rate 1 or 0', async () => {
    const id = (await t.authorize(sa, 'cluster-a')).body.subscription.id;
    await t.admin.addFault({ kind: 'error', route: `${API}/subscriptions/:id`, method: 'PATCH', status: 502, rate: 1 });
    await t.admin.addFault({ kind: 'error', route: '*', status: 500, rate: 0 });
    const patch = await t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, body: { display_name: 'x' } });
    assert.equal(patch.status, 502);
    assert.equal((await t.call('GET', `${SUBSCRIPTIONS}/${id}`, { token: sa })).body.display_name, 'name-cluster-a');
    assert.equal((await list()).status, 200);
    assert.equal((await t.admin.faults()).length, 2);
    await t.admin.clearFaults();
    assert.equal((await t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, body: { display_name: 'x' } })).status, 200);
  });

  it('rate_limit: 429 with Retry-After', async () => {
    await t.admin.addFault({ kind: 'rate_limit', route: `${API}/cluster_authorizations`, retryAfterSeconds: 7, count: 1 });
    const limited = await t.authorize(sa, 'cluster-b');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal(limited.body.kind, 'Error');
    assert.equal((await t.admin.state()).subscriptions.length, 0);
    assert.equal((await t.authorize(sa, 'cluster-b')).status, 200);
  });

  it('latency: the request is answered after at least the added delay', async () => {
    const rule = await t.admin.addFault({ kind: 'latency', route: SUBSCRIPTIONS, latencyMs: 120, count: 1 });
    const started = performance.now();
    assert.equal((await list()).status, 200);
    assert.ok(performance.now() - started >= 110);
    const [entry] = await t.admin.requests({ path: SUBSCRIPTIONS });
    assert.deepEqual(entry?.faults, [rule.id]);
    assert.ok((entry?.duration_ms ?? 0) >= 110);
  });

  it('reset: the connection is destroyed before anything happens', async () => {
    await t.admin.addFault({ kind: 'reset', route: `${API}/cluster_authorizations`, count: 1 });
    await assert.rejects(t.authorize(sa, 'cluster-c'), TypeError);
    assert.equal((await t.admin.state()).subscriptions.length, 0);
    const [entry] = await t.admin.requests({ cluster_id: 'cluster-c' });
    assert.equal(entry?.outcome, 'reset');
    assert.equal(entry?.status, 0);
  });

  it('commit_then_drop: the change is applied, the answer never arrives, a retry finds it', async () => {
    await t.admin.addFault({ kind: 'commit_then_drop', route: `${API}/cluster_authorizations`, method: 'POST', count: 1 });
    await assert.rejects(t.authorize(sa, 'cluster-d'), TypeError);
    const state = await t.admin.state();
    assert.equal(state.subscriptions.length, 1);
    assert.equal(state.subscriptions[0]?.cluster_id, 'cluster-d');
    const retry = await t.authorize(sa, 'cluster-d');
    assert.equal(retry.status, 200);
    assert.equal(retry.body.subscription.id, state.subscriptions[0]?.id);
    const entries = await t.admin.requests({ cluster_id: 'cluster-d' });
    assert.deepEqual(entries.map((e) => e.outcome), ['dropped', 'answered']);
  });

  it('outage: 503 inside a window on the emulator clock', async () => {
    const now = Date.parse((await t.admin.clock()).now);
    await t.admin.addFault({
      kind: 'outage',
      from: new Date(now + 60_000).toISOString(),
      until: new Date(now + 120_000).toISOString(),
    });
    assert.equal((await list()).status, 200);
    await t.admin.advanceClock(61);
    const down = await list();
    assert.equal(down.status, 503);
    assert.ok(Number(down.headers.get('retry-after')) > 0);
    assert.equal((await t.call('GET', '/_emulator/clock')).status, 200, 'admin calls are never faulted');
    await t.admin.advanceClock(60);
    assert.equal((await list()).status, 200);
    assert.deepEqual(await t.admin.faults(), []);
  });

  it('outage without an end lasts until cleared, including the token endpoint', async () => {
    await t.admin.addFault({ kind: 'outage' });
    assert.equal((await list()).status, 503);
    await assert.rejects(t.serviceToken(), /503/);
    await t.admin.clearFaults();
    assert.equal((await list()).status, 200);
  });

  it('faults given at start apply from the first request', async () => {
    const t2 = await startTestEmulator({ faults: [{ kind: 'error', route: '/auth/*', status: 500, count: 1 }] });
    try {
      await assert.rejects(t2.serviceToken(), /500/);
      assert.equal(typeof (await t2.serviceToken()), 'string');
    } finally {
      await t2.close();
    }
  });

  it('bad fault rules are refused with 400 naming the field', async () => {
    for (const [rule, field] of [
      [{ kind: 'explode' }, 'kind'],
      [{ kind: 'error', status: 404 }, 'status'],
      [{ kind: 'latency' }, 'latencyMs'],
      [{ kind: 'error', rate: 2 }, 'rate'],
      [{ kind: 'error', count: 0 }, 'count'],
    ] as const) {
      await assert.rejects(t.admin.addFault(rule as never), (error: unknown) => {
        assert.ok(error instanceof EmulatorAdminError);
        assert.equal(error.status, 400);
        assert.match(String((error.body as { reason: string }).reason), new RegExp(`'${field}'`));
        return true;
      });
    }
    assert.deepEqual(await t.admin.faults(), []);
  });
});

describe('emulator request log', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  it('counts every API and token call per cluster, never admin calls', async () => {
    const sa = await t.serviceToken();
    const id = (await t.authorize(sa, 'cluster-x')).body.subscription.id;
    await t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, body: { kind: 'Subscription', status: 'Active' } });
    await t.call('GET', `${SUBSCRIPTIONS}?search=${encodeURIComponent("cluster_id = 'cluster-x'")}`, { token: sa });
    await t.call('DELETE', `${SUBSCRIPTIONS}/${id}`, { token: sa });
    await t.authorize(sa, 'cluster-y');
    await t.admin.state();

    const all = await t.admin.requests();
    assert.equal(all.length, 6);
    assert.equal(all[0]?.path, '/auth/realms/redhat-external/protocol/openid-connect/token');
    assert.ok(all.every((e) => !e.path.startsWith('/_emulator')));
    const x = await t.admin.requests({ cluster_id: 'cluster-x' });
    assert.deepEqual(
      x.map((e) => [e.method, e.status]),
      [
        ['POST', 200],
        ['PATCH', 200],
        ['GET', 200],
        ['DELETE', 204],
      ],
    );
    assert.ok(x.every((e) => typeof e.time === 'string' && e.outcome === 'answered'));
    assert.equal((await t.admin.requests({ cluster_id: 'cluster-y' })).length, 1);
    assert.equal((await t.admin.requests({ method: 'delete' })).length, 1);
    await t.admin.clearRequests();
    assert.deepEqual(await t.admin.requests(), []);
  });

  it('names the cluster of faulted requests too (outage, error, rate_limit)', async () => {
    const sa = await t.serviceToken();
    const id = (await t.authorize(sa, 'cluster-f')).body.subscription.id;
    await t.admin.clearRequests();
    await t.admin.addFault({ kind: 'outage', route: `${API}/cluster_authorizations` });
    await t.admin.addFault({ kind: 'error', route: `${SUBSCRIPTIONS}/:id`, method: 'PATCH', status: 500 });
    await t.admin.addFault({ kind: 'rate_limit', route: SUBSCRIPTIONS, method: 'GET' });
    try {
      assert.equal((await t.authorize(sa, 'cluster-f')).status, 503);
      assert.equal((await t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, body: { display_name: 'y' } })).status, 500);
      const search = encodeURIComponent("cluster_id = 'cluster-f'");
      assert.equal((await t.call('GET', `${SUBSCRIPTIONS}?search=${search}`, { token: sa })).status, 429);
      // Malformed JSON under a fault: still the fault's answer, still the cluster from the path.
      assert.equal((await t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, rawBody: '{', contentType: 'application/json' })).status, 500);
    } finally {
      await t.admin.clearFaults();
    }
    const logged = await t.admin.requests({ cluster_id: 'cluster-f' });
    assert.deepEqual(
      logged.map((e) => [e.method, e.status, e.faults?.length]),
      [
        ['POST', 503, 1],
        ['PATCH', 500, 1],
        ['GET', 429, 1],
        ['PATCH', 500, 1],
      ],
    );
  });
});
