// Replay scenarios of adopted runs (workflows/adoption.ts): a cluster today's installer
// registered itself, taken over in its phase with its stored subscription id.
import assert from 'node:assert/strict';
import { eventually, newClusterId, type LifecycleHarness } from '../../test/helpers/lifecycle-harness.js';
import type { AdoptClusterInput } from '../../client/adoption.js';
import type { Scenario } from './scenarios.js';
import { CONSOLE, deleteAndExpect, finish, successfulPatches } from './steps.js';

/** The subscription as the old installer left it (reserved for alice), then the adoption; AMS's log starts after it. */
async function adopt(h: LifecycleHarness, input: Omit<AdoptClusterInput, 'subscriptionId' | 'accountUsername'>, amsName: string, externalId?: string) {
  const { subscriptionId } = await h.ams.createClusterAuthorization({ clusterId: input.clusterId, accountUsername: 'alice', displayName: amsName });
  if (externalId) await h.ams.patchSubscription(subscriptionId, { external_cluster_id: externalId });
  await h.admin.clearRequests();
  const { outcome } = await h.lifecycle.adoptCluster({ ...input, accountUsername: 'alice', subscriptionId });
  assert.equal(outcome, 'adopted');
  return subscriptionId;
}

export const ADOPTION_SCENARIOS: Scenario[] = [
  {
    name: 'adopted',
    description: 'an installed cluster adopted with its stored subscription (AMS: old name, no console URL, still Reserved): one read, then PATCHes of name, URL and Active only; deletion leaves it Active',
    async run(h, clusterId) {
      const openshiftClusterId = newClusterId();
      const subscriptionId = await adopt(h, { clusterId, displayName: 'adopted', phase: 'installed', openshiftClusterId, consoleUrl: CONSOLE }, 'adopted-old', openshiftClusterId);
      const state = await eventually(
        () => h.lifecycle.getClusterState(clusterId),
        (s) => s.pending.length === 0 && s.drift?.lastCheckedAt !== undefined && s.ams?.status === 'Active',
        { what: 'the first drift check and its repairs' },
      );
      assert.deepEqual([state.phase, state.subscriptionId], ['installed', subscriptionId]);
      assert.equal(await successfulPatches(h, clusterId), 3);
      const posts = await h.admin.requests({ method: 'POST' });
      assert.equal(posts.filter((r) => r.path.startsWith('/api/')).length, 0, 'nothing reserved');
      await deleteAndExpect(h, clusterId, 'user', 'left-untouched');
    },
  },
  {
    name: 'adopted-deleted',
    description: 'a deleted cluster adopted with its stored Reserved subscription: the deletion path deletes it, nothing else is sent',
    async run(h, clusterId) {
      const subscriptionId = await adopt(h, { clusterId, displayName: 'adopted-deleted', phase: 'installing', deletedBy: 'garbage-collection' }, 'adopted-deleted');
      const done = await finish(h, clusterId);
      assert.deepEqual([done.phase, done.subscriptionId, done.deletion?.outcome], ['deleted', subscriptionId, 'deleted']);
      assert.equal(await successfulPatches(h, clusterId), 0);
    },
  },
];
