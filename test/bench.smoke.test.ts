// The benchmark's CI smoke: `scripts/bench/index.ts --quick` runs as a child process
// (its own Temporal dev server, AMS emulator and worker processes) and must finish,
// print its table and write JSON in which every measurement has numbers. No thresholds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { aggregate, type BenchResult } from '../scripts/bench/report.js';
import { QUICK_SIZES } from '../scripts/bench/sizes.js';
import { median, percentile } from '../scripts/bench/stats.js';
import { watchThreads } from '../scripts/bench/thread-heap.js';
import { rate } from '../scripts/bench/throughput.js';
import { startCpuMeter } from '../scripts/bench/cpu.js';
import { spawnSync } from 'node:child_process';
import { CONFIG_VARIABLES } from '../worker/config.js';
import { CHROMIUM_PATH } from './helpers/webui-browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The measurements and, per measurement, metric keys that must be there. */
const EXPECTED: Record<string, string[]> = {
  'ams-calls': ['installed.writes', 'installed.minimum', 'installed.lookups', 'reserved.writes', 'burst.patches', 'burst.slow.patches'],
  latency: ['durable.p50@1', 'durable.p99@1', 'direct.p50@1', 'price.p50@1'],
  throughput: ['lifecycles@2', 'trivial@2', 'failed@2', 'share@2', 'work.workflowTasks', 'work.events', 'work.activities', 'work.upserts', 'work.markers', 'work.signals', 'cpu.life.server@2', 'cpu.trivial.server@2', 'cpu.life.worker@5', 'cpu.life.emulator@5'],
  memory: ['rss@0', 'workflowHeap@0', 'cacheSize', 'workflowThreads', 'perRun.rss', 'perRun.workflowHeap', 'wake.evictions', 'wake.task.replayed', 'wake.task.cached'],
  recovery: ['applied.seconds', 'dead.requests', 'after.requests', 'after.reads', 'peak.rps'],
};

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/index.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // The bench stops everything it started on SIGTERM; a hung run must not hang CI.
    const timer = setTimeout(() => child.kill('SIGTERM'), 8 * 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench numbers', () => {
  it('percentiles are nearest-rank, medians of an even count the mean of the middle two', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    assert.deepEqual([50, 95, 99, 100].map((p) => percentile(samples, p)), [50, 95, 99, 100]);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it("each metric's median is over the runs, a run's missing number left out", () => {
    const m = { id: 'x', title: 'X', run: async () => [] };
    const run = (v: number) => [{ key: 'k', label: 'K', unit: 'ms', value: v }];
    const [k] = aggregate(m, [run(3), run(Number.NaN), run(1)]).metrics;
    assert.deepEqual(k, { key: 'k', label: 'K', unit: 'ms', median: 2, runs: [3, Number.NaN, 1] });
  });

  it("CPU figures: a busy process shows its cores, another process's too, a gone one NaN", () => {
    const child = spawnSync('sleep', ['0']); // a pid that has ended by now
    const stop = startCpuMeter({ bench: 'self', byPid: process.pid, init: 1, gone: child.pid! });
    const until = performance.now() + 300;
    while (performance.now() < until); // busy: about one core
    const cores = stop();
    assert.ok(cores.bench! > 0.5 && cores.bench! < 1.5, `the busy loop used about a core: ${cores.bench}`);
    // The same process read through /proc (how the stack's other processes are read).
    assert.ok(cores.byPid! > 0.5 && cores.byPid! < 1.5, `/proc shows about a core too: ${cores.byPid}`);
    assert.ok(Number.isFinite(cores.init!) && cores.init! >= 0, 'pid 1 is read from /proc');
    assert.ok(Number.isNaN(cores.gone!), 'a process that is not there has no figure');
  });

  it('a failed unit of throughput work is counted with its first error, not fatal, and not in the rate', async () => {
    const r = await rate(['a', 'b', 'c', 'd'], 2, async (id) => {
      if (id === 'b' || id === 'd') throw new Error(`deadline passed for ${id}\nstack`);
    });
    assert.equal(r.failed, 2);
    assert.equal(r.firstError, 'deadline passed for b');
    assert.ok(r.perSecond > 0 && Number.isFinite(r.perSecond));
    const none = await rate(['a'], 1, async () => undefined);
    assert.deepEqual([none.failed, none.firstError], [0, undefined]);
  });
});

