// The lifecycle scenarios whose histories are recorded for the replay test. Each
// drives one cluster's workflow to its end on a real (time-skipping) Temporal
// server with the AMS emulator, and checks it took the path its name promises,
// so a recording never silently captures some other path.
import assert from 'node:assert/strict';
import type { EmulatorOptions } from '../../emulator/index.js';
import { RegistrationPendingError, RegistrationRefusedError } from '../../client/index.js';
import { eventually, newClusterId, type LifecycleHarness } from '../../test/helpers/lifecycle-harness.js';
import { ADOPTION_SCENARIOS } from './scenarios-adoption.js';
import { AFTER_INSTALL_SCENARIOS } from './scenarios-after-install.js';
import { HARDENED_SCENARIOS } from './scenarios-hardened.js';
import { PACE_SCENARIOS } from './scenarios-pace.js';
import { CONSOLE, CREATE, deleteAndExpect, finish, register, settledOn, SUBSCRIPTION, successfulPatches } from './steps.js';

export interface Scenario {
  name: string;
  description: string;
  emulator?: EmulatorOptions;
  registrationWaitSeconds?: number;
  /** Drives the cluster's workflow (id from workflowIdForCluster) until it has closed. */
  run(h: LifecycleHarness, clusterId: string): Promise<void>;
}

