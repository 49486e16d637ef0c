// The official OCM command-line client (tools/bin/ocm, built by the setup script)
// against the emulator, unchanged: login (service account and offline token),
// whoami, get subscriptions (with search), post cluster authorizations, labels.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';

const OCM = resolve(fileURLToPath(new URL('..', import.meta.url)), 'tools', 'bin', 'ocm');
const run = promisify(execFile);

interface OcmResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MISSING = `OCM CLI not found at ${OCM}: run the project's setup script (it builds ocm into tools/bin).`;

// Counted as a failed test (not only a failed hook) when the binary is missing.
it('the ocm binary is installed in tools/bin', () => {
  assert.ok(existsSync(OCM), MISSING);
});

describe('official ocm CLI against the emulator', () => {
  let emu: RunningEmulator;
  let home: string;

  before(async () => {
    if (!existsSync(OCM)) {
      throw new Error(MISSING);
    }
    home = mkdtempSync(join(tmpdir(), 'ams-ocm-cli-'));
    emu = await startEmulator();
  });
  after(async () => {
    await emu?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** Runs ocm with its own config file (OCM_CONFIG) and home, never the developer's. */
  const ocm = async (config: string, args: string[], input?: string): Promise<OcmResult> => {
    const env = { PATH: process.env.PATH ?? '', HOME: home, OCM_CONFIG: join(home, `${config}.json`) };
    const child = run(OCM, args, { env, timeout: 30_000 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    } else {
      child.child.stdin?.end();
    }
    try {
      const { stdout, stderr } = await child;
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
    }
  };
  const ok = (result: OcmResult) => {
    assert.equal(result.code, 0, `ocm failed: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  const json = (result: OcmResult) => JSON.parse(ok(result));
  const login = (config: string, credentials: string[]) => ocm(config, ['login', ...credentials, '--url', emu.url, '--token-url', emu.tokenUrl]);

  it('logs in with client credentials; whoami shows the service account', async () => {
    ok(await login('sa', ['--client-id', emu.credentials.clientId, '--client-secret', emu.credentials.clientSecret]));
    const me = json(await ocm('sa', ['whoami']));
    assert.equal(me.kind, 'Account');
    assert.equal(me.username, 'service-account-ams-lifecycle');
    assert.equal(me.service_account, true);
  });

  it('refuses a wrong client secret', async () => {
    const result = await login('bad', ['--client-id', emu.credentials.clientId, '--client-secret', 'wrong']);
    assert.notEqual(result.code, 0);
  });

  it('posts a cluster authorization, then gets subscriptions, with and without search', async () => {
    const body = JSON.stringify({
      account_username: 'alice',
      cluster_id: 'cli-cluster',
      display_name: 'from-ocm-cli',
      product_id: 'OCP',
      product_category: 'AssistedInstall',
      managed: false,
      reserve: true,
      resources: [],
    });
    const authorization = json(await ocm('sa', ['post', '/api/accounts_mgmt/v1/cluster_authorizations'], body));
    assert.equal(authorization.subscription.kind, 'SubscriptionLink');
    await ocm('sa', ['post', '/api/accounts_mgmt/v1/cluster_authorizations'], body.replace('cli-cluster', 'other-cluster'));

    const all = json(await ocm('sa', ['get', 'subscriptions']));
    assert.equal(all.kind, 'SubscriptionList');
    assert.equal(all.total, 2);
    const found = json(await ocm('sa', ['get', 'subscriptions', '--parameter', "search=cluster_id = 'cli-cluster'"]));
    assert.equal(found.total, 1);
    assert.equal(found.items[0].display_name, 'from-ocm-cli');
    const one = json(await ocm('sa', ['get', 'subscription', authorization.subscription.id]));
    assert.equal(one.cluster_id, 'cli-cluster');
    assert.equal(one.status, 'Reserved');
  });

  it('reports API errors (not found, bad search) with a failing exit code', async () => {
    const missing = await ocm('sa', ['get', 'subscription', 'does-not-exist']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /ACCT-MGMT-7/);
    const badSearch = await ocm('sa', ['get', 'subscriptions', '--parameter', "search=cluster_id = 'x' and"]);
    assert.notEqual(badSearch.code, 0);
    assert.match(badSearch.stdout + badSearch.stderr, /search/);
  });

  it('adds, lists and deletes an organization capability label', async () => {
    const org = json(await ocm('sa', ['whoami'])).organization.id;
    const key = 'capability.organization.bare_metal_installer_multiarch';
    const labels = `/api/accounts_mgmt/v1/organizations/${org}/labels`;
    const created = json(await ocm('sa', ['post', labels], JSON.stringify({ key, value: 'true', internal: true })));
    assert.equal(created.kind, 'Label');
    const listed = json(await ocm('sa', ['get', labels]));
    assert.deepEqual(listed.items.map((l: { key: string }) => l.key), [key]);
    ok(await ocm('sa', ['delete', `${labels}/${key}`]));
    assert.equal(json(await ocm('sa', ['get', labels])).total, 0);
  });

  it("logs a user in with the printed offline token; the user sees only their organization's subscriptions", async () => {
    const carol = emu.users.find((u) => u.username === 'carol');
    assert.ok(carol);
    ok(await login('carol', ['--token', carol.offlineToken]));
    const me = json(await ocm('carol', ['whoami']));
    assert.equal(me.username, 'carol');
    assert.equal(json(await ocm('carol', ['get', 'subscriptions'])).total, 0);
  });
});
