// The heap of the worker threads a process starts, read from outside them. The SDK runs
// every workflow run in its workflow threads (worker_threads, each its own V8 isolate),
// so the main thread's heap cannot show what a cached run costs. `watchThreads` replaces
// `worker_threads.Worker` (before the SDK creates its threads) so that a matching thread first runs a short prelude, in the thread's
// own context, never in the workflow sandbox, that answers `v8.getHeapStatistics()` over
// a port of its own (the thread's parentPort stays the SDK's), and then its own file.
// Plain worker_threads and v8 APIs: Node 20 has no `worker.getHeapStatistics()`.
import { syncBuiltinESMExports } from 'node:module';
import v8 from 'node:v8';
import wt from 'node:worker_threads';

export interface ThreadHeaps {
  /** Watched threads alive. */
  threads: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
}

const KEY = 'benchThreadHeap';
const ANSWER_TIMEOUT_MS = 30_000;
// CommonJS, as `eval: true` code runs: `require` is there, the entry file is CommonJS.
const PRELUDE = `
const { workerData } = require('node:worker_threads');
const v8 = require('node:v8');
const { port, filename } = workerData.${KEY};
port.on('message', ({ id, gc }) => {
  if (gc) globalThis.gc?.(); // with --expose-gc (threads inherit the flags): live memory only
  port.postMessage({ id, heap: v8.getHeapStatistics() });
});
port.unref();
require(filename);
`;

type Answer = { id: number; heap: v8.HeapInfo };

/**
 * Makes every worker thread whose entry file `match` accepts (started from now on)
 * answer its heap; returns the function that sums them, after a full GC in each when `gc`.
 */
export function watchThreads(match: (filename: string) => boolean): (gc: boolean) => Promise<ThreadHeaps> {
  const ports = new Set<wt.MessagePort>();
  let nextId = 0;
  const Base = wt.Worker;
  class WatchedWorker extends Base {
    constructor(filename: string | URL, options: wt.WorkerOptions = {}) {
      // Threads it cannot wrap without changing what they see start as asked, unwatched.
      if (typeof filename !== 'string' || options.eval || options.workerData !== undefined || !match(filename)) {
        super(filename, options);
        return;
      }
      const { port1, port2 } = new wt.MessageChannel();
      super(PRELUDE, { ...options, eval: true, workerData: { [KEY]: { port: port2, filename } }, transferList: [...(options.transferList ?? []), port2] });
      port1.unref();
      ports.add(port1);
      this.once('exit', () => (ports.delete(port1), port1.close()));
    }
  }
  (wt as { Worker: typeof wt.Worker }).Worker = WatchedWorker;
  syncBuiltinESMExports(); // `import { Worker }` sees it too, not only require()

  const ask = (port: wt.MessagePort, gc: boolean) =>
    new Promise<v8.HeapInfo>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => (port.off('message', onAnswer), reject(new Error(`a worker thread did not answer its heap within ${ANSWER_TIMEOUT_MS / 1000} s`))), ANSWER_TIMEOUT_MS);
      function onAnswer(answer: Answer) {
        if (answer.id !== id) return;
        clearTimeout(timer);
        port.off('message', onAnswer);
        resolve(answer.heap);
      }
      port.on('message', onAnswer);
      port.postMessage({ id, gc });
    });

  return async (gc) => {
    const heaps = await Promise.all([...ports].map((port) => ask(port, gc)));
    return {
      threads: heaps.length,
      heapUsedBytes: heaps.reduce((sum, h) => sum + h.used_heap_size, 0),
      heapTotalBytes: heaps.reduce((sum, h) => sum + h.total_heap_size, 0),
    };
  };
}
