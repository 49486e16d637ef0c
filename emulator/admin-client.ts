// A small typed client for the emulator's admin API (/_emulator/), for tests and
// benchmarks of the whole project.

import type { ClockState } from './clock.js';
import type { FaultKind, FaultRule, FaultRuleInput } from './faults.js';
import type { QuotaRule } from './options.js';
import type { RequestFilter, RequestLogEntry, RequestOutcome } from './request-log.js';
import type { StateDump } from './store.js';
import type { Subscription } from './wire.js';

export interface TelemetryReport {
  external_cluster_id: string;
  /** Fields laid over the default metrics entry. */
  metrics?: Record<string, unknown>;
  /** Organization of the "unsubscribed" subscription created when none matches. */
  organization_id?: string;
}

export interface TelemetryResult {
  created: boolean;
  subscription: Subscription;
}

export class EmulatorAdminError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(method: string, path: string, status: number, body: unknown) {
    super(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'EmulatorAdminError';
    this.status = status;
    this.body = body;
  }
}

export class EmulatorAdmin {
  readonly #base: string;

  /** `url` is the emulator's base URL (RunningEmulator.url). */
  constructor(url: string) {
    this.#base = `${url.replace(/\/+$/, '')}/_emulator`;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new EmulatorAdminError(method, path, response.status, parsed);
    return parsed as T;
  }

  /**
   * Adds a fault rule (emulator/README.md, Fault rules), e.g.
   * `{ kind: 'answer', status: 502, contentType: 'text/html', body: '<html>…' }` or
   * `{ kind: 'late_commit', route: '/api/accounts_mgmt/v1/subscriptions/:id', method: 'PATCH', latencyMs: 1500 }`.
   */
  addFault(rule: FaultRuleInput): Promise<FaultRule> {
    return this.#call('POST', '/faults', rule);
  }

  async faults(): Promise<FaultRule[]> {
    return (await this.#call<{ items: FaultRule[] }>('GET', '/faults')).items;
  }

  removeFault(id: string): Promise<void> {
    return this.#call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  clearFaults(): Promise<void> {
    return this.#call('DELETE', '/faults');
  }

  async requests(filter: RequestFilter = {}): Promise<RequestLogEntry[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
    const suffix = query.size > 0 ? `?${query}` : '';
    return (await this.#call<{ items: RequestLogEntry[] }>('GET', `/requests${suffix}`)).items;
  }

  clearRequests(): Promise<void> {
    return this.#call('DELETE', '/requests');
  }

  reset(): Promise<void> {
    return this.#call('POST', '/reset');
  }

  state(): Promise<StateDump> {
    return this.#call('GET', '/state');
  }

  seed(dump: StateDump): Promise<void> {
    return this.#call('POST', '/seed', dump);
  }

  clock(): Promise<ClockState> {
    return this.#call('GET', '/clock');
  }

  advanceClock(seconds: number): Promise<ClockState> {
    return this.#call('POST', '/clock/advance', { seconds });
  }

  reportTelemetry(report: TelemetryReport): Promise<TelemetryResult> {
    return this.#call('POST', '/telemetry', report);
  }

  async setQuota(rule: QuotaRule): Promise<QuotaRule[]> {
    return (await this.#call<{ items: QuotaRule[] }>('PUT', '/quota', rule)).items;
  }
}

export type {
  ClockState,
  FaultKind,
  FaultRule,
  FaultRuleInput,
  QuotaRule,
  RequestFilter,
  RequestLogEntry,
  RequestOutcome,
  StateDump,
  Subscription,
};
