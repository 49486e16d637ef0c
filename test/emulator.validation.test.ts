import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API, startTestEmulator, type ApiResponse, type TestEmulator } from './helpers/emulator-http.js';

/** A 400 in the OCM envelope whose reason names the field and the rule. */
function assertBadRequest(response: ApiResponse, field: string, rule: RegExp): void {
  assert.equal(response.status, 400, response.text);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.equal(response.body.kind, 'Error');
  assert.equal(typeof response.body.id, 'string');
  assert.match(response.body.reason, new RegExp(`'${field.replace('.', '\\.')}'`));
  assert.match(response.body.reason, rule);
}

describe('emulator bad input', () => {
  let t: TestEmulator;
  let sa: string;
  let subscriptionId: string;
  let stateBefore: string;

  before(async () => {
    t = await startTestEmulator();
    sa = await t.serviceToken();
    subscriptionId = (await t.authorize(sa, 'valid-cluster')).body.subscription.id;
    stateBefore = JSON.stringify((await t.admin.state()).subscriptions);
  });
  after(async () => {
    // No bad request changed anything.
    assert.equal(JSON.stringify((await t.admin.state()).subscriptions), stateBefore);
    await t.close();
  });

  const patch = (body: unknown) => t.call('PATCH', `${API}/subscriptions/${subscriptionId}`, { token: sa, body });
  const authorize = (body: Record<string, unknown>) =>
    t.call('POST', `${API}/cluster_authorizations`, {
      token: sa,
      body: { account_username: 'alice', cluster_id: 'new-cluster', product_id: 'OCP', reserve: true, ...body },
    });

  it('malformed JSON', async () => {
    const response = await t.call('PATCH', `${API}/subscriptions/${subscriptionId}`, { token: sa, rawBody: '{"display_name": ' });
    assert.equal(response.status, 400);
    assert.equal(response.body.kind, 'Error');
    assert.match(response.body.reason, /not valid JSON/);
  });

  it('a body that is not an object', async () => {
    const response = await patch(['display_name']);
    assert.equal(response.status, 400);
    assert.match(response.body.reason, /must be a JSON object/);
  });

  it('wrong types', async () => {
    assertBadRequest(await patch({ display_name: 42 }), 'display_name', /must be of type string/);
    assertBadRequest(await authorize({ managed: 'no' }), 'managed', /must be of type boolean/);
    assertBadRequest(await authorize({ resources: {} }), 'resources', /must be of type array/);
  });

  it('unknown kind', async () => {
    assertBadRequest(await patch({ kind: 'Cluster', display_name: 'x' }), 'kind', /must be 'Subscription'/);
    assertBadRequest(await authorize({ kind: 'Subscription' }), 'kind', /must be 'ClusterAuthorizationRequest'/);
  });

  it('unknown fields', async () => {
    assertBadRequest(await patch({ colour: 'blue' }), 'colour', /not a known field/);
  });

  it('missing required fields', async () => {
    for (const field of ['account_username', 'cluster_id', 'product_id']) {
      assertBadRequest(await authorize({ [field]: undefined }), field, /is required/);
    }
    assertBadRequest(await authorize({ product_id: 'OSD' }), 'product_id', /must be 'OCP'/);
  });

  it('PATCH of read-only fields', async () => {
    for (const field of ['id', 'cluster_id', 'plan', 'href', 'creator', 'organization_id', 'created_at', 'metrics']) {
      assertBadRequest(await patch({ kind: 'Subscription', [field]: 'x' }), field, /read-only/);
    }
  });

  it('invalid status value (statuses are capitalised)', async () => {
    assertBadRequest(await patch({ status: 'active' }), 'status', /must be one of Reserved, Active/);
    assertBadRequest(await patch({ status: 'Installed' }), 'status', /must be one of/);
  });

  it('over-long and empty strings', async () => {
    assertBadRequest(await patch({ display_name: 'x'.repeat(256) }), 'display_name', /at most 255 characters/);
    assertBadRequest(await patch({ display_name: '' }), 'display_name', /must not be empty/);
    assertBadRequest(await patch({ console_url: `https://${'x'.repeat(2048)}` }), 'console_url', /at most 2048/);
    assertBadRequest(await authorize({ cluster_id: 'c'.repeat(256) }), 'cluster_id', /at most 255/);
  });

  it('bad search expression: position and expected in the details', async () => {
    const response = await t.call('GET', `${API}/subscriptions?search=${encodeURIComponent("cluster_id = 'x' and")}`, { token: sa });
    assert.equal(response.status, 400);
    assert.equal(response.body.kind, 'Error');
    assert.match(response.body.reason, /search/);
    const syntax = response.body.details.find((d: { kind: string }) => d.kind === 'SearchSyntaxError');
    assert.equal(syntax.position, 20);
    assert.ok(Array.isArray(syntax.expected) && syntax.expected.length > 0);
  });

  it('negative or non-integer page and size (except size -1)', async () => {
    const list = (query: string) => t.call('GET', `${API}/subscriptions?${query}`, { token: sa });
    assertBadRequest(await list('page=0'), 'page', /must be 1 or more/);
    assertBadRequest(await list('page=-1'), 'page', /must be 1 or more/);
    assertBadRequest(await list('size=-2'), 'size', /or -1 for all/);
    assertBadRequest(await list('size=abc'), 'size', /must be/);
    assertBadRequest(await list('page=1.5'), 'page', /must be an integer/);
    assert.equal((await list('size=-1')).status, 200);
  });

  it('bad order terms', async () => {
    const list = (query: string) => t.call('GET', `${API}/subscriptions?${query}`, { token: sa });
    assertBadRequest(await list('order=password+asc'), 'order', /cannot order by 'password'/);
    assertBadRequest(await list('orderBy=display_name+sideways'), 'orderBy', /asc or desc/);
  });

  it('bad label bodies', async () => {
    const orgId = (await t.call('GET', `${API}/current_account`, { token: sa })).body.organization.id;
    const post = (body: unknown) => t.call('POST', `${API}/organizations/${orgId}/labels`, { token: sa, body });
    assertBadRequest(await post({ value: 'true' }), 'key', /is required/);
    assertBadRequest(await post({ key: 'has space', value: 'true' }), 'key', /whitespace/);
    assertBadRequest(await post({ key: 'k', value: true }), 'value', /must be of type string/);
    assertBadRequest(await post({ kind: 'Subscription', key: 'k', value: 'v' }), 'kind', /must be 'Label'/);
    assert.equal((await t.call('GET', `${API}/organizations/${orgId}/labels`, { token: sa })).body.total, 0);
  });
});
