// AMS's own subscription rules: telemetry keeps a cluster Active; an Active cluster
// that stops reporting turns Stale, later Archived. Reserved subscriptions are never
// aged (deleting them is the installer's job). Evaluated lazily on the emulator clock.

import type { Subscription } from './wire.js';

export interface StoredSubscription {
  sub: Subscription;
  /** When `status` last changed (internal; ageing counts from here or from the last telemetry). */
  statusSince: string;
}

export interface AgeingPolicy {
  staleAfterSeconds: number;
  archiveAfterSeconds: number;
}

const later = (a: string, b: string | undefined) => (b !== undefined && Date.parse(b) > Date.parse(a) ? b : a);
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

function setStatus(stored: StoredSubscription, status: Subscription['status'], at: string): void {
  stored.sub.status = status;
  stored.sub.updated_at = at;
  stored.statusSince = at;
}

/** Moves the subscription along Active -> Stale -> Archived; returns whether it changed. */
export function age(stored: StoredSubscription, now: Date, policy: AgeingPolicy): boolean {
  let changed = false;
  if (stored.sub.status === 'Active') {
    const staleAt = plus(later(stored.statusSince, stored.sub.last_telemetry_date), policy.staleAfterSeconds);
    if (now.getTime() >= Date.parse(staleAt)) {
      setStatus(stored, 'Stale', staleAt);
      changed = true;
    }
  }
  if (stored.sub.status === 'Stale') {
    const archiveAt = plus(stored.statusSince, policy.archiveAfterSeconds);
    if (now.getTime() >= Date.parse(archiveAt)) {
      setStatus(stored, 'Archived', archiveAt);
      changed = true;
    }
  }
  return changed;
}

/** Telemetry arrived: record it, and bring a Stale or Archived cluster back to Active. */
export function recordTelemetry(stored: StoredSubscription, metrics: Record<string, unknown>, now: string): void {
  stored.sub.metrics = [metrics];
  stored.sub.last_telemetry_date = now;
  stored.sub.updated_at = now;
  if (stored.sub.status === 'Stale' || stored.sub.status === 'Archived') setStatus(stored, 'Active', now);
}

/** A metrics entry shaped like AMS's (see the seed's example), with caller overrides on top. */
export function telemetryMetrics(now: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const resource = (total: number, used: number, unit: string) => ({
    updated_timestamp: now,
    used: { value: used, unit },
    total: { value: total, unit },
  });
  return {
    health_state: 'healthy',
    query_timestamp: now,
    memory: resource(52_269_928_448, 23_618_293_760, 'B'),
    cpu: resource(12, 3, ''),
    sockets: resource(0, 0, ''),
    compute_nodes_memory: resource(0, 0, 'B'),
    compute_nodes_cpu: resource(0, 0, ''),
    compute_nodes_sockets: resource(0, 0, ''),
    storage: resource(0, 0, 'B'),
    nodes: { total: 3, master: 3 },
    operating_system: '',
    upgrade: { updated_timestamp: now, available: false },
    state: 'ready',
    state_description: '',
    openshift_version: '4.16.0',
    cloud_provider: 'baremetal',
    region: '',
    console_url: '',
    critical_alerts_firing: 0,
    operators_condition_failing: 0,
    subscription_cpu_total: 0,
    subscription_socket_total: 0,
    subscription_obligation_exists: 1,
    cluster_type: '',
    ...overrides,
  };
}
