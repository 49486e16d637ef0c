// Rules 3 as pure functions: when the checks after the install are due, what each
// answer means, and that runs on older rules never see them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as A from '../workflows/after-install.js';
import { AFTER_INSTALL_DEFAULTS, type ClusterState, type SubscriptionInspection } from '../workflows/definitions.js';
import { renderDetails } from '../workflows/details.js';
import { handleFailure } from '../workflows/failures.js';
import * as S from '../workflows/state.js';

const registration = { clusterId: 'c1', displayName: 'one', accountUsername: 'alice' };
const T0 = '2026-12-01T00:00:00.000Z';
const timing = AFTER_INSTALL_DEFAULTS;
const at = (seconds: number) => A.plusSeconds(T0, seconds);
const values = { display_name: 'one', external_cluster_id: 'ext-1', console_url: 'https://c.example.com', status: 'Active' };
const found = (over: Partial<Extract<SubscriptionInspection, { found: true }>> = {}): SubscriptionInspection => ({
  found: true,
  values: { ...values },
  hasMetrics: false,
  ...over,
});

function installed(rules = S.RULES): ClusterState {
  const state = S.initialState(registration, rules);
  S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
  S.setOpenshiftClusterId(state, 'ext-1');
  S.recordPatched(state, 'external_cluster_id', 'ext-1', { ...values, status: 'Reserved' });
  S.setConsoleUrl(state, values.console_url);
  S.recordPatched(state, 'console_url', values.console_url, { ...values, status: 'Reserved' });
  S.installSucceeded(state);
  S.recordPatched(state, 'status', 'Active', values);
  return state;
}

describe('when the checks are due', () => {
  it('a new Active cluster: the watch waits 1 h, the drift check a day; owed work always comes first', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    assert.deepEqual(S.pendingWork(state), []);
    assert.deepEqual(A.scheduledChecks(state), [
      { kind: 'telemetry', notBefore: at(3_600) },
      { kind: 'drift', notBefore: at(86_400) },
    ]);
    S.rename(state, 'two');
    assert.deepEqual(S.nextWork(state), { kind: 'patch', field: 'display_name', value: 'two' });
  });

  it('Reserved (not installed) gets the drift check only; no telemetry is expected', () => {
    const state = S.initialState(registration);
    S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
    A.scheduleChecks(state, T0, timing);
    assert.deepEqual(A.scheduledChecks(state).map((w) => w.kind), ['drift']);
    assert.equal(state.telemetry, undefined);
  });

  it('runs on rules 2 (and 1) never get checks: their histories must replay as recorded', () => {
    for (const rules of [1, 2]) {
      const state = installed(rules);
      A.scheduleChecks(state, T0, timing);
      assert.deepEqual([state.telemetry, state.drift, S.nextWork(state)], [undefined, undefined, undefined], `rules ${rules}`);
    }
  });

  it('a deleted cluster checks nothing any more', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    S.markDeleted(state, 'user', T0);
    assert.deepEqual(A.scheduledChecks(state), []);
  });

  it('a rules-2 run handed over by continue-as-new gets the checks on the new run', () => {
    const upgraded = S.upgradeCarriedState(installed(2));
    assert.equal(upgraded.rules, 3);
    A.scheduleChecks(upgraded, T0, timing);
    assert.equal(upgraded.telemetry?.status, 'waiting');
    assert.equal(S.upgradeCarriedState(installed(1), 2).rules, 2, 'a replayed rules-2 run upgrades only to 2');
  });

  it('garbage timing (NaN, negative, endless) falls back to the defaults instead of an invalid timer', () => {
    assert.deepEqual(A.timingOf({ telemetryCheckSeconds: [Number.NaN, -1, 1e12] as number[], driftCheckSeconds: Infinity }), {
      telemetryCheckSeconds: [],
      driftCheckSeconds: timing.driftCheckSeconds,
    });
    assert.deepEqual(A.timingOf(undefined), timing);
    assert.deepEqual(A.timingOf({ telemetryCheckSeconds: [60, 10] }).telemetryCheckSeconds, [10, 60]);
  });
});

