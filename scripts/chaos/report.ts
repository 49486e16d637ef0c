// The chaos run's table: what happened, and the counts that must be zero. A failure
// prints the seed and each failing cluster's events, so it replays.
import { plainTable } from '../../lib/plain-table.js';
import { CHAOS_FAULT_KINDS, type FaultCounts } from './faults.js';
import { describeLife } from './lives.js';
import type { SecretsScan } from './secrets.js';
import { MUST_BE_ZERO, type ClusterVerdict, type Count, type Verification } from './verify.js';

export interface ChaosSummary {
  seed: number;
  temporal: string;
  clusters: number;
  events: number;
  durationMs: number;
  faults: FaultCounts;
  amsCalls: number;
  /** From the end of the drive until every run had settled; undefined: not within the limit. */
  settleMs: number | undefined;
  settleLimitMs: number;
  installerRetries: number;
  /** The longest a cluster's registration took to answer with its subscription id ("pending" meanwhile). */
  longestRegistrationMs: number;
  workerRestarts: number;
  counts: Record<Count, number>;
  secrets: SecretsScan;
}

/** Every count is zero, no secret was found, and every source of the secrets scan was read. */
export function passed(summary: ChaosSummary): boolean {
  return MUST_BE_ZERO.every((c) => summary.counts[c] === 0) && summary.secrets.findings.length === 0 && summary.secrets.failures.length === 0;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function renderSummary(s: ChaosSummary): string {
  const table = plainTable(['', 'value'], { colAligns: ['left', 'right'] });
  table.push(
    ['seed', String(s.seed)],
    ['Temporal', s.temporal],
    ['clusters', s.clusters],
    ['events sent', s.events],
    ['events over', seconds(s.durationMs)],
    ...CHAOS_FAULT_KINDS.map((k) => [`fault ${k}`, s.faults[k]]),
    ['installer calls retried', s.installerRetries],
    ['longest registration wait', seconds(s.longestRegistrationMs)],
    ['worker restarts', s.workerRestarts],
    ['AMS calls', s.amsCalls],
    ['AMS calls per cluster', (s.amsCalls / Math.max(1, s.clusters)).toFixed(1)],
    ['time to settle', s.settleMs === undefined ? `not within ${seconds(s.settleLimitMs)}` : seconds(s.settleMs)],
    ...MUST_BE_ZERO.map((c) => [`${c} (must be 0)`, s.counts[c]]),
    [
      'secrets found (must be 0)',
      `${s.secrets.findings.length} in ${s.secrets.histories} histories, ${s.secrets.descriptions} descriptions, ${s.secrets.logFiles} logs, ${s.secrets.messages} errors, ${s.secrets.uiPages} UI pages`,
    ],
    ['sources not read for secrets (must be 0)', s.secrets.failures.length],
  );
  return table.toString();
}

/** The command that plays the same lives and fault schedule (both follow from these options). */
export function replayCommand(o: { clusters: number; seed: number; durationMs: number; temporal: string }): string {
  return `npm run chaos -- --clusters ${o.clusters} --seed ${o.seed} --duration ${Math.round(o.durationMs / 1000)} --temporal ${o.temporal}`;
}

export function renderFailures(replay: string, { verdicts, general }: Verification, secrets: SecretsScan, limit = 20): string {
  const failing = verdicts.filter((v) => v.problems.length > 0);
  const lines: string[] = general.slice(0, limit).map((p) => `✗ ${p.count}: ${p.detail}`);
  if (general.length > limit) lines.push(`… and ${general.length - limit} more`);
  for (const v of failing.slice(0, limit)) lines.push(describeFailure(v));
  if (failing.length > limit) lines.push(`… and ${failing.length - limit} more clusters`);
  for (const f of secrets.findings.slice(0, limit)) lines.push(`secret: ${f.what} in ${f.source} (${f.where}): ${f.excerpt}`);
  for (const f of secrets.failures.slice(0, limit)) lines.push(`not read for secrets: ${f}`);
  if (lines.length) lines.push(`replay: ${replay} (same clusters, events and fault schedule)`);
  return lines.join('\n');
}

function describeFailure({ life, problems, requests }: ClusterVerdict): string {
  return [
    `✗ cluster ${life.clusterId} (#${life.index}, ${life.story}):`,
    ...problems.map((p) => `  ${p.count}: ${p.detail}`),
    '  its events:',
    describeLife(life),
    ...(requests?.length ? ['  what AMS saw:', ...requests.map((r) => `    ${r}`)] : []),
  ].join('\n');
}
