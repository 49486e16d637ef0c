// The caller's AbortSignal (a Temporal activity's cancellation) over an AMS
// call: once it aborts the call rejects at once with AmsNetworkError(cancelled),
// and nothing more is sent.

import { AmsNetworkError, type AmsRequestTarget } from './errors.js';

export function cancelledError(target: AmsRequestTarget, signal: AbortSignal, durationMs = 0): AmsNetworkError {
  return new AmsNetworkError({ target, timedOut: false, cancelled: true, timeoutMs: 0, durationMs, cause: signal.reason });
}

export function isCancellation(error: unknown): boolean {
  return error instanceof AmsNetworkError && error.cancelled;
}

/** Throws before anything is sent when the caller has already given up. */
export function throwIfCancelled(target: AmsRequestTarget, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(target, signal);
}

/**
 * `promise`, or the cancellation as soon as `signal` aborts. The work behind
 * `promise` goes on (others may share it); the caller just stops waiting.
 */
export function untilCancelled<T>(promise: Promise<T>, target: AmsRequestTarget, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  throwIfCancelled(target, signal);
  const started = performance.now();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(target, signal, Math.round(performance.now() - started)));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
