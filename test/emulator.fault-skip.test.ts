// The `skip` field of fault rules: the first N matching requests pass, then the
// rule applies (the sweeper tests fail page 2 of a listing this way).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API, useTestEmulator, type TestEmulator } from './helpers/emulator-http.js';

const SUBSCRIPTIONS = `${API}/subscriptions`;

describe('emulator fault rules with skip', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]), { resetEachTest: true });

  const list = async () => (await t.call('GET', SUBSCRIPTIONS, { token: sa })).status;

  it('lets the first N matching requests through, then hits count requests, then goes away', async () => {
    const rule = await t.admin.addFault({ kind: 'error', route: SUBSCRIPTIONS, method: 'GET', status: 503, skip: 2, count: 2 });
    assert.equal(rule.skipping, 2);
    assert.equal((await t.call('GET', `${API}/current_account`, { token: sa })).status, 200, 'other routes are not counted');
    assert.deepEqual([await list(), await list(), await list(), await list(), await list()], [200, 200, 503, 503, 200]);
    assert.deepEqual(await t.admin.faults(), []);
    const log = await t.admin.requests({ path: SUBSCRIPTIONS });
    assert.deepEqual(log.map((e) => Boolean(e.faults)), [false, false, true, true, false], 'only the hit requests name the rule');
  });

  it('a zero or negative skip is refused', async () => {
    await assert.rejects(t.admin.addFault({ kind: 'error', skip: 0 }), /400/);
  });
});
