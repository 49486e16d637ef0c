// npm start's emulator child (scripts/dev/emulator-process.ts) must not outlive the stack:
// it runs in its own process group, so a SIGKILL or a closed terminal never reaches it.
// Its stdin is a pipe the stack holds; when the stack dies the emulator flushes and exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, it } from 'node:test';
import { createAmsClient } from '../ams/index.js';
import { EmulatorAdmin } from '../emulator/admin-client.js';
import { startEmulator } from '../emulator/index.js';
import { startEmulatorProcess } from '../scripts/dev/emulator-process.js';

const dir = mkdtempSync(join(tmpdir(), 'emu-parent-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('SIGKILL of the stack: the emulator child flushes its acknowledged writes and exits', async () => {
  const dataFile = join(dir, 'ams.sqlite');
  const parent = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers/emulator-parent.ts'), dataFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(parent.stdout.setEncoding('utf8'), 'data')) as [string];
  const child = JSON.parse(line) as { url: string; tokenUrl: string; credentials: { clientId: string; clientSecret: string }; pid: number };
  try {
    const ams = createAmsClient({ baseUrl: child.url, auth: { kind: 'client-credentials', tokenUrl: child.tokenUrl, ...child.credentials } });
    const clusterId = '00000000-0000-4000-8000-00000000a11e';
    const { subscriptionId } = await ams.createClusterAuthorization({ clusterId, displayName: 'kept', accountUsername: 'alice' });
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    for (let i = 0; i < 200 && alive(child.pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(child.pid), false, 'the emulator child exits once its parent is gone');
    const reopened = await startEmulator({ port: 0, dataFile });
    try {
      const state = await new EmulatorAdmin(reopened.url).state();
      assert.ok(state.subscriptions.some((s) => s.id === subscriptionId), 'the acknowledged POST is in the file');
    } finally {
      await reopened.close();
    }
  } finally {
    if (alive(child.pid)) process.kill(child.pid, 'SIGKILL');
  }
});

it("the stack's stop: SIGTERM ends the emulator by itself (exit 0, not the SIGKILL fallback) with its writes", async () => {
  const dataFile = join(dir, 'stopped.sqlite');
  const emu = await startEmulatorProcess({ port: 0, dataFile }, { signal: new AbortController().signal, log: () => undefined });
  const ams = createAmsClient({ baseUrl: emu.url, auth: { kind: 'client-credentials', tokenUrl: emu.tokenUrl, ...emu.credentials } });
  const { subscriptionId } = await ams.createClusterAuthorization({ clusterId: '00000000-0000-4000-8000-00000000570e', displayName: 'stopped', accountUsername: 'alice' });
  await emu.stop();
  assert.equal(await emu.exited, 0, 'it exited on its own after the SIGTERM');
  const reopened = await startEmulator({ port: 0, dataFile });
  try {
    assert.ok((await new EmulatorAdmin(reopened.url).state()).subscriptions.some((s) => s.id === subscriptionId));
  } finally {
    await reopened.close();
  }
});
