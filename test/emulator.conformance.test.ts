// The emulator's answers against the official OCM OpenAPI model in ../shared/ocm-api.
// Every field the emulator sends must be named by the schema and have its declared
// type, except the deviations listed below, which ams-wire.md documents as what
// real clients and the live service do.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACME_ORG_ID } from '../emulator/index.js';
import { ACCOUNT_FIELDS, SUBSCRIPTION_FIELDS } from '../emulator/fields.js';
import { clusterAuthorizationSchema } from '../emulator/validation.js';
import { existsSync } from 'node:fs';
import { API, AUTHZ, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';
import {
  fieldTreeProblems,
  loadOpenApi,
  OCM_API_DIR,
  responseSchema,
  SchemaChecker,
  type Deviations,
  type OpenApiDocument,
} from './helpers/emulator-openapi.js';

const KNOWN_DEVIATIONS: Deviations = {
  'Error.id': { type: 'string', why: 'ams-wire.md: id is a string on the wire (the Go SDK fails to parse a number)' },
  'Error.details': { type: 'array', why: 'ams-wire.md: quota errors carry details[{kind: ExcessResources}] (an array)' },
  'Error.operation_id': { type: 'string', why: 'ams-wire.md: the live error envelope has operation_id' },
  'SubscriptionList.kind': { type: 'string', why: 'ams-wire.md: list envelopes carry kind' },
  'LabelList.kind': { type: 'string', why: 'ams-wire.md: list envelopes carry kind' },
  'ClusterAuthorizationResponse.kind': { type: 'string', why: 'emulator brief: kind on every object' },
  'CapabilityReviewResponse.kind': { type: 'string', why: 'emulator brief: kind on every object' },
  'AccessReviewResponse.kind': { type: 'string', why: 'emulator brief: kind on every object' },
  'SubscriptionMetrics.query_timestamp': { type: 'string', why: 'seed example of a live subscription has it' },
  'SubscriptionMetrics.cluster_type': { type: 'string', why: 'seed example of a live subscription has it' },
};

// Counted as a failed test (not only a failed hook) when the model is missing.
it('the OCM OpenAPI model is available in ../shared/ocm-api', () => {
  assert.ok(existsSync(OCM_API_DIR), `${OCM_API_DIR} is missing: the conformance test reads the OCM OpenAPI model from there (CI always has it).`);
});

describe('emulator conformance with the OCM OpenAPI model', () => {
  let accounts: OpenApiDocument;
  let authz: OpenApiDocument;
  let checker: SchemaChecker;
  let authzChecker: SchemaChecker;
  let t: TestEmulator;
  let sa: string;
  let subscriptionId: string;

  before(async () => {
    // Fails (not skips) with a clear message when ../shared/ocm-api is missing.
    accounts = loadOpenApi('accounts_mgmt_v1_openapi.json');
    authz = loadOpenApi('authorizations_v1_openapi.json');
    checker = new SchemaChecker(accounts, KNOWN_DEVIATIONS);
    authzChecker = new SchemaChecker(authz, KNOWN_DEVIATIONS);
    t = await startTestEmulator({ quotas: [{ organization_id: 'quota-org', max_clusters: 0, status: 403 }], users: [
      { username: 'alice', organizationId: ACME_ORG_ID, roles: ['BareMetalInstallerAdmin'], labels: { 'capability.account.x': 'true' } },
      { username: 'quentin', organizationId: 'quota-org' },
    ] });
    sa = await t.serviceToken();
    // A subscription with every field the installer and telemetry set.
    subscriptionId = (await t.authorize(sa, 'conformance-cluster', 'alice')).body.subscription.id;
    for (const patch of [{ external_cluster_id: 'ext-c' }, { console_url: 'https://console.example.com' }, { status: 'Active' }]) {
      await t.call('PATCH', `${API}/subscriptions/${subscriptionId}`, { token: sa, body: { kind: 'Subscription', ...patch } });
    }
    await t.admin.reportTelemetry({ external_cluster_id: 'ext-c' });
    await t.call('POST', `${API}/organizations/${ACME_ORG_ID}/labels`, {
      token: sa,
      body: { key: 'capability.organization.bare_metal_installer_multiarch', value: 'true', internal: true },
    });
  });
  after(() => t?.close());

  const conforms = (problems: string[]) => assert.deepEqual(problems, [], problems.join('\n'));

  it('Subscription (fully populated)', async () => {
    const sub = (await t.call('GET', `${API}/subscriptions/${subscriptionId}`, { token: sa })).body;
    assert.ok(sub.metrics && sub.last_telemetry_date && sub.console_url && sub.external_cluster_id);
    conforms(checker.check(checker.schema('Subscription'), sub, 'Subscription'));
  });

  it('SubscriptionList', async () => {
    const list = (await t.call('GET', `${API}/subscriptions`, { token: sa })).body;
    conforms(checker.check(responseSchema(accounts, `${API}/subscriptions`, 'get', '200'), list, 'SubscriptionList'));
  });

  it('Account (current_account, with labels and capabilities)', async () => {
    const account = (await t.call('GET', `${API}/current_account`, { token: await t.userToken('alice') })).body;
    assert.ok(account.capabilities.length >= 2 && account.labels.length >= 1);
    conforms(checker.check(responseSchema(accounts, `${API}/current_account`, 'get', '200'), account, 'Account'));
  });

  it('Label and LabelList', async () => {
    const path = `${API}/organizations/${ACME_ORG_ID}/labels`;
    const labels = (await t.call('GET', path, { token: sa })).body;
    conforms(checker.check(responseSchema(accounts, `${API}/organizations/{organization_id}/labels`, 'get', '200'), labels, 'LabelList'));
    const label = (await t.call('GET', `${path}/${labels.items[0].key}`, { token: sa })).body;
    conforms(checker.check(checker.schema('Label'), label, 'Label'));
  });

  it('ClusterAuthorizationResponse, and every request field the emulator accepts is in the model', async () => {
    const response = (await t.authorize(sa, 'conformance-2', 'alice')).body;
    conforms(checker.check(checker.schema('ClusterAuthorizationResponse'), response, 'ClusterAuthorizationResponse'));
    const modelFields = Object.keys(checker.schema('ClusterAuthorizationRequest').properties ?? {});
    const accepted = Object.keys(clusterAuthorizationSchema.shape).filter((field) => field !== 'kind');
    assert.deepEqual(accepted.filter((field) => !modelFields.includes(field)), []);
  });

  it('Error (not found, validation, quota with details)', async () => {
    const notFound = (await t.call('GET', `${API}/subscriptions/nope`, { token: sa })).body;
    const invalid = (await t.call('PATCH', `${API}/subscriptions/${subscriptionId}`, { token: sa, body: { status: 'active' } })).body;
    const quota = (await t.authorize(sa, 'conformance-3', 'quentin')).body;
    assert.equal(quota.details[0].kind, 'ExcessResources');
    for (const error of [notFound, invalid, quota]) conforms(checker.check(checker.schema('Error'), error, 'Error'));
  });

  it('capability_review and access_review responses', async () => {
    const capability = (
      await t.call('POST', `${AUTHZ}/capability_review`, {
        token: sa,
        body: { account_username: 'alice', capability: 'bare_metal_installer_multiarch', type: 'Organization' },
      })
    ).body;
    assert.equal(capability.result, 'true');
    conforms(authzChecker.check(authzChecker.schema('CapabilityReviewResponse'), capability, 'CapabilityReviewResponse'));
    const access = (
      await t.call('POST', `${AUTHZ}/access_review`, {
        token: sa,
        body: { account_username: 'alice', action: 'get', resource_type: 'Subscription', subscription_id: subscriptionId },
      })
    ).body;
    conforms(authzChecker.check(authzChecker.schema('AccessReviewResponse'), access, 'AccessReviewResponse'));
  });

  it('search and order know exactly the fields of the model (Subscription and Account, nested ones too)', () => {
    const extra = ['Subscription.metrics.query_timestamp', 'Subscription.metrics.cluster_type'];
    conforms(fieldTreeProblems(accounts, checker.schema('Subscription'), SUBSCRIPTION_FIELDS, extra));
    conforms(fieldTreeProblems(accounts, checker.schema('Account'), ACCOUNT_FIELDS, []));
    const broken = { ...SUBSCRIPTION_FIELDS, fields: { ...SUBSCRIPTION_FIELDS.fields, colour: 'scalar' as const, plan: 'scalar' as const } };
    assert.equal(fieldTreeProblems(accounts, checker.schema('Subscription'), broken, extra).length, 2);
  });

  it('the checker catches a wrong type and an unknown field (it is not vacuous)', () => {
    const problems = checker.check(checker.schema('Subscription'), { id: 1, managed: 'no', colour: 'blue', created_at: '23/05/2021' }, 'Subscription');
    assert.equal(problems.length, 4, problems.join('\n'));
  });

  it('every listed deviation was actually seen', () => {
    const seen = new Set([...checker.seen, ...authzChecker.seen]);
    assert.deepEqual(Object.keys(KNOWN_DEVIATIONS).filter((key) => !seen.has(key)), []);
  });
});
