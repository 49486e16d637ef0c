// The roles emulator/README.md documents for the default users are what they get,
// and BareMetalInstallerAdmin makes the Assisted Installer's admin check pass: a
// capability_review of capability.account.bare_metal_installer_admin (type Account).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_USERS } from '../emulator/index.js';
import { API, AUTHZ, startTestEmulator, useTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const ADMIN_CAPABILITY = 'capability.account.bare_metal_installer_admin';

/** `username -> roles` from the README's "Default credentials" table. */
function documentedUsers(): Map<string, string[]> {
  const readme = readFileSync(new URL('../emulator/README.md', import.meta.url), 'utf8');
  const users = new Map<string, string[]>();
  for (const line of readme.split('\n')) {
    const match = /^\| user `([^`]+)` \|.*\| ([^|]*) \|$/.exec(line);
    if (!match) continue;
    const roles = match[2]!.trim();
    users.set(match[1]!, roles === 'none' ? [] : roles.split(/,\s*/));
  }
  return users;
}

describe('emulator roles as documented', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]));

  const adminReview = async (username: string, capability: string) => {
    const response = await t.call('POST', `${AUTHZ}/capability_review`, {
      token: sa,
      body: { account_username: username, capability, type: 'Account' },
    });
    assert.equal(response.status, 200, response.text);
    return response.body.result as string;
  };

  it('the README lists every default user with the roles it has', () => {
    const documented = documentedUsers();
    assert.deepEqual([...documented.keys()].sort(), DEFAULT_USERS.map((u) => u.username).sort());
    for (const user of DEFAULT_USERS) assert.deepEqual(documented.get(user.username), user.roles ?? [], user.username);
  });

  it('a documented BareMetalInstallerAdmin passes the installer admin review, the others do not', async () => {
    for (const [username, roles] of documentedUsers()) {
      const expected = roles.includes('BareMetalInstallerAdmin') ? 'true' : 'false';
      // The installer sends the short name; the full key means the same.
      assert.equal(await adminReview(username, 'bare_metal_installer_admin'), expected, username);
      assert.equal(await adminReview(username, ADMIN_CAPABILITY), expected, username);
    }
  });

  it('current_account shows the capability the role gives', async () => {
    const account = (await t.call('GET', `${API}/current_account`, { token: await t.userToken('alice') })).body;
    assert.deepEqual(
      account.capabilities.filter((c: { name: string }) => c.name === ADMIN_CAPABILITY),
      [{ name: ADMIN_CAPABILITY, value: 'true', inherited: false }],
    );
  });

  it('an explicit account label wins over the role', async () => {
    const t2 = await startTestEmulator({
      users: [{ username: 'erin', organizationId: 'org-e', roles: ['BareMetalInstallerAdmin'], labels: { [ADMIN_CAPABILITY]: 'false' } }],
    });
    try {
      const response = await t2.call('POST', `${AUTHZ}/capability_review`, {
        token: await t2.serviceToken(),
        body: { account_username: 'erin', capability: 'bare_metal_installer_admin', type: 'Account' },
      });
      assert.equal(response.body.result, 'false');
    } finally {
      await t2.close();
    }
  });
});
