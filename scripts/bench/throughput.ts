// 3. Throughput: whole lifecycles a second at rising concurrency, next to the same
// server's ceiling for the trivial workflow (one signal, one no-op activity) at the
// same concurrency, as a ratio; and what one lifecycle costs the server (workflow
// tasks, history events, activities), read from the histories. Here a life's calls
// follow each other at once (the fastest an installer could go).
import { randomUUID } from 'node:crypto';
import { mapWithConcurrency } from '../demo/pool.js';
import { newClusterIds, ACCOUNT } from './clusters.js';
import { metric, ratio, type Measurement, type Metric } from './measurement.js';
import { startCpuMeter } from './cpu.js';
import type { BenchStack } from './stack.js';
import { histories, medianWork, round } from './stats.js';
import { goSignal, TRIVIAL_TASK_QUEUE, type trivialWorkflow } from './trivial-workflow.js';

/**
 * Completed work units a second, `concurrency` in flight. A unit that fails (a call's
 * deadline on an overloaded server) is counted and reported, not fatal: the level's
 * figure is what got done, and the failures say where the machine gave out.
 */
export async function rate(items: readonly string[], concurrency: number, one: (id: string) => Promise<void>): Promise<{ perSecond: number; failed: number; firstError?: string }> {
  const startedAt = performance.now();
  const errors: string[] = [];
  await mapWithConcurrency(items, concurrency, (id) =>
    one(id).catch((error: unknown) => void errors.push(error instanceof Error ? error.message.split('\n')[0]! : String(error))),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return { perSecond: (items.length - errors.length) / seconds, failed: errors.length, ...(errors.length ? { firstError: errors[0] } : {}) };
}

async function lifecycle(stack: BenchStack, id: string): Promise<void> {
  const { lifecycle: l } = stack;
  await l.registerCluster({ clusterId: id, displayName: `tp-${id.slice(0, 8)}`, accountUsername: ACCOUNT });
  await l.setOpenshiftClusterId(id, randomUUID());
  await l.setConsoleUrl(id, `https://console-openshift-console.apps.tp-${id.slice(0, 8)}.example.com`);
  await l.markInstalled(id);
  await l.deleteCluster(id);
  await l.handle(id).result();
}

async function trivial(stack: BenchStack, id: string): Promise<void> {
  const handle = await stack.client.workflow.start<typeof trivialWorkflow>('trivialWorkflow', { taskQueue: TRIVIAL_TASK_QUEUE, workflowId: `trivial-${id}` });
  await handle.signal(goSignal);
  await handle.result();
}

export const throughput: Measurement = {
  id: 'throughput',
  title: '3. Throughput',
  async run(stack, sizes, log) {
    const metrics: Metric[] = [];
    let lastLives: string[] = [];
    let lastTrivial: string[] = [];
    for (const c of sizes.throughputConcurrency) {
      const lives = newClusterIds(c * sizes.lifecyclesPerLane);
      const trivials = newClusterIds(lives.length);
      const lifeCpu = startCpuMeter(stack.cpuTargets());
      const life = await rate(lives, c, (id) => lifecycle(stack, id));
      const lifeCores = lifeCpu();
      const trivialCpu = startCpuMeter(stack.cpuTargets());
      const triv = await rate(trivials, c, (id) => trivial(stack, id));
      const trivialCores = trivialCpu();
      const [lifeRate, trivialRate] = [life.perSecond, triv.perSecond];
      log(`bench: throughput: ${c} at once: ${lifeRate.toFixed(1)} lifecycles/s, ${trivialRate.toFixed(1)} trivial/s`);
      for (const [what, r] of [['lifecycles', life], ['trivial runs', triv]] as const) {
        if (r.failed) log(`bench: throughput: ${c} at once: ${r.failed} ${what} failed, the first: ${r.firstError}`);
      }
      metrics.push(metric(`lifecycles@${c}`, `${c} at once: full lifecycles per second`, '/s', round(lifeRate, 2)));
      metrics.push(metric(`trivial@${c}`, `${c} at once: trivial workflows per second (ceiling)`, '/s', round(trivialRate, 2)));
      metrics.push(metric(`failed@${c}`, `${c} at once: lifecycles + trivial runs that failed (not counted above)`, 'runs', life.failed + triv.failed));
      // Which process the level kept busy (2 cores here): the server's share is the limit's profile.
      metrics.push(metric(`cpu.life.server@${c}`, `${c} at once: Temporal server during the lifecycles`, 'cores', round(lifeCores.server!, 2)));
      metrics.push(metric(`cpu.trivial.server@${c}`, `${c} at once: Temporal server during the trivial runs`, 'cores', round(trivialCores.server!, 2)));
      if (c === sizes.throughputConcurrency.at(-1)) {
        for (const [name, cores] of Object.entries(lifeCores).filter(([name]) => name !== 'server')) {
          metrics.push(metric(`cpu.life.${name.replace(/ /g, '-')}@${c}`, `${c} at once: ${name} during the lifecycles`, 'cores', round(cores, 2)));
        }
      }
      metrics.push(metric(`share@${c}`, `${c} at once: lifecycles / trivial`, 'x', round(ratio(lifeRate, trivialRate), 3)));
      [lastLives, lastTrivial] = [lives, trivials];
    }
    // What a lifecycle and a trivial run cost the server (a sample of the last level's runs).
    const lifeWork = medianWork(await histories(stack.client, lastLives.map((id) => stack.lifecycle.handle(id).workflowId), 30));
    const trivialWork = medianWork(await histories(stack.client, lastTrivial.map((id) => `trivial-${id}`), 30));
    metrics.push(
      metric('work.workflowTasks', 'per lifecycle: workflow tasks', 'tasks', lifeWork.workflowTasks),
      metric('work.events', 'per lifecycle: history events', 'events', lifeWork.events),
      metric('work.activities', 'per lifecycle: activities', 'activities', lifeWork.activities),
      metric('work.timers', 'per lifecycle: timers', 'timers', lifeWork.timers),
      metric('work.upserts', 'per lifecycle: search-attribute upserts (TemporalChangeVersion included)', 'events', lifeWork.upserts),
      metric('work.markers', 'per lifecycle: patch markers', 'events', lifeWork.markers),
      metric('work.signals', 'per lifecycle: signals and updates', 'events', lifeWork.messages),
      metric('trivialWork.workflowTasks', 'per trivial run: workflow tasks', 'tasks', trivialWork.workflowTasks),
      metric('trivialWork.events', 'per trivial run: history events', 'events', trivialWork.events),
      metric('work.eventsRatio', 'history events: lifecycle / trivial', 'x', round(ratio(lifeWork.events, trivialWork.events), 2)),
    );
    return metrics;
  },
};
