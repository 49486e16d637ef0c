// GET /current_account (whoami), plus the account and organization lookups the
// OCM tools use (GET /accounts?search=..., /accounts/{id}, /organizations/{id}).

import type { FastifyInstance } from 'fastify';
import { caller, type EmulatorContext } from '../context.js';
import { canSeeOrganization } from '../directory.js';
import { forbidden, notFound } from '../errors.js';
import { paginate, parseOrder, searchPredicate, sortRows } from '../listing.js';
import { listQuerySchema, parse } from '../validation.js';
import { accountView, organizationView } from '../views.js';
import { API, list } from '../wire.js';

const ACCOUNT_ORDER_FIELDS = ['id', 'username', 'email', 'first_name', 'last_name', 'created_at', 'organization.id'] as const;

export function registerAccountRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(`${API}/current_account`, async (request) => accountView(ctx, caller(request)));

  app.get(`${API}/accounts`, async (request) => {
    const q = parse(listQuerySchema, request.query, 'Query');
    const matches = searchPredicate(q.search);
    const me = caller(request);
    const rows = ctx.directory.accounts
      .filter((a) => canSeeOrganization(me, a.organization.id))
      .map((a) => accountView(ctx, a))
      .filter((view) => matches(view));
    const order = parseOrder(q.orderBy ?? q.order, ACCOUNT_ORDER_FIELDS);
    const page = paginate(sortRows(rows, order, parseOrder('username asc', ACCOUNT_ORDER_FIELDS)), q.page, q.size);
    return list('AccountList', page.items, page.page, page.total);
  });

  app.get<{ Params: { accountId: string } }>(`${API}/accounts/:accountId`, async (request) => {
    const account = ctx.directory.byId(request.params.accountId);
    if (!account || !canSeeOrganization(caller(request), account.organization.id)) {
      throw notFound(`Account '${request.params.accountId}'`);
    }
    return accountView(ctx, account);
  });

  app.get<{ Params: { organizationId: string } }>(`${API}/organizations/:organizationId`, async (request) => {
    const { organizationId } = request.params;
    if (!canSeeOrganization(caller(request), organizationId)) throw forbidden(`Organization '${organizationId}' is not yours`);
    const org = ctx.directory.organizations.get(organizationId);
    if (!org) throw notFound(`Organization '${organizationId}'`);
    return organizationView(org);
  });
}
