// What the installer's calls answer where the server, not the workflow, decides:
// registration across continue-as-new, closed runs, races, cluster id case. Run on
// the real dev server and on the test server.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import { ClusterDeletedError, ClusterLifecycleClient, RegistrationPendingError, RegistrationRefusedError } from '../client/index.js';
import { workflowIdForCluster, type WorkflowResult } from '../workflows/definitions.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const register = (clusterId: string, displayName = 'reg') =>
  h.lifecycle.registerCluster({ clusterId, displayName, accountUsername: 'alice' });

/** Starts the run the way the installer's first registration does, with a short history limit. */
const startShortRun = (clusterId: string, maxHistoryEvents: number) => h.startRun(clusterId, { displayName: 'reg', maxHistoryEvents });

describeOnServers('registration', { registrationWaitSeconds: 5 }, use, () => {
  it('registering again after the run continued as new answers the same subscription, never a refusal', async () => {
    const clusterId = newClusterId();
    await startShortRun(clusterId, 40);
    const { subscriptionId } = await register(clusterId);
    for (let i = 1; i <= 8; i++) await h.lifecycle.renameCluster(clusterId, `reg-${i}`);
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.continuedAsNew >= 1 && s.pending.length === 0, {
      what: 'a continue-as-new',
    });
    const again = await register(clusterId);
    assert.equal(again.subscriptionId, subscriptionId);
  });

  it('a run that closed as deleted is reported as deleted, not refused, and registering it never blocks', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    await h.lifecycle.deleteCluster(clusterId, 'user');
    await h.lifecycle.handle(clusterId).result();
    const error = await register(clusterId).then(
      () => assert.fail('a deleted cluster cannot register again'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ClusterDeletedError, String(error));
  });

  it('two registrations racing after a refusal both get an answer (no wait on a run that stays open)', async () => {
    const clusterId = newClusterId();
    await h.admin.setQuota({ max_clusters: 0, status: 403 });
    try {
      await assert.rejects(register(clusterId), RegistrationRefusedError);
    } finally {
      await h.admin.setQuota({ max_clusters: null });
    }
    const answers = await Promise.all([register(clusterId), register(clusterId)]);
    assert.equal(answers[0].subscriptionId, answers[1].subscriptionId);
    const runs = await h.lifecycle.handle(clusterId).describe();
    assert.equal(runs.status.name, 'RUNNING');
  });

  it('a registration that finds the run closed while another one starts a new run answers, never waits on that run', async () => {
    const clusterId = newClusterId();
    await register(clusterId);
    await h.lifecycle.handle(clusterId).terminate('operator cleanup');
    // Between this call's failed start (the run is closed) and its next step, another
    // registration starts a fresh run, which stays open for the cluster's whole life.
    let raced = false;
    const raceOnce = async <T>(next: () => Promise<T>): Promise<T> => {
      try {
        return await next();
      } catch (error) {
        if (!raced && error instanceof WorkflowExecutionAlreadyStartedError) {
          raced = true;
          await startShortRun(clusterId, 5_000).catch(() => undefined);
        }
        throw error;
      }
    };
    const racer: WorkflowClientInterceptor = {
      start: (input, next) => raceOnce(() => next(input)),
      startWithDetails: (input, next) => raceOnce(() => next(input)),
      startUpdateWithStart: (input, next) => raceOnce(() => next(input)),
    };
    const client = new Client({ connection: h.env.client.connection, interceptors: { workflow: [racer] } });
    const lifecycle = new ClusterLifecycleClient({ client, taskQueue: h.taskQueue, registrationWaitSeconds: 5, callTimeoutMs: 5_000 });
    const { subscriptionId } = await lifecycle.registerCluster({ clusterId, displayName: 'reg', accountUsername: 'alice' });
    assert.ok(raced, 'the race happened');
    assert.equal((await h.ams.getSubscription(subscriptionId)).cluster_id, clusterId);
  });

  it('a registration waiting for AMS does not hold up a continue-as-new: the next run takes the wait over', async () => {
    const clusterId = newClusterId();
    await h.admin.addFault({ kind: 'outage', route: '/api/accounts_mgmt/v1/cluster_authorizations', method: 'POST' });
    try {
      const first = await startShortRun(clusterId, 20);
      const patient = new ClusterLifecycleClient({ client: h.env.client, taskQueue: h.taskQueue, registrationWaitSeconds: 40 });
      const started = Date.now();
      let settledAt: number | undefined;
      const waiting = patient.registerCluster({ clusterId, displayName: 'reg', accountUsername: 'alice' }).then(
        () => 'answered',
        (e: unknown) => e,
      ).finally(() => (settledAt = Date.now()));
      // Signals grow the history past the limit; the loop wants to hand over after its
      // first backoff (about 10 s), long before the registration's 40 s are up.
      for (let i = 0; i < 8; i++) await h.lifecycle.renameCluster(clusterId, `reg-${i}`);
      const moved = await eventually(() => h.lifecycle.handle(clusterId).describe(), (d) => d.runId !== first.firstExecutionRunId, {
        what: 'the hand-over while the registration waits',
        timeoutMs: 30_000,
        intervalMs: 500,
      });
      assert.equal(settledAt, undefined, `the registration still waits when the run hands over (${Date.now() - started} ms)`);
      assert.notEqual(moved.runId, first.firstExecutionRunId);
      const outcome = await waiting;
      assert.ok(outcome instanceof RegistrationPendingError, `still pending after its whole wait: AMS is down (${String(outcome)})`);
    } finally {
      await h.admin.clearFaults();
    }
    await eventually(() => register(clusterId), () => true, { what: 'the registration once AMS is back', timeoutMs: 60_000 });
  });

  it('an upper-case cluster id is the same cluster as its lower-case form', async () => {
    const clusterId = newClusterId();
    const { subscriptionId, workflowId } = await register(clusterId.toUpperCase());
    assert.equal(workflowId, workflowIdForCluster(clusterId));
    assert.equal((await register(clusterId)).subscriptionId, subscriptionId);
    const sub = await h.ams.getSubscription(subscriptionId);
    assert.equal(sub.cluster_id, clusterId, 'AMS holds the lower-case id, which a cluster_id search finds');
    await h.lifecycle.renameCluster(clusterId.toUpperCase(), 'upper');
    await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'upper', { what: 'the rename' });
  });

  it('after an operator terminated the run, deleteCluster still deletes the Reserved subscription', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.handle(clusterId).terminate('operator cleanup');
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId, 'garbage-collection'), { alreadyDeleted: false });
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
  });

  it('after an operator cancelled the run, deleteCluster still deletes the Reserved subscription', async () => {
    const clusterId = newClusterId();
    const { subscriptionId } = await register(clusterId);
    await h.lifecycle.handle(clusterId).cancel();
    await assert.rejects(h.lifecycle.handle(clusterId).result(), { name: 'WorkflowFailedError' });
    assert.deepEqual(await h.lifecycle.deleteCluster(clusterId, 'user'), { alreadyDeleted: false });
    const done = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
    assert.equal(done.deletion?.outcome, 'deleted');
    await assert.rejects(h.ams.getSubscription(subscriptionId), { status: 404 });
  });
});
