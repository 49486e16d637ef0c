// The hardened rules (rules 2), as pure functions: who owns which field, deletion
// is terminal, requests with unknown outcome are checked again, failures mean what
// they say, backoff spreads and caps. Each case is also kept under rules 1 where an
// old run must keep behaving as it was recorded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AmsErrorInfo, ClusterState } from '../workflows/definitions.js';
import { loopBackoffSeconds } from '../workflows/backoff.js';
import { renderDetails, staticSummary } from '../workflows/details.js';
import { handleFailure } from '../workflows/failures.js';
import * as S from '../workflows/state.js';
import { ISSUE_TEXT_MAX, ISSUES_KEPT, renameSchema, validate } from '../workflows/validation.js';

const registration = { clusterId: 'c1', displayName: 'one', accountUsername: 'alice' };
const T0 = '2026-12-01T00:00:00.000Z';
const T1 = '2026-12-01T00:02:00.000Z';

function created(rules = S.RULES): ClusterState {
  const state = S.initialState(registration, rules);
  S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
  return state;
}

function installed(rules = S.RULES): ClusterState {
  const state = created(rules);
  S.setOpenshiftClusterId(state, 'ext-1');
  S.recordPatched(state, 'external_cluster_id', 'ext-1', { display_name: 'one', external_cluster_id: 'ext-1', status: 'Reserved' });
  S.installSucceeded(state);
  S.recordPatched(state, 'status', 'Active', { display_name: 'one', external_cluster_id: 'ext-1', status: 'Active' });
  return state;
}

const ctx = { now: T0, inFlightUntil: T1, jitter: 0.5 };
const error = (over: Partial<AmsErrorInfo>): AmsErrorInfo => ({ operation: 'patch', category: 'transient', message: 'x', ...over });

describe('AMS owns the status once Active', () => {
  it('a rename whose answer says Stale does not patch Active back', () => {
    const state = installed();
    S.rename(state, 'two');
    S.recordPatched(state, 'display_name', 'two', { display_name: 'two', external_cluster_id: 'ext-1', status: 'Stale' });
    assert.deepEqual(S.pendingWork(state), []);
    assert.equal(S.appliedStatus(state), 'Stale', 'the Web UI shows what AMS says');
  });

  it('the old rules patched it back (kept only for runs started before the hardening)', () => {
    const state = installed(1);
    S.rename(state, 'two');
    S.recordPatched(state, 'display_name', 'two', { display_name: 'two', external_cluster_id: 'ext-1', status: 'Stale' });
    assert.deepEqual(S.pendingWork(state), [{ kind: 'patch', field: 'status', value: 'Active' }]);
  });

  it('an old run handed over by continue-as-new follows the new rules with what it knew', () => {
    const upgraded = S.upgradeCarriedState(installed(1));
    assert.equal(upgraded.rules, S.RULES);
    assert.equal(upgraded.ams?.status, 'Active');
  });

  it('an old run that hands over just after AMS said Stale does not patch Active back on the new run', () => {
    const old = installed(1);
    S.rename(old, 'two');
    S.recordPatched(old, 'display_name', 'two', { display_name: 'two', external_cluster_id: 'ext-1', status: 'Stale' });
    const upgraded = S.upgradeCarriedState(old);
    assert.deepEqual(S.pendingWork(upgraded), []);
    assert.equal(S.appliedStatus(upgraded), 'Stale');
  });
});

describe('Active waits for the OpenShift id', () => {
  it('success before the id: nothing is patched Active until AMS has the id', () => {
    const state = created();
    S.installSucceeded(state);
    assert.deepEqual(S.pendingWork(state), []);
    assert.equal(S.activeHeld(state), true);
    S.setOpenshiftClusterId(state, 'ext-1');
    assert.deepEqual(S.pendingWork(state), [{ kind: 'patch', field: 'external_cluster_id', value: 'ext-1' }]);
    S.recordPatched(state, 'external_cluster_id', 'ext-1', { external_cluster_id: 'ext-1', status: 'Reserved' });
    assert.deepEqual(S.pendingWork(state), [{ kind: 'patch', field: 'status', value: 'Active' }]);
  });
});