describe('the telemetry watch', () => {
  const watched = () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    return state;
  };

  it('no telemetry yet: the next check counts from Active (6 h), then missing after the last one', () => {
    const state = watched();
    A.recordTelemetryCheck(state, found(), at(3_600), timing);
    assert.deepEqual([state.telemetry?.status, state.telemetry?.nextCheckAt], ['waiting', at(21_600)]);
    A.recordTelemetryCheck(state, found(), at(21_600), timing);
    A.recordTelemetryCheck(state, found(), at(86_400), timing);
    assert.deepEqual([state.telemetry?.status, state.telemetry?.checks, state.telemetry?.nextCheckAt], ['missing', 3, undefined]);
    assert.deepEqual(A.scheduledChecks(state).map((w) => w.kind), ['drift']);
  });

  it('metrics or a telemetry date: ok, and the watch stops', () => {
    const state = watched();
    A.recordTelemetryCheck(state, found({ hasMetrics: true, lastTelemetryDate: at(100) }), at(3_600), timing);
    assert.deepEqual([state.telemetry?.status, state.telemetry?.lastTelemetryDate, state.telemetry?.nextCheckAt], ['ok', at(100), undefined]);
  });

  it('an unsubscribed duplicate wins over telemetry on ours: it is the bug indication', () => {
    const state = watched();
    A.recordTelemetryCheck(state, found({ hasMetrics: true, duplicates: [{ id: 'dup-1', status: 'Active' }] }), at(3_600), timing);
    assert.deepEqual([state.telemetry?.status, state.telemetry?.duplicates], ['duplicate', ['dup-1']]);
    assert.match(renderDetails(state), /\*\*Telemetry:\*\* duplicate .*unsubscribed duplicate\*\* `dup-1`/);
  });

  it('a new OpenShift id applied after Active starts a new watch for it', () => {
    const state = watched();
    A.recordTelemetryCheck(state, found(), at(3_600), timing);
    S.setOpenshiftClusterId(state, 'ext-2');
    A.scheduleChecks(state, at(4_000), timing);
    assert.equal(state.telemetry?.externalClusterId, 'ext-1', 'not before AMS has the new id');
    S.recordPatched(state, 'external_cluster_id', 'ext-2', { ...values, external_cluster_id: 'ext-2' });
    A.scheduleChecks(state, at(4_100), timing);
    assert.deepEqual([state.telemetry?.externalClusterId, state.telemetry?.checks, state.telemetry?.nextCheckAt], ['ext-2', 0, at(4_100 + 3_600)]);
  });
});

