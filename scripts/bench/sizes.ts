// How big each measurement is: the full sizes for an idle machine, and --quick, the
// same code paths at tiny sizes (about a minute, the CI smoke).
import { IN_FLIGHT_SETTLE_SECONDS } from '../../workflows/cluster-subscription.js';

export interface BenchSizes {
  /** 1: one cluster's life; renames sent to one cluster within one second. */
  burstRenames: number;
  /** The AMS latency the burst is tried with as well (emulator latency fault). */
  burstLatencyMs: number;
  /** 2: clusters changing at once. */
  latencyConcurrency: number[];
  /** Samples per level: rounds of that many changes until at least this many. */
  latencySamples: number;
  /** 3: lifecycles in flight at once, and how many each level plays (a multiple of it). */
  throughputConcurrency: number[];
  lifecyclesPerLane: number;
  /** 4: open cluster runs the worker's memory is read at; the cache size (undefined: the worker's WORKER_MAX_CACHED_WORKFLOWS). */
  openRuns: number[];
  cacheSize: number | undefined;
  /** 5: clusters with a pending change while AMS is down, and for how long it is down. */
  stormClusters: number;
  outageMs: number;
  /** After AMS is back, how long at least before the storm counts as settled: past the read-back of writes whose outcome was unknown. */
  stormSettleMs: number;
  /** Longest wait for any one thing to settle. */
  settleTimeoutMs: number;
}

export const FULL_SIZES: BenchSizes = {
  burstRenames: 100,
  burstLatencyMs: 200,
  latencyConcurrency: [1, 10, 100],
  latencySamples: 100,
  throughputConcurrency: [10, 50, 200],
  lifecyclesPerLane: 3,
  openRuns: [0, 1_000, 10_000],
  cacheSize: undefined,
  stormClusters: 1_000,
  outageMs: 60_000,
  stormSettleMs: (IN_FLIGHT_SETTLE_SECONDS + 5) * 1000,
  settleTimeoutMs: 15 * 60_000,
};

export const QUICK_SIZES: BenchSizes = {
  burstRenames: 100,
  burstLatencyMs: 200,
  latencyConcurrency: [1, 5],
  latencySamples: 10,
  throughputConcurrency: [2, 5],
  lifecyclesPerLane: 2,
  // Enough cached runs for a per-run figure above the noise, more open than the cache
  // holds (evictions), and the middle level under it (the marginal figure's two levels differ).
  openRuns: [0, 20, 60],
  cacheSize: 40,
  stormClusters: 10,
  // Longer than an activity's three quick attempts (about 3 s): the changes wait on the durable backoff.
  outageMs: 5_000,
  // The smoke only runs the path: no wait for read-backs.
  stormSettleMs: 0,
  settleTimeoutMs: 120_000,
};
