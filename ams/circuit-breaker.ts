// A guard that gives a dead AMS a bounded trickle instead of every retry of every
// cluster: after `failureThreshold` transient failures in a row (no answer, a
// timeout, a 5xx) it opens; while open, calls fail at once without a request, except
// one probe per `probeIntervalMs` (a probe that got no answer, e.g. no token, waits
// out the interval too); any answer from AMS that is not a 5xx closes it.
// Per client, so per worker process. A refused call fails as a transient network error;
// the activity marks it unsent when its attempt sent no write (activities/attempt.ts), so
// the workflow neither retries it at once nor treats it as a write that may still land.

import type { Logger } from 'pino';
import { AmsNetworkError, type AmsRequestTarget } from './errors.js';

export interface AmsCircuitBreakerOptions {
  /** Transient failures in a row that open it. Default 5. */
  failureThreshold?: number;
  /** While open, one request goes through per this many ms to see whether AMS is back. Default 5,000. */
  probeIntervalMs?: number;
}

export const CIRCUIT_BREAKER_DEFAULTS = { failureThreshold: 5, probeIntervalMs: 5_000 } as const;

/** What a request the breaker let through turned out to be; `unsent` (cancelled, no token) says nothing about AMS. */
export type RequestOutcome = { kind: 'answered' } | { kind: 'transient'; message: string } | { kind: 'unsent' };

/** A call refused while AMS is taken to be down: nothing was sent. Classified transient, like a request without an answer. */
export class AmsCircuitOpenError extends AmsNetworkError {
  override name = 'AmsCircuitOpenError';
  constructor(target: AmsRequestTarget, reason: string) {
    super({ target, timedOut: false, timeoutMs: 0, durationMs: 0, cause: new Error(reason) });
  }
}

export class AmsCircuitBreaker {
  readonly #threshold: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;
  #lastFailure = '';

  constructor(options: AmsCircuitBreakerOptions, now: () => number, logger: Logger) {
    this.#threshold = options.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold;
    this.#intervalMs = options.probeIntervalMs ?? CIRCUIT_BREAKER_DEFAULTS.probeIntervalMs;
    for (const [field, value] of [['failureThreshold', this.#threshold], ['probeIntervalMs', this.#intervalMs]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`AmsClientOptions.circuitBreaker.${field}: must be a whole number >= 1, got ${String(value)}`);
    }
    this.#now = now;
    this.#logger = logger;
  }

  get state(): 'closed' | 'open' {
    return this.#openedAt === undefined ? 'closed' : 'open';
  }

  /**
   * Before a call: returns how to report its outcome, or throws AmsCircuitOpenError
   * when it must not be sent. While open, the first call after the interval is the probe.
   */
  admit(target: AmsRequestTarget): (outcome: RequestOutcome) => void {
    if (this.#openedAt === undefined) return (outcome) => this.#record(outcome);
    const waitMs = this.#openedAt + this.#intervalMs - this.#now();
    if (this.#probing || waitMs > 0) {
      const next = this.#probing ? 'a probe is in flight' : `next probe in ${Math.ceil(waitMs / 1000)} s`;
      throw new AmsCircuitOpenError(target, `not sent: AMS is taken to be down after ${this.#failures} failures in a row (last: ${this.#lastFailure}); ${next}`);
    }
    this.#probing = true;
    return (outcome) => {
      this.#probing = false;
      // A probe that got no answer (no token, cancelled) says nothing about AMS, but must
      // still use up the interval: else with a dead token endpoint every call is a probe.
      if (outcome.kind === 'unsent' && this.#openedAt !== undefined) this.#openedAt = this.#now();
      this.#record(outcome);
    };
  }

  #record(outcome: RequestOutcome): void {
    if (outcome.kind === 'unsent') return;
    if (outcome.kind === 'answered') {
      if (this.#openedAt !== undefined) this.#logger.warn({ failures: this.#failures }, 'AMS answers again: circuit closed');
      this.#failures = 0;
      this.#openedAt = undefined;
      return;
    }
    this.#failures++;
    this.#lastFailure = outcome.message;
    if (this.#openedAt !== undefined || this.#failures >= this.#threshold) {
      if (this.#openedAt === undefined) {
        this.#logger.warn({ failures: this.#failures, probe_interval_ms: this.#intervalMs }, 'AMS circuit opened: one probe per interval until it answers');
      }
      this.#openedAt = this.#now();
    }
  }
}
