import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emulatorCommand, runEmulatorCommand } from '../emulator/main.js';
import { EmulatorAdmin } from '../emulator/admin-client.js';
import { startEmulator } from '../emulator/index.js';
import { API, call, postForm } from './helpers/emulator-http.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

describe('emulator command', () => {
  it('runEmulatorCommand prints URL, token URL and the accepted credentials', async () => {
    let printed = '';
    const emu = await runEmulatorCommand({ port: 0, logLevel: 'silent', handleSignals: false }, (text) => {
      printed += text;
    });
    try {
      assert.match(printed, new RegExp(`listening on ${emu.url}`));
      assert.ok(printed.includes(emu.tokenUrl));
      assert.ok(printed.includes('ams-lifecycle') && printed.includes('emulator-secret'));
      for (const user of emu.users) assert.ok(printed.includes(user.offlineToken), `token of ${user.username} printed`);
      const token = await postForm(emu.tokenUrl, { grant_type: 'refresh_token', refresh_token: emu.users[0]?.offlineToken ?? '' });
      assert.equal(token.status, 200);
    } finally {
      await emu.close();
    }
  });

  it('the commander command parses --port and --data and refuses a bad port', async () => {
    const command = emulatorCommand().exitOverride().configureOutput({ writeErr: () => {} });
    await assert.rejects(command.parseAsync(['--port', 'abc'], { from: 'user' }), /port must be an integer/);
    const help = emulatorCommand().helpInformation();
    assert.match(help, /--port <port>/);
    assert.match(help, /--data <file>/);
  });

  it('runs alone with --port and --data, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ams-emulator-main-'));
    const data = join(dir, 'ams.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/main.ts', '--port', '0', '--data', data, '--log-level', 'silent'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) resolveUrl(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
      });
      const token = await postForm(`${url}/auth/realms/redhat-external/protocol/openid-connect/token`, {
        grant_type: 'client_credentials',
        client_id: 'ams-lifecycle',
        client_secret: 'emulator-secret',
      });
      assert.equal((await call(url, 'GET', `${API}/current_account`, { token: token.body.access_token })).status, 200);
      // Acknowledged just before SIGTERM: the write-behind file must still get it.
      const created = await call(url, 'POST', `${API}/cluster_authorizations`, {
        token: token.body.access_token,
        body: { account_username: 'alice', cluster_id: 'sigterm-1', product_id: 'OCP', product_category: 'AssistedInstall', managed: false, reserve: true, resources: [] },
      });
      assert.ok(created.status < 300, created.text);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      assert.ok(existsSync(data), 'the data file is written');
      const again = await startEmulator({ port: 0, dataFile: data });
      try {
        const state = await new EmulatorAdmin(again.url).state();
        assert.deepEqual(state.subscriptions.map((s) => s.cluster_id), ['sigterm-1']);
      } finally {
        await again.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
