// What every measurement is: a name and one run that answers numbers; the bench runs it
// --runs times and keeps the median of each number (ratios are taken inside a run).
import type { BenchSizes } from './sizes.js';
import type { BenchStack } from './stack.js';

export interface Metric {
  key: string;
  label: string;
  unit: string;
  value: number;
}

export interface Measurement {
  id: string;
  title: string;
  run(stack: BenchStack, sizes: BenchSizes, log: (line: string) => void): Promise<Metric[]>;
}

/** Shorthand for a measurement's metrics: metric('p50@10', 'p50 at 10 clusters', 'ms', 12.3). */
export const metric = (key: string, label: string, unit: string, value: number): Metric => ({ key, label, unit, value });

/** a / b, NaN (shown as n/a) when b is zero. */
export const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);
