// Creating the subscription: no duplicates after a lost response, deletion while
// the create is still retrying, and AMS refusals reaching the caller cleanly.
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { RegistrationRefusedError } from '../client/index.js';
import { classifyAmsError } from '../activities/index.js';
import type { WorkflowResult } from '../workflows/definitions.js';
import {
  describeOnServers,
  eventually,
  newClusterId,
  startLifecycleHarness,
  type LifecycleHarness,
} from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);
const BOTH = { registrationWaitSeconds: 2 };
/** For tests that wait out AMS backoffs of many minutes. */
const TIME_SKIPPING = { registrationWaitSeconds: 2, servers: ['time-skipping'] } as const;
beforeEach(async () => {
  await h.admin.clearFaults();
});

const CREATE = '/api/accounts_mgmt/v1/cluster_authorizations';
const result = (clusterId: string) => h.lifecycle.handle(clusterId).result() as Promise<WorkflowResult>;
// Read through the admin API: the public one may be in an injected outage.
const subscriptionsOf = async (clusterId: string) =>
  (await h.admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId);

describeOnServers('creating the subscription', BOTH, use, () => {
  it('a lost response on create (AMS committed, the answer never came) makes no duplicate', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'commit_then_drop', route: CREATE, method: 'POST', count: 1 });
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'lost', accountUsername: 'alice' });
    const subs = await subscriptionsOf(clusterId);
    assert.equal(subs.length, 1);
    assert.equal(subs[0]?.id, subscriptionId);
    const posts = await h.admin.requests({ path: CREATE, method: 'POST' });
    assert.equal(posts.filter((e) => e.cluster_id === clusterId).length, 1, 'the retry found the subscription instead of POSTing again');
  });

  it('deletion while the create is still failing: nothing was reserved, nothing is left', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'outage', route: CREATE, method: 'POST' });
    await assert.rejects(
      h.lifecycle.registerCluster({ clusterId, displayName: 'doomed', accountUsername: 'alice' }),
      { name: 'RegistrationPendingError' },
    );
    await h.lifecycle.deleteCluster(clusterId, 'garbage-collection');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'never-created');
    assert.equal((await subscriptionsOf(clusterId)).length, 0);
  });
});

describeOnServers('creating the subscription, while AMS fails for minutes', TIME_SKIPPING, use, () => {
  it('deletion while the create is retrying after AMS did commit: the subscription is found and deleted', async () => {
    const clusterId = newClusterId();
    // The POST commits but its answer is lost; from then on the lookups fail too.
    await h.admin.addFault({ kind: 'commit_then_drop', route: CREATE, method: 'POST', count: 1 });
    const registering = h.lifecycle.registerCluster({ clusterId, displayName: 'half-made', accountUsername: 'alice' });
    await eventually(
      () => h.admin.requests({ path: CREATE, method: 'POST' }),
      (entries) => entries.some((e) => e.cluster_id === clusterId && e.status === 0),
      { intervalMs: 20, what: 'the dropped POST' },
    );
    await h.admin.addFault({ kind: 'outage', route: '/api/accounts_mgmt/v1/subscriptions', method: 'GET' });
    await assert.rejects(registering, { name: 'RegistrationPendingError' });
    assert.equal((await subscriptionsOf(clusterId)).length, 1, 'AMS holds a Reserved subscription the workflow has not heard of');
    await h.lifecycle.deleteCluster(clusterId, 'user');
    await h.admin.clearFaults();
    await h.env.sleep('15 minutes');
    const done = await result(clusterId);
    assert.equal(done.deletion?.outcome, 'deleted');
    assert.equal((await subscriptionsOf(clusterId)).length, 0, 'no Reserved subscription leaks');
  });
});

