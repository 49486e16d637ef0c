// The demo's final table: per outcome, how many clusters, AMS calls made, and
// whether AMS holds what the design says.
import { plainTable } from '../../lib/plain-table.js';
import { OUTCOMES, type Outcome } from './plan.js';
import type { ClusterCheck } from './verify.js';

export interface DemoRow {
  outcome: Outcome;
  label: string;
  count: number;
  amsCalls: number;
  matching: number;
  matches: boolean;
}

export interface DemoProblem {
  clusterId: string;
  outcome: Outcome;
  problems: string[];
}

export function summarize(checks: ClusterCheck[]): { rows: DemoRow[]; problems: DemoProblem[] } {
  const rows = OUTCOMES.map(({ outcome, label }) => {
    const mine = checks.filter((c) => c.life.outcome === outcome);
    const matching = mine.filter((c) => c.problems.length === 0).length;
    return {
      outcome,
      label,
      count: mine.length,
      amsCalls: mine.reduce((sum, c) => sum + c.amsCalls, 0),
      matching,
      matches: matching === mine.length,
    };
  }).filter((row) => row.count > 0);
  const problems = checks
    .filter((c) => c.problems.length > 0)
    .map((c) => ({ clusterId: c.life.clusterId, outcome: c.life.outcome, problems: c.problems }));
  return { rows, problems };
}

export function renderReport(rows: DemoRow[], problems: DemoProblem[]): string {
  const table = plainTable(['outcome', 'clusters', 'AMS calls', 'AMS state matches the design'], {
    colAligns: ['left', 'right', 'right', 'left'],
  });
  for (const row of rows) {
    table.push([row.label, row.count, row.amsCalls, row.matches ? `yes (${row.matching}/${row.count})` : `NO (${row.matching}/${row.count})`]);
  }
  const total = rows.reduce((t, r) => ({ count: t.count + r.count, calls: t.calls + r.amsCalls, ok: t.ok + r.matching }), { count: 0, calls: 0, ok: 0 });
  table.push(['total', total.count, total.calls, total.ok === total.count ? 'yes' : `NO (${total.count - total.ok} differ)`]);
  const lines = [table.toString()];
  for (const p of problems) lines.push(`✗ ${p.clusterId} (${p.outcome}): ${p.problems.join('; ')}`);
  return lines.join('\n');
}
