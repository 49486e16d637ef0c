import type { PendingWork, SubscriptionField } from './definitions.js';

// How long the loop waits before trying a failed AMS step again: doubling from 10 s
// to a 10-minute cap, spread ±20 % so clusters that failed together (an AMS outage)
// do not retry in lockstep, and never sooner than AMS's Retry-After. Also the per-field
// pace of PATCHes (below).
export const LOOP_BACKOFF = { initialSeconds: 10, maxSeconds: 600, jitter: 0.2 } as const;

/**
 * Retry-After reaches the workflow already capped by the activity (AMS_MAX_RETRY_AFTER_SECONDS);
 * this bound only keeps a garbage value (NaN, 1e21) from becoming an invalid or endless timer.
 */
export const RETRY_AFTER_LIMIT_SECONDS = 86_400;

/** `jitter` in [0, 1) (workflow Math.random: deterministic); 0.5, or none given, means no spread. */
export function loopBackoffSeconds(failures: number, retryAfterSeconds = 0, jitter = 0.5): number {
  const exponential = Math.min(LOOP_BACKOFF.maxSeconds, LOOP_BACKOFF.initialSeconds * 2 ** Math.max(0, failures - 1));
  const spread = Math.round(exponential * (1 + LOOP_BACKOFF.jitter * (2 * jitter - 1)));
  return Math.max(spread, sanitizedRetryAfter(retryAfterSeconds));
}

function sanitizedRetryAfter(seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return 0;
  return Math.min(Math.ceil(seconds), RETRY_AFTER_LIMIT_SECONDS);
}

/**
 * Pace of one field's PATCHes: after a PATCH of a field, a further change of that field
 * waits until this many seconds have passed, then only its latest value is sent. A burst
 * of renames within a second (an installer's retry loop) thus costs AMS two PATCHes, while
 * a change after a quiet second goes out at once. Other fields and other work do not wait.
 */
export const FIELD_PACE_SECONDS = 2;

/** When each field's pace ends (workflow time, ISO), set after each successful PATCH of it. */
export type PaceEnds = Partial<Record<SubscriptionField, string>>;

/** The time a PATCH of this work's field is held until, if its pace has not ended at `now`. */
export function pacedUntil(work: PendingWork | undefined, ends: PaceEnds, now: string): string | undefined {
  if (work?.kind !== 'patch') return undefined;
  const end = ends[work.field];
  return end !== undefined && end > now ? end : undefined;
}

/**
 * The next step when the first one is held by its pace: the first step that is due and not
 * paced (another field's PATCH, a verify whose time has come), else the step whose hold
 * (pace end or own notBefore) ends first, with that time.
 */
export function nextUnpaced(steps: PendingWork[], ends: PaceEnds, now: string): { work?: PendingWork; until?: string } {
  let earliest: { work?: PendingWork; until?: string } = {};
  for (const work of steps) {
    const until = pacedUntil(work, ends, now) ?? ('notBefore' in work ? work.notBefore : undefined);
    if (until === undefined || until <= now) return { work };
    if (earliest.until === undefined || until < earliest.until) earliest = { work, until };
  }
  return earliest;
}
