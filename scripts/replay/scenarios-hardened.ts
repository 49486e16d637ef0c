// Replay scenarios for the paths rules 2 added (workflows/state.ts): AMS-owned status,
// signals after a deletion, Active held for the OpenShift id, requests that land late,
// deletion-only runs, a hand-over while a registration waits.
import assert from 'node:assert/strict';
import { RegistrationPendingError } from '../../client/index.js';
import { eventually, newClusterId, type LifecycleHarness } from '../../test/helpers/lifecycle-harness.js';
import type { Scenario } from './scenarios.js';
import { CREATE, deleteAndExpect, register, settledOn, SUBSCRIPTION, successfulPatches } from './steps.js';

const lateRequests = async (h: LifecycleHarness, clusterId: string) =>
  (await h.admin.requests({ cluster_id: clusterId })).filter((e) => e.outcome === 'late');

export const HARDENED_SCENARIOS: Scenario[] = [
  {
    name: 'stale-not-reverted',
    description: 'installed; AMS ages it to Stale; a rename is applied and Stale is left as AMS set it; deletion leaves it',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'stale-0');
      await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
      await h.lifecycle.markInstalled(clusterId);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
      await h.admin.advanceClock(2 * 86_400);
      await h.lifecycle.renameCluster(clusterId, 'stale-1');
      await settledOn(h, clusterId, 'stale-1');
      assert.equal((await h.ams.getSubscription(subscriptionId)).status, 'Stale');
      await deleteAndExpect(h, clusterId, 'user', 'left-untouched');
    },
  },
  {
    name: 'late-signal-after-deletion',
    description: "the delete step's read fails; an install success arrives after the deletion and is ignored; the Reserved subscription is deleted",
    async run(h, clusterId) {
      await register(h, clusterId, 'late');
      await h.admin.addFault({ kind: 'error', status: 503, route: SUBSCRIPTION, method: 'GET', count: 3 });
      await h.lifecycle.deleteCluster(clusterId, 'user');
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.failures >= 1, { what: 'the failed read' });
      await h.lifecycle.markInstalled(clusterId);
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
      assert.equal(await successfulPatches(h, clusterId), 0);
    },
  },
  {
    name: 'active-held',
    description: 'install success before the openshift id: Active waits until AMS has the id; deletion leaves the Active subscription',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'held');
      await h.lifecycle.markInstalled(clusterId);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.phase === 'installed' && s.pending.length === 0);
      await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
      await deleteAndExpect(h, clusterId, 'garbage-collection', 'left-untouched');
    },
  },
  {
    name: 'late-write-verified',
    description: "a PATCH of 'A' times out and AMS commits it after 'B' was applied; AMS is read again and 'B' goes out again",
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'v-0');
      await h.admin.addFault({ kind: 'late_commit', latencyMs: 25_000, route: SUBSCRIPTION, method: 'PATCH', count: 1 });
      await h.admin.addFault({ kind: 'error', status: 503, route: SUBSCRIPTION, method: 'PATCH', count: 2 });
      await h.lifecycle.renameCluster(clusterId, 'v-A');
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.failures >= 1, { what: "A's failure", timeoutMs: 30_000 });
      await h.lifecycle.renameCluster(clusterId, 'v-B');
      await eventually(() => lateRequests(h, clusterId), (late) => late.length === 1, { what: "the late 'A'", timeoutMs: 40_000 });
      await h.env.sleep('3 minutes');
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'v-B', { what: "'B' again" });
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'late-create-after-deletion',
    description: 'every POST times out and AMS reserves after the deletion; the lookup waits until no POST can land, finds it and deletes it',
    registrationWaitSeconds: 2,
    async run(h, clusterId) {
      await h.admin.addFault({ kind: 'late_commit', latencyMs: 20_000, route: CREATE, method: 'POST', count: 3 });
      await assert.rejects(register(h, clusterId, 'late-post'), RegistrationPendingError);
      await h.lifecycle.deleteCluster(clusterId, 'user');
      await eventually(() => lateRequests(h, clusterId), (late) => late.length >= 1, { what: 'a late POST', timeoutMs: 60_000 });
      await h.env.sleep('3 minutes');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'deletion-run',
    description: 'an operator terminated the run; deleteCluster starts a deletion-only run that finds the Reserved subscription and deletes it',
    async run(h, clusterId) {
      await register(h, clusterId, 'terminated');
      await h.lifecycle.handle(clusterId).terminate('operator cleanup');
      await deleteAndExpect(h, clusterId, 'garbage-collection', 'deleted');
    },
  },
  {
    name: 'registration-handover',
    description: 'creation keeps failing while a registration waits and signals grow the history: the run hands over without waiting for it',
    registrationWaitSeconds: 20,
    async run(h, clusterId) {
      await h.admin.addFault({ kind: 'outage', route: CREATE, method: 'POST' });
      await h.startRun(clusterId, { displayName: 'hand-0', maxHistoryEvents: 30 });
      const waiting = register(h, clusterId, 'hand-0').catch((e: unknown) => e);
      for (let i = 1; i <= 10; i++) await h.lifecycle.renameCluster(clusterId, `hand-${i}`);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.continuedAsNew >= 1, { what: 'the hand-over', timeoutMs: 30_000 });
      assert.ok((await waiting) instanceof RegistrationPendingError);
      await h.admin.clearFaults();
      await eventually(() => register(h, clusterId, 'hand-0'), () => true, { what: 'the registration', timeoutMs: 60_000 });
      await settledOn(h, clusterId, 'hand-10');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
];
