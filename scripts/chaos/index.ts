// `npm run chaos -- --clusters N --seed S --duration SECONDS [--temporal dev|cluster]`:
// a seeded chaos run on this machine. Prints the table; exits 1 when a count that must
// be zero is not, with the seed and the failing clusters' events so the run replays.
import { Command, InvalidArgumentError, Option } from 'commander';
import { renderFailures, renderSummary, replayCommand } from './report.js';
import { CHAOS_DEFAULTS, runChaos } from './run.js';
import { TEMPORAL_KINDS, type TemporalKind } from './temporal.js';
import { startClusterTemporal } from './temporal-cluster.js';

function whole(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

const program = new Command('chaos')
  .description('Seeded chaos run: cluster lives and faults against Temporal, the AMS emulator and two worker processes')
  .option('--clusters <n>', 'clusters to give a life', whole(1, 100_000), CHAOS_DEFAULTS.clusters)
  .option('--seed <n>', 'seed of the lives and the faults (default: a new one, printed)', whole(0, 2 ** 31 - 1))
  .option('--duration <seconds>', 'the lives and the faults happen within this', whole(10, 86_400), CHAOS_DEFAULTS.durationSeconds)
  .addOption(new Option('--temporal <kind>', 'dev: the dev server (SQLite); cluster: the production-shaped server on PostgreSQL').choices(TEMPORAL_KINDS).default('dev'))
  .option('--settle-timeout <seconds>', 'how long the work may take to settle after the last event', whole(10, 86_400), CHAOS_DEFAULTS.settleTimeoutSeconds)
  .option('--data-dir <dir>', 'folder for state and logs, kept (default: a new temp folder, removed after a pass)')
  .option('--keep', 'keep the temp folder after a pass too')
  .option('--json', 'print the summary as JSON')
  .parse();

const opts = program.opts<{ clusters: number; seed?: number; duration: number; temporal: TemporalKind; settleTimeout: number; dataDir?: string; keep?: boolean; json?: boolean }>();
const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
const log = (line: string) => process.stderr.write(`${line}\n`);

// Ctrl-C or a kill: stop every process of the stack first (the dev server runs in its
// own process group, so the terminal's Ctrl-C never reaches it). A second signal kills.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`chaos: ${signal}: stopping the stack`);
    interrupt.abort(new Error(`interrupted by ${signal}`));
  });
}

let result;
try {
  result = await runChaos({
    clusters: opts.clusters,
    seed,
    durationMs: opts.duration * 1000,
    temporal: opts.temporal,
    settleTimeoutMs: opts.settleTimeout * 1000,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.keep ? { keep: true } : {}),
    ...(opts.temporal === 'cluster' ? { startCluster: startClusterTemporal } : {}),
    signal: interrupt.signal,
    log,
  });
} catch (error) {
  if (!interrupt.signal.aborted) throw error;
  log(`chaos: interrupted (seed ${seed})`);
  process.exit(130);
}
process.stdout.write(`${opts.json ? JSON.stringify(result.summary, null, 2) : renderSummary(result.summary)}\n`);
const replay = replayCommand({ clusters: opts.clusters, seed, durationMs: opts.duration * 1000, temporal: opts.temporal });
const failures = renderFailures(replay, result.verification, result.summary.secrets);
if (failures) process.stdout.write(`${failures}\n`);
const where = result.kept ? `logs in ${result.dataDir}` : 'its temp folder removed; --keep keeps it';
process.stdout.write(`${result.passed ? 'chaos: every count is zero' : 'chaos: FAILED'} (seed ${seed}; ${where})\n`);
process.exit(result.passed ? 0 : 1);
