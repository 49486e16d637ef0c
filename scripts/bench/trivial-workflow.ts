// The server's ceiling for the throughput measurement: the least a durable workflow
// can be (one signal, one no-op activity), on its own task queue.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export const TRIVIAL_TASK_QUEUE = 'bench-trivial';
export const goSignal = defineSignal('go');

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10s' });

export async function trivialWorkflow(): Promise<void> {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  await condition(() => go);
  await noop();
}
