// The sweeper's leak rules as pure functions: what counts as a leak, and which leaks
// deleteLeaked may delete.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deletable, leakReason } from '../workflows/sweeper-state.js';

describe('what is a leak', () => {
  it('no run, or a run that ended deleted: a leak deleteLeaked may delete', () => {
    for (const run of [undefined, { run: 'none' as const }, { run: 'closed' as const, status: 'COMPLETED', phase: 'deleted' }]) {
      const leak = leakReason(run);
      assert.ok(leak && deletable(leak.reason), JSON.stringify(run));
    }
  });

  it('a deletion an operator cut short (terminated while deleting): reported, never deleted', () => {
    const leak = leakReason({ run: 'closed', status: 'TERMINATED', phase: 'deleted' });
    assert.deepEqual([leak?.reason, leak && deletable(leak.reason)], ['run-closed', false]);
  });

  it('an open run owns its subscription: no leak', () => {
    assert.equal(leakReason({ run: 'open', phase: 'installing' }), undefined);
  });

  it('a refused registration: the Reserved subscription is not ours (another account), never a leak', () => {
    assert.equal(leakReason({ run: 'closed', status: 'COMPLETED', phase: 'refused' }), undefined);
  });

  it('a run an operator terminated or cancelled: reported, never deleted (the cluster may still exist)', () => {
    for (const status of ['TERMINATED', 'CANCELLED']) {
      const leak = leakReason({ run: 'closed', status, phase: 'installing' });
      assert.equal(leak?.reason, 'run-closed');
      assert.match(leak!.why, new RegExp(`ended ${status.toLowerCase()} in phase installing \\(reported only`));
      assert.equal(deletable(leak!.reason), false);
    }
  });
});
