// Every API and token request the emulator receives (admin calls excluded), so tests
// and benchmarks can count AMS calls per cluster.

/** `late`: handled (status is the handler's) after the client had gone (late_commit). */
export type RequestOutcome = 'answered' | 'reset' | 'dropped' | 'late';

export interface RequestLogEntry {
  seq: number;
  /** Emulator clock, RFC 3339. */
  time: string;
  method: string;
  path: string;
  /** HTTP status; 0 when the connection was reset or dropped without an answer. */
  status: number;
  outcome: RequestOutcome;
  cluster_id?: string;
  subscription_id?: string;
  /** Ids of the fault rules that hit this request. */
  faults?: string[];
  duration_ms: number;
}

export interface RequestFilter {
  cluster_id?: string;
  method?: string;
  path?: string;
}

/** Old entries are dropped past this many, so long benchmark runs stay bounded. */
const MAX_ENTRIES = 200_000;

export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #seq = 0;

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: ++this.#seq, ...entry };
    this.#entries.push(full);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    return full;
  }

  list(filter: RequestFilter = {}): RequestLogEntry[] {
    return this.#entries.filter(
      (e) =>
        (filter.cluster_id === undefined || e.cluster_id === filter.cluster_id) &&
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || e.path === filter.path),
    );
  }

  clear(): void {
    this.#entries = [];
  }
}
