// The AmsClient over HTTP: one method per AMS operation the lifecycle needs,
// with the exact request bodies today's Assisted Installer service sends.

import { resolveAmsClientOptions, type AmsClientOptions } from './config.js';
import {
  AccountSchema,
  ClusterAuthorizationResponseSchema,
  SubscriptionListSchema,
  SubscriptionSchema,
} from './schemas.js';
import { createTokenProvider } from './token-provider.js';
import { SUBSCRIPTION_FIELDS } from '../workflows/values.js';
import { AmsCircuitBreaker } from './circuit-breaker.js';
import { AmsTransport } from './transport.js';
import type {
  AmsCallOptions,
  AmsClient,
  ClusterAuthorization,
  CreateClusterAuthorizationInput,
  CurrentAccount,
  ListSubscriptionsInput,
  Subscription,
  SubscriptionList,
  SubscriptionPatch,
} from './types.js';

export const AMS_V1 = '/api/accounts_mgmt/v1';

/** The fields the lifecycle patches, one per PATCH. */
const PATCHABLE_FIELDS = SUBSCRIPTION_FIELDS;

/** Page size of the find-all lookups (AMS's default): a cluster rarely has more than one page. */
const FIND_PAGE_SIZE = 100;

export class HttpAmsClient implements AmsClient {
  /** Shared with subclasses (the operator's client): one token provider and one circuit breaker per client. */
  protected readonly transport: AmsTransport;

  constructor(options: AmsClientOptions) {
    const resolved = resolveAmsClientOptions(options);
    const breaker = resolved.circuitBreaker && new AmsCircuitBreaker(resolved.circuitBreaker, resolved.now, resolved.logger);
    this.transport = new AmsTransport(resolved, createTokenProvider(resolved), breaker);
  }

  async createClusterAuthorization(input: CreateClusterAuthorizationInput, options: AmsCallOptions = {}): Promise<ClusterAuthorization> {
    const operation = 'createClusterAuthorization';
    requireText(operation, 'input.accountUsername', input?.accountUsername);
    requireText(operation, 'input.clusterId', input.clusterId);
    requireText(operation, 'input.displayName', input.displayName, { allowEmpty: true });
    const body = await this.transport.requestJson(
      {
        operation,
        method: 'POST',
        path: `${AMS_V1}/cluster_authorizations`,
        json: {
          account_username: input.accountUsername,
          cluster_id: input.clusterId,
          display_name: input.displayName,
          product_id: 'OCP',
          product_category: 'AssistedInstall',
          managed: false,
          reserve: true,
          resources: [],
        },
        signal: options.signal,
      },
      ClusterAuthorizationResponseSchema,
    );
    return { allowed: body.allowed, subscriptionId: body.subscription.id };
  }

  async findSubscriptionByClusterId(clusterId: string, options: AmsCallOptions = {}): Promise<Subscription | undefined> {
    const operation = 'findSubscriptionByClusterId';
    requireText(operation, 'clusterId', clusterId);
    const list = await this.#list(operation, { search: `cluster_id = ${searchString(clusterId)}` }, options);
    return list.items[0];
  }

  findSubscriptionsByClusterId(clusterId: string, options: AmsCallOptions = {}): Promise<Subscription[]> {
    return this.#findAll('findSubscriptionsByClusterId', 'cluster_id', clusterId, options);
  }

  findSubscriptionsByExternalClusterId(externalClusterId: string, options: AmsCallOptions = {}): Promise<Subscription[]> {
    return this.#findAll('findSubscriptionsByExternalClusterId', 'external_cluster_id', externalClusterId, options);
  }

