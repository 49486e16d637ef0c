// Wire shapes the emulator answers with (see ../shared/reference/ams-wire.md) and the
// hrefs that tie them together.

export const API = '/api/accounts_mgmt/v1';
export const AUTHZ_API = '/api/authorizations/v1';

import type { SubscriptionStatus } from '../workflows/values.js';
export { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../workflows/values.js';

/** Real AMS sends Go's zero time for dates it never set. */
export const ZERO_DATE = '0001-01-01T00:00:00Z';

export interface Link {
  id: string;
  kind: string;
  href: string;
}

export interface Plan extends Link {
  kind: 'Plan';
  type: string;
  category?: string;
}

export interface Subscription {
  id: string;
  kind: 'Subscription';
  href: string;
  plan: Plan;
  cluster_id?: string;
  external_cluster_id?: string;
  organization_id?: string;
  display_name?: string;
  status: SubscriptionStatus;
  support_level: string;
  provenance: string;
  managed: boolean;
  released?: boolean;
  console_url?: string;
  cloud_provider_id?: string;
  service_level?: string;
  usage?: string;
  system_units?: string;
  creator?: Link;
  metrics?: Record<string, unknown>[];
  created_at: string;
  updated_at: string;
  last_telemetry_date?: string;
  last_reconcile_date: string;
  last_released_at: string;
  trial_end_date: string;
}

export interface Label {
  id: string;
  kind: 'Label';
  href: string;
  key: string;
  value: string;
  internal: boolean;
  type: 'Organization' | 'Account';
  managed_by: string;
  organization_id?: string;
  account_id?: string;
  created_at: string;
  updated_at: string;
}

export interface List<T> {
  kind: string;
  page: number;
  size: number;
  total: number;
  items: T[];
}

export const subscriptionHref = (id: string) => `${API}/subscriptions/${id}`;
export const accountHref = (id: string) => `${API}/accounts/${id}`;
export const organizationHref = (id: string) => `${API}/organizations/${id}`;
export const planHref = (id: string) => `${API}/plans/${id}`;
export const labelHref = (label: Pick<Label, 'type' | 'organization_id' | 'account_id' | 'key'>) =>
  label.type === 'Organization'
    ? `${organizationHref(label.organization_id ?? '')}/labels/${label.key}`
    : `${accountHref(label.account_id ?? '')}/labels/${label.key}`;

export function plan(productId: string, category?: string): Plan {
  const id = category ? `${productId}-${category}` : productId;
  return { id, kind: 'Plan', href: planHref(id), type: productId, ...(category ? { category } : {}) };
}

export function list<T>(kind: string, items: T[], page = 1, total = items.length): List<T> {
  return { kind, page, size: items.length, total, items };
}
