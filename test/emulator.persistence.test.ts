import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAmsClient } from '../ams/index.js';
import { ACME_ORG_ID, startEmulator, type StateDump } from '../emulator/index.js';
import { SqlitePersistence } from '../emulator/persistence.js';
import { API, postForm, startTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

describe('emulator persistence (SQLite via sql.js)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ams-emulator-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps subscriptions, labels, quotas, clock and tokens across a restart', async () => {
    const dataFile = join(dir, 'nested', 'ams.sqlite');
    const first = await startTestEmulator({ dataFile });
    let dump: StateDump;
    let accessToken: string;
    let offlineToken: string;
    try {
      accessToken = await first.serviceToken();
      const id = (await first.authorize(accessToken, 'persist-1')).body.subscription.id;
      await first.call('PATCH', `${API}/subscriptions/${id}`, { token: accessToken, body: { external_cluster_id: 'ext-p', status: 'Active' } });
      await first.call('POST', `${API}/organizations/${ACME_ORG_ID}/labels`, { token: accessToken, body: { key: 'k', value: 'v' } });
      await first.admin.setQuota({ max_clusters: 10, status: 403 });
      await first.admin.advanceClock(120);
      await first.admin.reportTelemetry({ external_cluster_id: 'ext-p' });
      dump = await first.admin.state();
      offlineToken = first.emu.users[0]?.offlineToken ?? '';

      // Written behind, within the flush interval; flush() forces it: a second reader of the
      // file then sees it while the first still runs.
      await first.emu.flush();
      const reader = await startTestEmulator({ dataFile });
      try {
        assert.deepEqual((await reader.admin.state()).subscriptions.map((s) => s.cluster_id), ['persist-1']);
      } finally {
        await reader.close();
      }
    } finally {
      await first.close();
    }

    const second = await startTestEmulator({ dataFile });
    try {
      const restored = await second.admin.state();
      assert.deepEqual(restored.subscriptions, dump.subscriptions);
      assert.deepEqual(restored.labels, dump.labels);
      assert.deepEqual(restored.quotas, dump.quotas);
      assert.equal(restored.clock_offset_seconds, 120);
      assert.equal((await second.call('GET', `${API}/current_account`, { token: accessToken })).status, 200, 'old access token still valid');
      const refreshed = await postForm(second.emu.tokenUrl, { grant_type: 'refresh_token', refresh_token: offlineToken });
      assert.equal(refreshed.status, 200, 'offline token printed by the first run still works');
      const sub = (await second.call('GET', `${API}/subscriptions`, { token: accessToken })).body.items[0];
      assert.equal(sub.status, 'Active');
      assert.equal(sub.metrics.length, 1);
    } finally {
      await second.close();
    }
  });

  it('reset empties a persisted emulator, and the empty state survives a restart', async () => {
    const dataFile = join(dir, 'reset.sqlite');
    const first = await startTestEmulator({ dataFile });
    try {
      await first.authorize(await first.serviceToken(), 'to-be-reset');
      await first.admin.advanceClock(50);
      await first.admin.reset();
      const state = await first.admin.state();
      assert.deepEqual(state.subscriptions, []);
      assert.equal(state.clock_offset_seconds, 0);
    } finally {
      await first.close();
    }
    const second = await startTestEmulator({ dataFile });
    try {
      assert.deepEqual((await second.admin.state()).subscriptions, []);
    } finally {
      await second.close();
    }
  });
});

