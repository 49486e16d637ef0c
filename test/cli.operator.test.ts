// The operator commands against the real stack (dev server, worker, AMS emulator
// over HTTP): subscriptions get/search/for-cluster, whoami, capabilities; each
// command's table and --json, and the exit codes for not found, bad input and
// AMS refusing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AmsOperatorClient } from '../ams/operator.js';
import { EXIT, runCli } from '../cli/index.js';
import { ACME_ORG_ID, GLOBEX_ORG_ID } from '../emulator/index.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { startEmbeddedStack, type EmbeddedStack } from './helpers/embedded-stack.js';
import { startTestEmulator } from './helpers/emulator-http.js';
import { eventually } from './helpers/lifecycle-harness.js';

const MULTIARCH = 'capability.organization.bare_metal_installer_multiarch';
let embedded: EmbeddedStack;
let env: Record<string, string>;
let ams: AmsOperatorClient;

before(async () => {
  embedded = await startEmbeddedStack('cli-operator-');
  const { temporal, ams: a } = embedded.info;
  assert.ok(a.tokenUrl && a.clientId && a.clientSecret, 'the embedded emulator names its service account');
  env = { TEMPORAL_ADDRESS: temporal.address, AMS_URL: a.url, AMS_TOKEN_URL: a.tokenUrl, AMS_CLIENT_ID: a.clientId, AMS_CLIENT_SECRET: a.clientSecret };
  ams = new AmsOperatorClient({ baseUrl: a.url, auth: { kind: 'client-credentials', tokenUrl: a.tokenUrl, clientId: a.clientId, clientSecret: a.clientSecret } });
});

after(async () => {
  await embedded?.stop();
});

async function cli(args: string[], extraEnv: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), progressStream: new PassThrough(), env: { ...env, ...extraEnv } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(args);
  assert.equal(code, EXIT.ok, `${args.join(' ')}: ${stderr}`);
  return stdout;
}

/** Exit code, and the --json error object on stderr. */
async function fails(args: string[], exitCode: number, extraEnv: Record<string, string | undefined> = {}) {
  const human = await cli(args, extraEnv);
  assert.equal(human.code, exitCode, human.stderr);
  assert.match(human.stderr, /^ams-lifecycle: [^\n]+$/, 'one line');
  assert.equal(human.stdout, '');
  const json = await cli(['--json', ...args], extraEnv);
  assert.equal(json.code, exitCode);
  return { message: human.stderr, error: JSON.parse(json.stderr).error as Record<string, unknown> };
}

