// How long the loop waits before trying a failed AMS step again: doubling from 10 s
// to a 10-minute cap, spread ±20 % so clusters that failed together (an AMS outage)
// do not retry in lockstep, and never sooner than AMS's Retry-After.
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
