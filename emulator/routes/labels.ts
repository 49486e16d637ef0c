// Organization labels (capabilities live here): GET|POST /organizations/{id}/labels,
// GET|PATCH|DELETE /organizations/{id}/labels/{key}. Writes need a label-admin role.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { caller, type EmulatorContext } from '../context.js';
import { canSeeOrganization, isLabelAdmin, type Account } from '../directory.js';
import { fieldError, forbidden, notFound } from '../errors.js';
import { LABEL_ADMIN_ROLES } from '../options.js';
import type { LabelOwner } from '../store.js';
import { labelCreateSchema, labelPatchSchema, parse } from '../validation.js';
import { organizationLabels } from '../views.js';
import { API, list } from '../wire.js';

type Params = { organizationId: string; key?: string };

export function registerLabelRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  /** Users may only touch their own organization (403); unknown organizations are 404. */
  const organization = (request: FastifyRequest<{ Params: Params }>, write: boolean): { account: Account; owner: LabelOwner } => {
    const account = caller(request);
    const { organizationId } = request.params;
    if (!canSeeOrganization(account, organizationId)) throw forbidden(`Organization '${organizationId}' is not yours`);
    if (!ctx.directory.organizations.has(organizationId) && organizationLabels(ctx, organizationId).length === 0) {
      throw notFound(`Organization '${organizationId}'`);
    }
    if (write && !isLabelAdmin(account)) {
      throw forbidden(`Writing organization labels needs one of the roles ${LABEL_ADMIN_ROLES.join(', ')}`);
    }
    return { account, owner: { type: 'Organization', organizationId } };
  };

  const existing = (owner: LabelOwner, key: string) => {
    const label = ctx.store.getLabel(owner, key);
    if (!label) throw notFound(`Label '${key}'`);
    return label;
  };

  const base = `${API}/organizations/:organizationId/labels`;

  app.get<{ Params: Params }>(base, async (request) => {
    const { owner } = organization(request, false);
    return list('LabelList', ctx.store.labels(owner));
  });

  app.post<{ Params: Params }>(base, async (request, reply) => {
    const { account, owner } = organization(request, true);
    const body = parse(labelCreateSchema, request.body);
    const { label, created } = ctx.store.putLabel(owner, body, account.id);
    return reply.code(created ? 201 : 200).send(label);
  });

  app.get<{ Params: Params }>(`${base}/:key`, async (request) => {
    const { owner } = organization(request, false);
    return existing(owner, request.params.key ?? '');
  });

  app.patch<{ Params: Params }>(`${base}/:key`, async (request) => {
    const { account, owner } = organization(request, true);
    const key = request.params.key ?? '';
    const body = parse(labelPatchSchema, request.body);
    if (body.key !== undefined && body.key !== key) throw fieldError('key', `must match the label key in the path ('${key}')`);
    existing(owner, key);
    return ctx.store.putLabel(owner, { key, value: body.value, internal: body.internal }, account.id).label;
  });

  app.delete<{ Params: Params }>(`${base}/:key`, async (request, reply) => {
    const { owner } = organization(request, true);
    const key = request.params.key ?? '';
    existing(owner, key);
    ctx.store.deleteLabel(owner, key);
    return reply.code(204).send();
  });
}