const FIRST_SCENARIOS: Scenario[] = [
  {
    name: 'happy-path',
    description: 'register, openshift id, console URL, installed (Active); user deletion leaves the Active subscription',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'happy');
      await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
      await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
      await h.lifecycle.markInstalled(clusterId);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
      await deleteAndExpect(h, clusterId, 'user', 'left-untouched');
    },
  },
  {
    name: 'failure-and-restart',
    description: 'openshift id, install failed, restart, new openshift id; user deletion removes the Reserved subscription',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'retry-me');
      const obsolete = newClusterId();
      await h.lifecycle.setOpenshiftClusterId(clusterId, obsolete);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id === obsolete);
      await h.lifecycle.markInstallFailed(clusterId, 'bootkube timed out');
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.phase === 'failed');
      await h.lifecycle.restartInstall(clusterId);
      const fresh = newClusterId();
      await h.lifecycle.setOpenshiftClusterId(clusterId, fresh);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id === fresh);
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'rename-burst',
    description: 'renames sent while a slow PATCH is in flight coalesce into one more PATCH with the last name',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'burst-0');
      await h.admin.addFault({ kind: 'latency', latencyMs: 1500, route: SUBSCRIPTION, method: 'PATCH', count: 1 });
      await h.lifecycle.renameCluster(clusterId, 'burst-1');
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.amsCalls >= 2, { what: 'the slow PATCH' });
      for (let i = 2; i <= 12; i++) await h.lifecycle.renameCluster(clusterId, `burst-${i}`);
      await settledOn(h, clusterId, 'burst-12');
      assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'burst-12');
      assert.ok((await successfulPatches(h, clusterId)) <= 3, 'the burst coalesced');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'ams-outage-recovery',
    description:
      'PATCHes fail with 503 for 6 hours (backoff to the 10-minute cap), then with 429 Retry-After 1 day (capped to 1 hour) for 2 days; ' +
      'renames and an openshift id sent meanwhile land once AMS is back, one PATCH each',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'outage-0');
      const outage = await h.admin.addFault({ kind: 'outage', route: SUBSCRIPTION, method: 'PATCH' });
      for (let i = 1; i <= 5; i++) await h.lifecycle.renameCluster(clusterId, `outage-${i}`);
      const externalId = newClusterId();
      await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.lastError?.status === 503, { what: 'the 503s' });
      // Hours, not days, of 503s: each 10-minute retry adds history, and the file is kept forever.
      await h.env.sleep('6 hours');
      await h.admin.addFault({ kind: 'rate_limit', route: SUBSCRIPTION, method: 'PATCH', retryAfterSeconds: 86_400 });
      await h.admin.removeFault(outage.id);
      // Retry-After (a day, capped by the AMS client to an hour): the activity's attempts, then the workflow's durable backoff.
      await h.env.sleep('50 hours');
      assert.equal((await h.lifecycle.getClusterState(clusterId)).lastError?.status, 429);
      await h.admin.clearFaults();
      await h.env.sleep('25 hours'); // past the last Retry-After
      const recovered = await settledOn(h, clusterId, 'outage-5');
      assert.equal(recovered.failures, 0);
      const sub = await h.ams.getSubscription(subscriptionId);
      assert.deepEqual([sub.display_name, sub.external_cluster_id], ['outage-5', externalId]);
      assert.equal(await successfulPatches(h, clusterId), 2, 'one PATCH per field after recovery');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'delete-reserved',
    description: 'user deletion of a registered (Reserved) cluster deletes its subscription',
    async run(h, clusterId) {
      await register(h, clusterId, 'reserved');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'delete-active',
    description: 'installed (Active) with an openshift id but no console URL; user deletion leaves the subscription',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'active');
      await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId()); // since rules 2, Active waits for it
      await h.lifecycle.markInstalled(clusterId);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
      await deleteAndExpect(h, clusterId, 'user', 'left-untouched');
    },
  },
  {
    name: 'garbage-collection',
    description: 'garbage collection of a Reserved cluster with an openshift id deletes the subscription',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'gc');
      const externalId = newClusterId();
      await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id === externalId);
      await deleteAndExpect(h, clusterId, 'garbage-collection', 'deleted');
    },
  },
  {
    name: 'delete-before-created',
    description: 'creation keeps failing; garbage collection looks the subscription up, finds none, ends never-created',
    registrationWaitSeconds: 2,
    async run(h, clusterId) {
      await h.admin.addFault({ kind: 'outage', route: CREATE, method: 'POST' });
      await assert.rejects(register(h, clusterId, 'doomed'), RegistrationPendingError);
      await deleteAndExpect(h, clusterId, 'garbage-collection', 'never-created');
    },
  },
  {
    name: 'continue-as-new',
    description: 'maxHistoryEvents 40: renames one by one hand over to new runs; openshift id, install and deletion finish the chain',
    async run(h, clusterId) {
      await h.startRun(clusterId, { displayName: 'can-0', maxHistoryEvents: 40 });
      const { subscriptionId } = await register(h, clusterId, 'can-0');
      for (let i = 1; i <= 8; i++) {
        await h.lifecycle.renameCluster(clusterId, `can-${i}`);
        await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === `can-${i}`);
      }
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.continuedAsNew >= 2, { what: 'two hand-overs' });
      await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId()); // since rules 2, Active waits for it
      await h.lifecycle.markInstalled(clusterId);
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.status === 'Active', { what: 'Active' });
      await deleteAndExpect(h, clusterId, 'user', 'left-untouched');
    },
  },
  {
    name: 'refused-registration',
    description: 'AMS refuses the create (403 quota ExcessResources); the registration fails and the run ends refused',
    emulator: { quotas: [{ max_clusters: 0, status: 403 }] },
    async run(h, clusterId) {
      await assert.rejects(register(h, clusterId, 'over-quota'), RegistrationRefusedError);
      const done = await finish(h, clusterId);
      assert.equal(done.phase, 'refused');
      assert.equal(done.refusal?.status, 403);
    },
  },
  {
    name: 'invalid-registration',
    description: 'a registration that bypassed the client with an empty display name ends refused without any AMS call',
    async run(h, clusterId) {
      await h.startRun(clusterId, { displayName: '' });
      const done = await finish(h, clusterId);
      assert.equal(done.phase, 'refused');
      assert.equal((await h.admin.requests({ cluster_id: clusterId })).length, 0);
    },
  },
  {
    name: 'ignored-bad-signals',
    description: 'bad payloads sent past the client are recorded and ignored; a good rename still lands',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'strict');
      const handle = h.lifecycle.handle(clusterId);
      await handle.signal('rename', { displayName: '' });
      await handle.signal('rename', { displayName: 'y'.repeat(300) });
      await handle.signal('openshiftClusterId', { openshiftClusterId: 'nope' });
      await handle.signal('consoleUrl', { consoleUrl: 'ftp://x' });
      await handle.signal('deleted', { by: 'somebody' });
      await handle.signal('installFailed', { reason: 42 } as never);
      await handle.signal('rename', { displayName: 'still-works' });
      const state = await settledOn(h, clusterId, 'still-works');
      assert.equal(state.rejectedInputs.length, 6);
      assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'still-works');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
];

export const SCENARIOS: Scenario[] = [...FIRST_SCENARIOS, ...HARDENED_SCENARIOS, ...AFTER_INSTALL_SCENARIOS, ...ADOPTION_SCENARIOS, ...PACE_SCENARIOS];