describe('bench thread heaps (where workflow runs live)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-threads-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // A thread that keeps what it is told to allocate, answering over its own parentPort.
  const fixture = join(dir, 'heap-fixture.cjs');
  writeFileSync(fixture, `const { parentPort } = require('node:worker_threads');
const kept = [];
parentPort.on('message', (mib) => { for (let i = 0; i < mib * 16; i++) kept.push(Array.from({ length: 8192 }, (_, j) => ({ j }))); parentPort.postMessage(kept.length); });`);
  const other = join(dir, 'other.cjs');
  writeFileSync(other, readFileSync(fixture));
  const next = (w: Worker) => new Promise<unknown>((resolve) => w.once('message', resolve));

  it("sums the heaps of the matching threads, which the main thread's heap does not hold", { timeout: 120_000 }, async () => {
    const heaps = watchThreads((file) => file.endsWith('heap-fixture.cjs'));
    assert.deepEqual(await heaps(false), { threads: 0, heapUsedBytes: 0, heapTotalBytes: 0 });
    const watched = new Worker(fixture);
    const unwatched = new Worker(other);
    try {
      watched.postMessage(0);
      assert.equal(await next(watched), 0, "the thread's own parentPort still carries its messages");
      const idle = await heaps(true);
      assert.equal(idle.threads, 1, 'the matching thread alone');
      assert.ok(idle.heapUsedBytes > 0 && idle.heapTotalBytes >= idle.heapUsedBytes);
      const mainBefore = process.memoryUsage().heapUsed;
      watched.postMessage(40);
      await next(watched);
      const grown = await heaps(true);
      const growth = (grown.heapUsedBytes - idle.heapUsedBytes) / 2 ** 20;
      assert.ok(growth > 30, `the thread's 40 MiB and more show (grew ${growth.toFixed(1)} MiB)`);
      assert.ok((process.memoryUsage().heapUsed - mainBefore) / 2 ** 20 < 30, "the main thread's heap did not hold them");
    } finally {
      await Promise.all([watched.terminate(), unwatched.terminate()]);
    }
    assert.equal((await heaps(false)).threads, 0, 'an ended thread is no longer counted');
  });
});

describe('bench options', () => {
  it('--only with an unknown measurement is refused before anything starts, naming the choices', async () => {
    const { code, stderr } = await runBench(['--only', 'latency,nope']);
    assert.equal(code, 1);
    assert.match(stderr, /option '--only <ids>' argument 'latency,nope' is invalid\. unknown measurement nope: choose from ams-calls, latency, throughput, memory, recovery/);
    assert.doesNotMatch(stderr, /starting Temporal/);
  });

  it('--only runs just the measurements named', { timeout: 5 * 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-only-'));
    try {
      const { code, stdout, stderr } = await runBench(['--quick', '--only', 'ams-calls', '--out', out]);
      assert.equal(code, 0, `bench exited ${code}; its stderr ends:\n${stderr.split('\n').slice(-30).join('\n')}`);
      const result = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;
      assert.deepEqual(result.measurements.map((m) => m.id), ['ams-calls']);
      assert.ok(stdout.includes('1. AMS calls') && !stdout.includes('2. Signal'), stdout);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('bench --quick (CI smoke)', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('finishes, prints every measurement and writes JSON with numbers for each', { timeout: 10 * 60_000 }, async () => {
    const { code, stdout, stderr } = await runBench(['--quick', '--out', out]);
    assert.equal(code, 0, `bench exited ${code}; its stderr ends:\n${stderr.split('\n').slice(-30).join('\n')}`);
    const result = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;
    assert.equal(result.quick, true);
    assert.deepEqual(result.measurements.map((m) => m.id), Object.keys(EXPECTED));
    for (const m of result.measurements) {
      assert.ok(stdout.includes(m.title), `the table names ${m.title}`);
      for (const key of EXPECTED[m.id]!) assert.ok(m.metrics.some((x) => x.key === key), `${m.id} has ${key}`);
      for (const x of m.metrics) {
        assert.ok(typeof x.median === 'number' && Number.isFinite(x.median), `${m.id} ${x.key} is a number (got ${x.median})`);
        // Each metric's row in the table carries its median as printed.
        assert.ok(stdout.includes(x.label), `the table shows ${m.id} ${x.key}`);
      }
    }
    // Measurement 4 reads where the runs live: the workflow threads, at the quick cache size.
    const memory = new Map(result.measurements.find((m) => m.id === 'memory')!.metrics.map((x) => [x.key, x.median]));
    assert.equal(memory.get('cacheSize'), QUICK_SIZES.cacheSize, 'the quick cache size is the one reported');
    assert.ok(memory.get('workflowThreads')! >= 1, 'the workflow threads are measured');
    assert.ok(memory.get('perRun.workflowHeap')! > 0, "cached runs grow the workflow threads' heap");
    assert.deepEqual(result.unplannedExits, []);
    // The settings behind the figures: the worker's defaults, stated in the JSON and the table.
    assert.deepEqual(result.worker, {
      amsMaxActivitiesPerSecond: Number(CONFIG_VARIABLES.AMS_MAX_ACTIVITIES_PER_SECOND.default),
      maxCachedWorkflows: Number(CONFIG_VARIABLES.WORKER_MAX_CACHED_WORKFLOWS.default),
    });
    assert.match(stdout, /AMS_MAX_ACTIVITIES_PER_SECOND=50, WORKER_MAX_CACHED_WORKFLOWS=2000/);
    assert.ok(existsSync(join(out, existsSync(CHROMIUM_PATH) ? 'bench.png' : 'bench.svg')), 'the chart is written');
  });
});
