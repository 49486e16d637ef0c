// POST /api/authorizations/v1/capability_review and /access_review. Answered 200
// like cluster_authorizations (the OpenAPI model says 201; clients accept any < 400).

import type { FastifyInstance } from 'fastify';
import { caller, type EmulatorContext } from '../context.js';
import { isLabelAdmin, type Account } from '../directory.js';
import { ApiError, ERROR_CODES, fieldError, forbidden } from '../errors.js';
import { accessReviewSchema, capabilityReviewSchema, parse } from '../validation.js';
import { accountLabels, organizationLabels } from '../views.js';
import { AUTHZ_API } from '../wire.js';

/** The spec's access_review action is a string documented as one of these five; resource_type is free. */
export const ACCESS_ACTIONS = ['get', 'list', 'create', 'delete', 'update'] as const;
const LABEL_RESOURCES = new Set(['OrganizationLabel', 'AccountLabel', 'SubscriptionLabel']);

export function registerReviewRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  /** Users may only review themselves; service accounts anyone configured. */
  const reviewed = (me: Account, username: string): Account | undefined => {
    if (!me.service_account && username !== me.username) throw forbidden(`Account '${me.username}' may only review itself`);
    return ctx.directory.byUsername(username);
  };

  app.post(`${AUTHZ_API}/capability_review`, async (request) => {
    const body = parse(capabilityReviewSchema, request.body);
    const account = reviewed(caller(request), body.account_username);
    if (!account) throw fieldError('account_username', `must name a known account ('${body.account_username}' is not one)`);
    const key = body.capability.startsWith('capability.')
      ? body.capability
      : `capability.${body.type.toLowerCase()}.${body.capability}`;
    const organizationId = body.organization_id ?? account.organization.id;
    const label =
      accountLabels(ctx, account).find((l) => l.key === key) ?? organizationLabels(ctx, organizationId).find((l) => l.key === key);
    return { kind: 'CapabilityReviewResponse', result: label?.value === 'true' ? 'true' : 'false' };
  });

  app.post(`${AUTHZ_API}/access_review`, async (request) => {
    const body = parse(accessReviewSchema, request.body);
    if (!(ACCESS_ACTIONS as readonly string[]).includes(body.action)) {
      const rule = `must be one of ${ACCESS_ACTIONS.join(', ')}`;
      throw new ApiError(422, ERROR_CODES.unprocessable, `Field 'action' ${rule} (got '${body.action}')`, {
        details: [{ kind: 'FieldError', field: 'action', rule }],
      });
    }
    const account = reviewed(caller(request), body.account_username);
    const decision = decide(ctx, account, body);
    return { kind: 'AccessReviewResponse', ...body, ...decision, is_ocm_internal: false };
  });
}

function decide(
  ctx: EmulatorContext,
  account: Account | undefined,
  review: { action: string; resource_type: string; organization_id?: string; cluster_id?: string; cluster_uuid?: string; subscription_id?: string },
): { allowed: boolean; reason: string } {
  if (!account) return { allowed: false, reason: 'Account not found' };
  const subs = ctx.store.subscriptions();
  const sub = review.subscription_id
    ? subs.find((s) => s.id === review.subscription_id)
    : review.cluster_id
      ? subs.find((s) => s.cluster_id === review.cluster_id)
      : review.cluster_uuid
        ? subs.find((s) => s.external_cluster_id === review.cluster_uuid)
        : undefined;
  if ((review.subscription_id || review.cluster_id || review.cluster_uuid) && !sub) {
    return { allowed: false, reason: 'Subscription not found' };
  }
  const organizationId = review.organization_id ?? sub?.organization_id ?? account.organization.id;
  if (!account.service_account && organizationId !== account.organization.id) {
    return { allowed: false, reason: `Account '${account.username}' does not belong to organization '${organizationId}'` };
  }
  if (LABEL_RESOURCES.has(review.resource_type) && review.action !== 'get' && review.action !== 'list' && !isLabelAdmin(account)) {
    return { allowed: false, reason: `Account '${account.username}' lacks a label-admin role` };
  }
  return {
    allowed: true,
    reason: account.service_account
      ? `Service account '${account.username}' may ${review.action} any ${review.resource_type}`
      : `Account '${account.username}' may ${review.action} ${review.resource_type} in its organization`,
  };
}