describeOnServers('registration refused by AMS', BOTH, use, (server) => {
  it('quota exceeded (403 ExcessResources) comes back as a clear error and the run ends cleanly; a later retry may succeed', async () => {
    const local = await startLifecycleHarness({
      server,
      emulator: { quotas: [{ max_clusters: 0, status: 403 }] },
    });
    try {
      const clusterId = newClusterId();
      const error = await local.lifecycle
        .registerCluster({ clusterId, displayName: 'over-quota', accountUsername: 'alice' })
        .then(
          () => assert.fail('registration should be refused'),
          (e: unknown) => e,
        );
      assert.ok(error instanceof RegistrationRefusedError, String(error));
      assert.equal(error.amsError?.status, 403);
      assert.match(error.message, /AMS refused the registration/);
      const done = (await local.lifecycle.handle(clusterId).result()) as WorkflowResult;
      assert.equal(done.phase, 'refused');
      assert.equal((await local.lifecycle.getClusterState(clusterId)).refusal?.category, 'refused');

      await local.admin.setQuota({ max_clusters: null });
      const { subscriptionId } = await local.lifecycle.registerCluster({ clusterId, displayName: 'over-quota', accountUsername: 'alice' });
      assert.equal((await local.ams.getSubscription(subscriptionId)).status, 'Reserved');
    } finally {
      await local.close();
    }
  });

  it('an account AMS does not know is refused end to end', async () => {
    const clusterId = newClusterId();
    const refused = await h.lifecycle
      .registerCluster({ clusterId, displayName: 'stranger', accountUsername: 'nobody-known' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(refused instanceof RegistrationRefusedError, `refused: ${String(refused)}`);
    assert.equal(refused.amsError?.category, 'refused');
    assert.equal(((await result(clusterId)) as WorkflowResult).phase, 'refused');
    assert.equal((await subscriptionsOf(clusterId)).length, 0);
  });
});

describeOnServers('registration while AMS rate-limits', TIME_SKIPPING, use, () => {
  it('quota answered with 429 is retried (a rate limit may pass), not refused', async () => {
    const clusterId = newClusterId();
    await h.admin.setQuota({ max_clusters: 0, status: 429 });
    try {
      await assert.rejects(
        h.lifecycle.registerCluster({ clusterId, displayName: 'limited', accountUsername: 'alice' }),
        { name: 'RegistrationPendingError' },
      );
      const state = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.lastError !== undefined);
      assert.equal(state.lastError?.status, 429);
      assert.equal(state.phase, 'registered');
    } finally {
      await h.admin.setQuota({ max_clusters: null });
    }
    await h.env.sleep('15 minutes');
    await eventually(
      () => h.lifecycle.registerCluster({ clusterId, displayName: 'limited', accountUsername: 'alice' }),
      () => true,
      { what: 'registration once the limit is lifted' },
    );
  });
});

describeOnServers('how AMS answers are classified (real errors from the emulator)', TIME_SKIPPING, use, () => {
  async function errorOf(call: () => Promise<unknown>): Promise<unknown> {
    return call().then(
      () => assert.fail('expected AMS to refuse'),
      (e: unknown) => e,
    );
  }

  it('409 (cluster owned by another account) on create is a refusal', async () => {
    const clusterId = newClusterId();
    await h.ams.createClusterAuthorization({ clusterId, displayName: 'alice', accountUsername: 'alice' });
    const error = await errorOf(() => h.ams.createClusterAuthorization({ clusterId, displayName: 'c', accountUsername: 'carol' }));
    assert.deepEqual(pick(classifyAmsError(error, 'create')), { status: 409, category: 'refused' });
  });

  it('400 on create is a refusal; 400 on patch is an invalid value; 404 on patch is not-found', async () => {
    const bad = await errorOf(() => h.ams.createClusterAuthorization({ clusterId: newClusterId(), displayName: 'x'.repeat(300), accountUsername: 'alice' }));
    assert.deepEqual(pick(classifyAmsError(bad, 'create')), { status: 400, category: 'refused' });
    assert.deepEqual(pick(classifyAmsError(bad, 'patch')), { status: 400, category: 'invalid' });
    const missing = await errorOf(() => h.ams.patchSubscription('no-such-subscription', { display_name: 'x' }));
    assert.deepEqual(pick(classifyAmsError(missing, 'patch')), { status: 404, category: 'not-found' });
  });

  it('403 with ExcessResources on create is a refusal; 429, 5xx and resets are transient', async () => {
    await h.admin.setQuota({ max_clusters: 0, status: 403 });
    try {
      const quota = await errorOf(() => h.ams.createClusterAuthorization({ clusterId: newClusterId(), displayName: 'q', accountUsername: 'alice' }));
      assert.deepEqual(pick(classifyAmsError(quota, 'create')), { status: 403, category: 'refused' });
    } finally {
      await h.admin.setQuota({ max_clusters: null });
    }
    for (const fault of [
      { kind: 'rate_limit', retryAfterSeconds: 7 },
      { kind: 'error', status: 502 },
      { kind: 'reset' },
    ] as const) {
      await h.admin.addFault({ ...fault, route: '/api/accounts_mgmt/v1/current_account', count: 1 });
      const error = await errorOf(() => h.ams.getCurrentAccount());
      const info = classifyAmsError(error, 'get');
      assert.equal(info.category, 'transient', `${fault.kind} is transient`);
      if (fault.kind === 'rate_limit') assert.equal(info.retryAfterSeconds, 7);
    }
  });
});

function pick(info: { status?: number; category: string }) {
  return { status: info.status, category: info.category };
}
