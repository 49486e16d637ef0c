// `node --import tsx scripts/bench/index.ts [--quick] [--runs N] [--out DIR]`: the
// service's costs, measured against the Temporal dev server, the AMS emulator over HTTP
// and the real worker, each its own process. Prints a table, writes bench.json and a
// chart (bench.png, bench.svg) to --out. --quick: the same paths at tiny sizes (CI smoke).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { REPO_ROOT } from '../dev/options.js';
import { amsCalls } from './ams-calls.js';
import { drawChart } from './chart.js';
import { latency } from './latency.js';
import type { Measurement, Metric } from './measurement.js';
import { memory } from './memory.js';
import { recovery } from './recovery.js';
import { aggregate, renderTable, toJson, type BenchResult } from './report.js';
import { FULL_SIZES, QUICK_SIZES } from './sizes.js';
import { startBenchStack, type BenchStack } from './stack.js';
import { throughput } from './throughput.js';

export const MEASUREMENTS: Measurement[] = [amsCalls, latency, throughput, memory, recovery];

const program = new Command('bench')
  .description('Measures AMS calls, signal → AMS latency, throughput, worker memory and a recovery storm')
  .option('--quick', 'tiny sizes, about a minute (CI smoke); one run unless --runs says otherwise')
  .option('--runs <n>', 'runs per measurement; each number is their median (default 3, --quick 1)', (v) => {
    if (!/^[1-9]\d*$/.test(v) || Number(v) > 100) throw new InvalidArgumentError('must be a whole number from 1 to 100');
    return Number(v);
  })
  .option('--only <ids>', `measurements to run, by id, comma-separated (${MEASUREMENTS.map((m) => m.id).join(', ')}); default all`, (v) => {
    const ids = v.split(',').map((id) => id.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !MEASUREMENTS.some((m) => m.id === id));
    const choices = MEASUREMENTS.map((m) => m.id).join(', ');
    if (ids.length === 0) throw new InvalidArgumentError(`name at least one measurement: choose from ${choices}`);
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown measurement ${unknown.join(', ')}: choose from ${choices}`);
    return ids;
  })
  .option('--out <dir>', 'where bench.json and the chart go', join(REPO_ROOT, 'test-results/bench'))
  .parse();
const opts = program.opts<{ quick?: boolean; runs?: number; only?: string[]; out: string }>();
const chosen = MEASUREMENTS.filter((m) => opts.only?.includes(m.id) ?? true);
const quick = opts.quick === true;
const runs = opts.runs ?? (quick ? 1 : 3);
const sizes = quick ? QUICK_SIZES : FULL_SIZES;
const out = resolve(opts.out);
const log = (line: string) => process.stderr.write(`${line}\n`);

// Ctrl-C or a kill: stop every process the bench started (the dev server runs in its
// own process group, so the terminal's Ctrl-C never reaches it), then leave.
let stack: BenchStack | undefined;
let stopStack: () => Promise<void> = async () => undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130); // a second signal: leave at once
    stopping = true;
    log(`bench: ${signal}: stopping what it started`);
    void stopStack().finally(() => process.exit(130));
  });
}
// Calls in flight when the stack stops fail from timers (gRPC's "Channel has been shut
// down"): ignored while stopping; any other stray error stops the stack before leaving.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    if (stopping) return;
    stopping = true;
    log(`bench: ${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void stopStack().finally(() => process.exit(1));
  });
}

const startedAt = new Date().toISOString();
let code = 0;
try {
  stack = await startBenchStack(log, (stop) => (stopStack = stop));
  const perRun = new Map<string, Metric[][]>(chosen.map((m) => [m.id, []]));
  // Runs outside, measurements inside: a slow spell of the machine touches each measurement once.
  for (let run = 1; run <= runs; run++) {
    for (const m of chosen) {
      log(`bench: run ${run}/${runs}: ${m.title}`);
      // Every run of the measurements before is closed: AMS starts empty (faults, log, subscriptions).
      await stack.emulator.admin.reset();
      perRun.get(m.id)!.push(await m.run(stack, sizes, log));
    }
  }
  const result: BenchResult = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    runs,
    sizes,
    machine: { cpus: cpus().length, memoryMiB: Math.round(totalmem() / 2 ** 20), node: process.version },
    worker: stack.workerSettings,
    measurements: chosen.map((m) => aggregate(m, perRun.get(m.id)!)),
    unplannedExits: [...stack.unplannedExits],
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'bench.json'), `${toJson(result)}\n`);
  const chart = await drawChart(result, join(out, 'bench'));
  process.stdout.write(`${renderTable(result)}\n`);
  process.stdout.write(`bench: ${join(out, 'bench.json')}, ${chart.png ?? chart.svg}${chart.note ? ` (${chart.note})` : ''}\n`);
} catch (error) {
  if (!stopping) log(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  code = 1;
} finally {
  if (!stopping) await stopStack();
}
if (!stopping) process.exit(code);
