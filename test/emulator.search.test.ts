import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { searchString } from '../ams/index.js';
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

  it('the searches the project sends work', async () => {
    // ams/http-client.ts findSubscriptionByClusterId; the ams-client tests' display_name like.
    assert.deepEqual(await find(`cluster_id = ${searchString('c-2')}`), ['c-2']);
    assert.deepEqual(await find("display_name like 'prod-%'"), ['c-2', 'c-3']);
  });

  it('every field of a Subscription may be named, nested ones by dotted paths', async () => {
    assert.deepEqual(await find("creator.first_name = 'Carol' and creator.organization.name = 'Globex'"), ['c-3']);
    assert.deepEqual(await find('labels.key is null and capabilities.name is null and usage is null'), ['c-1', 'c-2', 'c-3']);
    assert.deepEqual(await find("metrics.nodes.total > 3 or cluster_billing_model = 'standard' or released = true"), []);
  });

  it('a field a Subscription does not have is a 400 naming it, like an unknown order field', async () => {
    const cases: Array<[string, string]> = [
      ["colour = 'blue'", 'colour'],
      ["cluster_id = 'c-1' or not (plan.colour = 'x')", 'plan.colour'],
      ["display_name.first = 'x'", 'display_name.first'],
      ["Cluster_ID = 'c-1'", 'Cluster_ID'],
      ['creator.organization.owner is null', 'creator.organization.owner'],
    ];
    for (const [search, field] of cases) {
      const response = await t.call('GET', `${API}/subscriptions?${new URLSearchParams({ search })}`, { token: sa });
      assert.equal(response.status, 400, `${search}: ${response.text}`);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.body.kind, 'Error');
      assert.equal(response.body.code, 'ACCT-MGMT-23');
      assert.match(response.body.reason, /'search'/);
      assert.ok(response.body.reason.includes(`'${field}' is not a field of Subscription`), response.body.reason);
      assert.deepEqual(response.body.details[0], { kind: 'FieldError', field: 'search', rule: `must name fields of Subscription ('${field}' is not one)` });
    }
  });

  it('order and orderBy take the same fields a search can compare', async () => {
    const ordered = await t.call('GET', `${API}/subscriptions?${new URLSearchParams({ orderBy: 'creator.username desc, usage asc' })}`, { token: sa });
    assert.equal(ordered.status, 200, ordered.text);
    assert.equal(ordered.body.items[0].cluster_id, 'c-3');
    const unknown = await t.call('GET', `${API}/subscriptions?orderBy=colour`, { token: sa });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.reason, /'orderBy'.*'colour'/);
  });

  it('the accounts list checks its search fields the same way', async () => {
    const accounts = (search: string) => t.call('GET', `${API}/accounts?${new URLSearchParams({ search })}`, { token: sa });
    const alice = await accounts("username = 'alice'"); // what the installer sends before an Organization capability review
    assert.deepEqual(alice.body.items.map((a: { username: string }) => a.username), ['alice']);
    const unknown = await accounts("colour = 'blue'");
    assert.equal(unknown.status, 400);
    assert.ok(unknown.body.reason.includes("'colour' is not a field of Account"), unknown.body.reason);
  });
});
