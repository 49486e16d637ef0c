// 4. Worker memory: the process's RSS and the heap of the SDK's workflow threads, where
// the cached runs live (after a full GC, from the probe in the real worker's process),
// at rising numbers of open cluster runs, and per cached run; then every open run is
// woken (a rename each) while more are open than the cache holds: evictions, and what
// waking a run the cache had dropped costs against a cached one (from the histories:
// signal → its workflow task completed, and that task's time).
import { setTimeout as sleep } from 'node:timers/promises';
import { mapWithConcurrency } from '../demo/pool.js';
import { newClusterIds, PREPARE_CONCURRENCY, registerClusters, terminateRuns, waitFor } from './clusters.js';
import { metric, ratio, type Measurement, type Metric } from './measurement.js';
import type { BenchStack, BenchWorker } from './stack.js';
import { median, round, wakeCost } from './stats.js';

const MiB = 1024 * 1024;

interface Level {
  cached: number;
  rss: number;
  /** Summed over the workflow threads. */
  workflowHeap: number;
}
/** KiB per cached run from one level to another. */
const perRun = (from: Level, to: Level, what: 'workflowHeap' | 'rss') => round(ratio(to[what] - from[what], to.cached - from.cached) * 1024);
const SAMPLE = 50;

/** Wakes every run with a rename, oldest first; answers how long until each had patched AMS. */
async function wakeAll(stack: BenchStack, ids: readonly string[], timeoutMs: number): Promise<{ seconds: number }> {
  await stack.emulator.admin.clearRequests();
  const startedAt = Date.now();
  await mapWithConcurrency(ids, PREPARE_CONCURRENCY, (id) => stack.lifecycle.renameCluster(id, `woken-${id.slice(0, 8)}`));
  const doneAt = await waitFor('every woken run patches AMS', async () => (await stack.emulator.admin.requests({ method: 'PATCH' })).length >= ids.length, timeoutMs, 200);
  return { seconds: (doneAt - startedAt) / 1000 };
}

/**
 * Wakes each run alone (the next once its PATCH reached AMS) and reads the cost from its
 * history; the probe's evictions tell whether the cache had dropped it (then it replayed).
 */
