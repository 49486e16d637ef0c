// The Temporal Schedule that runs the sweeper (visible under Schedules in the Web UI).
// Created when missing, updated when its interval, task queue or deletion setting
// differ, left alone otherwise: the dev stack calls it at every start, operators run
// `ams-lifecycle sweep --schedule`.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import { SWEEPER_SCHEDULE_ID, SWEEPER_WORKFLOW_TYPE, type SweeperArgs } from '../workflows/sweeper-definitions.js';

export const SWEEP_EVERY_DEFAULT = '24h';

export interface SweeperScheduleOptions {
  /** How often: `<n>s|m|h|d`, at least one minute (default 24h). */
  every?: string;
  deleteLeaked?: boolean;
  taskQueue: string;
  /** Another schedule id (tests); default SWEEPER_SCHEDULE_ID. */
  scheduleId?: string;
}

export type ScheduleChange = 'created' | 'updated' | 'unchanged';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m`, `24h`, `7d` to milliseconds; throws a RangeError naming the rule. */
export function parseEvery(text: string): number {
  const match = /^([1-9]\d{0,6})([smhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  if (!Number.isFinite(ms) || ms < 60_000 || ms > 366 * 86_400_000) {
    throw new RangeError(`must be a duration like 30m, 24h or 7d, from 1m to 366d (got '${text}')`);
  }
  return ms;
}

function wanted(options: SweeperScheduleOptions) {
  const everyMs = parseEvery(options.every ?? SWEEP_EVERY_DEFAULT);
  const args: SweeperArgs = { deleteLeaked: options.deleteLeaked ?? false };
  return { everyMs, args };
}

function matches(description: ScheduleDescription, options: SweeperScheduleOptions): boolean {
  const { everyMs, args } = wanted(options);
  const intervals = description.spec.intervals ?? [];
  const action = description.action;
  const current = (action.args?.[0] ?? {}) as SweeperArgs;
  return (
    intervals.length === 1 &&
    intervals[0]!.every === everyMs &&
    (description.spec.calendars ?? []).length === 0 &&
    action.workflowType === SWEEPER_WORKFLOW_TYPE &&
    action.taskQueue === options.taskQueue &&
    Boolean(current.deleteLeaked) === Boolean(args.deleteLeaked)
  );
}

function action(options: SweeperScheduleOptions) {
  const { args } = wanted(options);
  return {
    type: 'startWorkflow' as const,
    workflowType: SWEEPER_WORKFLOW_TYPE,
    // The Schedule appends each run's time to this id.
    workflowId: options.scheduleId ?? SWEEPER_SCHEDULE_ID,
    taskQueue: options.taskQueue,
    args: [args],
    staticSummary: `AMS subscription sweep (${args.deleteLeaked ? 'deletes leaked Reserved subscriptions' : 'report only'})`,
  };
}

export async function ensureSweeperSchedule(client: Client, options: SweeperScheduleOptions): Promise<ScheduleChange> {
  const scheduleId = options.scheduleId ?? SWEEPER_SCHEDULE_ID;
  const { everyMs } = wanted(options); // validates before anything is sent
  const spec = { intervals: [{ every: everyMs }] };
  const handle = client.schedule.getHandle(scheduleId);
  let description: ScheduleDescription | undefined;
  try {
    description = await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  if (!description) {
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action: action(options),
        // A sweep still running (AMS down for hours) is never joined by a second one; missed ones are not made up.
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
        state: { note: 'created by ams-lifecycle: see the README, Operating it, Sweeper' },
      });
      return 'created';
    } catch (error) {
      // Another setup created it meanwhile: check it like an existing one.
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      description = await handle.describe();
    }
  }
  if (matches(description, options)) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec, action: action(options) }));
  return 'updated';
}
