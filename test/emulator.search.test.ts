import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

describe('emulator subscription search over HTTP', () => {
  let t: TestEmulator;
  let sa: string;
  before(async () => {
    t = await startTestEmulator();
    sa = await t.serviceToken();
    for (const [cluster, user, name] of [
      ['c-1', 'alice', "o'brien"],
      ['c-2', 'alice', 'prod-east'],
      ['c-3', 'carol', 'prod-west'],
    ] as const) {
      await t.authorize(sa, cluster, user, { display_name: name });
    }
    const c2 = (await t.call('GET', `${API}/subscriptions?search=${encodeURIComponent("cluster_id = 'c-2'")}`, { token: sa })).body.items[0];
    await t.call('PATCH', `${API}/subscriptions/${c2.id}`, { token: sa, body: { kind: 'Subscription', external_cluster_id: 'ext-2' } });
    await t.call('PATCH', `${API}/subscriptions/${c2.id}`, { token: sa, body: { kind: 'Subscription', status: 'Active' } });
  });
  after(() => t.close());

  /** Sends the search form-encoded with + for spaces, as OCM clients do. */
  const find = async (search: string, encode: (s: string) => string = (s) => new URLSearchParams({ search: s }).toString()) => {
    const response = await t.call('GET', `${API}/subscriptions?${encode(search)}`, { token: sa });
    assert.equal(response.status, 200, response.text);
    return response.body.items.map((s: { cluster_id: string }) => s.cluster_id).sort();
  };

  it('matches by cluster_id and external_cluster_id', async () => {
    assert.deepEqual(await find("cluster_id = 'c-1'"), ['c-1']);
    assert.deepEqual(await find("external_cluster_id = 'ext-2'"), ['c-2']);
    assert.deepEqual(await find("(display_name = 'ext-2' or cluster_id = 'ext-2' or external_cluster_id = 'ext-2')"), ['c-2']);
  });

  it('accepts %20 as well as + for spaces', async () => {
    assert.deepEqual(await find("status = 'Active'", (s) => `search=${encodeURIComponent(s)}`), ['c-2']);
    assert.deepEqual(await find("status = 'Active'"), ['c-2']);
  });

  it('supports in / not in, like / ilike, is null, quotes and dotted paths', async () => {
    assert.deepEqual(await find("status NOT IN ('Deprovisioned', 'Archived', 'Active')"), ['c-1', 'c-3']);
    assert.deepEqual(await find("display_name like 'prod-%'"), ['c-2', 'c-3']);
    assert.deepEqual(await find("display_name ILIKE 'PROD-W%'"), ['c-3']);
    assert.deepEqual(await find('external_cluster_id is null'), ['c-1', 'c-3']);
    assert.deepEqual(await find("display_name = 'o''brien'"), ['c-1']);
    assert.deepEqual(await find("plan.id = 'OCP-AssistedInstall' and creator.username = 'carol'"), ['c-3']);
  });

  it('an empty search matches everything', async () => {
    assert.deepEqual(await find(''), ['c-1', 'c-2', 'c-3']);
  });
});