describe('the drift check', () => {
  it('installer-owned fields that differ are set back; what the run never set is not its to repair', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    const findings = A.recordDriftCheck(state, found({ values: { ...values, display_name: 'owner-renamed', console_url: undefined } }), at(86_400), timing);
    assert.deepEqual(findings.map((f) => [f.kind, f.field, f.found, f.wanted]), [
      ['repaired', 'display_name', 'owner-renamed', 'one'],
      ['repaired', 'console_url', '(none)', values.console_url],
    ]);
    assert.deepEqual(S.pendingWork(state).map((w) => (w.kind === 'patch' ? w.field : w.kind)), ['display_name', 'console_url']);
    assert.equal(state.drift?.nextCheckAt, at(2 * 86_400));
  });

  it('a status AMS changed (Stale) is reported once, never patched back', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    const first = A.recordDriftCheck(state, found({ values: { ...values, status: 'Stale' } }), at(86_400), timing);
    assert.deepEqual(first.map((f) => [f.kind, f.before, f.found]), [['status', 'Active', 'Stale']]);
    assert.deepEqual(S.pendingWork(state), []);
    assert.deepEqual(A.recordDriftCheck(state, found({ values: { ...values, status: 'Stale' } }), at(2 * 86_400), timing), []);
  });

  it('a vanished subscription is forgotten so the loop reserves one again and re-applies every field', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    const [finding] = A.recordDriftCheck(state, { found: false }, at(86_400), timing);
    assert.deepEqual([finding?.kind, finding?.found], ['recreated', 'sub-1']);
    assert.deepEqual([state.subscriptionId, state.telemetry, S.nextWork(state)], [undefined, undefined, { kind: 'create' }]);
    S.recordSubscription(state, 'sub-2', { display_name: 'one', status: 'Reserved' });
    assert.deepEqual(S.pendingWork(state).map((w) => (w.kind === 'patch' ? w.field : w.kind)), ['external_cluster_id', 'console_url']);
    S.recordPatched(state, 'external_cluster_id', 'ext-1', { ...values, status: 'Reserved' });
    assert.deepEqual(S.nextWork(state), { kind: 'patch', field: 'console_url', value: values.console_url });
    S.recordPatched(state, 'console_url', values.console_url, { ...values, status: 'Reserved' });
    assert.deepEqual(S.nextWork(state), { kind: 'patch', field: 'status', value: 'Active' }, 'Active once AMS has the id again');
  });

  it('a PATCH that confirmed the subscription gone leads to the same re-creation (not to silence for ever)', () => {
    const state = installed();
    S.rename(state, 'two');
    handleFailure(state, { kind: 'patch', field: 'display_name', value: 'two' }, { operation: 'patch', category: 'not-found', message: 'gone' }, {
      now: T0,
      inFlightUntil: T0,
      jitter: 0.5,
    });
    assert.equal(state.subscriptionGone, true);
    const [finding] = A.scheduleChecks(state, T0, timing);
    assert.equal(finding?.kind, 'recreated');
    assert.deepEqual(S.nextWork(state), { kind: 'create' });
  });
});

describe('the drift check: what it must not do', () => {
  it("a value AMS refused is not 'repaired' to: reported as unrepaired, nothing sent, not reported again", () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    S.rename(state, 'bad!');
    S.recordRefusedValue(state, 'display_name', 'bad!');
    const findings = A.recordDriftCheck(state, found({ values: { ...values, display_name: 'owner-renamed' } }), at(86_400), timing);
    assert.deepEqual(findings.map((f) => [f.kind, f.field, f.found, f.wanted]), [['unrepaired', 'display_name', 'owner-renamed', 'bad!']]);
    assert.deepEqual(S.pendingWork(state), []);
    assert.match(renderDetails(state), /left as it is: AMS refused the installer's value `bad!`/);
    assert.deepEqual(A.recordDriftCheck(state, found({ values: { ...values, display_name: 'owner-renamed' } }), at(2 * 86_400), timing), []);
    S.rename(state, 'good');
    assert.deepEqual(S.nextWork(state), { kind: 'patch', field: 'display_name', value: 'good' }, "the installer's next value goes out");
  });

  it('an installed cluster whose Active never took (AMS still Reserved, never later) is sent Active again', () => {
    const state = S.initialState(registration);
    S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
    S.setOpenshiftClusterId(state, 'ext-1');
    S.recordPatched(state, 'external_cluster_id', 'ext-1', { display_name: 'one', external_cluster_id: 'ext-1', status: 'Reserved' });
    S.installSucceeded(state);
    // The PATCH answered 200 but AMS kept Reserved.
    S.recordPatched(state, 'status', 'Active', { display_name: 'one', external_cluster_id: 'ext-1', status: 'Reserved' });
    A.scheduleChecks(state, T0, timing);
    const findings = A.recordDriftCheck(state, found({ values: { display_name: 'one', external_cluster_id: 'ext-1', status: 'Reserved' } }), at(86_400), timing);
    assert.deepEqual(findings.map((f) => [f.kind, f.field, f.wanted]), [['repaired', 'status', 'Active']]);
    assert.deepEqual(S.nextWork(state), { kind: 'patch', field: 'status', value: 'Active' });
  });

  it('a subscription AMS moved back to Reserved after Active is AMS’s doing: reported, not sent Active again', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    const findings = A.recordDriftCheck(state, found({ values: { ...values, status: 'Reserved' } }), at(86_400), timing);
    assert.deepEqual(findings.map((f) => [f.kind, f.before, f.found]), [['status', 'Active', 'Reserved']]);
    assert.deepEqual(S.pendingWork(state), []);
  });

  it('a check that answers after the cluster was deleted changes nothing: no new subscription for a deleted cluster', () => {
    for (const record of [A.recordDriftCheck, A.recordTelemetryCheck]) {
      const state = installed();
      A.scheduleChecks(state, T0, timing);
      S.markDeleted(state, 'user', T0);
      assert.deepEqual(record(state, { found: false }, at(86_400), timing), []);
      assert.equal(state.subscriptionId, 'sub-1');
      assert.deepEqual(S.pendingWork(state).map((w) => w.kind), ['delete'], 'the delete step decides (already-gone)');
    }
  });

  it('a check AMS refuses for good (403) moves on instead of retrying every few minutes', () => {
    const state = installed();
    A.scheduleChecks(state, T0, timing);
    const ctx = { now: at(3_600), inFlightUntil: at(3_720), jitter: 0.5, afterInstall: timing };
    const backoff = handleFailure(state, { kind: 'telemetry', notBefore: at(3_600) }, { operation: 'lookup', category: 'refused', message: 'forbidden', status: 403 }, ctx);
    assert.deepEqual([backoff, state.telemetry?.checks, state.telemetry?.nextCheckAt], [0, 1, at(21_600)]);
    const driftBackoff = handleFailure(state, { kind: 'drift', notBefore: at(86_400) }, { operation: 'get', category: 'refused', message: 'forbidden', status: 403 }, { ...ctx, now: at(86_400) });
    assert.deepEqual([driftBackoff, state.drift?.nextCheckAt], [0, at(2 * 86_400)]);
    const transient = handleFailure(state, { kind: 'drift', notBefore: at(2 * 86_400) }, { operation: 'get', category: 'transient', message: '503', status: 503 }, ctx);
    assert.ok(transient > 0, 'a 503 is retried with backoff');
  });

  it('the first drift check is spread ±10 % so clusters registered together do not check together', () => {
    const first = (jitter: number) => {
      const state = S.initialState(registration);
      S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
      A.scheduleChecks(state, T0, timing, jitter);
      return state.drift?.nextCheckAt;
    };
    assert.deepEqual([first(0), first(0.5), first(0.999)], [at(77_760), at(86_400), at(95_023)]);
  });
});

