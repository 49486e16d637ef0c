// Worker Deployment Versioning on a real server: a deploy never moves a running
// cluster run onto other code. Runs started on version A stay on A while B is current
// (A's workers apply their signals), move to B at their next continue-as-new (the
// target-changed one once nothing is owed, an idle run woken by versionCheck, or the
// history-length one, owed work and all), and once A has no pinned run its workers
// stop without anything being lost. Also: the first versioned deploy, an operator's
// override, and a query of a run closed on A.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalCluster, type TemporalCluster } from '../scripts/cluster/temporal-cluster.js';
import { after, before, describe, it } from 'node:test';
import proto from '@temporalio/proto';
import type { AmsClient } from '../ams/types.js';
import { LifecycleTimeoutError } from '../client/index.js';
import { createClusterWorker } from '../worker/create-worker.js';
import { workflowIdForCluster, type WorkflowResult } from '../workflows/definitions.js';
import { SWEEPER_WORKFLOW_TYPE } from '../workflows/sweeper-definitions.js';
import { eventually, newClusterId, startLifecycleHarness, workflowBundle, type LifecycleHarness } from './helpers/lifecycle-harness.js';

const { temporal } = proto;
const PINNED = temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
const PINNED_OVERRIDE = temporal.api.workflow.v1.VersioningOverride.PinnedOverrideBehavior.PINNED_OVERRIDE_BEHAVIOR_PINNED;
const WORKFLOW_TASK_COMPLETED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
const WORKFLOW_SIGNALED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;

/**
 * Upgrade on continue-as-new needs a server that knows the target-changed flag and the
 * continue-as-new's initial versioning behavior: server 1.32.1 does, as the dev server
 * (scripts/devserver/) and as the production-shaped cluster (scripts/cluster/); server
 * 1.29.1 (the Temporal CLI 1.5.1 dev server) did not (pinned runs kept their version).
 */
const SERVERS = ['dev', 'cluster'] as const;

for (const server of SERVERS) versioningSuite(server);

