// `ams-lifecycle sweep`: one sweeper run now (its result as a table with --wait), or
// with --schedule the Temporal Schedule that runs it (created or updated, idempotent).
import { InvalidArgumentError, type Command } from 'commander';
import { ensureSweeperSchedule, parseEvery, SWEEP_EVERY_DEFAULT } from '../worker/sweeper-schedule.js';
import {
  SWEEPER_DEFAULTS,
  SWEEPER_MANUAL_ID_PREFIX,
  SWEEPER_SCHEDULE_ID,
  SWEEPER_WORKFLOW_TYPE,
  type SweeperArgs,
  type SweepFinding,
  type SweepResult,
} from '../workflows/sweeper-definitions.js';
import { emit, withSession, type CommandContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { integerBetween } from './parsers.js';
import { plainTable } from '../lib/plain-table.js';

interface SweepOptions {
  deleteLeaked?: boolean;
  wait?: boolean;
  minAge?: number;
  schedule?: boolean;
  every?: string;
}

function every(value: string): string {
  try {
    parseEvery(value);
    return value;
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function renderSweepResult(result: SweepResult): string {
  const c = result.counts;
  const counts = plainTable(['', 'count']);
  counts.push(
    ['AssistedInstall subscriptions read', c.subscriptions],
    ['Reserved (younger than the minimum age)', `${c.reserved} (${c.young})`],
    ['leaked Reserved subscriptions', c.leaked],
    ...(result.deleteLeaked ? [['deleted / already gone / not deleted', `${c.deleted} / ${c.alreadyGone} / ${c.notDeleted}`]] : []),
    ['cluster_ids with duplicate subscriptions', c.duplicateClusters],
    ['open cluster runs checked', result.openRunsChecked ? c.openRuns : 'not checked (server cannot list runs)'],
    ['open runs whose subscription is gone', c.openRunsWithoutSubscription],
    ['failed steps retried', c.failures],
  );
  const lines = [
    `sweep ${result.result} (${result.deleteLeaked ? 'deleting leaked Reserved subscriptions' : 'report only'}), ${result.startedAt} to ${result.finishedAt}`,
    counts.toString(),
  ];
  const rows: [string, SweepFinding][] = [
    ...result.leaked.map((f): [string, SweepFinding] => ['leaked', f]),
    ...result.duplicates.map((f): [string, SweepFinding] => ['duplicate', f]),
    ...result.runsWithoutSubscription.map((f): [string, SweepFinding] => ['run without subscription', f]),
  ];
  if (rows.length > 0) {
    const table = plainTable(['finding', 'subscription', 'cluster id', 'why', 'outcome'], { wordWrap: true, colWidths: [null, null, null, 60, null] as unknown as number[] });
    for (const [kind, f] of rows) table.push([kind, [f.subscriptionId, ...(f.also ?? [])].join('\n'), f.clusterId, f.why, f.outcome ?? '—']);
    lines.push(table.toString());
  }
  if (result.truncated) lines.push('lists are cut at maxListed entries; the counts are complete');
  return lines.join('\n');
}

export function addSweepCommand(program: Command, ctx: CommandContext): void {
  program
    .command('sweep')
    .description('find leaked Reserved subscriptions, duplicates per cluster_id and runs whose subscription is gone: start one sweep now, or --schedule it')
    .option('--delete-leaked', 'delete the leaked Reserved subscriptions (each re-read, deleted only if still Reserved); see the README first')
    .option('--wait', 'wait for the sweep and print its result as a table')
    .option('--min-age <seconds>', 'a Reserved subscription younger than this is never a leak', integerBetween(0, 30 * 86_400), SWEEPER_DEFAULTS.minReservedAgeSeconds)
    .option('--schedule', `create or update the Temporal Schedule '${SWEEPER_SCHEDULE_ID}' instead (idempotent)`)
    .option('--every <duration>', `with --schedule: how often, e.g. 12h or 7d (default: ${SWEEP_EVERY_DEFAULT})`, every)
    .action(async (opts: SweepOptions, command: Command) => {
      if (opts.schedule && opts.wait) throw new CliError('--wait starts no run with --schedule (see --help)', EXIT.usage, 'usage');
      if (!opts.schedule && opts.every) throw new CliError('--every needs --schedule (see --help)', EXIT.usage, 'usage');
      await withSession(ctx, command, async ({ client, config }) => {
        if (opts.schedule) {
          const change = await ensureSweeperSchedule(client, {
            every: opts.every ?? SWEEP_EVERY_DEFAULT,
            deleteLeaked: Boolean(opts.deleteLeaked),
            taskQueue: config.taskQueue,
          });
          const what = `every ${opts.every ?? SWEEP_EVERY_DEFAULT}, ${opts.deleteLeaked ? 'deleting leaked Reserved subscriptions' : 'report only'}`;
          emit(ctx, command, { scheduleId: SWEEPER_SCHEDULE_ID, change }, `schedule ${SWEEPER_SCHEDULE_ID} ${change} (${what})`);
          return;
        }
        const args: SweeperArgs = { deleteLeaked: Boolean(opts.deleteLeaked), minReservedAgeSeconds: opts.minAge };
        const handle = await client.workflow.start(SWEEPER_WORKFLOW_TYPE, {
          taskQueue: config.taskQueue,
          workflowId: `${SWEEPER_MANUAL_ID_PREFIX}${new Date().toISOString()}`,
          args: [args],
          staticSummary: `AMS subscription sweep started by the CLI (${args.deleteLeaked ? 'deletes leaked Reserved subscriptions' : 'report only'})`,
        });
        if (!opts.wait) {
          emit(ctx, command, { workflowId: handle.workflowId, runId: handle.firstExecutionRunId }, `started sweep ${handle.workflowId}; follow it in the Web UI, or run with --wait`);
          return;
        }
        const result = (await handle.result()) as SweepResult;
        emit(ctx, command, { workflowId: handle.workflowId, ...result }, renderSweepResult(result));
      });
    });
}
