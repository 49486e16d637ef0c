// The emulator's state: subscriptions, labels, quota rules and the clock offset.
// Every mutation is applied in memory, then handed to the persistence (if any).

import type { EmulatorClock } from './clock.js';
import type { Directory } from './directory.js';
import { newId } from './ids.js';
import { LabelTable, type LabelInput, type LabelOwner } from './label-table.js';
import { age, recordTelemetry, telemetryMetrics, type AgeingPolicy, type StoredSubscription } from './lifecycle.js';
import type { QuotaRule } from './options.js';
import type { Change, SqlitePersistence } from './persistence.js';
import { newSigningKey } from './tokens.js';
import { plan, subscriptionHref, ZERO_DATE, type Label, type Subscription } from './wire.js';

export interface StateDump {
  version: 1;
  clock_offset_seconds: number;
  subscriptions: Subscription[];
  /** Internal: when each subscription's status last changed (ageing counts from it). */
  subscription_status_since?: Record<string, string>;
  labels: Label[];
  quotas: QuotaRule[];
}

export type NewSubscription = Omit<
  Subscription,
  'id' | 'kind' | 'href' | 'created_at' | 'updated_at' | 'last_reconcile_date' | 'last_released_at' | 'trial_end_date'
>;

export type SubscriptionPatch = Partial<
  Pick<
    Subscription,
    | 'display_name'
    | 'external_cluster_id'
    | 'console_url'
    | 'status'
    | 'support_level'
    | 'service_level'
    | 'usage'
    | 'system_units'
    | 'cloud_provider_id'
    | 'released'
  >
>;


export class Store {
  #subscriptions = new Map<string, StoredSubscription>();
  readonly #labels = new LabelTable();
  #quotas: QuotaRule[];
  #pending: Change[] = [];
  #signingKey: string | undefined;
  readonly #clock: EmulatorClock;
  readonly #policy: AgeingPolicy;
  readonly #initialQuotas: QuotaRule[];
  readonly #directory: Directory;
  readonly #persistence: SqlitePersistence | undefined;

