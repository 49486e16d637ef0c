// GET /current_account (whoami), plus the account and organization lookups the
// OCM tools use (GET /accounts?search=..., /accounts/{id}, /organizations/{id}).

import type { FastifyInstance } from 'fastify';
import { caller, type EmulatorContext } from '../context.js';
import { canSeeOrganization } from '../directory.js';
import { forbidden, notFound } from '../errors.js';
import { ACCOUNT_FIELDS } from '../fields.js';
import { paginate, parseOrder, searchPredicate, sortRows } from '../listing.js';
import { listQuerySchema, parse } from '../validation.js';
import { accountView, organizationView } from '../views.js';
import { API, list } from '../wire.js';

const DEFAULT_ORDER = parseOrder('username asc', ACCOUNT_FIELDS);

export function registerAccountRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(`${API}/current_account`, async (request) => accountView(ctx, caller(request)));

  app.get(`${API}/accounts`, async (request) => {
    const q = parse(listQuerySchema, request.query, 'Query');
    const matches = searchPredicate(q.search, ACCOUNT_FIELDS);
    const me = caller(request);
    const rows = ctx.directory.accounts
      .filter((a) => canSeeOrganization(me, a.organization.id))
      .map((a) => accountView(ctx, a))
      .filter((view) => matches(view));
    const order = parseOrder(q.orderBy ?? q.order, ACCOUNT_FIELDS, q.orderBy !== undefined ? 'orderBy' : 'order');
    const page = paginate(sortRows(rows, order, DEFAULT_ORDER), q.page, q.size);
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
