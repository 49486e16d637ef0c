// `node --import tsx scripts/bench/latency-hops.ts`: where signal → AMS time goes, the
// profile behind measurement 2 (BENCHMARKS.md). Renames 10 clusters at once, 10 rounds
// a field pace apart, on the bench's own stack, and splits each rename's time into hops
// read from the run's history: the signal's event, its workflow task's start and
// completion, and the PATCH's arrival at the emulator. Prints p50/p95/p99 per hop.
import { setTimeout as sleep } from 'node:timers/promises';
import proto from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { FIELD_PACE_SECONDS } from '../../workflows/backoff.js';
import { arrivalMs, newClusterIds, registerClusters, terminateRuns } from './clusters.js';
import { patchesOf } from './latency.js';
import { startBenchStack } from './stack.js';
import { percentile } from './stats.js';

const CLUSTERS = 10;
const ROUNDS = 10;
const { EventType } = proto.temporal.api.enums.v1;

let stop: () => Promise<void> = async () => undefined;
const stack = await startBenchStack((line) => process.stderr.write(`${line}\n`), (s) => (stop = s));
const hops = new Map<string, number[]>();
const add = (hop: string, ms: number) => hops.set(hop, [...(hops.get(hop) ?? []), ms]);
try {
  const ids = newClusterIds(CLUSTERS);
  const subs = await registerClusters(stack.lifecycle, ids);
  for (let round = 0; round < ROUNDS; round++) {
    await sleep((FIELD_PACE_SECONDS + 1) * 1000); // a quiet period: the rename goes out at once
    await stack.emulator.admin.clearRequests();
    const called = new Map<string, number>();
    const returned = new Map<string, number>();
    await Promise.all(ids.map(async (id) => {
      called.set(id, Date.now());
      await stack.lifecycle.renameCluster(id, `hops-${round}-${id.slice(0, 8)}`);
      returned.set(id, Date.now());
    }));
    const patches = await patchesOf(stack, [...subs.values()], 60_000);
    for (const id of ids) {
      const patch = patches.get(subs.get(id)!)!;
      const events = (await stack.lifecycle.handle(id).fetchHistory()).events ?? [];
      const after = events.slice(events.map((e) => e.eventType).lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED));
      const at = (type: number) => tsToMs(after.find((e) => e.eventType === type)?.eventTime);
      const signaled = at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      const taskStarted = at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
      const taskCompleted = at(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      add('the call starts → the signal is in the history', signaled - called.get(id)!);
      add('signal → its workflow task starts on the worker', taskStarted - signaled);
      add('workflow task started → completed', taskCompleted - taskStarted);
      add("workflow task completed → the activity's PATCH reaches AMS", arrivalMs(patch) - taskCompleted);
      add('call returned → PATCH arrival', arrivalMs(patch) - returned.get(id)!);
    }
  }
  await terminateRuns(stack.client, stack.lifecycle, ids);
  for (const [hop, ms] of hops) {
    process.stdout.write(`${hop}: n=${ms.length} p50 ${percentile(ms, 50).toFixed(0)} p95 ${percentile(ms, 95).toFixed(0)} p99 ${percentile(ms, 99).toFixed(0)} ms\n`);
  }
} finally {
  await stop();
}
