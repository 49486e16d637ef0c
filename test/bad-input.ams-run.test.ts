// Bad input matrix, AMS answers played to real workflow runs (emulator `answer`
// faults on the run's own subscription, so rows run side by side): each row names
// the answer and what the run does with it. Nothing may be lost or refused: the run
// stays RUNNING, records a transient (or credentials) error, retries, and AMS ends
// as the installer asked. bad-input.ams-client.test.ts has the exact client errors.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ClusterLifecycleClient, RegistrationPendingError } from '../client/index.js';
import type { FaultRuleInput } from '../emulator/index.js';
import type { ClusterStateView, WorkflowResult } from '../workflows/definitions.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const API = '/api/accounts_mgmt/v1';
const PROXY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>';
const OCM_ERROR = JSON.stringify({ kind: 'Error', id: '9', href: `${API}/errors/9`, code: 'ACCT-MGMT-9', reason: 'database is down' });

const register = (clusterId: string, lifecycle = h.lifecycle) => lifecycle.registerCluster({ clusterId, displayName: 'answers', accountUsername: 'alice' });
const state = (clusterId: string, lifecycle = h.lifecycle) => lifecycle.getClusterState(clusterId);
const running = async (clusterId: string) => assert.equal((await h.lifecycle.handle(clusterId).describe()).status.name, 'RUNNING');
/** `count` answers for this one subscription (all three quick attempts of an activity when 3). */
const answerFor = (subscriptionId: string, method: string, status: number, contentType: string, body: string, count: number, headers?: Record<string, string>) =>
  h.admin.addFault({ kind: 'answer', route: `${API}/subscriptions/${subscriptionId}`, method, status, contentType, body, count, ...(headers ? { headers } : {}) } as FaultRuleInput);
const statuses = async (subscriptionId: string, method: string) =>
  (await h.admin.requests({ path: `${API}/subscriptions/${subscriptionId}`, method })).map((e) => e.status);

/** The run recorded this transient error for the step, kept retrying, and AMS got the rename anyway. */
async function renameSurvives(clusterId: string, subscriptionId: string, name: string, message: RegExp): Promise<ClusterStateView> {
  await h.lifecycle.renameCluster(clusterId, name);
  const failed = await eventually(() => state(clusterId), (s) => s.lastError !== undefined, { what: 'the failed PATCH', timeoutMs: 30_000 });
  assert.deepEqual([failed.lastError?.operation, failed.lastError?.category], ['patch', 'transient']);
  assert.match(failed.lastError?.message ?? '', message);
  await running(clusterId);
  await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === name, { what: 'the retried PATCH', timeoutMs: 40_000 });
  const after = await eventually(() => state(clusterId), (s) => s.applied.display_name === name, { what: 'the run to see it applied' });
  assert.deepEqual([after.refusedValues, after.phase], [{}, 'registered'], 'nothing refused, nothing else changed');
  return after;
}

