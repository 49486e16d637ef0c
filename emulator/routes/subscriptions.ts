// GET /subscriptions (search, order, paging) and GET|PATCH|DELETE /subscriptions/{id}.

import type { FastifyInstance } from 'fastify';
import { caller, type EmulatorContext } from '../context.js';
import { canSeeOrganization, type Account } from '../directory.js';
import { notFound } from '../errors.js';
import { SUBSCRIPTION_FIELDS } from '../fields.js';
import { paginate, parseOrder, searchPredicate, sortRows } from '../listing.js';
import { accountView } from '../views.js';
import { listQuerySchema, parse, rejectReadOnly, subscriptionPatchSchema, SUBSCRIPTION_READ_ONLY } from '../validation.js';
import { API, list, type Subscription } from '../wire.js';

/** Ties keep creation order (the sort is stable over the store's insertion order). */
const DEFAULT_ORDER = parseOrder('created_at asc', SUBSCRIPTION_FIELDS);

type Params = { subscriptionId: string };

export function registerSubscriptionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const visible = (account: Account, sub: Subscription | undefined) =>
    sub !== undefined && canSeeOrganization(account, sub.organization_id) ? sub : undefined;

  /** What `search` and `order` see: the subscription with its creator's account filled in. */
  const searchable = (sub: Subscription) => {
    const creator = sub.creator && ctx.directory.byId(sub.creator.id);
    return { ...sub, ...(creator ? { creator: accountView(ctx, creator) } : {}) };
  };

  const withAccounts = (sub: Subscription, fetchAccounts: boolean): Subscription => {
    const creator = fetchAccounts && sub.creator ? ctx.directory.byId(sub.creator.id) : undefined;
    return { ...sub, ...(creator ? { creator: accountView(ctx, creator) } : {}) };
  };

  app.get(`${API}/subscriptions`, async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const q = parse(listQuerySchema, query, 'Query');
    const matches = searchPredicate(q.search, SUBSCRIPTION_FIELDS);
    const order = parseOrder(q.orderBy ?? q.order, SUBSCRIPTION_FIELDS, q.orderBy !== undefined ? 'orderBy' : 'order');
    const account = caller(request);
    const rows = ctx.store
      .subscriptions()
      .filter((sub) => visible(account, sub))
      .map(searchable)
      .filter((row) => matches(row));
    const page = paginate(sortRows(rows, order, DEFAULT_ORDER), q.page, q.size);
    const byId = new Map(ctx.store.subscriptions().map((sub) => [sub.id, sub]));
    const items = page.items.map((row) => withAccounts(byId.get(row.id) as Subscription, query.fetchAccounts === 'true'));
    return list('SubscriptionList', items, page.page, page.total);
  });

  app.get<{ Params: Params }>(`${API}/subscriptions/:subscriptionId`, async (request) => {
    const sub = visible(caller(request), ctx.store.getSubscription(request.params.subscriptionId));
    if (!sub) throw notFound(`Subscription '${request.params.subscriptionId}'`);
    return withAccounts(sub, (request.query as Record<string, string>).fetchAccounts === 'true');
  });

  app.patch<{ Params: Params }>(`${API}/subscriptions/:subscriptionId`, async (request) => {
    const { subscriptionId } = request.params;
    if (!visible(caller(request), ctx.store.getSubscription(subscriptionId))) throw notFound(`Subscription '${subscriptionId}'`);
    rejectReadOnly(request.body, SUBSCRIPTION_READ_ONLY);
    const { kind: _kind, ...patch } = parse(subscriptionPatchSchema, request.body);
    const updated = ctx.store.patchSubscription(subscriptionId, patch);
    if (!updated) throw notFound(`Subscription '${subscriptionId}'`);
    return updated;
  });

  app.delete<{ Params: Params }>(`${API}/subscriptions/:subscriptionId`, async (request, reply) => {
    const { subscriptionId } = request.params;
    if (!visible(caller(request), ctx.store.getSubscription(subscriptionId))) throw notFound(`Subscription '${subscriptionId}'`);
    ctx.store.deleteSubscription(subscriptionId);
    return reply.code(204).send();
  });
}
