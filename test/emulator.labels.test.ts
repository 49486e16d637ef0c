import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ACME_ORG_ID } from '../emulator/index.js';
import { API, AUTHZ, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const KEY = 'capability.organization.bare_metal_installer_multiarch';
const LABELS = `${API}/organizations/${ACME_ORG_ID}/labels`;

describe('emulator organization labels', () => {
  let t: TestEmulator;
  let sa: string;
  let alice: string;
  let bob: string;
  before(async () => {
    t = await startTestEmulator();
    alice = await t.userToken('alice');
    bob = await t.userToken('bob');
  });
  beforeEach(async () => {
    await t.admin.reset();
    sa = await t.serviceToken();
  });
  after(() => t.close());

  it('POST creates (201) then updates (200); GET lists and reads one', async () => {
    const created = await t.call('POST', LABELS, { token: alice, body: { key: KEY, value: 'true', internal: true } });
    assert.equal(created.status, 201);
    const label = created.body;
    assert.equal(label.kind, 'Label');
    assert.equal(label.href, `${LABELS}/${KEY}`);
    assert.deepEqual([label.key, label.value, label.internal, label.type, label.organization_id], [KEY, 'true', true, 'Organization', ACME_ORG_ID]);
    assert.equal(typeof label.id, 'string');
    assert.equal(typeof label.managed_by, 'string');
    assert.equal(label.created_at, label.updated_at);

    const updated = await t.call('POST', LABELS, { token: alice, body: { key: KEY, value: 'false' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.id, label.id);
    assert.equal(updated.body.value, 'false');
    assert.equal(updated.body.internal, true);

    const list = await t.call('GET', LABELS, { token: bob });
    assert.equal(list.status, 200);
    assert.deepEqual([list.body.kind, list.body.page, list.body.size, list.body.total], ['LabelList', 1, 1, 1]);
    assert.equal(list.body.items[0].key, KEY);
    const one = await t.call('GET', `${LABELS}/${KEY}`, { token: bob });
    assert.equal(one.body.value, 'false');
  });

  it('PATCH changes the value; a mismatched key is 400; a missing label is 404', async () => {
    await t.call('POST', LABELS, { token: sa, body: { key: KEY, value: 'true' } });
    const patched = await t.call('PATCH', `${LABELS}/${KEY}`, { token: sa, body: { value: 'false' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.value, 'false');
    const mismatch = await t.call('PATCH', `${LABELS}/${KEY}`, { token: sa, body: { key: 'other', value: 'x' } });
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.reason, /'key'/);
    assert.equal((await t.call('PATCH', `${LABELS}/absent`, { token: sa, body: { value: 'x' } })).status, 404);
    assert.equal((await t.call('GET', `${LABELS}/absent`, { token: sa })).status, 404);
  });

  it('DELETE answers 204, then the label is gone', async () => {
    await t.call('POST', LABELS, { token: sa, body: { key: KEY, value: 'true' } });
    const deleted = await t.call('DELETE', `${LABELS}/${KEY}`, { token: sa });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await t.call('GET', LABELS, { token: sa })).body.total, 0);
    assert.equal((await t.call('DELETE', `${LABELS}/${KEY}`, { token: sa })).status, 404);
  });

  it('label writes need a label-admin role', async () => {
    const denied = await t.call('POST', LABELS, { token: bob, body: { key: KEY, value: 'true' } });
    assert.equal(denied.status, 403);
    assert.match(denied.body.reason, /UHCSupport|BareMetalInstallerAdmin/);
    await t.call('POST', LABELS, { token: alice, body: { key: KEY, value: 'true' } });
    assert.equal((await t.call('PATCH', `${LABELS}/${KEY}`, { token: bob, body: { value: 'x' } })).status, 403);
    assert.equal((await t.call('DELETE', `${LABELS}/${KEY}`, { token: bob })).status, 403);
    assert.equal((await t.call('GET', `${LABELS}/${KEY}`, { token: bob })).body.value, 'true');
  });

  it('capability_review answers from organization capability labels', async () => {
    const review = (token: string, body: Record<string, unknown>) => t.call('POST', `${AUTHZ}/capability_review`, { token, body });
    const ask = { account_username: 'bob', capability: 'bare_metal_installer_multiarch', type: 'Organization' };
    const before = await review(sa, ask);
    assert.equal(before.status, 200);
    assert.equal(before.body.result, 'false');
    await t.call('POST', LABELS, { token: sa, body: { key: KEY, value: 'true', internal: true } });
    assert.equal((await review(sa, ask)).body.result, 'true');
    assert.equal((await review(bob, { ...ask, capability: KEY })).body.result, 'true');
    assert.equal((await review(bob, { ...ask, account_username: 'alice' })).status, 403);
    const bad = await review(sa, { ...ask, type: 'Planet' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.reason, /'type'/);
  });

  it('capability_review sees account labels from the configuration, and current_account lists them', async () => {
    const t2 = await startTestEmulator({
      users: [{ username: 'dave', organizationId: 'org-d', labels: { 'capability.account.bare_metal_installer_admin': 'true' } }],
    });
    try {
      const token = await t2.serviceToken();
      const result = await t2.call('POST', `${AUTHZ}/capability_review`, {
        token,
        body: { account_username: 'dave', capability: 'bare_metal_installer_admin', type: 'Account' },
      });
      assert.equal(result.body.result, 'true');
      const dave = await t2.call('GET', `${API}/current_account`, { token: await t2.userToken('dave') });
      assert.deepEqual(dave.body.capabilities, [{ name: 'capability.account.bare_metal_installer_admin', value: 'true', inherited: false }]);
      assert.equal(dave.body.labels[0].type, 'Account');
    } finally {
      await t2.close();
    }
  });

  it('access_review echoes the request with allowed and reason; 422 for an action outside the documented five', async () => {
    const review = (token: string, body: Record<string, unknown>) => t.call('POST', `${AUTHZ}/access_review`, { token, body });
    const sub = (await t.authorize(sa, 'review-cluster', 'alice')).body.subscription.id;
    const request = { account_username: 'bob', action: 'update', resource_type: 'Subscription', subscription_id: sub };
    const allowed = await review(sa, request);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.body.allowed, true);
    assert.equal(typeof allowed.body.reason, 'string');
    for (const [key, value] of Object.entries(request)) assert.equal(allowed.body[key], value);

    const carolDenied = await review(sa, { ...request, account_username: 'carol' });
    assert.equal(carolDenied.body.allowed, false);
    const labelDenied = await review(sa, { account_username: 'bob', action: 'create', resource_type: 'OrganizationLabel', organization_id: ACME_ORG_ID });
    assert.equal(labelDenied.body.allowed, false);
    const labelAllowed = await review(sa, { account_username: 'alice', action: 'create', resource_type: 'OrganizationLabel', organization_id: ACME_ORG_ID });
    assert.equal(labelAllowed.body.allowed, true);

    const badAction = await review(sa, { ...request, action: 'destroy' });
    assert.equal(badAction.status, 422);
    assert.equal(badAction.body.kind, 'Error');
    assert.match(badAction.body.reason, /'action'/);
  });

  it('access_review takes any resource type: BareMetalCluster/create as the Assisted Installer sends it', async () => {
    const review = (token: string, body: Record<string, unknown>) => t.call('POST', `${AUTHZ}/access_review`, { token, body });
    // The installer's own service account asks for the user on every request (no subscription id).
    for (const user of ['alice', 'bob', 'carol']) {
      const answer = await review(sa, { account_username: user, action: 'create', resource_type: 'BareMetalCluster' });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.allowed, true, `${user}: ${answer.body.reason}`);
      assert.equal(answer.body.resource_type, 'BareMetalCluster');
    }
    const own = await review(bob, { account_username: 'bob', action: 'create', resource_type: 'BareMetalCluster', organization_id: ACME_ORG_ID });
    assert.equal(own.body.allowed, true);
    // An unknown resource type follows the same rules as a known one: not in another organization.
    const elsewhere = await review(sa, { account_username: 'carol', action: 'create', resource_type: 'Spaceship', organization_id: ACME_ORG_ID });
    assert.equal(elsewhere.status, 200);
    assert.equal(elsewhere.body.allowed, false);
    const empty = await review(sa, { account_username: 'bob', action: 'create', resource_type: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.reason, /'resource_type' must not be empty/);
  });
});