describeOnServers('bad AMS answers to a real run', {}, use, (server) => {
  it("a proxy's 502 HTML page to the registration POST: retried at once; the call answers the one subscription AMS holds", async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'answer', route: `${API}/cluster_authorizations`, method: 'POST', status: 502, contentType: 'text/html', body: PROXY_PAGE, count: 1 });
    const { subscriptionId } = await register(clusterId);
    const held = (await h.admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId);
    assert.deepEqual(held.map((s) => s.id), [subscriptionId]);
    const posts = await h.admin.requests({ path: `${API}/cluster_authorizations`, method: 'POST' });
    assert.deepEqual(posts.slice(-2).map((e) => e.status), [502, 200]);
  });

  // Each row below faults only its own subscription: on the dev server they run side by
  // side. Not on the time-skipping server: a row awaiting `result()` unlocks time skipping
  // for the whole server while other rows wait in real time for a loop backoff to end;
  // a CI run had all three PATCH rows time out there with no retried PATCH at all.
  describe('answers to one subscription', { concurrency: server === 'dev' }, () => {
    it('PATCH answered 200 with malformed JSON (3 times): transient error naming the body; retried; the rename lands', async () => {
      const clusterId = newClusterId();
      const { subscriptionId } = await register(clusterId);
      await answerFor(subscriptionId, 'PATCH', 200, 'application/json', '{"id": "x", "display_name": ', 3);
      await renameSurvives(clusterId, subscriptionId, 'after-garbage', /answered 200 with an invalid body: \(body\): expected a JSON document, got unparsable text$/);
    });

    it('PATCH answered 200 with a wrong type (status 5): transient error naming status; retried; the rename lands', async () => {
      const clusterId = newClusterId();
      const { subscriptionId } = await register(clusterId);
      const current = await h.ams.getSubscription(subscriptionId);
      await answerFor(subscriptionId, 'PATCH', 200, 'application/json', JSON.stringify({ ...current, status: 5 }), 3);
      await renameSurvives(clusterId, subscriptionId, 'after-wrong-type', /invalid body: status: expected string, got 5$/);
    });

    it('PATCH answered 200 with an OCM error body: transient, never a refused value; retried; the rename lands', async () => {
      const clusterId = newClusterId();
      const { subscriptionId } = await register(clusterId);
      await answerFor(subscriptionId, 'PATCH', 200, 'application/json', OCM_ERROR, 3);
      await renameSurvives(clusterId, subscriptionId, 'after-error-body', /invalid body: kind: expected one of Subscription\|SubscriptionLink, got "Error"/);
    });

    it('PATCH answered 200 with an unknown status value (Reclaimed): kept as AMS says it; no error, no retry', async () => {
      const clusterId = newClusterId();
      const { subscriptionId } = await register(clusterId);
      const current = await h.ams.getSubscription(subscriptionId);
      await answerFor(subscriptionId, 'PATCH', 200, 'application/json', JSON.stringify({ ...current, display_name: 'reclaimed', status: 'Reclaimed' }), 1);
      await h.lifecycle.renameCluster(clusterId, 'reclaimed');
      const seen = await eventually(() => state(clusterId), (s) => s.applied.display_name === 'reclaimed', { what: 'the PATCH' });
      assert.deepEqual([seen.ams?.status, seen.lastError, seen.failures], ['Reclaimed', undefined, 0]);
      assert.deepEqual(await statuses(subscriptionId, 'PATCH'), [200], 'one PATCH, not retried');
      await running(clusterId);
    });

    it("the read before a DELETE answered 200 with an OCM error body: retried; the Reserved subscription is deleted", async () => {
      const clusterId = newClusterId();
      const { subscriptionId } = await register(clusterId);
      await answerFor(subscriptionId, 'GET', 200, 'application/json', OCM_ERROR, 1);
      await h.lifecycle.deleteCluster(clusterId, 'user');
      const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
      assert.equal(done.deletion?.outcome, 'deleted');
      await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
    });

    it("DELETE answered 200 with a proxy's HTML page: not taken for done; retried; the subscription is really deleted", async () => {
      const clusterId = newClusterId();
      const { subscriptionId } = await register(clusterId);
      await answerFor(subscriptionId, 'DELETE', 200, 'text/html', '<html><body>Please log in</body></html>', 1);
      await h.lifecycle.deleteCluster(clusterId, 'user');
      const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
      assert.equal(done.deletion?.outcome, 'deleted');
      assert.deepEqual(await statuses(subscriptionId, 'DELETE'), [200, 204], 'the page, then the real DELETE');
      await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 }, 'no Reserved subscription is left behind');
    });
  });

  it('429 with a 22-digit Retry-After to a PATCH, on a worker capped at 2 s: the next attempt comes after the cap, and lands', async () => {
    const taskQueue = `capped-${randomUUID()}`;
    await h.startWorker(h.amsClient({ maxRetryAfterSeconds: 2 }), taskQueue);
    const capped = new ClusterLifecycleClient({ client: h.env.client, taskQueue, registrationWaitSeconds: 10 });
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId, capped);
    await answerFor(subscriptionId, 'PATCH', 429, 'application/json', OCM_ERROR, 1, { 'Retry-After': '9999999999999999999999' });
    await capped.renameCluster(clusterId, 'after-rate-limit');
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'after-rate-limit', { what: 'the PATCH after the cap' });
    const tries = await h.admin.requests({ path: `${API}/subscriptions/${subscriptionId}`, method: 'PATCH' });
    assert.deepEqual(tries.map((e) => e.status), [429, 200]);
    const waited = Date.parse(tries[1]!.time) - Date.parse(tries[0]!.time);
    assert.ok(waited >= 1_900 && waited < 15_000, `waited ${waited} ms: the 2 s cap, not 1e22 s`);
  });

  it('AMS refuses the worker token (401 at the API): category credentials; the run keeps retrying and never fails, nothing is reserved', async () => {
    const taskQueue = `refused-${randomUUID()}`;
    await h.startWorker(h.amsClient({ auth: { kind: 'static-token', token: 'revoked-token' } }), taskQueue);
    const lifecycle = new ClusterLifecycleClient({ client: h.env.client, taskQueue, registrationWaitSeconds: 2 });
    const clusterId = newClusterId();
    await assert.rejects(register(clusterId, lifecycle), RegistrationPendingError);
    const failing = await eventually(() => state(clusterId, lifecycle), (s) => s.lastError !== undefined, { what: 'the 401', timeoutMs: 30_000 });
    assert.deepEqual([failing.lastError?.category, failing.lastError?.status, failing.phase, failing.subscriptionId], ['credentials', 401, 'registered', undefined]);
    if (h.server === 'time-skipping') {
      await h.env.sleep('1 hour');
      const later = await state(clusterId, lifecycle);
      assert.ok(later.failures >= 2 && later.subscriptionId === undefined, `still retrying after an hour (${later.failures} failures)`);
    }
    await running(clusterId);
    assert.equal((await h.admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId).length, 0, 'nothing reserved');
  });

  it('the token endpoint refuses the client secret: category credentials; once the operator fixes it, the next retry reserves it', async () => {
    const taskQueue = `rotated-${randomUUID()}`;
    let secret = 'wrong-secret';
    const { tokenUrl, credentials } = h.emulator;
    await h.startWorker(h.amsClient({ auth: { kind: 'client-credentials', tokenUrl, clientId: credentials.clientId, clientSecret: () => secret } }), taskQueue);
    const lifecycle = new ClusterLifecycleClient({ client: h.env.client, taskQueue, registrationWaitSeconds: 2 });
    const clusterId = newClusterId();
    await assert.rejects(register(clusterId, lifecycle), RegistrationPendingError);
    const failing = await eventually(() => state(clusterId, lifecycle), (s) => s.lastError !== undefined, { what: 'the refused secret', timeoutMs: 30_000 });
    assert.deepEqual([failing.lastError?.category, failing.lastError?.status], ['credentials', 401]);
    assert.match(failing.lastError?.message ?? '', /token endpoint POST .* answered 401 invalid_client/);
    secret = credentials.clientSecret; // the operator fixes the secret; the worker keeps running
    if (h.server === 'time-skipping') await h.env.sleep('15 minutes');
    const { subscriptionId } = await eventually(() => register(clusterId, lifecycle), () => true, { what: 'the registration', timeoutMs: 60_000 });
    assert.equal((await h.ams.getSubscription(subscriptionId)).display_name, 'answers');
    await running(clusterId);
  });
});
