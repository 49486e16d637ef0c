// `ams-lifecycle adopt --from clusters.jsonl`: takes over clusters the installer
// registered before this service, each run in its phase with its stored subscription
// id (docs/adopt.md). Idempotent: Temporal's record of the cluster's workflow id
// decides "already adopted", so a second pass, or one after an interruption, changes nothing.
import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CLIENT_DEFAULTS } from '../../client/cluster-client.js';
import { plainTable } from '../../lib/plain-table.js';
import { emit, globalsOf, withSession, type CommandContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { integerBetween } from '../parsers.js';
import { parseAdoptionFile } from './lines.js';
import { countOutcomes, ROW_OUTCOMES, runAdoption, type AdoptionRow } from './run.js';

export const ADOPT_DEFAULT_RATE = 10;

interface AdoptOptions {
  from: string;
  dryRun?: boolean;
  rate: number;
}

export function addAdoptCommand(program: Command, ctx: CommandContext): void {
  program
    .command('adopt')
    .description('start the runs of clusters registered before this service, each in its phase with its stored AMS subscription id (file format: docs/adopt.md)')
    .requiredOption('--from <file>', 'JSON Lines file, one cluster a line')
    .option('--dry-run', 'say per cluster what would be done; start nothing')
    .option('--rate <n>', 'starts per second', integerBetween(1, 1000), ADOPT_DEFAULT_RATE)
    .addHelpText(
      'after',
      '\nExit code 0 when every line was adopted or already adopted; else the first that applies: 1 when a start failed or was not attempted ' +
        '(Temporal unreachable too often in a row), 8 when a cluster\'s run was ended by an operator or refused by AMS (not-running: left as it is), ' +
        '2 when a line was bad (skipped).',
    )
    .action(async (opts: AdoptOptions, command: Command) => {
      const text = await readFile(opts.from, 'utf8').catch((error: Error) => {
        throw new CliError(`--from: cannot read ${opts.from}: ${error.message}`, EXIT.usage, 'invalid-input', { file: opts.from });
      });
      const lines = parseAdoptionFile(text);
      const json = globalsOf(command).json === true;
      const bar = json ? undefined : new SingleBar({ stream: ctx.io.progressStream, format: 'adopt [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true });
      bar?.start(lines.length, 0);
      const rows = await withSession(ctx, command, (session) =>
        runAdoption(session, lines, { dryRun: opts.dryRun === true, rate: opts.rate, timeoutMs: timeoutMsOf(command), onRow: () => bar?.increment() }),
      ).finally(() => bar?.stop());
      const counts = countOutcomes(rows);
      emit(ctx, command, { dryRun: opts.dryRun === true, counts, clusters: rows }, renderAdoption(rows, counts, opts.dryRun === true));
      if (counts.failed || counts['not-attempted']) ctx.setExitCode(EXIT.failure);
      else if (counts['not-running']) ctx.setExitCode(EXIT.notRunning);
      else if (counts['skipped-bad-line']) ctx.setExitCode(EXIT.usage);
    });
}

/** --timeout in ms, else the library's default: what each start may take, and each dry-run look-up. */
function timeoutMsOf(command: Command): number {
  const seconds = globalsOf(command).timeout;
  return seconds === undefined ? CLIENT_DEFAULTS.callTimeoutMs : seconds * 1000;
}

export function renderAdoption(rows: AdoptionRow[], counts: Record<string, number>, dryRun: boolean): string {
  const table = plainTable(['line', 'cluster id', 'phase', 'subscription', 'outcome', dryRun ? 'would do' : 'detail'], {
    wordWrap: true,
    colWidths: [null, null, null, null, null, 60] as unknown as number[],
  });
  for (const r of rows) table.push([r.line, r.clusterId ?? '—', r.phase ?? '—', r.subscriptionId ?? '—', r.outcome, r.detail]);
  const summary = plainTable(['outcome', 'clusters']);
  for (const outcome of ROW_OUTCOMES) if (counts[outcome]) summary.push([outcome, counts[outcome]]);
  const title = dryRun ? `adopt --dry-run: ${rows.length} line(s), nothing started` : `adopt: ${rows.length} line(s)`;
  return [title, table.toString(), summary.toString()].join('\n');
}
