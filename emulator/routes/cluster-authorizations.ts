// POST /cluster_authorizations: reserve a subscription for a new cluster, idempotent
// per (cluster_id, account) as in AMS, with per-organization cluster quota.

import type { FastifyInstance } from 'fastify';
import { caller, type EmulatorContext } from '../context.js';
import type { Account } from '../directory.js';
import { ApiError, conflict, ERROR_CODES, fieldError, forbidden } from '../errors.js';
import { clusterAuthorizationSchema, parse } from '../validation.js';
import { accountHref, API, plan, type Subscription } from '../wire.js';

function owner(ctx: EmulatorContext, account: Account, username: string): Account {
  if (!account.service_account) {
    if (username !== account.username) throw forbidden(`Account '${account.username}' may only authorize clusters for itself`);
    return account;
  }
  const found = ctx.directory.byUsername(username);
  if (!found) throw fieldError('account_username', `must name a known account ('${username}' is not one)`);
  return found;
}

function response(sub: Subscription | undefined, allowed = true, excess: Record<string, unknown>[] = []) {
  return {
    kind: 'ClusterAuthorizationResponse',
    allowed,
    excess_resources: excess,
    ...(sub ? { subscription: { kind: 'SubscriptionLink', id: sub.id, href: sub.href } } : {}),
  };
}

export function registerClusterAuthorizationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(`${API}/cluster_authorizations`, async (request) => {
    const body = parse(clusterAuthorizationSchema, request.body);
    const account = owner(ctx, caller(request), body.account_username);
    const existing = ctx.store.findByClusterId(body.cluster_id);
    if (existing) {
      if (existing.creator?.id !== account.id) {
        throw conflict(`Cluster '${body.cluster_id}' already has a subscription that belongs to another account`);
      }
      return response(existing);
    }

    const organizationId = account.organization.id;
    const quota = ctx.store.quotaFor(organizationId);
    const used = ctx.store.quotaUsage(organizationId);
    const excess =
      quota?.max_clusters != null && used >= quota.max_clusters
        ? {
            kind: 'ExcessResources',
            resource_type: 'cluster',
            resource_name: 'OCP-AssistedInstall',
            count: 1,
            organization_id: organizationId,
            max_clusters: quota.max_clusters,
            current_clusters: used,
          }
        : undefined;
    if (body.reserve !== true) return response(undefined, excess === undefined, excess ? [excess] : []);
    if (excess) {
      const reason = `Organization '${organizationId}' has reached its quota of ${quota?.max_clusters} clusters`;
      if (quota?.status === 403) throw new ApiError(403, ERROR_CODES.forbidden, reason, { details: [excess] });
      throw new ApiError(429, ERROR_CODES.tooManyRequests, reason, { details: [excess] });
    }

    const sub = ctx.store.createSubscription({
      plan: plan(body.product_id, body.product_category ?? 'AssistedInstall'),
      cluster_id: body.cluster_id,
      ...(body.display_name !== undefined ? { display_name: body.display_name } : {}),
      ...(body.external_cluster_id !== undefined ? { external_cluster_id: body.external_cluster_id } : {}),
      organization_id: organizationId,
      creator: { id: account.id, kind: 'Account', href: accountHref(account.id) },
      managed: body.managed ?? false,
      status: 'Reserved',
      support_level: 'Eval',
      provenance: 'Provisioning',
    });
    return response(sub);
  });
}