describe('operator commands', () => {
  const clusterId = randomUUID();
  let subscriptionId: string;

  before(async () => {
    subscriptionId = await ok('register', clusterId, '--name', 'ops-east', '--account', 'alice');
  });

  it('whoami: the account the AMS credentials log in as, as a table and as JSON', async () => {
    assert.match(await ok('whoami'), /username\s+│ service-account-ams-lifecycle/);
    const account = JSON.parse(await ok('--json', 'whoami'));
    assert.equal(account.username, 'service-account-ams-lifecycle');
    assert.ok(account.organization.id);
  });

  it('subscriptions get: one subscription; an unknown id is exit 3', async () => {
    const table = await ok('subscriptions', 'get', subscriptionId);
    assert.match(table, new RegExp(`id\\s+│ ${subscriptionId}`));
    assert.match(table, /status\s+│ Reserved/);
    assert.match(table, /display_name\s+│ ops-east/);
    const sub = JSON.parse(await ok('--json', 'subscriptions', 'get', subscriptionId));
    assert.equal(sub.cluster_id, clusterId);
    const { error } = await fails(['subscriptions', 'get', 'nosuchsubscription'], EXIT.notFound);
    assert.equal(error.code, 'ams-not-found');
    assert.equal(error.status, 404);
  });

  it('subscriptions search: any search expression; one AMS refuses is exit 2 with what AMS said', async () => {
    const table = await ok('subscriptions', 'search', `cluster_id = '${clusterId}'`);
    assert.match(table, new RegExp(`${subscriptionId}.*Reserved.*${clusterId}`));
    assert.match(table, /1 of 1 subscription\(s\), page 1/);
    const list = JSON.parse(await ok('--json', 'subscriptions', 'search', `display_name = 'ops-east' and status = 'Reserved'`, '--size', '5'));
    assert.deepEqual(list.items.map((s: { id: string }) => s.id), [subscriptionId]);
    assert.match(await ok('subscriptions', 'search', `cluster_id = '${randomUUID()}'`), /^no subscriptions match$/);
    const { message, error } = await fails(['subscriptions', 'search', 'cluster_id ='], EXIT.usage);
    assert.equal(error.code, 'ams-invalid-input');
    assert.match(message, /answered 400/);
    await fails(['subscriptions', 'search', 'x', '--size', '0'], EXIT.usage);
  });

  it('subscriptions for-cluster: no differences once the run applied everything; a change made in AMS is listed', async () => {
    await ok('rename', clusterId, 'ops-west');
    await eventually(
      async () => JSON.parse(await ok('--json', 'status', clusterId)) as ClusterStateView,
      (view) => view.applied.display_name === 'ops-west',
      { timeoutMs: 60_000, what: 'the rename applied' },
    );
    const agree = await ok('subscriptions', 'for-cluster', clusterId);
    assert.match(agree, /Differences: +none/);
    assert.match(agree, /display_name\s+│ ops-west\s+│ ops-west\s+│ ops-west/);
    const json = JSON.parse(await ok('--json', 'subscriptions', 'for-cluster', clusterId));
    assert.equal(json.compared, subscriptionId);
    assert.equal(json.run.phase, 'registered');
    assert.deepEqual(json.differences, []);

    await ams.patchSubscription(subscriptionId, { display_name: 'renamed-in-ocm' });
    const differs = await ok('subscriptions', 'for-cluster', clusterId);
    assert.match(differs, /- display_name: the run wants "ops-west", AMS has "renamed-in-ocm"/);
    const after = JSON.parse(await ok('--json', 'subscriptions', 'for-cluster', clusterId));
    assert.deepEqual(after.differences, ['display_name: the run wants "ops-west", AMS has "renamed-in-ocm"']);
  });

  it('subscriptions for-cluster: a subscription without a run is a difference; neither is exit 3; a bad id exit 2', async () => {
    const orphan = randomUUID();
    const { subscriptionId: orphanSub } = await ams.createClusterAuthorization({ accountUsername: 'alice', clusterId: orphan, displayName: 'orphan' });
    const json = JSON.parse(await ok('--json', 'subscriptions', 'for-cluster', orphan));
    assert.equal(json.run, undefined);
    assert.equal(json.compared, orphanSub);
    assert.match(json.differences[0], /^no run for this cluster/);
    const { error } = await fails(['subscriptions', 'for-cluster', randomUUID()], EXIT.notFound);
    assert.equal(error.code, 'cluster-not-found');
    const bad = await fails(['subscriptions', 'for-cluster', 'nope'], EXIT.usage);
    assert.deepEqual(bad.error.issues, [{ field: 'clusterId', rule: 'must be a UUID' }]);
  });

  it('capabilities enable, list, check, disable: the organisation label and the capability review', async () => {
    assert.match(await ok('capabilities', 'list', '--org', ACME_ORG_ID), /has no capabilities$/);
    assert.match(await ok('capabilities', 'check', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch'), /is not enabled/);
    assert.equal(await ok('capabilities', 'enable', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch'), `capability ${MULTIARCH} enabled for organization ${ACME_ORG_ID}`);
    const [label] = await ams.listOrganizationLabels(ACME_ORG_ID);
    assert.deepEqual([label?.key, label?.value, label?.internal], [MULTIARCH, 'true', true]);
    assert.match(await ok('capabilities', 'list', '--org', ACME_ORG_ID), new RegExp(`${MULTIARCH.replaceAll('.', '\\.')}\\s+│ true\\s+│ true`));
    const listed = JSON.parse(await ok('--json', 'capabilities', 'list', '--org', ACME_ORG_ID));
    assert.deepEqual(listed.capabilities.map((l: { key: string }) => l.key), [MULTIARCH]);
    const check = JSON.parse(await ok('--json', 'capabilities', 'check', '--org', ACME_ORG_ID, MULTIARCH));
    assert.deepEqual(check, { organizationId: ACME_ORG_ID, capability: MULTIARCH, accountUsername: 'service-account-ams-lifecycle', enabled: true });
    const asAlice = JSON.parse(await ok('--json', 'capabilities', 'check', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch', '--account', 'alice'));
    assert.equal(asAlice.enabled, true);
    await ok('capabilities', 'disable', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch');
    assert.equal(JSON.parse(await ok('--json', 'capabilities', 'check', '--org', ACME_ORG_ID, MULTIARCH)).enabled, false);
    const again = await fails(['capabilities', 'disable', '--org', ACME_ORG_ID, MULTIARCH], EXIT.notFound);
    assert.equal(again.error.code, 'ams-not-found');
  });

  it('bad input: the field and the rule, exit 2, nothing sent', async () => {
    const name = await fails(['capabilities', 'enable', '--org', ACME_ORG_ID, 'Multi Arch'], EXIT.usage);
    assert.match(name.message, /invalid input: capability: must be a capability key like capability\.organization\./);
    assert.equal((name.error.issues as { field: string }[])[0]?.field, 'capability');
    const org = await fails(['capabilities', 'list', '--org', 'a/b'], EXIT.usage);
    assert.match(org.message, /organizationId: must be an AMS id/);
    await fails(['capabilities', 'list'], EXIT.usage); // --org is required
  });

  it('AMS refusing the credentials is exit 5; missing or bad AMS configuration names the variable or the flag', async () => {
    const refused = await fails(['whoami'], EXIT.refused, { AMS_CLIENT_SECRET: 'wrong' });
    assert.equal(refused.error.code, 'ams-refused');
    assert.match(refused.message, /token endpoint .* answered 401/);
    const missing = await fails(['whoami'], EXIT.usage, { AMS_URL: undefined });
    assert.match(missing.message, /configuration: AMS_URL: is required/);
    const flag = await fails(['whoami', '--ams-url', 'ftp://x'], EXIT.usage);
    assert.match(flag.message, /configuration: --ams-url: must be an absolute http\(s\) URL/);
  });
});

describe('operator commands as a user without a label-admin role', () => {
  it('AMS refusing the request (403) is exit 5 with what AMS said; nothing changed', async () => {
    const emu = await startTestEmulator({ port: 0 });
    try {
      const asBob = { AMS_URL: emu.emu.url, AMS_TOKEN: await emu.userToken('bob'), AMS_CLIENT_ID: undefined, AMS_CLIENT_SECRET: undefined };
      const enable = await fails(['capabilities', 'enable', '--org', ACME_ORG_ID, 'bare_metal_installer_multiarch'], EXIT.refused, asBob);
      assert.equal(enable.error.code, 'ams-refused');
      assert.equal(enable.error.status, 403);
      assert.match(enable.message, /answered 403/);
      const other = await fails(['capabilities', 'list', '--org', GLOBEX_ORG_ID], EXIT.refused, asBob);
      assert.match(other.message, /is not yours/);
      assert.equal(JSON.parse((await cli(['--json', 'capabilities', 'list', '--org', ACME_ORG_ID], asBob)).stdout).capabilities.length, 0);
    } finally {
      await emu.close();
    }
  });
});
