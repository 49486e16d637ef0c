// The test harness itself: a server that cannot be reached fails the hook without
// leaving the emulator listening (which kept a whole test file's process alive in CI).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startLifecycleHarness } from './helpers/lifecycle-harness.js';

const listening = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

it('a Temporal server that cannot be reached: the harness rejects and closes the emulator it started', async () => {
  const before = listening();
  await assert.rejects(startLifecycleHarness({ server: 'cluster', cluster: { address: '127.0.0.1:1', namespace: 'default' } }));
  // A closed server lets go of its handle a tick later.
  for (let i = 0; i < 20 && listening() > before; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(listening(), before);
});
