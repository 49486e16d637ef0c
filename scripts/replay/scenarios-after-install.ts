// Replay scenarios for the paths rules 3 added (workflows/after-install.ts): the
// telemetry watch, the drift check's repair and re-creation, and the deletion of an
// installed cluster AMS never reserved for. Workflow time skips over the checks.
import assert from 'node:assert/strict';
import { RegistrationPendingError } from '../../client/index.js';
import { eventually, newClusterId, type LifecycleHarness } from '../../test/helpers/lifecycle-harness.js';
import { latestFirstDrift } from '../../workflows/after-install.js';
import { AFTER_INSTALL_DEFAULTS } from '../../workflows/definitions.js';
import type { Scenario } from './scenarios.js';
import { CONSOLE, CREATE, deleteAndExpect, register, settledOn } from './steps.js';

/** Past a run's first drift check, whatever its spread. */
const FIRST_DRIFT_MS = (latestFirstDrift(AFTER_INSTALL_DEFAULTS) + 60) * 1000;

async function installed(h: LifecycleHarness, clusterId: string, name: string, openshiftId = newClusterId()) {
  const { subscriptionId } = await register(h, clusterId, name);
  await h.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
  await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
  await h.lifecycle.markInstalled(clusterId);
  await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.telemetry?.status === 'waiting', { what: 'the watch' });
  return { subscriptionId, openshiftId };
}

export const AFTER_INSTALL_SCENARIOS: Scenario[] = [
  {
    name: 'telemetry-ok',
    description: 'installed; no telemetry at the 1 h check; telemetry arrives; ok at the 6 h check; deletion leaves the Active subscription',
    async run(h, clusterId) {
      const { openshiftId } = await installed(h, clusterId, 'telemetry');
      await h.env.sleep(3_700_000);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.telemetry?.checks === 1, { what: 'the 1 h check' });
      await h.admin.reportTelemetry({ external_cluster_id: openshiftId });
      await h.env.sleep(5 * 3_600_000);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.telemetry?.status === 'ok', { what: 'ok' });
      await deleteAndExpect(h, clusterId, 'user', 'left-untouched');
    },
  },
  {
    name: 'telemetry-duplicate',
    description: 'telemetry reached AMS before the OpenShift id: the 1 h check finds the unsubscribed duplicate',
    async run(h, clusterId) {
      const openshiftId = newClusterId();
      await h.admin.reportTelemetry({ external_cluster_id: openshiftId });
      await installed(h, clusterId, 'duplicated', openshiftId);
      await h.env.sleep(3_700_000);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.telemetry?.status === 'duplicate', { what: 'duplicate' });
      await deleteAndExpect(h, clusterId, 'garbage-collection', 'left-untouched');
    },
  },
  {
    name: 'drift-repaired',
    description: 'an owner renames the cluster in OCM; the daily drift check sets the name back; the user deletes the Reserved cluster',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'drift');
      await settledOn(h, clusterId, 'drift');
      await h.ams.patchSubscription(subscriptionId, { display_name: 'renamed-in-ocm' });
      await h.env.sleep(FIRST_DRIFT_MS);
      await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.drift?.findings.length === 1 && s.pending.length === 0, { what: 'the repair' });
      assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'drift');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'vanished-recreated',
    description: 'the subscription is deleted behind the run; the drift check reserves a new one; the user deletes it',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'vanish');
      await settledOn(h, clusterId, 'vanish');
      await h.ams.deleteSubscription(subscriptionId);
      await h.env.sleep(FIRST_DRIFT_MS);
      const again = await eventually(
        () => h.lifecycle.getClusterState(clusterId),
        (s) => s.subscriptionId !== undefined && s.subscriptionId !== subscriptionId && s.pending.length === 0,
        { what: 'a new subscription' },
      );
      assert.equal((await h.ams.getSubscription(again.subscriptionId!)).status, 'Reserved');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
  {
    name: 'installed-never-reserved',
    description: 'AMS refuses connections through the whole install; garbage collection deletes the cluster; it gets an Active subscription, left untouched',
    registrationWaitSeconds: 2,
    async run(h, clusterId) {
      await h.admin.addFault({ kind: 'outage', route: CREATE, method: 'POST' });
      await assert.rejects(register(h, clusterId, 'never'), RegistrationPendingError);
      await h.lifecycle.setOpenshiftClusterId(clusterId, newClusterId());
      await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
      await h.lifecycle.markInstalled(clusterId);
      await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
      await h.admin.clearFaults();
      await deleteAndExpect(h, clusterId, 'garbage-collection', 'left-untouched');
      const [sub] = await h.ams.findSubscriptionsByClusterId(clusterId);
      assert.equal(sub?.status, 'Active');
    },
  },
];
