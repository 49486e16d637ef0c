// The operator commands against the AMS emulator alone (no Temporal needed, or none
// reachable): what AMS answers that passes with time (429, 408), an account without a
// username, one token per command, and for-cluster showing AMS's side when the run
// cannot be asked. Plus the comparison's rule for a status AMS moved on by itself.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { compareWithRun } from '../cli/ams-views.js';
import { EXIT, runCli } from '../cli/index.js';
import { ACME_ORG_ID } from '../emulator/index.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

let t: TestEmulator;
let env: Record<string, string>;

before(async () => {
  t = await startTestEmulator({ port: 0 });
  const { clientId, clientSecret } = t.emu.credentials;
  // Nothing listens on port 1: Temporal is unreachable.
  env = { TEMPORAL_ADDRESS: '127.0.0.1:1', AMS_URL: t.emu.url, AMS_TOKEN_URL: t.emu.tokenUrl, AMS_CLIENT_ID: clientId, AMS_CLIENT_SECRET: clientSecret };
});
after(async () => t?.close());
beforeEach(async () => {
  await t.admin.clearFaults();
  await t.admin.clearRequests();
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), progressStream: new PassThrough(), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('operator commands: AMS answers that pass with time', () => {
  it('429 is exit 1, ams-rate-limited, with the Retry-After; never "refused"', async () => {
    await t.admin.addFault({ kind: 'rate_limit', route: '/api/accounts_mgmt/v1/current_account', retryAfterSeconds: 7 });
    const { code, stderr } = await cli('--json', 'whoami');
    assert.equal(code, EXIT.failure);
    const { error } = JSON.parse(stderr);
    assert.deepEqual([error.code, error.status, error.retryAfterSeconds], ['ams-rate-limited', 429, 7]);
    assert.match(error.message, /try again in 7 s$/);
  });

  it('408 is exit 1, ams-request-timeout', async () => {
    await t.admin.addFault({ kind: 'answer', route: '/api/accounts_mgmt/v1/current_account', status: 408 });
    const { code, stderr } = await cli('--json', 'whoami');
    assert.equal(code, EXIT.failure);
    const { error } = JSON.parse(stderr);
    assert.deepEqual([error.code, error.status], ['ams-request-timeout', 408]);
    assert.match(error.message, /try again later$/);
  });

  it('--help says so', async () => {
    const { stdout } = await cli('--help');
    assert.match(stdout.replace(/\s+/g, ' '), /1 unexpected failure .* operator commands: AMS busy for now \(429 ams-rate-limited, 408 ams-request-timeout/);
  });
});

describe('capabilities check', () => {
  it('an account without a username is reviewed by its id, as the library does', async () => {
    const account = { kind: 'Account', id: 'svc-no-username-1', organization: { id: ACME_ORG_ID, kind: 'Organization' } };
    await t.admin.addFault({ kind: 'answer', route: '/api/accounts_mgmt/v1/current_account', status: 200, contentType: 'application/json', body: JSON.stringify(account) });
    await t.admin.addFault({ kind: 'answer', route: '/api/authorizations/v1/capability_review', method: 'POST', status: 200, contentType: 'application/json', body: '{"result":"true"}' });
    const { code, stdout, stderr } = await cli('--json', 'capabilities', 'check', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch');
    assert.equal(code, EXIT.ok, stderr);
    assert.deepEqual(JSON.parse(stdout), { organizationId: ACME_ORG_ID, capability: 'capability.organization.bare_metal_installer_multiarch', accountUsername: 'svc-no-username-1', enabled: true });
  });

  it('one token for the whole command (the operator calls share the client\'s transport)', async () => {
    const { code, stderr } = await cli('capabilities', 'check', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch');
    assert.equal(code, EXIT.ok, stderr);
    const requests = await t.admin.requests();
    assert.equal(requests.filter((r) => r.path === new URL(t.emu.tokenUrl).pathname).length, 1, JSON.stringify(requests.map((r) => r.path)));
    assert.deepEqual(requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.path), ['/api/accounts_mgmt/v1/current_account', '/api/authorizations/v1/capability_review']);
  });
});

describe('subscriptions for-cluster without Temporal', () => {
  it("shows AMS's side alone with a note, and exits as Temporal's failure (1)", async () => {
    const clusterId = randomUUID();
    const created = await t.authorize(await t.serviceToken(), clusterId);
    const subscriptionId = String(created.body.subscription.id);
    const json = await cli('--json', 'subscriptions', 'for-cluster', clusterId);
    assert.equal(json.code, EXIT.failure, json.stderr);
    const c = JSON.parse(json.stdout);
    assert.equal(c.compared, subscriptionId);
    assert.deepEqual(c.differences, [], 'an unknown run is not "no run"');
    assert.match(c.notes[0], /^the run's view is not shown: cannot reach Temporal at 127\.0\.0\.1:1/);
    const human = await cli('subscriptions', 'for-cluster', clusterId);
    assert.equal(human.code, EXIT.failure);
    assert.match(human.stdout, new RegExp(`AMS subscription: ${subscriptionId}`));
    assert.match(human.stdout, /Notes:\n {2}- the run's view is not shown: cannot reach Temporal/);
  });
});

describe('for-cluster comparison', () => {
  const view = () =>
    ({
      workflowId: 'cluster-x',
      phase: 'installed',
      done: false,
      subscriptionId: 'sub1',
      desired: { display_name: 'a', status: 'Active' },
      applied: { display_name: 'a', status: 'Active' },
      pending: [],
      registration: { clusterId: 'x' },
    }) as unknown as ClusterStateView;
  const sub = (status: string) => ({ id: 'sub1', status, display_name: 'a' }) as never;

  it('a status AMS moved on by itself (Active to Stale, Archived, …) is a note, not a difference', () => {
    for (const status of ['Stale', 'Archived', 'Disconnected']) {
      const c = compareWithRun('x', [sub(status)], view());
      assert.deepEqual(c.differences, [], status);
      assert.deepEqual(c.notes, [`status: AMS moved it from Active to ${status} by itself; the run never turns a status back`]);
    }
  });

  it('Reserved while the run wants Active is a difference (the run still has to make it Active)', () => {
    const c = compareWithRun('x', [sub('Reserved')], view());
    assert.deepEqual(c.differences, ['status: the run wants "Active", AMS has "Reserved"']);
    assert.deepEqual(c.notes, []);
  });
});