  /** Every subscription whose `field` equals `value`, all pages, creators expanded (to tell whose it is). */
  async #findAll(operation: string, field: 'cluster_id' | 'external_cluster_id', value: string, options: AmsCallOptions): Promise<Subscription[]> {
    requireText(operation, field === 'cluster_id' ? 'clusterId' : 'externalClusterId', value);
    const input = { search: `${field} = ${searchString(value)}`, size: FIND_PAGE_SIZE, fetchAccounts: true };
    const found: Subscription[] = [];
    for (let page = 1, seen = 0; ; page++) {
      const { items, total } = await this.#list(operation, { ...input, page }, options);
      seen += items.length;
      // Exact matches only, whatever the server made of the search.
      found.push(...items.filter((sub) => sub[field] === value));
      // An empty page ends it whatever total says; without a total, a short page does.
      const more = items.length > 0 && (total === undefined ? items.length >= FIND_PAGE_SIZE : seen < total);
      if (!more) return found;
    }
  }

  async getSubscription(id: string, options: AmsCallOptions = {}): Promise<Subscription> {
    const operation = 'getSubscription';
    requireText(operation, 'id', id);
    return this.transport.requestJson(
      { operation, method: 'GET', path: subscriptionPath(id), signal: options.signal },
      SubscriptionSchema,
    );
  }

  async patchSubscription(id: string, patch: SubscriptionPatch, options: AmsCallOptions = {}): Promise<Subscription> {
    const operation = 'patchSubscription';
    requireText(operation, 'id', id);
    requireOneField(patch);
    return this.transport.requestJson(
      { operation, method: 'PATCH', path: subscriptionPath(id), json: { kind: 'Subscription', ...patch }, signal: options.signal },
      SubscriptionSchema,
    );
  }

  async deleteSubscription(id: string, options: AmsCallOptions = {}): Promise<void> {
    const operation = 'deleteSubscription';
    requireText(operation, 'id', id);
    await this.transport.requestNoContent({ operation, method: 'DELETE', path: subscriptionPath(id), signal: options.signal });
  }

  async listSubscriptions(input: ListSubscriptionsInput = {}, options: AmsCallOptions = {}): Promise<SubscriptionList> {
    const operation = 'listSubscriptions';
    if (input.page !== undefined && !(Number.isInteger(input.page) && input.page >= 1)) {
      throw new TypeError(`${operation}: input.page must be an integer >= 1, got ${String(input.page)}`);
    }
    if (input.size !== undefined && !(Number.isInteger(input.size) && (input.size >= 1 || input.size === -1))) {
      throw new TypeError(`${operation}: input.size must be an integer >= 1 or -1 (all), got ${String(input.size)}`);
    }
    return this.#list(operation, input, options);
  }

  async getCurrentAccount(options: AmsCallOptions = {}): Promise<CurrentAccount> {
    return this.transport.requestJson(
      { operation: 'getCurrentAccount', method: 'GET', path: `${AMS_V1}/current_account`, signal: options.signal },
      AccountSchema,
    );
  }

  #list(operation: string, input: ListSubscriptionsInput, options: AmsCallOptions): Promise<SubscriptionList> {
    const searchParams: Record<string, string | number> = {};
    if (input.search !== undefined) searchParams.search = input.search;
    if (input.page !== undefined) searchParams.page = input.page;
    if (input.size !== undefined) searchParams.size = input.size;
    if (input.orderBy !== undefined) searchParams.orderBy = input.orderBy;
    if (input.fetchAccounts) searchParams.fetchAccounts = 'true';
    return this.transport.requestJson(
      { operation, method: 'GET', path: `${AMS_V1}/subscriptions`, searchParams, signal: options.signal },
      SubscriptionListSchema,
    );
  }
}

export function createAmsClient(options: AmsClientOptions): AmsClient {
  return new HttpAmsClient(options);
}

/** A string literal of the AMS search language: single quotes, '' for a quote. */
export function searchString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function subscriptionPath(id: string): string {
  return `${AMS_V1}/subscriptions/${encodeURIComponent(id)}`;
}

function requireText(operation: string, field: string, value: unknown, { allowEmpty = false } = {}): void {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new TypeError(`${operation}: ${field} must be a ${allowEmpty ? '' : 'non-empty '}string, got ${JSON.stringify(value)}`);
  }
}

// Today's service sends exactly one changed field per PATCH; keep it that way.
function requireOneField(patch: SubscriptionPatch): void {
  const keys = patch && typeof patch === 'object' ? Object.keys(patch) : [];
  const [field] = keys;
  if (keys.length !== 1 || !PATCHABLE_FIELDS.includes(field as (typeof PATCHABLE_FIELDS)[number])) {
    throw new TypeError(
      `patchSubscription: patch must have exactly one of ${PATCHABLE_FIELDS.join('|')}, got ${JSON.stringify(keys)}`,
    );
  }
  const value = (patch as Record<string, unknown>)[field as string];
  if (field === 'status' ? value !== 'Active' : typeof value !== 'string') {
    throw new TypeError(
      `patchSubscription: patch.${field} must be ${field === 'status' ? "'Active'" : 'a string'}, got ${JSON.stringify(value)}`,
    );
  }
}
