// Numbers the measurements share: percentiles, medians over runs, and the server's
// work read from run histories (workflow tasks, events, activities, wake-up costs).
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { mapWithConcurrency } from '../demo/pool.js';

const { EventType } = proto.temporal.api.enums.v1;
type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** Nearest-rank percentile (p in 0..100); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** What one run cost the server. */
export interface RunWork {
  events: number;
  workflowTasks: number;
  activities: number;
  timers: number;
  /** Workflow tasks that failed or timed out (a cache miss the worker could not serve, a crash). */
  failedTasks: number;
  /** Search-attribute upserts: the run's own and each patch's TemporalChangeVersion. */
  upserts: number;
  /** Markers: one per patch the run took (patched()). */
  markers: number;
  /** Signals and accepted updates: the installer's messages. */
  messages: number;
}

const count = (events: HistoryEvent[], type: number) => events.filter((e) => e.eventType === type).length;

export function workOf(history: History): RunWork {
  const events = history.events ?? [];
  return {
    events: events.length,
    workflowTasks: count(events, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    activities: count(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    timers: count(events, EventType.EVENT_TYPE_TIMER_STARTED),
    failedTasks: count(events, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) + count(events, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
    upserts: count(events, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    markers: count(events, EventType.EVENT_TYPE_MARKER_RECORDED),
    messages: count(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) + count(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
  };
}

const timeOf = (e: HistoryEvent) => tsToMs(e.eventTime);

/**
 * How long the run took to take in its last signal: from the signal's event to the
 * workflow task that handled it completing, and that task's own time on the worker
 * (started to completed: a run the cache had lost replays its history in it).
 */
export function wakeCost(history: History): { wakeMs: number; taskMs: number; completedAt: number; failedTasks: number } | undefined {
  const events = history.events ?? [];
  let signalAt = -1;
  events.forEach((e, i) => void (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED && (signalAt = i)));
  if (signalAt < 0) return undefined;
  const after = events.slice(signalAt + 1);
  const completed = after.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const started = after.slice(0, Math.max(0, completed)).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED).pop();
  if (completed < 0 || !started) return undefined;
  return {
    wakeMs: timeOf(after[completed]!) - timeOf(events[signalAt]!),
    taskMs: timeOf(after[completed]!) - timeOf(started),
    completedAt: timeOf(after[completed]!),
    failedTasks: workOf({ events: after.slice(0, completed) }).failedTasks,
  };
}

/** Histories of the latest run of each workflow id (a sample of at most `limit`). */
export async function histories(client: Client, workflowIds: readonly string[], limit = 200): Promise<History[]> {
  return mapWithConcurrency(workflowIds.slice(0, limit), 8, (id) => client.workflow.getHandle(id).fetchHistory());
}

export function medianWork(all: History[]): RunWork {
  const works = all.map(workOf);
  const m = (key: keyof RunWork) => median(works.map((w) => w[key]));
  const keys = Object.keys(workOf({ events: [] })) as (keyof RunWork)[];
  return Object.fromEntries(keys.map((key) => [key, m(key)])) as unknown as RunWork;
}
