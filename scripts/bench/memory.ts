// 4. Worker memory: RSS and heap (after a full GC, from the probe in the real worker's
// process) at rising numbers of open cluster runs, memory per cached run; then every
// open run is woken (a rename each) while more are open than the cache holds:
// evictions, and what waking a run the cache had dropped costs against a cached one
// (from the histories: signal → its workflow task completed, and that task's time).
import { setTimeout as sleep } from 'node:timers/promises';
import { mapWithConcurrency } from '../demo/pool.js';
import { newClusterIds, PREPARE_CONCURRENCY, registerClusters, terminateRuns, waitFor } from './clusters.js';
import { metric, ratio, type Measurement, type Metric } from './measurement.js';
import type { BenchStack } from './stack.js';
import { median, round, wakeCost } from './stats.js';

const MiB = 1024 * 1024;
const SAMPLE = 50;

/** Wakes every run with a rename, oldest first; answers how long until each had patched AMS. */
async function wakeAll(stack: BenchStack, ids: readonly string[], timeoutMs: number): Promise<{ seconds: number }> {
  await stack.emulator.admin.clearRequests();
  const startedAt = Date.now();
  await mapWithConcurrency(ids, PREPARE_CONCURRENCY, (id) => stack.lifecycle.renameCluster(id, `woken-${id.slice(0, 8)}`));
  const doneAt = await waitFor('every woken run patches AMS', async () => (await stack.emulator.admin.requests({ method: 'PATCH' })).length >= ids.length, timeoutMs, 200);
  return { seconds: (doneAt - startedAt) / 1000 };
}

export const memory: Measurement = {
  id: 'memory',
  title: '4. Worker memory',
  async run(stack, sizes, log) {
    const worker = await stack.restartWorker(sizes.cacheSize === undefined ? {} : { cacheSize: sizes.cacheSize });
    const metrics: Metric[] = [];
    const opened: string[] = [];
    try {
      let first: { heap: number; rss: number } | undefined;
      let last = { heap: 0, rss: 0, cached: 0 };
      for (const n of [...sizes.openRuns].sort((a, b) => a - b)) {
        opened.push(...(await registerClusters(stack.lifecycle, newClusterIds(n - opened.length))).keys());
        await sleep(1_000); // the registrations' last workflow tasks done
        const s = await worker.stats({ gc: true });
        last = { heap: s.heapUsedBytes / MiB, rss: s.rssBytes / MiB, cached: s.cachedRuns };
        first ??= last;
        log(`bench: memory: ${n} open runs: RSS ${last.rss.toFixed(0)} MiB, heap ${last.heap.toFixed(0)} MiB, ${s.cachedRuns}/${s.maxCachedRuns} cached`);
        metrics.push(
          metric(`rss@${n}`, `${n} open runs: worker RSS`, 'MiB', round(last.rss)),
          metric(`heap@${n}`, `${n} open runs: worker heap used`, 'MiB', round(last.heap)),
          metric(`cached@${n}`, `${n} open runs: runs in the worker's cache`, 'runs', s.cachedRuns),
        );
      }
      const before = await worker.stats({ evicted: true });
      metrics.push(
        metric('cacheSize', 'worker cache size (maxCachedWorkflows)', 'runs', before.maxCachedRuns),
        metric('perRun.heap', 'heap per cached run', 'KiB', round((ratio(last.heap - first!.heap, last.cached) * 1024))),
        metric('perRun.rss', 'RSS per cached run', 'KiB', round((ratio(last.rss - first!.rss, last.cached) * 1024))),
      );

      // Wake them all: the runs the cache dropped are replayed from their histories.
      const { seconds } = await wakeAll(stack, opened, sizes.settleTimeoutMs);
      const after = await worker.stats({ evicted: true });
      const droppedBefore = Object.keys(before.evictedForRoom ?? {}).length;
      const costs = { replayed: [] as number[], cached: [] as number[], replayedWake: [] as number[], cachedWake: [] as number[] };
      let failedTasks = 0;
      // The oldest runs (the cache dropped them first) and the newest (most likely still cached).
      const workflowIds = [...new Set([...opened.slice(0, SAMPLE), ...opened.slice(-SAMPLE)])].map((id) => stack.lifecycle.handle(id).workflowId);
      await mapWithConcurrency(workflowIds, 8, async (workflowId) => {
        const handle = stack.client.workflow.getHandle(workflowId);
        const [{ runId }, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
        const cost = wakeCost(history);
        if (!cost) return;
        failedTasks += cost.failedTasks;
        // Dropped before the task that took the signal completed: that task replayed the history.
        const replayed = (after.evictedForRoom?.[runId] ?? []).some((t) => t < cost.completedAt);
        (replayed ? costs.replayed : costs.cached).push(cost.taskMs);
        (replayed ? costs.replayedWake : costs.cachedWake).push(cost.wakeMs);
      });
      const evictedNow = (after.evictions.CACHE_FULL ?? 0) - (before.evictions.CACHE_FULL ?? 0);
      log(`bench: memory: woke ${opened.length} runs in ${seconds.toFixed(1)} s, ${evictedNow} evictions, ${droppedBefore} dropped before`);
      metrics.push(
        metric('wake.runs', 'woken runs (a rename each, all open runs)', 'runs', opened.length),
        metric('wake.droppedBefore', 'open runs the cache had dropped before the wake began', 'runs', droppedBefore),
        metric('wake.sampleReplayed', `sampled woken runs (of ${workflowIds.length}) that replayed`, 'runs', costs.replayed.length),
        metric('wake.evictions', 'evictions while waking (cache full)', 'evictions', evictedNow),
        metric('wake.seconds', 'time until every woken run patched AMS', 's', round(seconds, 2)),
        metric('wake.task.replayed', 'workflow task of a dropped run (replays its history), median', 'ms', median(costs.replayed)),
        metric('wake.task.cached', 'workflow task of a cached run, median', 'ms', median(costs.cached)),
        metric('wake.signal.replayed', 'dropped run: signal → task completed, median', 'ms', median(costs.replayedWake)),
        metric('wake.signal.cached', 'cached run: signal → task completed, median', 'ms', median(costs.cachedWake)),
        metric('wake.failedTasks', 'workflow tasks failed or timed out while waking (sample)', 'tasks', failedTasks),
      );
      return metrics;
    } finally {
      await terminateRuns(stack.client, stack.lifecycle, opened);
      if (sizes.cacheSize !== undefined) await stack.restartWorker(); // the next measurement on the default cache
    }
  },
};
