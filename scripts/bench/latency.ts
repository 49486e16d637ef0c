// 2. Signal → AMS latency: from the client call's return (the installer goes on) to
// the PATCH reaching the emulator (its request log), at rising numbers of clusters
// changing at once; next to a direct, non-durable PATCH from here at the same
// concurrency (from its call to its arrival). Their ratio is the price of durability.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestLogEntry } from '../../emulator/admin-client.js';
import { FIELD_PACE_SECONDS } from '../../workflows/backoff.js';
import { arrivalMs, newClusterIds, registerClusters, terminateRuns, waitFor } from './clusters.js';
import type { BenchSizes } from './sizes.js';
import { metric, ratio, type Measurement, type Metric } from './measurement.js';
import type { BenchStack } from './stack.js';
import { percentile, round } from './stats.js';

/** Every cluster's PATCH in the log since it was cleared, once there is one per cluster. */
export async function patchesOf(stack: BenchStack, subscriptionIds: readonly string[], timeoutMs: number): Promise<Map<string, RequestLogEntry>> {
  let found = new Map<string, RequestLogEntry>();
  const wanted = new Set(subscriptionIds);
  await waitFor('the PATCHes reach AMS', async () => {
    const entries = await stack.emulator.admin.requests({ method: 'PATCH' });
    found = new Map(entries.filter((e) => e.subscription_id && wanted.has(e.subscription_id)).map((e) => [e.subscription_id!, e]));
    return found.size === wanted.size;
  }, timeoutMs, 20);
  return found;
}

/** One round: `clusters` renamed at once; per cluster, from the call's return to the PATCH's arrival. */
async function durableRound(stack: BenchStack, clusters: [string, string][], round: number, timeoutMs: number): Promise<{ latency: number[]; call: number[] }> {
  await stack.emulator.admin.clearRequests();
  const returned = new Map<string, number>();
  const call: number[] = [];
  await Promise.all(clusters.map(async ([id, sub]) => {
    const t0 = Date.now();
    await stack.lifecycle.renameCluster(id, `latency-${round}-${id.slice(0, 8)}`);
    returned.set(sub, Date.now());
    call.push(Date.now() - t0);
  }));
  const patches = await patchesOf(stack, clusters.map(([, sub]) => sub), timeoutMs);
  return { latency: clusters.map(([, sub]) => arrivalMs(patches.get(sub)!) - returned.get(sub)!), call };
}

/** The same change sent straight to AMS: from the call to the PATCH's arrival. */
async function directRound(stack: BenchStack, clusters: [string, string][], round: number, timeoutMs: number): Promise<number[]> {
  await stack.emulator.admin.clearRequests();
  const sent = new Map<string, number>();
  await Promise.all(clusters.map(async ([id, sub]) => {
    sent.set(sub, Date.now());
    await stack.ams.patchSubscription(sub, { display_name: `direct-${round}-${id.slice(0, 8)}` });
  }));
  const patches = await patchesOf(stack, clusters.map(([, sub]) => sub), timeoutMs);
  return clusters.map(([, sub]) => arrivalMs(patches.get(sub)!) - sent.get(sub)!);
}

export const latency: Measurement = {
  id: 'latency',
  title: '2. Signal → AMS latency',
  async run(stack, sizes, log) {
    const most = Math.max(...sizes.latencyConcurrency);
    const ids = newClusterIds(most);
    const subs = [...(await registerClusters(stack.lifecycle, ids)).entries()];
    try {
      return await levels(stack, sizes, subs, log);
    } finally {
      await terminateRuns(stack.client, stack.lifecycle, ids);
    }
  },
};

async function levels(stack: BenchStack, sizes: BenchSizes, subs: [string, string][], log: (line: string) => void): Promise<Metric[]> {
  await stack.ams.getSubscription(subs[0]![1]); // the direct client's token and connection, warm as the worker's are
  await sleep(500); // the registrations' own follow-up work out of the way
  const metrics: Metric[] = [];
  for (const c of sizes.latencyConcurrency) {
    const rounds = Math.ceil(sizes.latencySamples / c);
    const durable: number[] = [];
    const calls: number[] = [];
    const direct: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // A quiet period first, as between an installer's changes: a rename within the field
      // pace of the cluster's last PATCH would wait for it (workflows/backoff.ts). The pace
      // counts from the run's record of the PATCH, a little after its arrival: 1 s spare.
      await sleep((FIELD_PACE_SECONDS + 1) * 1000);
      const { latency: l, call } = await durableRound(stack, subs.slice(0, c), r, sizes.settleTimeoutMs);
      durable.push(...l);
      calls.push(...call);
      direct.push(...(await directRound(stack, subs.slice(0, c), r, sizes.settleTimeoutMs)));
    }
    log(`bench: latency: ${c} at once, ${durable.length} samples`);
    for (const p of [50, 95, 99]) {
      const d = percentile(durable, p);
      const n = percentile(direct, p);
      metrics.push(metric(`durable.p${p}@${c}`, `${c} at once: signal return → PATCH arrival, p${p}`, 'ms', d));
      metrics.push(metric(`direct.p${p}@${c}`, `${c} at once: direct PATCH call → arrival, p${p}`, 'ms', n));
      metrics.push(metric(`price.p${p}@${c}`, `${c} at once: price of durability (durable / direct), p${p}`, 'x', round(ratio(d, Math.max(n, 1)), 1)));
    }
    metrics.push(metric(`call.p50@${c}`, `${c} at once: the signal call itself, p50`, 'ms', percentile(calls, 50)));
  }
  return metrics;
}
