// Loaded first in the bench's worker process (worker-main.ts), which otherwise runs the
// project's real worker/main.ts unchanged: it answers memory and cache figures over
// HTTP on 127.0.0.1, counts cache evictions, and, when BENCH_MAX_CACHED_WORKFLOWS is
// set, sizes the workflow cache (so a small run can hold more runs than the cache).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';

const reasonNames = new Map(Object.entries(proto.coresdk.workflow_activation.RemoveFromCache.EvictionReason).map(([name, n]) => [n, name]));
const workers: Worker[] = [];
const evictions: Record<string, number> = {};
/** When the cache dropped each run for room (CACHE_FULL): a signal after that must replay it. */
const evictedForRoom = new Map<string, number[]>();

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
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  cachedRuns: number;
  maxCachedRuns: number;
  evictions: Record<string, number>;
  evictedForRoom?: Record<string, number[]>;
}

function stats(url: URL): ProbeStats {
  // A full collection first (the worker runs with --expose-gc): live memory, not garbage.
  if (url.searchParams.get('gc') === '1') globalThis.gc?.();
  const m = process.memoryUsage();
  const worker = workers[0];
  return {
    state: worker?.getState() ?? 'NONE',
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
    cachedRuns: worker?.getStatus().numCachedWorkflows ?? 0,
    maxCachedRuns: worker?.options.maxCachedWorkflows ?? 0,
    evictions: { ...evictions },
    ...(url.searchParams.get('evicted') === '1' ? { evictedForRoom: Object.fromEntries(evictedForRoom) } : {}),
  };
}

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(stats(url)));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') writeFileSync(file, JSON.stringify({ port: address.port }));
  });
  server.unref(); // the worker's own lifetime decides when the process ends
}