describe('deletion is terminal', () => {
  it('a success signal after the deletion is recorded and ignored', () => {
    const state = created();
    S.markDeleted(state, 'user', T0);
    assert.equal(S.ignoredAfterDeletion(state, 'installSucceeded', T1), true);
    assert.deepEqual(S.pendingWork(state), [{ kind: 'delete' }]);
    assert.deepEqual(state.rejectedInputs.at(-1), {
      signal: 'installSucceeded',
      field: '(signal)',
      rule: 'arrived after the deletion; ignored',
      at: T1,
    });
  });

  it('the old rules let it through', () => {
    const state = created(1);
    S.markDeleted(state, 'user', T0);
    assert.equal(S.ignoredAfterDeletion(state, 'installSucceeded', T1), false);
  });
});

describe('requests whose outcome is unknown', () => {
  it('a PATCH that timed out is checked once it can no longer land; only our own late value is undone', () => {
    const state = created();
    S.rename(state, 'A');
    assert.equal(handleFailure(state, { kind: 'patch', field: 'display_name', value: 'A' }, error({}), ctx) > 0, true);
    S.rename(state, 'B');
    S.recordPatched(state, 'display_name', 'B', { display_name: 'B', status: 'Reserved' });
    assert.deepEqual(S.pendingWork(state), [{ kind: 'verify', notBefore: T1 }]);
    // The late PATCH of 'A' landed after 'B': AMS shows 'A', so 'B' goes out again.
    S.recordVerified(state, { display_name: 'A', status: 'Reserved' });
    assert.deepEqual(S.pendingWork(state), [{ kind: 'patch', field: 'display_name', value: 'B' }]);
  });

  it('a value nobody of ours sent (an owner renamed it in OCM) is left alone', () => {
    const state = created();
    S.writeUncertain(state, { field: 'display_name', value: 'A' }, T1);
    S.recordVerified(state, { display_name: 'renamed-in-ocm', status: 'Reserved' });
    assert.deepEqual(S.pendingWork(state), []);
  });

  it('a read-back that finds the subscription gone (404 ACCT-MGMT-7) stops checking instead of retrying for ever', () => {
    const state = created();
    S.writeUncertain(state, { field: 'display_name', value: 'A' }, T1);
    const backoff = handleFailure(state, { kind: 'verify', notBefore: T1 }, error({ operation: 'get', category: 'not-found', status: 404 }), ctx);
    assert.equal(backoff, 0);
    assert.equal(state.subscriptionGone, true);
    assert.deepEqual(S.pendingWork(state), []);
  });

  it('an attempt after a retried one is uncertain whatever the last error: the first may still land', () => {
    assert.equal(S.mayHaveLanded(error({ category: 'credentials', status: 401, attempt: 3 })), true);
    assert.equal(S.mayHaveLanded(error({ category: 'credentials', status: 401, attempt: 1 })), false);
  });

  it('429 and 4xx changed nothing in AMS: no check needed', () => {
    const state = created();
    handleFailure(state, { kind: 'patch', field: 'display_name', value: 'A' }, error({ status: 429 }), ctx);
    assert.equal(state.inFlight, undefined);
  });

  it('deletion after a create that may still land: look up only once it cannot, then look again after a delete', () => {
    const state = S.initialState(registration);
    handleFailure(state, { kind: 'create' }, error({ operation: 'create' }), ctx);
    S.markDeleted(state, 'user', T0);
    assert.deepEqual(S.pendingWork(state), [{ kind: 'lookup', notBefore: T1 }]);

    const other = created();
    S.createUncertain(other, T1);
    S.markDeleted(other, 'user', T0);
    S.settleDeletion(other, 'deleted', T0);
    assert.equal(S.isTerminal(other), false, 'a late POST could reserve a new subscription after the delete');
    assert.deepEqual(S.pendingWork(other), [{ kind: 'lookup', notBefore: T1 }]);
    S.recordLookup(other, { id: 'sub-2', values: { status: 'Reserved' } }, T1);
    assert.deepEqual(S.pendingWork(other), [{ kind: 'delete' }], 'the late one is deleted too');
    S.settleDeletion(other, 'deleted', T1);
    assert.equal(S.isTerminal(other), true);
  });
});

