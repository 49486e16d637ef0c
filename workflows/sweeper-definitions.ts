// Types and names of the subscriptionSweeper workflow, defined once and imported by
// the workflow, its activities, the schedule and the CLI (samples-typescript style).
import { defineQuery } from '@temporalio/workflow';
import { searchAttributes } from './definitions.js';

export const SWEEPER_WORKFLOW_TYPE = 'subscriptionSweeper';
/** The Temporal Schedule's id; its runs' workflow ids start with it (the Schedule appends the time). */
export const SWEEPER_SCHEDULE_ID = 'ams-lifecycle-sweeper';
/** Runs started by `ams-lifecycle sweep` (the start time is appended). */
export const SWEEPER_MANUAL_ID_PREFIX = `${SWEEPER_SCHEDULE_ID}-manual-`;

/** `SweepResult` search attribute (already registered): clean, findings, or cleaned (every leak deleted, nothing else found). */
export const SWEEP_RESULTS = ['clean', 'findings', 'cleaned'] as const;
export type SweepOutcome = (typeof SWEEP_RESULTS)[number];
export const sweepResultKey = searchAttributes.sweepResult;

/** The plan of the subscriptions the Assisted Installer reserves (ams-wire: plan.id, category AssistedInstall). */
export const ASSISTED_INSTALL_PLAN_ID = 'OCP-AssistedInstall';

export const SWEEPER_DEFAULTS = {
  deleteLeaked: false,
  /** AMS's own default page size. */
  pageSize: 100,
  /** One AMS listing per second at most, well under any rate limit; a 429's Retry-After is honoured on top. */
  pauseBetweenPagesSeconds: 1,
  /**
   * A Reserved subscription younger than this is never a leak: its registration or
   * deletion may still be under way (a late POST is re-checked by its run after 120 s,
   * activities retry for minutes). An hour is far beyond that and costs nothing: a leak
   * found a day later is still found.
   */
  minReservedAgeSeconds: 3_600,
  /** Pages (of subscriptions or runs) per run before it continues as new, keeping the history short. */
  maxPagesPerRun: 100,
  /** Entries kept per findings list (counts are always complete). */
  maxListed: 50,
} as const;

export interface SweeperArgs {
  /** Delete the leaked Reserved subscriptions (re-read first, only if still Reserved). Off by default. */
  deleteLeaked?: boolean;
  pageSize?: number;
  pauseBetweenPagesSeconds?: number;
  minReservedAgeSeconds?: number;
  maxPagesPerRun?: number;
  maxListed?: number;
  /** Present only when the run continues an earlier one. */
  progress?: SweepProgress;
}

export type LeakReason = 'no-run' | 'run-deleted' | 'run-closed';

export interface SweepFinding {
  subscriptionId: string;
  clusterId: string;
  why: string;
  /** Duplicates: the cluster's other subscriptions. */
  also?: string[];
  /** Leaks only: what the guarded delete did (deleteLeaked). */
  outcome?: 'deleted' | 'already-gone' | 'left-untouched' | 'delete-refused' | 'no-longer-a-leak';
}

export interface SweepCounts {
  /** AssistedInstall subscriptions read. */
  subscriptions: number;
  reserved: number;
  /** Reserved ones younger than minReservedAgeSeconds (or of unknown age): never leaks. */
  young: number;
  leaked: number;
  deleted: number;
  /** Leaks that were gone when the guarded delete read them. */
  alreadyGone: number;
  /** Leaks the guarded delete did not delete (Active meanwhile, or refused). */
  notDeleted: number;
  /** cluster_ids with two or more subscriptions. */
  duplicateClusters: number;
  openRuns: number;
  openRunsWithoutSubscription: number;
  pages: number;
  /** Steps that failed after their activity's retries and were tried again after a durable backoff. */
  failures: number;
}

/** A subscription of the cluster whose group may continue on the next page. */
export interface GroupMember {
  id: string;
  status: string;
}

