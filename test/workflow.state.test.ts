// The pure rules behind the workflow: desired vs applied, ordering, coalescing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as S from '../workflows/state.js';
import { loopBackoffSeconds } from '../workflows/cluster-subscription.js';

const registration = { clusterId: 'c1', displayName: 'one', accountUsername: 'alice' };

function created() {
  const state = S.initialState(registration);
  S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
  return state;
}

describe('pending work', () => {
  it('creates first, then nothing while desired equals applied', () => {
    const state = S.initialState(registration);
    assert.deepEqual(S.pendingWork(state), [{ kind: 'create' }]);
    S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
    assert.deepEqual(S.pendingWork(state), []);
  });

  it('orders patches fields first and Active last, whatever order events came in', () => {
    const state = created();
    S.installSucceeded(state);
    S.setConsoleUrl(state, 'https://console.example.com');
    S.setOpenshiftClusterId(state, 'ext-1');
    S.rename(state, 'two');
    const fields = () => S.pendingWork(state).map((w) => (w.kind === 'patch' ? w.field : w.kind));
    // Active waits until AMS has the OpenShift id (see the hardened rules).
    assert.deepEqual(fields(), ['display_name', 'external_cluster_id', 'console_url']);
    S.recordPatched(state, 'external_cluster_id', 'ext-1', { external_cluster_id: 'ext-1', status: 'Reserved' });
    assert.deepEqual(fields(), ['display_name', 'console_url', 'status']);
  });

  it('under the old rules (runs started before the hardening) Active was not held', () => {
    const state = S.initialState(registration, 1);
    S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
    S.installSucceeded(state);
    S.setOpenshiftClusterId(state, 'ext-1');
    assert.deepEqual(
      S.pendingWork(state).map((w) => (w.kind === 'patch' ? w.field : w.kind)),
      ['external_cluster_id', 'status'],
    );
  });

  it('coalesces bursts: ten renames leave one patch with the last name', () => {
    const state = created();
    for (let i = 1; i <= 10; i++) S.rename(state, `name-${i}`);
    assert.deepEqual(S.pendingWork(state), [{ kind: 'patch', field: 'display_name', value: 'name-10' }]);
  });

  it('makes no call for a value AMS already has', () => {
    const state = created();
    S.rename(state, 'one');
    assert.deepEqual(S.pendingWork(state), []);
  });

  it('does not retry a value AMS refused until it changes', () => {
    const state = created();
    S.rename(state, 'bad');
    S.recordRefusedValue(state, 'display_name', 'bad');
    assert.deepEqual(S.pendingWork(state), []);
    S.rename(state, 'good');
    assert.equal(S.pendingWork(state).length, 1);
  });

  it('deleting a Reserved cluster drops pending patches and deletes', () => {
    const state = created();
    S.rename(state, 'two');
    S.markDeleted(state, 'user', 't');
    assert.deepEqual(S.pendingWork(state), [{ kind: 'delete' }]);
  });

  it('deleting an installed cluster finishes making it Active before the delete step reads AMS', () => {
    const state = created();
    S.setOpenshiftClusterId(state, 'ext-1');
    S.recordPatched(state, 'external_cluster_id', 'ext-1', { external_cluster_id: 'ext-1', status: 'Reserved' });
    S.installSucceeded(state);
    S.markDeleted(state, 'garbage-collection', 't');
    assert.deepEqual(S.pendingWork(state), [
      { kind: 'patch', field: 'status', value: 'Active' },
      { kind: 'delete' },
    ]);
  });

  it('deleting before the subscription exists looks it up instead of creating it', () => {
    const state = S.initialState(registration);
    S.markDeleted(state, 'user', 't');
    assert.deepEqual(S.pendingWork(state), [{ kind: 'lookup' }]);
  });

  it('a second deletion changes nothing', () => {
    const state = created();
    S.markDeleted(state, 'user', 't1');
    S.markDeleted(state, 'garbage-collection', 't2');
    assert.deepEqual(state.deletion, { by: 'user', requestedAt: 't1' });
  });
});

describe('phase', () => {
  it('follows the install: installing, finalizing, installed', () => {
    const state = created();
    S.setOpenshiftClusterId(state, 'x');
    assert.equal(state.phase, 'installing');
    S.setConsoleUrl(state, 'https://c.example.com');
    assert.equal(state.phase, 'finalizing');
    S.installSucceeded(state);
    assert.equal(state.phase, 'installed');
  });

  it('failure then restart goes back to installing and the next id overwrites the obsolete one', () => {
    const state = created();
    S.setOpenshiftClusterId(state, 'old');
    S.installFailed(state, undefined, 't');
    assert.equal(state.phase, 'failed');
    S.installRestarted(state);
    assert.equal(state.phase, 'installing');
    S.setOpenshiftClusterId(state, 'new');
    assert.equal(state.desired.external_cluster_id, 'new');
  });

  it('a late failure signal does not undo an installed cluster', () => {
    const state = created();
    S.installSucceeded(state);
    S.installFailed(state, undefined, 't');
    assert.equal(state.phase, 'installed');
  });
});

describe('loop backoff', () => {
  it('doubles from 10 s, caps at 10 min, and never undercuts Retry-After', () => {
    assert.deepEqual([1, 2, 3, 7, 20].map((n) => loopBackoffSeconds(n)), [10, 20, 40, 600, 600]);
    assert.equal(loopBackoffSeconds(1, 120), 120);
  });
});

describe('phase never goes back', () => {
  it('signals arriving after install success leave it installed', () => {
    const state = created();
    S.installSucceeded(state);
    S.setConsoleUrl(state, 'https://c.example.com');
    S.setOpenshiftClusterId(state, 'late');
    assert.equal(state.phase, 'installed');
  });

  it('an id after a failure keeps it failed until the restart', () => {
    const state = created();
    S.setOpenshiftClusterId(state, 'a');
    S.installFailed(state, undefined, 't');
    S.setOpenshiftClusterId(state, 'b');
    assert.equal(state.phase, 'failed');
  });
});