function versioningSuite(server: 'dev' | 'cluster'): void {
  let h: LifecycleHarness;
  let cluster: TemporalCluster | undefined;
  let stopCluster = async () => undefined as void;
  const deploymentName = `ams-lifecycle-${randomUUID().slice(0, 8)}`;
  /** AMS calls per build id: which version's worker ran each activity. */
  const calls: Record<string, string[]> = { A: [], B: [] };
  const workers: Record<string, { stop(): Promise<void> }> = {};

  /** The worker's AMS client, recording every call it makes under its build id. */
  function recording(buildId: string): AmsClient {
    return new Proxy(h.ams, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls[buildId]!.push(String(name));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  async function startVersionedWorker(buildId: string): Promise<void> {
    const worker = await createClusterWorker({
      connection: h.env.nativeConnection,
      namespace: h.env.namespace ?? 'default',
      taskQueue: h.taskQueue,
      ams: recording(buildId),
      workflowBundle: await workflowBundle(),
      deployment: { deploymentName, buildId },
    });
    const running = worker.run();
    workers[buildId] = {
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  }

  /** What an operator does with `temporal worker deployment set-current-version` (the version exists once its workers poll). */
  async function makeCurrent(buildId: string): Promise<void> {
    const namespace = h.env.namespace ?? 'default';
    await eventually(
      () => h.env.client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName, buildId, identity: 'versioning-test' }),
      () => true,
      { what: `${buildId} made current`, timeoutMs: 30_000, intervalMs: 500 },
    );
    const described = await h.env.client.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    assert.equal(described.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId, buildId);
  }

  /** The latest run of a cluster's workflow: its run id and the version it is pinned to. */
  async function versionOf(clusterId: string) {
    const description = await h.lifecycle.handle(clusterId).describe();
    const info = description.raw.workflowExecutionInfo?.versioningInfo;
    return { runId: description.runId, behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
  }

  /** Running cluster runs pinned to a build, as the deploy README's drain query counts them; with `expected`, waited for (visibility lags). */
  async function pinnedRuns(buildId: string, expected?: number): Promise<number> {
    if (expected !== undefined) return eventually(() => pinnedRuns(buildId), (n) => n === expected, { what: `${expected} runs pinned to ${buildId}` });
    const query = `WorkflowType = 'clusterSubscription' AND ExecutionStatus = 'Running' AND TemporalWorkerDeploymentVersion = '${deploymentName}:${buildId}'`;
    return (await h.env.client.workflow.count(query)).count;
  }

  /** Running runs of this test's task queue still unversioned (deploy/README.md, the first versioned deploy). */
  const unversionedRuns = async () =>
    (await h.env.client.workflow.count(`TemporalWorkerDeploymentVersion IS NULL AND ExecutionStatus = 'Running' AND TaskQueue = '${h.taskQueue}'`)).count;
  const subscription = (id: string) => h.ams.getSubscription(id);
  /** `temporal workflow update-options --versioning-override-*`: pin a run to a build, or (undefined) remove the override. */
  async function override(clusterId: string, buildId: string | undefined): Promise<void> {
    await h.env.client.workflowService.updateWorkflowExecutionOptions({
      namespace: h.env.namespace ?? 'default',
      workflowExecution: { workflowId: workflowIdForCluster(clusterId) },
      workflowExecutionOptions: buildId ? { versioningOverride: { pinned: { behavior: PINNED_OVERRIDE, version: { deploymentName, buildId } } } } : {},
      updateMask: { paths: ['versioning_override'] },
      identity: 'versioning-test',
    });
  }
  /** The type of the latest run's last history event. */
  /**
   * Sends versionCheck and waits until a workflow task completed after it. (The last event
   * is not that: the task's own commands, a timer say, may follow its completion.)
   */
  async function versionCheckHandled(clusterId: string): Promise<void> {
    const events = async () => (await h.lifecycle.handle(clusterId).fetchHistory()).events ?? [];
    const signaled = (list: Awaited<ReturnType<typeof events>>) => list.filter((e) => e.eventType === WORKFLOW_SIGNALED).length;
    const before = signaled(await events());
    await h.lifecycle.handle(clusterId).signal('versionCheck');
    await eventually(
      events,
      (list) => {
        const at = list.map((e) => e.eventType).lastIndexOf(WORKFLOW_SIGNALED);
        return signaled(list) > before && list.slice(at + 1).some((e) => e.eventType === WORKFLOW_TASK_COMPLETED);
      },
      { what: 'the versionCheck signal handled' },
    );
  }
  const SUBSCRIPTION = '/api/accounts_mgmt/v1/subscriptions/:id';

  describe(`worker deployment versioning [${server} server]`, () => {
    before(async () => {
      if (server === 'cluster') {
        const dataDir = mkdtempSync(join(tmpdir(), 'versioning-cluster-'));
        cluster = await startTemporalCluster({ dataDir });
        stopCluster = async () => {
          await cluster?.stop();
          rmSync(dataDir, { recursive: true, force: true });
        };
      }
      h = await startLifecycleHarness(cluster ? { server: 'cluster', cluster, startWorker: false } : { server: 'dev', startWorker: false });
    });
    after(async () => {
      for (const worker of Object.values(workers)) await worker.stop();
      await h?.close();
      await stopCluster();
    });

    const clusters = { legacy: newClusterId(), busy: newClusterId(), idle: newClusterId(), long: newClusterId() };
    /** Held on A, then moved to B, by an operator's pinned override. */
    const held = newClusterId();
    /** Deleted while on A: a closed run pinned to A. */
    const gone = newClusterId();
    const subscriptions: Record<string, string> = {};
    let unversioned: { stop(): Promise<void> } | undefined;

    it('unversioned, as before: a run continues as new (its next run asks for the target version) and keeps working', async () => {
      const clusterId = clusters.legacy;
      unversioned = await h.startWorker(); // the service as it ran before versioning
      await h.startRun(clusterId, { displayName: 'legacy-0', maxHistoryEvents: 30 });
      ({ subscriptionId: subscriptions[clusterId] } = await h.lifecycle.registerCluster({ clusterId, displayName: 'legacy-0', accountUsername: 'alice' }));
      for (let i = 1; (await h.lifecycle.getClusterState(clusterId)).continuedAsNew === 0; i++) {
        assert.ok(i <= 10, 'continued as new within 10 renames');
        await h.lifecycle.renameCluster(clusterId, `legacy-${i}`);
        await eventually(() => subscription(subscriptions[clusterId]!), (s) => s.display_name === `legacy-${i}`, { what: `rename ${i}` });
      }
      assert.equal((await versionOf(clusterId)).buildId, undefined, 'no version');
    });

    it("the first versioned deploy: A's workers get nothing until A is current; then the unversioned run's next task runs on A, which pins it", async () => {
      await startVersionedWorker('A');
      // Polling is not enough: until A is current, the unversioned workers run everything.
      await h.lifecycle.renameCluster(clusters.legacy, 'legacy-before-A');
      await eventually(() => subscription(subscriptions[clusters.legacy]!), (s) => s.display_name === 'legacy-before-A', { what: 'rename' });
      assert.equal(calls.A!.length, 0, "A's worker made no AMS call");
      await makeCurrent('A');
      assert.equal(await unversionedRuns(), 1);
      await unversioned!.stop();
      await h.lifecycle.renameCluster(clusters.legacy, 'legacy-on-A');
      await eventually(() => subscription(subscriptions[clusters.legacy]!), (s) => s.display_name === 'legacy-on-A', { what: 'rename on A' });
      assert.ok(calls.A!.includes('patchSubscription'), "A's worker sent the PATCH");
      // Described as auto-upgrade for a moment after the move (seen once on the cluster), then pinned.
      await eventually(() => versionOf(clusters.legacy), (v) => v.buildId === 'A' && v.behavior === PINNED, { what: 'pinned to A' });
      await eventually(unversionedRuns, (n) => n === 0, { what: 'no unversioned run left' });
    });

    it('a run started on A is pinned to A', async () => {
      await h.startRun(clusters.busy, { displayName: 'busy-0', maxHistoryEvents: 60 });
      for (const clusterId of [clusters.busy, clusters.idle, clusters.long, held, gone]) {
        const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'v-0', accountUsername: 'alice' });
        subscriptions[clusterId] = subscriptionId;
        const version = await eventually(() => versionOf(clusterId), (v) => v.buildId === 'A', { what: 'pinned to A' });
        assert.equal(version.behavior, PINNED);
      }
      assert.equal(await pinnedRuns('A', 6), 6);
      await h.lifecycle.deleteCluster(gone, 'user');
      assert.equal(((await h.lifecycle.handle(gone).result()) as WorkflowResult).deletion?.outcome, 'deleted');
      assert.equal(await pinnedRuns('A', 5), 5, 'the closed run no longer counts');
      assert.ok(calls.A!.includes('createClusterAuthorization'));
    });

    it("with B current, a run pinned to A stays there while it owes AMS work: A's worker applies it, then the run moves to B", async () => {
      await startVersionedWorker('B');
      await makeCurrent('B');
      const before = await versionOf(clusters.long);
      calls.A = [];
      // AMS holds the PATCH for 4 s: the rename is owed, then in flight, and the run must wait.
      await h.admin.addFault({ kind: 'latency', route: SUBSCRIPTION, method: 'PATCH', latencyMs: 4_000, count: 1 });
      await h.lifecycle.renameCluster(clusters.long, 'long-1');
      await eventually(async () => calls.A!, (c) => c.includes('patchSubscription'), { what: "A's worker sending the PATCH" });
      assert.deepEqual(await versionOf(clusters.long), before, 'the same run, still on A, while its PATCH is in flight');
      await eventually(() => subscription(subscriptions[clusters.long]!), (s) => s.display_name === 'long-1', { what: 'rename applied' });
      assert.deepEqual(calls.B, [], "B's worker made no AMS call for a run pinned to A");
      const now = await eventually(() => versionOf(clusters.long), (v) => v.buildId === 'B', { what: 'long moved to B' });
      assert.notEqual(now.runId, before.runId, 'a new run (continue-as-new), not the old run moved mid-history');
      assert.equal(now.behavior, PINNED, 'pinned again, now to B');
      const state = await h.lifecycle.getClusterState(clusters.long);
      assert.equal(state.applied.display_name, 'long-1');
      assert.equal(state.continuedAsNew, 1);
    });

    it('idle runs move to B when woken by the versionCheck signal, without an AMS call', async () => {
      for (const clusterId of [clusters.idle, clusters.legacy]) {
        const before = await versionOf(clusterId);
        assert.equal(before.buildId, 'A', 'nothing woke it yet');
        const [a, b] = [calls.A!.length, calls.B!.length];
        await h.lifecycle.handle(clusterId).signal('versionCheck');
        const now = await eventually(() => versionOf(clusterId), (v) => v.buildId === 'B', { what: 'idle moved to B' });
        assert.notEqual(now.runId, before.runId);
        assert.deepEqual([calls.A!.length, calls.B!.length], [a, b], 'the hand-over made no AMS call');
      }
    });

    it("an operator's pinned override holds a run (it is not flagged) and moves it mid-run (an urgent fix); removed, the run stays where it is", async () => {
      for (let i = 0; i < 3; i++) {
        await override(held, 'A');
        await versionCheckHandled(held);
      }
      const onA = await versionOf(held);
      assert.equal(onA.buildId, 'A');
      assert.equal((await h.lifecycle.getClusterState(held)).continuedAsNew, 0, 'held: no hand-over');
      await override(held, 'B'); // the run's history now replays on B's code: only for patched() fixes
      await h.lifecycle.renameCluster(held, 'held-on-B');
      await eventually(() => subscription(subscriptions[held]!), (s) => s.display_name === 'held-on-B', { what: 'rename on B' });
      await override(held, undefined);
      await versionCheckHandled(held);
      assert.deepEqual(await versionOf(held), { runId: onA.runId, behavior: PINNED, buildId: 'B' }, 'the same run, pinned to B');
    });

    it('a run that owes AMS work (AMS down) moves at its history-length continue-as-new, and B applies the work', async () => {
      const before = await versionOf(clusters.busy);
      let last = '';
      await h.admin.addFault({ kind: 'outage', route: SUBSCRIPTION, method: 'PATCH' });
      try {
        // Renames grow the history past its 60 events while every PATCH fails: the rename stays owed.
        for (let i = 1; (await versionOf(clusters.busy)).runId === before.runId; i++) {
          assert.ok(i <= 40, 'continued as new within 40 renames');
          last = `busy-${i}`;
          await h.lifecycle.renameCluster(clusters.busy, last);
          await new Promise((r) => setTimeout(r, 200));
        }
        const moved = await eventually(() => versionOf(clusters.busy), (v) => v.buildId === 'B', { what: 'the next run on B' });
        assert.equal(moved.behavior, PINNED);
        assert.equal((await subscription(subscriptions[clusters.busy]!)).display_name, 'busy-0', 'nothing applied during the outage');
      } finally {
        await h.admin.clearFaults();
      }
      calls.A = [];
      calls.B = [];
      await eventually(() => subscription(subscriptions[clusters.busy]!), (s) => s.display_name === last, { what: 'the owed rename applied' });
      assert.deepEqual([calls.A.includes('patchSubscription'), calls.B.includes('patchSubscription')], [false, true], "B's worker sent it");
    });

    it("A has no pinned run left: its workers stop and B applies everything after", async () => {
      assert.equal(await pinnedRuns('A', 0), 0, 'A drained');
      assert.equal(await pinnedRuns('B', 5), 5);
      await workers.A!.stop();
      // A closed run is pinned too: only A's workers answer its query (deploy/README.md: keep one for the retention if that matters).
      // The client's deadline or the server's query timeout, whichever comes first.
      await assert.rejects(h.lifecycle.getClusterState(gone), (e) => e instanceof LifecycleTimeoutError || /Failed to query Workflow/.test(String(e)));
      calls.B = [];
      for (const clusterId of [...Object.values(clusters), held]) {
        await h.lifecycle.renameCluster(clusterId, 'after-A');
        await h.lifecycle.setOpenshiftClusterId(clusterId, clusterId);
        await h.lifecycle.markInstalled(clusterId);
      }
      for (const clusterId of [...Object.values(clusters), held]) {
        const sub = await eventually(() => subscription(subscriptions[clusterId]!), (s) => s.status === 'Active', { what: `${clusterId} Active` });
        assert.deepEqual([sub.display_name, sub.external_cluster_id], ['after-A', clusterId]);
        await h.lifecycle.deleteCluster(clusterId, 'user');
        const result = (await h.lifecycle.handle(clusterId).result()) as WorkflowResult;
        assert.equal(result.deletion?.outcome, 'left-untouched');
      }
      assert.ok(calls.B.includes('patchSubscription'));
    });

    it('a sweep starts on the current version and is pinned there, like a cluster run', async () => {
      const handle = await h.env.client.workflow.start(SWEEPER_WORKFLOW_TYPE, {
        taskQueue: h.taskQueue,
        workflowId: `sweep-${randomUUID()}`,
        args: [{}],
      });
      await handle.result();
      const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
      assert.deepEqual([info?.behavior, info?.deploymentVersion?.buildId], [PINNED, 'B']);
    });
  });
}
