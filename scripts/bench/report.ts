// The bench's result: each metric's median over the runs (with every run's value),
// as a table for the terminal and as JSON for the record.
import { plainTable } from '../../lib/plain-table.js';
import type { Measurement, Metric } from './measurement.js';
import { median } from './stats.js';
import type { BenchSizes } from './sizes.js';

export interface WorkerSettings {
  /** AMS_MAX_ACTIVITIES_PER_SECOND: the task queue's activity rate limit. */
  amsMaxActivitiesPerSecond: number;
  /** WORKER_MAX_CACHED_WORKFLOWS at the start (the memory measurement may restart it smaller). */
  maxCachedWorkflows: number;
}

export interface MetricResult {
  key: string;
  label: string;
  unit: string;
  median: number;
  runs: number[];
}

export interface MeasurementResult {
  id: string;
  title: string;
  metrics: MetricResult[];
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  runs: number;
  sizes: BenchSizes;
  machine: { cpus: number; memoryMiB: number; node: string };
  /** The real worker's settings that shape the figures (its defaults unless the bench set them). */
  worker: WorkerSettings;
  measurements: MeasurementResult[];
  /** Processes of the stack that died on their own: the numbers are suspect. */
  unplannedExits: string[];
}

/** Each metric's median over the runs, in the order the first run named them. */
export function aggregate(measurement: Measurement, runs: Metric[][]): MeasurementResult {
  const keys = (runs[0] ?? []).map((m) => m.key);
  const metrics = keys.map((key) => {
    const values = runs.map((r) => r.find((m) => m.key === key)?.value ?? Number.NaN);
    const first = runs[0]!.find((m) => m.key === key)!;
    const finite = values.filter(Number.isFinite);
    return { key, label: first.label, unit: first.unit, median: median(finite), runs: values };
  });
  return { id: measurement.id, title: measurement.title, metrics };
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function renderTable(result: BenchResult): string {
  const table = plainTable(['measurement', 'metric', 'median', 'unit', `runs (${result.runs})`], { colAligns: ['left', 'left', 'right', 'left', 'right'] });
  for (const m of result.measurements) {
    m.metrics.forEach((x, i) => table.push([i === 0 ? m.title : '', x.label, formatNumber(x.median), x.unit, x.runs.map(formatNumber).join(' ')]));
  }
  const w = result.worker;
  const lines = [
    `worker: AMS_MAX_ACTIVITIES_PER_SECOND=${w.amsMaxActivitiesPerSecond}, WORKER_MAX_CACHED_WORKFLOWS=${w.maxCachedWorkflows}; machine: ${result.machine.cpus} CPUs, ${result.machine.memoryMiB} MiB, Node ${result.machine.node}`,
    table.toString(),
  ];
  if (result.unplannedExits.length > 0) lines.push(`WARNING: ${result.unplannedExits.join('; ')}`);
  return lines.join('\n');
}

/** JSON keeps NaN out (it has none): a missing number is null. */
export function toJson(result: BenchResult): string {
  return JSON.stringify(result, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