async function wakeOneByOne(stack: BenchStack, worker: BenchWorker, ids: readonly string[], timeoutMs: number) {
  const costs = { replayed: [] as number[], cached: [] as number[], replayedWake: [] as number[], cachedWake: [] as number[], failedTasks: 0 };
  for (const id of ids) {
    await stack.lifecycle.renameCluster(id, `alone-${id.slice(0, 8)}`);
    await waitFor('the woken run patches AMS', async () => (await stack.emulator.admin.requests({ cluster_id: id, method: 'PATCH' })).length > 0, timeoutMs, 20);
  }
  const { evictedForRoom = {} } = await worker.stats({ evicted: true });
  await mapWithConcurrency(ids, 8, async (id) => {
    const handle = stack.client.workflow.getHandle(stack.lifecycle.handle(id).workflowId);
    const [{ runId }, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    const cost = wakeCost(history);
    if (!cost) return;
    costs.failedTasks += cost.failedTasks;
    // Dropped before the task that took the signal completed: that task replayed the history.
    const replayed = (evictedForRoom[runId] ?? []).some((t) => t < cost.completedAt);
    (replayed ? costs.replayed : costs.cached).push(cost.taskMs);
    (replayed ? costs.replayedWake : costs.cachedWake).push(cost.wakeMs);
  });
  return costs;
}

export const memory: Measurement = {
  id: 'memory',
  title: '4. Worker memory',
  async run(stack, sizes, log) {
    const worker = await stack.restartWorker(sizes.cacheSize === undefined ? {} : { cacheSize: sizes.cacheSize });
    const metrics: Metric[] = [];
    const opened: string[] = [];
    try {
      const levels: Level[] = [];
      for (const n of [...sizes.openRuns].sort((a, b) => a - b)) {
        opened.push(...(await registerClusters(stack.lifecycle, newClusterIds(n - opened.length))).keys());
        await sleep(1_000); // the registrations' last workflow tasks done
        const s = await worker.stats({ gc: true });
        const last = { rss: s.rssBytes / MiB, workflowHeap: s.workflowHeapUsedBytes / MiB, cached: s.cachedRuns };
        levels.push(last);
        const main = s.heapUsedBytes / MiB;
        log(`bench: memory: ${n} open runs: RSS ${last.rss.toFixed(0)} MiB, workflow threads' heap ${last.workflowHeap.toFixed(0)} MiB used of ${(s.workflowHeapTotalBytes / MiB).toFixed(0)} (${s.workflowThreads} threads), main heap ${main.toFixed(0)} MiB, ${s.cachedRuns}/${s.maxCachedRuns} cached`);
        metrics.push(
          metric(`rss@${n}`, `${n} open runs: worker RSS`, 'MiB', round(last.rss)),
          metric(`workflowHeap@${n}`, `${n} open runs: heap used in the workflow threads`, 'MiB', round(last.workflowHeap)),
          metric(`heap@${n}`, `${n} open runs: main thread's heap used (no run lives there)`, 'MiB', round(main)),
          metric(`cached@${n}`, `${n} open runs: runs in the worker's cache`, 'runs', s.cachedRuns),
        );
      }
      const before = await worker.stats({ evicted: true });
      const from = before.cacheSizeFrom === 'worker-config' ? "the worker's WORKER_MAX_CACHED_WORKFLOWS" : 'BENCH_MAX_CACHED_WORKFLOWS';
      metrics.push(
        metric('cacheSize', `worker cache size (maxCachedWorkflows, ${from})`, 'runs', before.maxCachedRuns),
        metric('workflowThreads', 'workflow threads (each its own V8 heap)', 'threads', before.workflowThreads),
        metric('perRun.rss', 'RSS per cached run (growth from 0 open runs)', 'KiB', perRun(levels[0]!, levels.at(-1)!, 'rss')),
        metric('perRun.workflowHeap', 'workflow threads\' heap per cached run (growth from 0 open runs)', 'KiB', perRun(levels[0]!, levels.at(-1)!, 'workflowHeap')),
        // Between the two largest levels: the one-off costs of the first runs left out.
        metric('perRun.rss.marginal', 'RSS per cached run (between the two largest levels)', 'KiB', perRun(levels.at(-2)!, levels.at(-1)!, 'rss')),
        metric('perRun.workflowHeap.marginal', 'workflow threads\' heap per cached run (between the two largest levels)', 'KiB', perRun(levels.at(-2)!, levels.at(-1)!, 'workflowHeap')),
      );

      // One at a time, the newest runs (still cached) and then the oldest (dropped): what
      // waking one costs, without load; then all of them at once.
      const k = Math.max(1, Math.min(SAMPLE, Math.floor(before.maxCachedRuns / 2), Math.floor(opened.length / 2)));
      const single = await wakeOneByOne(stack, worker, [...opened.slice(-k), ...opened.slice(0, k)], sizes.settleTimeoutMs);
      const { seconds } = await wakeAll(stack, opened, sizes.settleTimeoutMs);
      const after = await worker.stats();
      const droppedBefore = Object.keys(before.evictedForRoom ?? {}).length;
      const evictedNow = (after.evictions.CACHE_FULL ?? 0) - (before.evictions.CACHE_FULL ?? 0);
      log(`bench: memory: woke ${opened.length} runs in ${seconds.toFixed(1)} s, ${evictedNow} evictions, ${droppedBefore} dropped before`);
      metrics.push(
        metric('wake.runs', 'woken runs (a rename each, all open runs at once)', 'runs', opened.length),
        metric('wake.droppedBefore', 'open runs the cache had dropped before the wake', 'runs', droppedBefore),
        metric('wake.evictions', 'evictions while waking (cache full)', 'evictions', evictedNow),
        metric('wake.seconds', 'time until every woken run patched AMS', 's', round(seconds, 2)),
        metric('wake.task.replayed', 'one dropped run woken: its workflow task (replays the history), median', 'ms', median(single.replayed)),
        metric('wake.task.cached', 'one cached run woken: its workflow task, median', 'ms', median(single.cached)),
        metric('wake.signal.replayed', 'one dropped run woken: signal → task completed, median', 'ms', median(single.replayedWake)),
        metric('wake.signal.cached', 'one cached run woken: signal → task completed, median', 'ms', median(single.cachedWake)),
        metric('wake.failedTasks', 'workflow tasks failed or timed out, runs woken one at a time', 'tasks', single.failedTasks),
      );
      return metrics;
    } finally {
      await terminateRuns(stack.client, stack.lifecycle, opened);
      if (sizes.cacheSize !== undefined) await stack.restartWorker(); // the next measurement on the default cache
    }
  },
};
