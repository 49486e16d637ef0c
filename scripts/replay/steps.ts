// Steps the replay scenarios share: register, wait until settled, delete and check the outcome.
import assert from 'node:assert/strict';
import type { WorkflowResult } from '../../workflows/definitions.js';
import { eventually, type LifecycleHarness } from '../../test/helpers/lifecycle-harness.js';

export const SUBSCRIPTION = '/api/accounts_mgmt/v1/subscriptions/:id';
export const CREATE = '/api/accounts_mgmt/v1/cluster_authorizations';
export const CONSOLE = 'https://console-openshift-console.apps.replay.example.com';

export const register = (h: LifecycleHarness, clusterId: string, displayName: string) =>
  h.lifecycle.registerCluster({ clusterId, displayName, accountUsername: 'alice' });

export const finish = async (h: LifecycleHarness, clusterId: string) =>
  (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;

/** Waits until AMS shows the display name and the workflow has nothing left to do. */
export const settledOn = (h: LifecycleHarness, clusterId: string, displayName: string) =>
  eventually(
    () => h.lifecycle.getClusterState(clusterId),
    (s) => s.pending.length === 0 && s.applied.display_name === displayName,
    { what: `'${displayName}' applied and no pending AMS work` },
  );

export async function successfulPatches(h: LifecycleHarness, clusterId: string): Promise<number> {
  const entries = await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' });
  return entries.filter((e) => e.status === 200).length;
}

export async function deleteAndExpect(h: LifecycleHarness, clusterId: string, by: 'user' | 'garbage-collection', outcome: string) {
  await h.lifecycle.deleteCluster(clusterId, by);
  const done = await finish(h, clusterId);
  assert.equal(done.deletion?.outcome, outcome, `deletion outcome of ${clusterId}`);
}