describe('emulator persistence is written behind', () => {
  it('flushIntervalMs sets how long changes wait (a long one writes nothing until close); a bad one is refused by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ams-flush-interval-'));
    try {
      const file = join(dir, 'ams.sqlite');
      const emu = await startEmulator({ port: 0, dataFile: file, flushIntervalMs: 60_000 });
      const ams = createAmsClient({ baseUrl: emu.url, auth: { kind: 'client-credentials', tokenUrl: emu.tokenUrl, ...emu.credentials } });
      await ams.createClusterAuthorization({ clusterId: '00000000-0000-4000-8000-0000000f1a5e', displayName: 'waits', accountUsername: 'alice' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(existsSync(file), false, 'not written within the old 100 ms nor the 1 s default');
      await emu.close();
      const reopened = await SqlitePersistence.open(file);
      try {
        assert.equal(reopened.load().subscriptions.length, 1, 'close() wrote it');
      } finally {
        await reopened.close();
      }
      await assert.rejects(startEmulator({ flushIntervalMs: 0 }), /EmulatorOptions\.flushIntervalMs: must be a whole number of milliseconds >= 1, got 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two persistences in one process writing one file never share a temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ams-two-writers-'));
    try {
      const file = join(dir, 'ams.sqlite');
      const [a, b] = await Promise.all([SqlitePersistence.open(file), SqlitePersistence.open(file)]);
      a.apply([{ type: 'meta', key: 'a', value: 1 }]);
      b.apply([{ type: 'meta', key: 'b', value: 2 }]);
      await Promise.all([a.close(), b.close()]);
      assert.equal(a.fileWrites + b.fileWrites, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('many changes make few file writes, and a clean close keeps every one of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ams-writebehind-'));
    try {
      const file = join(dir, 'ams.sqlite');
      const first = await SqlitePersistence.open(file, { flushIntervalMs: 50 });
      const template = (await startAndDumpOne()).subscriptions[0];
      assert.ok(template);
      for (let i = 0; i < 500; i++) {
        const sub = { ...template, id: `wb-${i}`, cluster_id: `cluster-${i}` };
        first.apply([{ type: 'subscription', id: sub.id, value: { sub, statusSince: sub.created_at } as never }]);
      }
      assert.equal(first.fileWrites, 0, 'nothing written on the request path');
      await first.close();
      assert.equal(first.fileWrites, 1, 'one write for 500 changes');
      const second = await SqlitePersistence.open(file);
      try {
        assert.equal(second.load().subscriptions.length, 500);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function startAndDumpOne(): Promise<StateDump> {
  const emu = await startTestEmulator();
  try {
    await emu.authorize(await emu.serviceToken(), 'template');
    return await emu.admin.state();
  } finally {
    await emu.close();
  }
}

describe('emulator state dump and seed', () => {
  let source: TestEmulator;
  let target: TestEmulator;
  before(async () => {
    [source, target] = await Promise.all([startTestEmulator(), startTestEmulator()]);
  });
  after(() => Promise.all([source.close(), target.close()]));

  it('a dump seeded into another emulator reproduces the state', async () => {
    const token = await source.serviceToken();
    await source.authorize(token, 'seed-1', 'alice');
    await source.authorize(token, 'seed-2', 'carol');
    await source.call('POST', `${API}/organizations/${ACME_ORG_ID}/labels`, { token, body: { key: 'k', value: 'v' } });
    const dump = await source.admin.state();
    await target.admin.seed(dump);
    const seeded = await target.admin.state();
    assert.deepEqual(seeded.subscriptions, dump.subscriptions);
    assert.deepEqual(seeded.labels, dump.labels);
    const visible = await target.call('GET', `${API}/subscriptions`, { token: await target.userToken('carol') });
    assert.deepEqual(visible.body.items.map((s: { cluster_id: string }) => s.cluster_id), ['seed-2']);
  });

  it('a dump of 12,000 subscriptions is accepted (benchmarks seed that many)', async () => {
    const template = (await startAndDumpOne()).subscriptions[0];
    assert.ok(template);
    const subscriptions = Array.from({ length: 12_000 }, (_, i) => ({ ...template, id: `big-${i}`, cluster_id: `big-cluster-${i}` }));
    const big = await target.call('POST', '/_emulator/seed', { body: { subscriptions } });
    assert.equal(big.status, 204, big.text);
    assert.equal((await target.admin.state()).subscriptions.length, 12_000);
  });

  it('a malformed dump is refused with 400 and changes nothing', async () => {
    const before = await target.admin.state();
    const bad = await target.call('POST', '/_emulator/seed', { body: { subscriptions: [{ id: 'x', status: 'active' }] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.kind, 'Error');
    assert.match(bad.body.reason, /subscriptions\.0\./);
    assert.deepEqual((await target.admin.state()).subscriptions, before.subscriptions);
  });
});