describe('deleting an installed cluster AMS has no subscription for', () => {
  it('rules 3 reserve one first (then Active, then the delete step leaves it); rules 2 ended with nothing', () => {
    for (const rules of [2, 3]) {
      const state = S.initialState(registration, rules);
      S.setOpenshiftClusterId(state, 'ext-1');
      S.installSucceeded(state);
      S.markDeleted(state, 'garbage-collection', T0);
      assert.deepEqual(S.nextWork(state), { kind: 'lookup' });
      S.recordLookup(state, null, T0);
      if (rules === 3) {
        assert.deepEqual(S.nextWork(state), { kind: 'create' });
        S.recordSubscription(state, 'sub-1', { display_name: 'one', status: 'Reserved' });
        assert.deepEqual(S.pendingWork(state).map((w) => (w.kind === 'patch' ? w.field : w.kind)), ['external_cluster_id', 'delete']);
      } else {
        assert.equal(state.deletion?.outcome, 'never-created');
      }
    }
  });

  it('AMS refusing that late reservation ends the deletion with nothing reserved, not as a refused registration', () => {
    const state = S.initialState(registration);
    S.setOpenshiftClusterId(state, 'ext-1');
    S.installSucceeded(state);
    S.markDeleted(state, 'user', T0);
    S.recordLookup(state, null, T0);
    handleFailure(state, { kind: 'create' }, { operation: 'create', category: 'refused', message: 'quota', status: 403 }, { now: T0, inFlightUntil: T0, jitter: 0.5 });
    assert.deepEqual([state.phase, state.deletion?.outcome, S.isTerminal(state)], ['deleted', 'never-created', true]);
  });
});
