// AMS down for days, rate limits and bad credentials: nothing is lost, bursts
// coalesce, Retry-After is honoured, and the last error is visible.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RegistrationPendingError } from '../client/index.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAmsClient } from '../ams/index.js';
import { loadWorkerConfig } from '../worker/config.js';
import { eventually, newClusterId, startLifecycleHarness, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
before(async () => {
  h = await startLifecycleHarness({ registrationWaitSeconds: 2 });
});
after(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.admin.clearFaults();
});

const SUBSCRIPTION = '/api/accounts_mgmt/v1/subscriptions/:id';

async function successfulPatches(clusterId: string) {
  const entries = await h.admin.requests({ cluster_id: clusterId, method: 'PATCH' });
  return entries.filter((e) => e.status === 200);
}

describe('AMS outages', () => {
  it('an outage of several days: renames coalesce into one PATCH with the last name, nothing is lost', async () => {
    const clusterId = newClusterId();
    const externalId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'n0', accountUsername: 'alice' });
    await h.admin.addFault({ kind: 'outage', route: SUBSCRIPTION, method: 'PATCH' });

    for (let i = 1; i <= 10; i++) await h.lifecycle.renameCluster(clusterId, `name-${i}`);
    await h.lifecycle.setOpenshiftClusterId(clusterId, externalId);
    const failing = await eventually(
      () => h.lifecycle.getClusterState(clusterId),
      (s) => s.failures > 0 && s.lastError?.status === 503,
      { what: 'the outage to show as the last AMS error' },
    );
    assert.equal(failing.lastError?.category, 'transient');

    await h.env.sleep('3 days'); // durable timers: the workflow keeps retrying with capped backoff
    const during = await h.lifecycle.getClusterState(clusterId);
    assert.ok(during.failures > 10, `kept retrying through the outage (failures: ${during.failures})`);
    assert.deepEqual(during.pending.map((w) => (w.kind === 'patch' ? `${w.field}=${w.value}` : w.kind)), [
      'display_name=name-10',
      `external_cluster_id=${externalId}`,
    ]);

    await h.admin.clearFaults();
    await h.env.sleep('15 minutes'); // past the longest backoff
    const recovered = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0, {
      what: 'recovery',
    });
    assert.equal(recovered.failures, 0);
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.equal(sub.display_name, 'name-10');
    assert.equal(sub.external_cluster_id, externalId);
    const patches = await successfulPatches(clusterId);
    assert.equal(patches.length, 2, 'one display_name PATCH (the last name) and one external_cluster_id PATCH');
  });

  it('registration during an outage answers "pending", then the same call answers the id once AMS is back', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'outage' });
    await assert.rejects(
      h.lifecycle.registerCluster({ clusterId, displayName: 'late', accountUsername: 'alice' }),
      (e: Error) => e instanceof RegistrationPendingError && /still retrying|not created yet/.test(e.message),
    );
    await h.lifecycle.renameCluster(clusterId, 'renamed-during-outage');
    await h.env.sleep('2 days');
    await h.admin.clearFaults();
    await h.env.sleep('15 minutes');
    const { subscriptionId } = await eventually(
      () => h.lifecycle.registerCluster({ clusterId, displayName: 'late', accountUsername: 'alice' }),
      () => true,
      { what: 'registration after the outage' },
    );
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'renamed-during-outage', {
      what: 'rename sent during the outage to land',
    });
  });

  it('429 with Retry-After: the next attempt waits at least that long', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'r0', accountUsername: 'alice' });
    await h.admin.addFault({ kind: 'rate_limit', route: SUBSCRIPTION, method: 'PATCH', retryAfterSeconds: 3600, count: 1 });
    await h.lifecycle.renameCluster(clusterId, 'r1');
    // Faulted requests never reach a handler, so they are found by path rather than cluster_id.
    const path = `/api/accounts_mgmt/v1/subscriptions/${subscriptionId}`;
    await eventually(
      () => h.admin.requests({ path, method: 'PATCH' }),
      (entries) => entries.some((e) => e.status === 429),
      { what: 'the 429' },
    );
    await h.env.sleep('50 minutes');
    assert.equal((await successfulPatches(clusterId)).length, 0, 'no retry before Retry-After has passed');
    await h.env.sleep('15 minutes');
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'r1', { what: 'the retried PATCH' });
    const tries = await h.admin.requests({ path, method: 'PATCH' });
    assert.deepEqual(tries.map((e) => e.status), [429, 200]);
  });
});

describe('the service\'s own credentials', () => {
  it('a wrong client secret keeps retrying and shows as the last error; rotating the secret file fixes it without a restart', async () => {
    const local = await startLifecycleHarness({ startWorker: false, registrationWaitSeconds: 1 });
    const dir = await mkdtemp(join(tmpdir(), 'ams-secret-'));
    try {
      const secretFile = join(dir, 'client-secret');
      await writeFile(secretFile, 'wrong-secret\n');
      const config = loadWorkerConfig({
        AMS_URL: local.emulator.url,
        AMS_TOKEN_URL: local.emulator.tokenUrl,
        AMS_CLIENT_ID: local.emulator.credentials.clientId,
        AMS_CLIENT_SECRET_FILE: secretFile,
      });
      await local.startWorker(createAmsClient({ ...config.ams }));
      const clusterId = newClusterId();
      await assert.rejects(
        local.lifecycle.registerCluster({ clusterId, displayName: 'creds', accountUsername: 'alice' }),
        RegistrationPendingError,
      );
      const state = await eventually(
        () => local.lifecycle.getClusterState(clusterId),
        (s) => s.lastError !== undefined,
        { what: 'the credentials error to reach the workflow' },
      );
      assert.equal(state.lastError?.category, 'credentials');
      assert.equal(state.lastError?.status, 401);
      assert.equal(state.phase, 'registered', 'credentials errors never end the run');
      await local.env.sleep('1 hour');
      const stillFailing = await local.lifecycle.getClusterState(clusterId);
      assert.equal(stillFailing.subscriptionId, undefined);
      assert.ok(stillFailing.failures >= 2, 'kept retrying with backoff');

      await writeFile(secretFile, `${local.emulator.credentials.clientSecret}\n`); // the operator rotates the secret
      await local.env.sleep('15 minutes');
      const { subscriptionId } = await eventually(
        () => local.lifecycle.registerCluster({ clusterId, displayName: 'creds', accountUsername: 'alice' }),
        () => true,
        { what: 'registration with the fixed secret' },
      );
      assert.equal((await local.ams.getSubscription(subscriptionId)).display_name, 'creds');
      const history = JSON.stringify(await local.lifecycle.handle(clusterId).fetchHistory());
      const view = JSON.stringify(await local.lifecycle.getClusterState(clusterId));
      for (const text of [history, view]) {
        assert.doesNotMatch(text, /wrong-secret|emulator-secret/, 'no secret in the history or the state');
      }
    } finally {
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