describe('what a failure means', () => {
  it('only AMS refusing the POST refuses the registration; a sub-step error is retried', () => {
    const lookup = S.initialState(registration);
    assert.ok(handleFailure(lookup, { kind: 'create' }, error({ operation: 'lookup', category: 'invalid', status: 400 }), ctx) > 0);
    assert.equal(lookup.phase, 'registered');
    const post = S.initialState(registration);
    assert.equal(handleFailure(post, { kind: 'create' }, error({ operation: 'create', category: 'refused', status: 409 }), ctx), 0);
    assert.equal(post.phase, 'refused');
  });

  it('a 4xx on the delete step is retried and shown, never labelled already-gone', () => {
    const state = created();
    S.markDeleted(state, 'user', T0);
    assert.ok(handleFailure(state, { kind: 'delete' }, error({ operation: 'delete', category: 'invalid', status: 400 }), ctx) > 0);
    assert.equal(state.deletion?.outcome, undefined);
    const old = created(1);
    S.markDeleted(old, 'user', T0);
    handleFailure(old, { kind: 'delete' }, error({ operation: 'delete', category: 'invalid', status: 400 }), ctx);
    assert.equal(old.deletion?.outcome, 'already-gone', 'the old rules (kept for old runs) hid it');
  });
});

describe('details in the Web UI', () => {
  it('show names, accounts and AMS messages as inline code: no markup, no links, no way out of the code span', () => {
    const state = S.initialState({ clusterId: 'c1', displayName: 'www.evil.example/login `x` [a](b)', accountUsername: 'eve@evil.example' });
    S.recordRefusal(state, { operation: 'create', category: 'refused', message: 'see https://evil.example `pwn`' });
    const details = renderDetails(state);
    assert.ok(details.includes('`` www.evil.example/login `x` [a](b) ``'), details);
    assert.ok(details.includes('`eve@evil.example`'));
    assert.ok(details.includes('`` see https://evil.example `pwn` ``'));
    assert.match(staticSummary({ clusterId: 'c1', displayName: '[a](javascript:x)' }), /\\\[a\\\]\(javascript:x\)/);
  });
});

describe('backoff', () => {
  it('spreads ±20 % so clusters failing together do not retry in lockstep', () => {
    assert.deepEqual([0, 0.5, 0.999].map((j) => loopBackoffSeconds(1, 0, j)), [8, 10, 12]);
    assert.equal(loopBackoffSeconds(20, 0, 0.999), 720);
  });

  it('ignores a garbage Retry-After and caps a huge one at a day', () => {
    for (const garbage of [Number.NaN, -5, Number.POSITIVE_INFINITY]) assert.equal(loopBackoffSeconds(1, garbage), 10);
    assert.equal(loopBackoffSeconds(1, 1e21), 86_400);
  });
});

describe('what is kept of bad input', () => {
  it('a payload with a thousand long keys keeps a few short issues', () => {
    const payload = { displayName: 'ok', ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key-${i}-${'x'.repeat(100)}`, 1])) };
    const checked = validate(renameSchema, payload);
    assert.equal(checked.ok, false);
    if (checked.ok) return;
    assert.ok(checked.issues.length <= ISSUES_KEPT + 1);
    assert.ok(checked.issues.every((i) => i.rule.length <= ISSUE_TEXT_MAX && i.field.length <= ISSUE_TEXT_MAX));
    const state = created();
    for (let i = 0; i < 50; i++) for (const issue of checked.issues) S.recordRejected(state, { signal: 'rename', ...issue, at: T0 });
    assert.ok(JSON.stringify(state).length < 10_000, `state stays small (${JSON.stringify(state).length} bytes)`);
  });
});
