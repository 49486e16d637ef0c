// The field pace (issue 13): a burst of renames reaches AMS as a few PATCHes, while a
// lone change, other fields, and a deletion never wait for it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { FIELD_PACE_SECONDS, nextUnpaced, pacedUntil } from '../workflows/backoff.js';
import type { PendingWork, WorkflowResult } from '../workflows/definitions.js';
import { renderDetails } from '../workflows/details.js';
import { initialState } from '../workflows/state.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const register = (clusterId: string, displayName = 'paced') => h.lifecycle.registerCluster({ clusterId, displayName, accountUsername: 'alice' });
const patches = async (clusterId: string) =>
  (await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' })).filter((e) => e.status === 200).length;
const history = async (clusterId: string) => (await h.lifecycle.handle(clusterId).fetchHistory()).events ?? [];
const signalled = (e: temporal.api.history.v1.IHistoryEvent, name: string) => e.workflowExecutionSignaledEventAttributes?.signalName === name;
/** Whether the run asked for the pace's patch (its marker in the history). */
const pacePatched = (events: temporal.api.history.v1.IHistoryEvent[]) =>
  events.some((e) => (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).some((p) => Buffer.from(p.data ?? []).toString().includes('"field-pace"')));
const nameIn = (subscriptionId: string, name: string) =>
  eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === name, { what: `AMS has '${name}'`, timeoutMs: 30_000 });

it('pace: the first change after a quiet period is due at once; a further one waits for its own field only', () => {
  const now = '2026-01-01T00:00:01.000Z';
  const ends = { display_name: '2026-01-01T00:00:02.000Z', console_url: '2026-01-01T00:00:00.500Z' };
  const rename: PendingWork = { kind: 'patch', field: 'display_name', value: 'b' };
  const url: PendingWork = { kind: 'patch', field: 'console_url', value: 'https://x' };
  assert.equal(pacedUntil(rename, ends, now), ends.display_name);
  assert.equal(pacedUntil(url, ends, now), undefined, 'pace over: at once');
  assert.equal(pacedUntil(rename, {}, now), undefined, 'never patched: at once');
  assert.deepEqual(nextUnpaced([rename, url], ends, now), { work: url });
  assert.deepEqual(nextUnpaced([rename], ends, now), { work: rename, until: ends.display_name });
  const check: PendingWork = { kind: 'telemetry', notBefore: '2026-01-01T00:00:01.500Z' };
  assert.deepEqual(nextUnpaced([rename, check], ends, now), { work: check, until: check.notBefore }, 'the hold that ends first');
  assert.ok(FIELD_PACE_SECONDS >= 1 && FIELD_PACE_SECONDS <= 2, '100 renames over 1 s: one PATCH at once, one after the pace');
});

it('pace: the details say that a rename waits for its pace', () => {
  const state = initialState({ clusterId: '6a1e3c42-0b4d-4c39-9d51-1f7c2a0e9b11', displayName: 'b', accountUsername: 'alice' });
  Object.assign(state, { subscriptionId: 's1', applied: { display_name: 'a' } });
  const pace = { ends: { display_name: '2026-01-01T00:00:02.000Z' }, now: '2026-01-01T00:00:01.000Z' };
  assert.match(renderDetails(state, pace), /rename waits until 2026-01-01 00:00:02 UTC \(field pace\), then PATCH display_name → 'b'/);
  assert.doesNotMatch(renderDetails(state), /waits until/, 'a run without the pace shows none');
});

describeOnServers('field pace', { servers: ['time-skipping', 'dev'] }, use, () => {
  it('a lone rename is PATCHed without waiting for any timer', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'lone');
    await nameIn(subscriptionId, 'lone');
    const events = await history(clusterId);
    const signal = events.findIndex((e) => signalled(e, 'rename'));
    assert.ok(signal >= 0);
    const scheduled = events.findIndex((e, i) => i > signal && e.activityTaskScheduledEventAttributes);
    assert.ok(scheduled > signal, 'the PATCH was scheduled');
    assert.deepEqual(events.slice(signal, scheduled).filter((e) => e.timerStartedEventAttributes), [], 'no timer before the PATCH');
    assert.equal(pacePatched(events), false, 'the pace was never asked');
    assert.equal(await patches(clusterId), 1);
  });

  it('100 renames in a burst reach AMS as at most 3 PATCHes, and AMS ends with the last name', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await Promise.all(Array.from({ length: 99 }, (_, i) => h.lifecycle.renameCluster(clusterId, `burst-${i}`)));
    await h.lifecycle.renameCluster(clusterId, 'burst-last');
    await nameIn(subscriptionId, 'burst-last');
    const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0, { what: 'settled' });
    assert.equal(state.applied.display_name, 'burst-last');
    const sent = await patches(clusterId);
    assert.ok(sent >= 2 && sent <= 3, `PATCHes: ${sent}`);
    assert.ok(pacePatched(await history(clusterId)), "the pace is behind its patch marker 'field-pace'");
  });

  it('renames of one field do not delay a console URL or OpenShift id change', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const url = 'https://console-openshift-console.apps.paced.example.com';
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'first');
    await nameIn(subscriptionId, 'first');
    await h.lifecycle.renameCluster(clusterId, 'held'); // within the pace: waits
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    await h.lifecycle.setConsoleUrl(clusterId, url);
    const state = await eventually(
      () => h.lifecycle.getClusterState(clusterId),
      (s) => s.applied.console_url === url,
      { what: 'console URL applied' },
    );
    assert.equal(state.applied.external_cluster_id, externalId);
    assert.equal(state.applied.display_name, 'first', 'the rename is still held by its pace');
    await nameIn(subscriptionId, 'held');
    assert.equal(await patches(clusterId), 4);
  });

  it('a deletion during a paced rename proceeds at once (the rename of a doomed subscription is dropped)', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.renameCluster(clusterId, 'first');
    await nameIn(subscriptionId, 'first');
    await h.lifecycle.renameCluster(clusterId, 'held');
    await h.lifecycle.deleteCluster(clusterId, 'user');
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'deleted');
    assert.equal(await patches(clusterId), 1, 'only the first rename');
    const events = await history(clusterId);
    assert.deepEqual(events.filter((e) => e.timerFiredEventAttributes), [], 'no pace timer was waited out');
  });

  it('continue-as-new during a burst drops the pace safely: the last name is applied', async () => {
    const clusterId = newClusterId();
    await h.startRun(clusterId, { displayName: 'can', maxHistoryEvents: 40 });
    const { subscriptionId } = await register(clusterId, 'can');
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => h.lifecycle.renameCluster(clusterId, `can-${round}-${i}`)));
    }
    await h.lifecycle.renameCluster(clusterId, 'can-last');
    await nameIn(subscriptionId, 'can-last');
    const state = await eventually(
      () => h.lifecycle.getClusterState(clusterId),
      (s) => s.continuedAsNew >= 1 && s.pending.length === 0,
      { what: 'a hand-over, then settled' },
    );
    assert.equal(state.applied.display_name, 'can-last');
  });
});
