// AMS_MAX_ACTIVITIES_PER_SECOND becomes Temporal's task-queue activity rate limit: the
// server paces a burst of AMS activities, whatever number of workers polls the queue.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { createClusterWorker } from '../worker/create-worker.js';
import { eventually, startLifecycleHarness, workflowBundle, type LifecycleHarness } from './helpers/lifecycle-harness.js';

const RATE = 2;
const CLUSTERS = 8;

describe('AMS rate limit across the task queue (dev server)', () => {
  let h: LifecycleHarness;
  let worker: Worker;
  let running: Promise<void>;
  before(async () => {
    h = await startLifecycleHarness({ server: 'dev', startWorker: false });
    worker = await createClusterWorker({
      connection: h.env.nativeConnection,
      namespace: h.env.namespace ?? 'default',
      taskQueue: h.taskQueue,
      ams: h.ams,
      workflowBundle: await workflowBundle(),
      maxTaskQueueActivitiesPerSecond: RATE,
      maxCachedWorkflows: 7,
    });
    running = worker.run();
  });
  after(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await h.close();
  });

  it('reaches the worker, without eager activities (they would bypass the queue)', () => {
    assert.equal(worker.options.maxTaskQueueActivitiesPerSecond, RATE);
    assert.equal(worker.options.maxEagerActivityReservationsPerWorkflowTask, 0);
    // WORKER_MAX_CACHED_WORKFLOWS travels the same way.
    assert.equal(worker.options.maxCachedWorkflows, 7);
  });

  it(`paces a burst of ${CLUSTERS} registrations to about ${RATE} activities per second`, async () => {
    const ids: string[] = Array.from({ length: CLUSTERS }, () => randomUUID());
    await Promise.all(ids.map((id) => h.startRun(id)));
    const posts = await eventually(
      async () => (await h.admin.requests({ method: 'POST' })).filter((e) => e.cluster_id !== undefined && ids.includes(e.cluster_id)),
      (entries) => new Set(entries.map((e) => e.cluster_id)).size === CLUSTERS,
      { what: 'every registration reached AMS', timeoutMs: 60_000 },
    );
    const times = posts.map((e) => Date.parse(e.time)).sort((a, b) => a - b);
    // A lower bound only (a slow machine makes it longer, never shorter): after the
    // limiter's first burst of about RATE, the rest come at RATE per second.
    const spanMs = times.at(-1)! - times[0]!;
    assert.ok(spanMs >= ((CLUSTERS - 2 * RATE) / RATE) * 1000, `${CLUSTERS} registrations reached AMS within ${spanMs} ms`);
  });
});