  constructor(init: {
    clock: EmulatorClock;
    policy: AgeingPolicy;
    quotas: QuotaRule[];
    directory: Directory;
    persistence?: SqlitePersistence;
  }) {
    this.#clock = init.clock;
    this.#policy = init.policy;
    this.#initialQuotas = init.quotas;
    this.#quotas = [...init.quotas];
    this.#directory = init.directory;
    this.#persistence = init.persistence;
    if (this.#persistence) this.#loadPersisted(this.#persistence);
    if (this.#signingKey === undefined) {
      this.#signingKey = newSigningKey();
      this.#pending.push({ type: 'meta', key: 'signing_key', value: this.#signingKey });
    }
    this.#ensureConfiguredLabels();
    this.#commit();
  }

  /** The token signing key, kept with the data so issued tokens stay valid across restarts. */
  get signingKey(): string {
    return this.#signingKey ?? '';
  }

  // --- subscriptions -------------------------------------------------------

  /** Ages Active/Stale subscriptions up to the emulator's now; called before each read. */
  reconcile(): void {
    const now = this.#clock.now();
    for (const stored of this.#subscriptions.values()) {
      if (age(stored, now, this.#policy)) this.#touchSubscription(stored);
    }
    this.#commit();
  }

  subscriptions(): Subscription[] {
    return [...this.#subscriptions.values()].map((s) => s.sub);
  }

  getSubscription(id: string): Subscription | undefined {
    return this.#subscriptions.get(id)?.sub;
  }

  findByClusterId(clusterId: string): Subscription | undefined {
    return this.subscriptions().find((s) => s.cluster_id === clusterId);
  }

  createSubscription(fields: NewSubscription): Subscription {
    const now = this.#clock.nowIso();
    const id = newId();
    const sub: Subscription = {
      id,
      kind: 'Subscription',
      href: subscriptionHref(id),
      ...fields,
      created_at: now,
      updated_at: now,
      last_reconcile_date: ZERO_DATE,
      last_released_at: ZERO_DATE,
      trial_end_date: ZERO_DATE,
    };
    const stored = { sub, statusSince: now };
    this.#subscriptions.set(id, stored);
    this.#touchSubscription(stored);
    this.#commit();
    return sub;
  }

  patchSubscription(id: string, patch: SubscriptionPatch): Subscription | undefined {
    const stored = this.#subscriptions.get(id);
    if (!stored) return undefined;
    const now = this.#clock.nowIso();
    const changed = Object.entries(patch).filter(([key, value]) => (stored.sub as unknown as Record<string, unknown>)[key] !== value);
    if (changed.length > 0) {
      if (patch.status !== undefined && patch.status !== stored.sub.status) stored.statusSince = now;
      Object.assign(stored.sub, patch, { updated_at: now });
      this.#touchSubscription(stored);
      this.#commit();
    }
    return stored.sub;
  }

  deleteSubscription(id: string): boolean {
    if (!this.#subscriptions.delete(id)) return false;
    this.#pending.push({ type: 'subscription', id, value: undefined });
    this.#commit();
    return true;
  }

  /** Subscriptions that count against an organization's cluster quota. */
  quotaUsage(organizationId: string): number {
    return this.subscriptions().filter(
      (s) => s.organization_id === organizationId && (s.status === 'Reserved' || s.status === 'Active'),
    ).length;
  }

  /** Telemetry for an OpenShift cluster id: update the matching subscription or create an "unsubscribed" one. */
  reportTelemetry(input: {
    external_cluster_id: string;
    metrics?: Record<string, unknown>;
    organization_id?: string;
  }): { created: boolean; subscription: Subscription } {
    this.reconcile();
    const now = this.#clock.nowIso();
    const metrics = telemetryMetrics(now, input.metrics);
    const matches = [...this.#subscriptions.values()]
      .filter((s) => s.sub.external_cluster_id === input.external_cluster_id)
      .sort((a, b) => Date.parse(b.sub.created_at) - Date.parse(a.sub.created_at));
    const match = matches[0];
    if (match) {
      recordTelemetry(match, metrics, now);
      this.#touchSubscription(match);
      this.#commit();
      return { created: false, subscription: match.sub };
    }
    const subscription = this.createSubscription({
      plan: plan('OCP'),
      external_cluster_id: input.external_cluster_id,
      ...(input.organization_id ? { organization_id: input.organization_id } : {}),
      status: 'Active',
      support_level: 'Eval',
      provenance: 'Telemetry',
      managed: false,
      metrics: [metrics],
      last_telemetry_date: now,
    });
    return { created: true, subscription };
  }

  // --- labels --------------------------------------------------------------

  labels(owner: LabelOwner): Label[] {
    return this.#labels.list(owner);
  }

  getLabel(owner: LabelOwner, key: string): Label | undefined {
    return this.#labels.get(owner, key);
  }

  /** Creates or updates a label; `created` tells which. */
  putLabel(owner: LabelOwner, input: LabelInput, managedBy: string): { label: Label; created: boolean } {
    const { ref, label, created } = this.#labels.put(owner, input, managedBy, this.#clock.nowIso());
    this.#pending.push({ type: 'label', ref, value: label });
    this.#commit();
    return { label, created };
  }

  deleteLabel(owner: LabelOwner, key: string): boolean {
    const ref = this.#labels.delete(owner, key);
    if (ref === undefined) return false;
    this.#pending.push({ type: 'label', ref, value: undefined });
    this.#commit();
    return true;
  }

  // --- quotas and clock ----------------------------------------------------

  quotaFor(organizationId: string): QuotaRule | undefined {
    const rule = this.#quotas.find((q) => q.organization_id === organizationId) ?? this.#quotas.find((q) => q.organization_id === undefined);
    return rule && rule.max_clusters !== null ? rule : undefined;
  }

  quotas(): QuotaRule[] {
    return this.#quotas.map((q) => ({ ...q }));
  }

  setQuota(rule: QuotaRule): QuotaRule[] {
    this.#quotas = [...this.#quotas.filter((q) => q.organization_id !== rule.organization_id), rule];
    this.#pending.push({ type: 'meta', key: 'quotas', value: this.#quotas });
    this.#commit();
    return this.quotas();
  }

  advanceClock(seconds: number): void {
    this.#clock.advance(seconds);
    this.#pending.push({ type: 'meta', key: 'clock_offset_ms', value: this.#clock.offsetMs });
    this.reconcile();
  }

  // --- dump, seed, reset ---------------------------------------------------

  dump(): StateDump {
    return {
      version: 1,
      clock_offset_seconds: this.#clock.offsetMs / 1000,
      subscriptions: this.subscriptions(),
      subscription_status_since: Object.fromEntries([...this.#subscriptions].map(([id, s]) => [id, s.statusSince])),
      labels: this.#labels.all(),
      quotas: this.quotas(),
    };
  }

  /** Replaces the whole state with a dump (configured account labels are kept if absent). */
  load(dump: StateDump): void {
    this.#clearAll();
    this.#clock.offsetMs = Math.round(dump.clock_offset_seconds * 1000);
    for (const sub of dump.subscriptions) {
      const stored = { sub: structuredClone(sub), statusSince: dump.subscription_status_since?.[sub.id] ?? sub.updated_at };
      this.#subscriptions.set(sub.id, stored);
      this.#touchSubscription(stored);
    }
    for (const label of dump.labels) {
      this.#pending.push({ type: 'label', ref: this.#labels.restore(label), value: label });
    }
    this.#quotas = [...dump.quotas];
    this.#pending.push({ type: 'meta', key: 'quotas', value: this.#quotas });
    this.#ensureConfiguredLabels();
    this.#commit();
  }

  reset(): void {
    this.load({ version: 1, clock_offset_seconds: 0, subscriptions: [], labels: [], quotas: this.#initialQuotas });
  }

  // --- internals -----------------------------------------------------------

  #clearAll(): void {
    this.#subscriptions.clear();
    this.#labels.clear();
    this.#pending.push({ type: 'clear' });
    this.#pending.push({ type: 'meta', key: 'clock_offset_ms', value: 0 });
  }

  #ensureConfiguredLabels(): void {
    for (const account of this.#directory.accounts) {
      const owner: LabelOwner = { type: 'Account', accountId: account.id, organizationId: account.organization.id };
      for (const [key, value] of Object.entries(account.labels)) {
        if (!this.getLabel(owner, key)) this.putLabel(owner, { key, value, internal: true }, 'Red Hat');
      }
    }
  }

  #touchSubscription(stored: StoredSubscription): void {
    this.#pending.push({ type: 'subscription', id: stored.sub.id, value: stored });
  }

  #commit(): void {
    const changes = this.#pending;
    this.#pending = [];
    this.#persistence?.apply(changes);
  }

  #loadPersisted(persistence: SqlitePersistence): void {
    const state = persistence.load();
    for (const stored of state.subscriptions) this.#subscriptions.set(stored.sub.id, stored);
    for (const label of state.labels.values()) this.#labels.restore(label);
    const quotas = state.meta.get('quotas');
    if (Array.isArray(quotas)) this.#quotas = quotas as QuotaRule[];
    const key = state.meta.get('signing_key');
    if (typeof key === 'string') this.#signingKey = key;
    const offset = state.meta.get('clock_offset_ms');
    if (typeof offset === 'number') this.#clock.offsetMs = offset;
  }
}

export type { LabelOwner, StoredSubscription };
