import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { EmulatorAdminError, type RequestLogEntry } from '../emulator/admin-client.js';
import { API, useTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const SUBSCRIPTIONS = `${API}/subscriptions`;
const AUTHORIZATIONS = `${API}/cluster_authorizations`;

describe('emulator late_commit faults', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]), { resetEachTest: true });

  const patch = (id: string, displayName: string, signal?: AbortSignal) =>
    t.call('PATCH', `${SUBSCRIPTIONS}/${id}`, { token: sa, body: { display_name: displayName }, ...(signal ? { signal } : {}) });
  const displayName = async () => (await t.admin.state()).subscriptions[0]?.display_name;

  /** Waits for the log entry of a request whose client had gone. */
  async function lateEntry(clusterId: string, withinMs = 5000): Promise<RequestLogEntry> {
    const deadline = performance.now() + withinMs;
    for (;;) {
      const entry = (await t.admin.requests({ cluster_id: clusterId })).find((e) => e.outcome === 'late');
      if (entry) return entry;
      if (performance.now() > deadline) assert.fail(`no late request logged for ${clusterId}`);
      await sleep(50);
    }
  }

  it('a PATCH held 1.5 s lands after its client timed out, overwriting a newer value', async () => {
    const id = (await t.authorize(sa, 'cluster-a')).body.subscription.id;
    const rule = await t.admin.addFault({ kind: 'late_commit', route: `${SUBSCRIPTIONS}/:id`, method: 'PATCH', latencyMs: 1500, count: 1 });
    const started = performance.now();
    await assert.rejects(patch(id, 'late', AbortSignal.timeout(300)), { name: 'TimeoutError' });
    assert.equal(await displayName(), 'name-cluster-a', 'held: not committed yet');
    assert.equal((await patch(id, 'newer')).status, 200, 'the retry is not held (count 1)');
    assert.equal(await displayName(), 'newer');

    const entry = await lateEntry('cluster-a');
    assert.ok(performance.now() - started >= 1450, 'committed only once the hold is over');
    assert.equal(await displayName(), 'late', 'the late request overwrote the newer value');
    assert.deepEqual(
      [entry.method, entry.status, entry.subscription_id, entry.faults],
      ['PATCH', 200, id, [rule.id]],
    );
    assert.ok(entry.duration_ms >= 1450);
  });

  it('a POST cluster_authorizations lands after its client gave up: the subscription is created', async () => {
    await t.admin.addFault({ kind: 'late_commit', route: AUTHORIZATIONS, method: 'POST', latencyMs: 600, count: 1 });
    const gaveUp = new AbortController();
    const call = t.call('POST', AUTHORIZATIONS, {
      token: sa,
      body: { account_username: 'alice', cluster_id: 'cluster-b', product_id: 'OCP', reserve: true, resources: [] },
      signal: gaveUp.signal,
    });
    await sleep(100);
    gaveUp.abort();
    await assert.rejects(call, { name: 'AbortError' });
    assert.equal((await t.admin.state()).subscriptions.length, 0);

    const entry = await lateEntry('cluster-b');
    assert.deepEqual([entry.method, entry.path, entry.status], ['POST', AUTHORIZATIONS, 200]);
    const subscriptions = (await t.admin.state()).subscriptions;
    assert.deepEqual(subscriptions.map((s) => [s.cluster_id, s.status]), [['cluster-b', 'Reserved']]);
    const retry = await t.authorize(sa, 'cluster-b');
    assert.equal(retry.body.subscription.id, subscriptions[0]?.id, 'a retry finds what the late request reserved');
  });

  it('a client that waits long enough gets the normal answer, logged as answered', async () => {
    const id = (await t.authorize(sa, 'cluster-c')).body.subscription.id;
    await t.admin.addFault({ kind: 'late_commit', route: `${SUBSCRIPTIONS}/:id`, latencyMs: 300, count: 1 });
    const started = performance.now();
    const answered = await patch(id, 'patient');
    assert.ok(performance.now() - started >= 290);
    assert.equal(answered.status, 200);
    assert.equal(answered.body.display_name, 'patient');
    const entries = await t.admin.requests({ cluster_id: 'cluster-c', method: 'PATCH' });
    assert.deepEqual(entries.map((e) => [e.status, e.outcome]), [[200, 'answered']]);
  });

  it('a late request that fails is logged late with its real status', async () => {
    await t.admin.addFault({ kind: 'late_commit', route: `${SUBSCRIPTIONS}/:id`, latencyMs: 400, count: 1 });
    await assert.rejects(
      t.call('DELETE', `${SUBSCRIPTIONS}/missing`, { token: sa, signal: AbortSignal.timeout(100) }),
      { name: 'TimeoutError' },
    );
    const deadline = performance.now() + 3000;
    let entry: RequestLogEntry | undefined;
    while (!entry && performance.now() < deadline) {
      await sleep(50);
      entry = (await t.admin.requests({ method: 'DELETE' }))[0];
    }
    assert.deepEqual([entry?.status, entry?.outcome, entry?.subscription_id], [404, 'late', 'missing']);
  });

  it('latency still drops a request whose client went away: nothing is committed', async () => {
    const id = (await t.authorize(sa, 'cluster-d')).body.subscription.id;
    await t.admin.addFault({ kind: 'latency', route: `${SUBSCRIPTIONS}/:id`, method: 'PATCH', latencyMs: 500, count: 1 });
    await assert.rejects(patch(id, 'dropped', AbortSignal.timeout(100)), { name: 'TimeoutError' });
    await sleep(900);
    assert.equal(await displayName(), 'name-cluster-d');
    const entries = await t.admin.requests({ cluster_id: 'cluster-d', method: 'PATCH' });
    assert.ok(entries.every((e) => e.status !== 200), JSON.stringify(entries));
  });

  it('late_commit needs latencyMs', async () => {
    await assert.rejects(t.admin.addFault({ kind: 'late_commit' }), (error: unknown) => {
      assert.ok(error instanceof EmulatorAdminError);
      assert.equal(error.status, 400);
      assert.match(String((error.body as { reason: string }).reason), /'latencyMs' is required for late_commit faults/);
      return true;
    });
  });
});
