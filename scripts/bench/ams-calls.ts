// 1. AMS calls per lifecycle, from the emulator's request log, against the design's
// minimum (one create, one PATCH per distinct change, one DELETE when Reserved); and a
// burst of renames to one cluster within one second: how many PATCHes reach AMS, with
// and without AMS latency. Each step of a life waits until it is applied, as an
// installer's steps are minutes apart: nothing is saved by coalescing there.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import type { ClusterStateView } from '../../workflows/definitions.js';
import { countKinds, newClusterIds, registerClusters, waitFor } from './clusters.js';
import { metric, ratio, type Measurement, type Metric } from './measurement.js';
import type { BenchStack } from './stack.js';

const SUBSCRIPTIONS_ROUTE = '/api/accounts_mgmt/v1/subscriptions/:id';

async function applied(lifecycle: ClusterLifecycleClient, id: string, done: (v: ClusterStateView) => boolean, timeoutMs: number): Promise<void> {
  await waitFor(`cluster ${id} applies its change`, async () => {
    const view = await lifecycle.getClusterState(id);
    return view.pending.length === 0 && done(view);
  }, timeoutMs, 50);
}

/** One life's AMS calls: writes (create, PATCH, DELETE) against the minimum, lookups apart. */
async function life(stack: BenchStack, installed: boolean, timeoutMs: number): Promise<{ writes: number; minimum: number; lookups: number }> {
  const { lifecycle, emulator } = stack;
  const [id] = newClusterIds(1) as [string];
  await registerClusters(lifecycle, [id]);
  let minimum = 1; // the create
  if (installed) {
    await lifecycle.setOpenshiftClusterId(id, crypto.randomUUID());
    await applied(lifecycle, id, (v) => v.applied.external_cluster_id !== undefined, timeoutMs);
    await lifecycle.setConsoleUrl(id, `https://console-openshift-console.apps.${id.slice(0, 8)}.example.com`);
    await applied(lifecycle, id, (v) => v.applied.console_url !== undefined, timeoutMs);
    await lifecycle.markInstalled(id);
    await applied(lifecycle, id, (v) => v.applied.status === 'Active', timeoutMs);
    minimum += 3; // external_cluster_id, console_url, Active; no DELETE: Active stays
  } else {
    await lifecycle.renameCluster(id, `renamed-${id.slice(0, 8)}`);
    await applied(lifecycle, id, (v) => v.applied.display_name === `renamed-${id.slice(0, 8)}`, timeoutMs);
    minimum += 2; // the rename; the DELETE of a Reserved subscription
  }
  await lifecycle.deleteCluster(id);
  await lifecycle.handle(id).result();
  const counts = countKinds(await emulator.admin.requests({ cluster_id: id }));
  return { writes: counts.create + counts.patch + counts.delete, minimum, lookups: counts.lookup };
}

/** `n` renames to one cluster within one second; the PATCHes that reached AMS once it holds the last name. */
async function burst(stack: BenchStack, n: number, timeoutMs: number): Promise<number> {
  const { lifecycle, emulator } = stack;
  const [id] = newClusterIds(1) as [string];
  const subscriptionId = (await registerClusters(lifecycle, [id])).get(id)!;
  const startedAt = Date.now();
  for (let i = 1; i <= n; i++) {
    await lifecycle.renameCluster(id, `burst-${i}`);
    await sleep(Math.max(0, startedAt + (i * 1000) / n - Date.now())); // spread over the second, not faster
  }
  const last = `burst-${n}`;
  await waitFor('the burst settles in AMS', async () => {
    const sub = (await emulator.admin.state()).subscriptions.find((s) => s.id === subscriptionId);
    return sub?.display_name === last && (await lifecycle.getClusterState(id)).pending.length === 0;
  }, timeoutMs);
  const patches = (await emulator.admin.requests({ cluster_id: id, method: 'PATCH' })).length;
  await lifecycle.deleteCluster(id);
  await lifecycle.handle(id).result(); // closed before the next measurement empties AMS
  return patches;
}

export const amsCalls: Measurement = {
  id: 'ams-calls',
  title: '1. AMS calls per lifecycle',
  async run(stack, sizes, log) {
    const t = sizes.settleTimeoutMs;
    const installed = await life(stack, true, t);
    const reserved = await life(stack, false, t);
    log(`bench: ams-calls: lives played; burst of ${sizes.burstRenames} renames`);
    const plain = await burst(stack, sizes.burstRenames, t);
    const fault = await stack.emulator.admin.addFault({ kind: 'latency', route: SUBSCRIPTIONS_ROUTE, method: 'PATCH', latencyMs: sizes.burstLatencyMs });
    let slow: number;
    try {
      slow = await burst(stack, sizes.burstRenames, t);
    } finally {
      await stack.emulator.admin.removeFault(fault.id);
    }
    const metrics: Metric[] = [
      metric('installed.writes', 'installed life (register, OpenShift id, console URL, installed, delete): AMS writes', 'calls', installed.writes),
      metric('installed.minimum', 'installed life: design minimum (1 create, 3 PATCH, no DELETE of Active)', 'calls', installed.minimum),
      metric('installed.ratio', 'installed life: writes / minimum', 'x', ratio(installed.writes, installed.minimum)),
      metric('installed.lookups', 'installed life: lookups (GET)', 'calls', installed.lookups),
      metric('reserved.writes', 'life deleted while Reserved (register, rename, delete): AMS writes', 'calls', reserved.writes),
      metric('reserved.minimum', 'deleted while Reserved: design minimum (1 create, 1 PATCH, 1 DELETE)', 'calls', reserved.minimum),
      metric('reserved.ratio', 'deleted while Reserved: writes / minimum', 'x', ratio(reserved.writes, reserved.minimum)),
      metric('reserved.lookups', 'deleted while Reserved: lookups (GET)', 'calls', reserved.lookups),
      metric('burst.patches', `${sizes.burstRenames} renames in 1 s: PATCHes reaching AMS (minimum 1)`, 'calls', plain),
      metric('burst.slow.patches', `same, AMS PATCH latency ${sizes.burstLatencyMs} ms: PATCHes reaching AMS`, 'calls', slow),
    ];
    return metrics;
  },
};
