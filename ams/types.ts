// The AMS operations this service uses, one method each (the shape of
// assisted-service pkg/ocm). Lifecycle code depends on this interface only and
// never builds URLs.

/** The statuses known today (SUBSCRIPTION_STATUSES). */
import type { SubscriptionStatus } from '../workflows/values.js';
export type { SubscriptionStatus };

/** Any object's reference as AMS sends it: all optional (the spec requires nothing). */
export interface ObjectReference {
  id?: string;
  kind?: string;
  href?: string;
}

export interface Subscription {
  id: string;
  kind?: 'Subscription' | 'SubscriptionLink';
  href?: string;
  /** A known SubscriptionStatus, or a newer one kept as AMS sent it (compare with the known values). */
  status: SubscriptionStatus | (string & {});
  cluster_id?: string;
  external_cluster_id?: string;
  display_name?: string;
  console_url?: string;
  organization_id?: string;
  managed?: boolean;
  plan?: ObjectReference & { type?: string; category?: string; name?: string };
  /** `username` (and more) only when asked with fetchAccounts=true. */
  creator?: ObjectReference & { username?: string };
  created_at?: string;
  updated_at?: string;
  last_telemetry_date?: string;
  /** Attached by AMS once the cluster's telemetry arrives. */
  metrics?: unknown[];
}

/** `page`, `size` (items in this page) and `total` as AMS sent them; `items` is [] when absent. */
export interface SubscriptionList {
  kind?: 'SubscriptionList';
  page?: number;
  size?: number;
  total?: number;
  items: Subscription[];
}

/** Exactly one of these fields is sent per PATCH (the wire behaviour of today's service). */
export type SubscriptionPatch =
  | { display_name: string }
  | { external_cluster_id: string }
  | { console_url: string }
  | { status: 'Active' };

export interface CreateClusterAuthorizationInput {
  accountUsername: string;
  clusterId: string;
  displayName: string;
}

export interface ClusterAuthorization {
  allowed: boolean;
  subscriptionId: string;
}

export interface ListSubscriptionsInput {
  search?: string;
  page?: number;
  /** -1 asks for all. */
  size?: number;
  orderBy?: string;
  /** Expand each subscription's creator into the whole account (creator.username and more). */
  fetchAccounts?: boolean;
}

export interface CurrentAccount {
  id: string;
  username?: string;
  organization?: { id?: string; name?: string; external_id?: string };
}

/** Per-call options, last parameter of every AmsClient method. */
export interface AmsCallOptions {
  /**
   * Cancels the call (a Temporal activity passes its cancellation signal): it rejects at once with
   * AmsNetworkError(cancelled), its request is aborted, and an already aborted signal sends nothing.
   */
  signal?: AbortSignal;
}

export interface AmsClient {
  /** POST /cluster_authorizations with reserve: true, product OCP/AssistedInstall, managed: false. */
  createClusterAuthorization(input: CreateClusterAuthorizationInput, options?: AmsCallOptions): Promise<ClusterAuthorization>;
  /**
   * GET /subscriptions?search=cluster_id = '…'; undefined when none.
   * @deprecated The first match only, which may not be ours: use findSubscriptionsByClusterId.
   */
  findSubscriptionByClusterId(clusterId: string, options?: AmsCallOptions): Promise<Subscription | undefined>;
  /**
   * Every subscription whose cluster_id is `clusterId` (all pages), with fetchAccounts=true so
   * creator.username is there to tell whose it is; [] when none.
   */
  findSubscriptionsByClusterId(clusterId: string, options?: AmsCallOptions): Promise<Subscription[]>;
  /**
   * Every subscription whose external_cluster_id (the OpenShift cluster id) is `externalClusterId`,
   * all pages; [] when none. Finds the "unsubscribed" one AMS creates when telemetry matches none.
   */
  findSubscriptionsByExternalClusterId(externalClusterId: string, options?: AmsCallOptions): Promise<Subscription[]>;
  /** GET /subscriptions/{id}; throws AmsApiError(404) when absent. */
  getSubscription(id: string, options?: AmsCallOptions): Promise<Subscription>;
  /** PATCH /subscriptions/{id} with one field plus kind: Subscription. */
  patchSubscription(id: string, patch: SubscriptionPatch, options?: AmsCallOptions): Promise<Subscription>;
  /** DELETE /subscriptions/{id}. */
  deleteSubscription(id: string, options?: AmsCallOptions): Promise<void>;
  /** GET /subscriptions with search/paging. */
  listSubscriptions(input?: ListSubscriptionsInput, options?: AmsCallOptions): Promise<SubscriptionList>;
  /** GET /current_account (whoami). */
  getCurrentAccount(options?: AmsCallOptions): Promise<CurrentAccount>;
}
