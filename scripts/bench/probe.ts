// Loaded first in the bench's worker process (worker-main.ts), which otherwise runs the
// project's real worker/main.ts unchanged: it answers memory and cache figures over
// HTTP on 127.0.0.1 (the process's RSS, the main thread's heap and, apart, the heap of
// the SDK's workflow threads, where the cached runs live), counts cache evictions, and,
// when BENCH_MAX_CACHED_WORKFLOWS is set, sizes the workflow cache (so a small run can
// hold more runs than the cache).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { watchThreads } from './thread-heap.js';

const reasonNames = new Map(Object.entries(proto.coresdk.workflow_activation.RemoveFromCache.EvictionReason).map(([name, n]) => [n, name]));
const workers: Worker[] = [];
const evictions: Record<string, number> = {};
/** When the cache dropped each run for room (CACHE_FULL): a signal after that must replay it. */
const evictedForRoom = new Map<string, number[]>();

// Before the worker starts its threads: the SDK's thread entry is workflow-worker-thread.js.
const workflowThreadHeaps = watchThreads((file) => /[\\/]workflow-worker-thread(\.js)?$/.test(file));
const cacheSize = process.env.BENCH_MAX_CACHED_WORKFLOWS ? Number(process.env.BENCH_MAX_CACHED_WORKFLOWS) : undefined;
const create = Worker.create.bind(Worker);
Worker.create = async (options) => {
  const worker = await create(cacheSize === undefined ? options : { ...options, maxCachedWorkflows: cacheSize });
  workers.push(worker);
  // Not a public API, but the one place the SDK announces each eviction with its reason.
  const emitter = (worker as unknown as { evictionsEmitter?: NodeJS.EventEmitter }).evictionsEmitter;
  emitter?.on('eviction', ({ runId, evictJob }: { runId: string; evictJob: { reason?: number } }) => {
    const reason = reasonNames.get(evictJob.reason ?? 0) ?? String(evictJob.reason);
    evictions[reason] = (evictions[reason] ?? 0) + 1;
    if (reason === 'CACHE_FULL') evictedForRoom.set(runId, [...(evictedForRoom.get(runId) ?? []), Date.now()]);
  });
  return worker;
};

export interface ProbeStats {
  /** The worker's state (RUNNING once it polls); NONE before it is created. */
  state: string;
  rssBytes: number;
  /** The main thread's heap: the SDK's core bridge, activities; no workflow run. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Summed over the SDK's workflow threads (each its own V8 isolate): the cached runs. */
  workflowThreads: number;
  workflowHeapUsedBytes: number;
  workflowHeapTotalBytes: number;
  cachedRuns: number;
  maxCachedRuns: number;
  /** Where maxCachedRuns comes from: BENCH_MAX_CACHED_WORKFLOWS, or the worker's config (WORKER_MAX_CACHED_WORKFLOWS). */
  cacheSizeFrom: 'BENCH_MAX_CACHED_WORKFLOWS' | 'worker-config';
  evictions: Record<string, number>;
  evictedForRoom?: Record<string, number[]>;
}

async function stats(url: URL): Promise<ProbeStats> {
  // A full collection first (the worker runs with --expose-gc, its threads inherit it):
  // live memory, not garbage. The threads' first, so RSS is read after both.
  const gc = url.searchParams.get('gc') === '1';
  const threads = await workflowThreadHeaps(gc);
  if (gc) globalThis.gc?.();
  const m = process.memoryUsage();
  const worker = workers[0];
  return {
    state: worker?.getState() ?? 'NONE',
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
    workflowThreads: threads.threads,
    workflowHeapUsedBytes: threads.heapUsedBytes,
    workflowHeapTotalBytes: threads.heapTotalBytes,
    cachedRuns: worker?.getStatus().numCachedWorkflows ?? 0,
    maxCachedRuns: worker?.options.maxCachedWorkflows ?? 0,
    cacheSizeFrom: cacheSize === undefined ? 'worker-config' : 'BENCH_MAX_CACHED_WORKFLOWS',
    evictions: { ...evictions },
    ...(url.searchParams.get('evicted') === '1' ? { evictedForRoom: Object.fromEntries(evictedForRoom) } : {}),
  };
}

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    response.setHeader('content-type', 'application/json');
    stats(url).then(
      (s) => response.end(JSON.stringify(s)),
      (error: Error) => ((response.statusCode = 500), response.end(JSON.stringify({ error: error.message }))),
    );
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') writeFileSync(file, JSON.stringify({ port: address.port }));
  });
  server.unref(); // the worker's own lifetime decides when the process ends
}