/** What a sweep gathers as it goes, and answers at the end: counts and capped lists. */
interface SweepFindings {
  counts: SweepCounts;
  leaked: SweepFinding[];
  duplicates: SweepFinding[];
  runsWithoutSubscription: SweepFinding[];
  /** False when the server cannot list runs (the Java time-skipping test server). */
  openRunsChecked: boolean;
  /** A list was cut at maxListed entries. */
  truncated: boolean;
  continuedAsNew: number;
}

/** Everything a run carries to the next: small (cursors, counts, capped lists). */
export interface SweepProgress extends SweepFindings {
  stage: 'subscriptions' | 'runs';
  startedAt: string;
  /** Keyset cursor: pages are ordered by cluster_id, id, so a cluster's subscriptions are adjacent. */
  after?: { clusterId: string; subscriptionId: string };
  /** The last cluster's subscriptions so far (its group may go on in the next page). */
  group?: { clusterId: string; size: number; members: GroupMember[] };
  /** Visibility page token of the open-runs stage (base64). */
  runsPageToken?: string;
}

export interface SweepResult extends SweepFindings {
  result: SweepOutcome;
  deleteLeaked: boolean;
  startedAt: string;
  finishedAt: string;
}

/** The progress so far, while the run goes on (the Queries tab). */
export const sweepProgressQuery = defineQuery<SweepProgress>('sweepProgress');

/** Options with their defaults; throws on a value that makes no sense (the workflow fails the run with it). */
export function resolveSweeperArgs(args: SweeperArgs): Required<Omit<SweeperArgs, 'progress'>> {
  const resolved = {
    deleteLeaked: args.deleteLeaked ?? SWEEPER_DEFAULTS.deleteLeaked,
    pageSize: args.pageSize ?? SWEEPER_DEFAULTS.pageSize,
    pauseBetweenPagesSeconds: args.pauseBetweenPagesSeconds ?? SWEEPER_DEFAULTS.pauseBetweenPagesSeconds,
    minReservedAgeSeconds: args.minReservedAgeSeconds ?? SWEEPER_DEFAULTS.minReservedAgeSeconds,
    maxPagesPerRun: args.maxPagesPerRun ?? SWEEPER_DEFAULTS.maxPagesPerRun,
    maxListed: args.maxListed ?? SWEEPER_DEFAULTS.maxListed,
  };
  const within = (name: keyof typeof resolved, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max} (got ${value})`);
  };
  // AMS pages hold at most 100 items; a page of open runs is checked with one AMS search of its ids.
  within('pageSize', resolved.pageSize, 1, 100);
  within('pauseBetweenPagesSeconds', resolved.pauseBetweenPagesSeconds, 0, 3_600);
  within('minReservedAgeSeconds', resolved.minReservedAgeSeconds, 0, 30 * 86_400);
  within('maxPagesPerRun', resolved.maxPagesPerRun, 1, 1_000);
  // Kept small: the lists travel in the continue-as-new payload.
  within('maxListed', resolved.maxListed, 0, 200);
  if (typeof resolved.deleteLeaked !== 'boolean') throw new RangeError('deleteLeaked must be true or false');
  return resolved;
}

// What the activities answer (activities/sweeper-activities.ts).

export interface SweepSubscription {
  id: string;
  clusterId: string;
  status: string;
  /** Seconds since created_at by the worker's clock; absent when AMS sent no date. */
  ageSeconds?: number;
}

export interface SubscriptionPage {
  items: SweepSubscription[];
  /** AMS answered a full page: there may be more. */
  more: boolean;
  /** Where the next page starts: after the last item AMS sent (also one without a cluster_id). */
  cursor?: { clusterId: string; subscriptionId: string };
}

export type ClusterRun =
  | { run: 'none' }
  | { run: 'open'; phase?: string }
  | { run: 'closed'; status: string; phase?: string };

export interface OpenClusterRun {
  clusterId: string;
  workflowId: string;
  subscriptionId?: string;
  phase?: string;
}

export type OpenRunsPage = { supported: false } | { supported: true; runs: OpenClusterRun[]; nextPageToken?: string };
