// One activity attempt's hold on its AMS requests: each request heartbeats first
// (so cancellation reaches the attempt, and a dead worker is noticed within the
// heartbeat timeout) and is aborted when the attempt is cancelled or reaches its
// deadline, so no late POST or PATCH leaves this process after Temporal gave up.
import { CancelledFailure, Context } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import { AmsCircuitOpenError } from '../ams/circuit-breaker.js';
import type { AmsCallOptions } from '../ams/types.js';
import type { AmsErrorCategory } from '../workflows/definitions.js';
import { toApplicationFailure, type AmsOperation } from './ams-failure.js';

/** Requests stop this long before the attempt's start-to-close deadline, so the failure is ours, not a timeout. */
export const DEADLINE_MARGIN_MS = 2_000;

export interface Attempt {
  /** Heartbeat, then the options for one AMS request; `'write'` for a POST, PATCH or DELETE. */
  call(kind?: 'write'): AmsCallOptions;
  /** Which attempt this is (1 = first): a retried attempt's predecessor may still land. */
  number: number;
  /** The failure to throw for an AMS error: CancelledFailure if the attempt was cancelled meanwhile. */
  failure(error: unknown, operation: AmsOperation, category?: AmsErrorCategory): ApplicationFailure | CancelledFailure;
}

export function currentAttempt(): Attempt {
  const context = Context.current();
  const { startToCloseTimeoutMs, attempt } = context.info;
  const deadline = AbortSignal.timeout(Math.max(1_000, startToCloseTimeoutMs - DEADLINE_MARGIN_MS));
  const signal = AbortSignal.any([context.cancellationSignal, deadline]);
  let writes = 0;
  return {
    number: attempt,
    call(kind) {
      context.heartbeat();
      if (kind === 'write') writes += 1;
      return { signal };
    },
    failure(error, operation, category) {
      if (context.cancellationSignal.aborted) return new CancelledFailure('activity cancelled while calling AMS');
      return toApplicationFailure(error, operation, { category, attempt, unsent: writeUnsent(error, writes) });
    },
  };
}

/**
 * The circuit breaker refused a call (nothing sent) and no write of this attempt got past
 * it: an activity stops at its first error, so every call before the refused one went out,
 * and it makes at most one write. Then this attempt's write cannot land in AMS.
 */
export function writeUnsent(error: unknown, writes: number): boolean {
  if (!(error instanceof AmsCircuitOpenError)) return false;
  const refusedIsWrite = error.method !== 'GET';
  return writes - (refusedIsWrite ? 1 : 0) === 0;
}
