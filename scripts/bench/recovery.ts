// 5. Recovery storm: clusters with a pending change while AMS is down (an emulator
// outage), then AMS back: how long until every change is applied, how many requests
// went to the dead AMS, and the peak request rate AMS sees when it returns.
import { setTimeout as sleep } from 'node:timers/promises';
import { mapWithConcurrency } from '../demo/pool.js';
import { arrivalMs, newClusterIds, PREPARE_CONCURRENCY, registerClusters, terminateRuns, waitFor } from './clusters.js';
import { metric, ratio, type Measurement } from './measurement.js';
import { round } from './stats.js';

/** The most requests that arrived within one second, from `from` on. */
function peakPerSecond(arrivals: readonly number[], from: number): number {
  const buckets = new Map<number, number>();
  for (const t of arrivals.filter((t) => t >= from)) {
    const b = Math.floor((t - from) / 1000);
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  return Math.max(0, ...buckets.values());
}

export const recovery: Measurement = {
  id: 'recovery',
  title: '5. Recovery storm',
  async run(stack, sizes, log) {
    const { admin } = stack.emulator;
    const ids = newClusterIds(sizes.stormClusters);
    const subs = await registerClusters(stack.lifecycle, ids);
    try {
      await sleep(500); // the registrations' own follow-up work out of the way
      await admin.clearRequests();
      const outage = await admin.addFault({ kind: 'outage' });
      const downAt = Date.now();
      const wanted = new Map(ids.map((id) => [subs.get(id)!, `storm-${id.slice(0, 8)}`]));
      await mapWithConcurrency(ids, PREPARE_CONCURRENCY, (id) => stack.lifecycle.renameCluster(id, wanted.get(subs.get(id)!)!));
      await sleep(Math.max(0, downAt + sizes.outageMs - Date.now()));
      await admin.removeFault(outage.id);
      const upAt = Date.now();
      log(`bench: recovery: AMS back after ${((upAt - downAt) / 1000).toFixed(1)} s; waiting for ${ids.length} changes`);
      const allAt = await waitFor('every pending change reaches AMS', async () => {
        const { subscriptions } = await admin.state();
        return subscriptions.filter((s) => wanted.get(s.id) === s.display_name).length === wanted.size;
      }, sizes.settleTimeoutMs, 250);
      // The storm is over once no run owes AMS anything more: a write whose outcome was unknown
      // is read back after IN_FLIGHT_SETTLE_SECONDS, so wait past that (sizes.ts), then for a quiet log.
      await sleep(Math.max(0, upAt + sizes.stormSettleMs - Date.now()));
      let logged = -1;
      await waitFor('the storm settles (no request for 5 s)', async () => {
        const now = (await admin.requests()).length;
        const quiet = now === logged;
        logged = now;
        return quiet;
      }, sizes.settleTimeoutMs, 5_000);
      const entries = await admin.requests();
      const dead = entries.filter((e) => e.faults?.includes(outage.id)).length;
      const after = entries.filter((e) => !e.faults?.includes(outage.id));
      return [
        metric('clusters', 'clusters with a pending change', 'clusters', ids.length),
        metric('outage.seconds', 'AMS down for', 's', round((upAt - downAt) / 1000, 1)),
        metric('applied.seconds', 'AMS back → every change applied', 's', round((allAt - upAt) / 1000, 2)),
        metric('dead.requests', 'requests sent to the dead AMS', 'requests', dead),
        metric('dead.perCluster', 'requests to the dead AMS per cluster', 'requests', round(ratio(dead, ids.length), 2)),
        metric('after.requests', 'requests after AMS came back, until the storm settled (reads back included)', 'requests', after.length),
        metric('after.perCluster', 'requests after AMS came back, per cluster', 'requests', round(ratio(after.length, ids.length), 2)),
        metric('after.reads', 'of those, reads (GET)', 'requests', after.filter((e) => e.method === 'GET').length),
        metric('peak.rps', 'peak requests per second after AMS came back', '/s', peakPerSecond(after.map(arrivalMs), upAt)),
        metric('peak.dead.rps', 'peak requests per second to the dead AMS', '/s', peakPerSecond(entries.filter((e) => !after.includes(e)).map(arrivalMs), downAt)),
      ];
    } finally {
      await admin.clearFaults();
      await terminateRuns(stack.client, stack.lifecycle, ids);
    }
  },
};
