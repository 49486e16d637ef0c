// The admin API under /_emulator/ (no token; the emulator binds to 127.0.0.1 by
// default): reset, state dump and seed, faults, request log, telemetry, clock, quota.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { ADMIN_PREFIX } from '../pipeline.js';
import type { StateDump } from '../store.js';
import { LIMITS, parse } from '../validation.js';
import { SUBSCRIPTION_STATUSES } from '../wire.js';

const telemetrySchema = z.strictObject({
  external_cluster_id: z.string().min(1, 'must not be empty').max(LIMITS.name),
  organization_id: z.string().min(1).max(LIMITS.name).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

const advanceSchema = z.strictObject({ seconds: z.number().min(0, 'must be 0 or more').max(100 * 365 * 86_400) });

const quotaSchema = z.strictObject({
  organization_id: z.string().min(1).optional(),
  max_clusters: z.int().min(0, 'must be 0 or more').nullable(),
  status: z.union([z.literal(403), z.literal(429)]).optional(),
});

const dumpSchema = z.looseObject({
  version: z.literal(1).default(1),
  clock_offset_seconds: z.number().default(0),
  subscriptions: z.array(
    z.looseObject({
      id: z.string().min(1),
      kind: z.literal('Subscription'),
      href: z.string(),
      status: z.enum(SUBSCRIPTION_STATUSES),
      created_at: z.iso.datetime({ offset: true }),
      updated_at: z.iso.datetime({ offset: true }),
    }),
  ),
  subscription_status_since: z.record(z.string(), z.string()).optional(),
  labels: z.array(
    z.looseObject({ key: z.string().min(1), value: z.string(), type: z.enum(['Organization', 'Account']) }),
  ).default([]),
  quotas: z.array(quotaSchema).default([]),
});

export const SEED_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

export function registerAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const at = (path: string) => `${ADMIN_PREFIX}${path}`;

  app.post(at('/reset'), async (_request, reply) => {
    ctx.store.reset();
    ctx.faults.clear();
    ctx.requests.clear();
    return reply.code(204).send();
  });

  app.get(at('/state'), async () => {
    ctx.store.reconcile();
    return ctx.store.dump();
  });

  // A dump of 10,000+ subscriptions (about 800 bytes each) for benchmarks: fastify's
  // default 1 MiB refused more than about 1,300.
  app.post(at('/seed'), { bodyLimit: SEED_BODY_LIMIT_BYTES }, async (request, reply) => {
    const dump = parse(dumpSchema, request.body, 'State dump') as unknown as StateDump;
    ctx.store.load(dump);
    return reply.code(204).send();
  });

  app.get(at('/faults'), async () => ({ items: ctx.faults.list() }));
  app.post(at('/faults'), async (request, reply) => reply.code(201).send(ctx.faults.add(request.body)));
  app.delete(at('/faults'), async (_request, reply) => {
    ctx.faults.clear();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>(at('/faults/:id'), async (request, reply) => {
    if (!ctx.faults.remove(request.params.id)) throw notFound(`Fault '${request.params.id}'`);
    return reply.code(204).send();
  });

  app.get<{ Querystring: { cluster_id?: string; method?: string; path?: string } }>(at('/requests'), async (request) => {
    const items = ctx.requests.list(request.query);
    return { total: items.length, items };
  });
  app.delete(at('/requests'), async (_request, reply) => {
    ctx.requests.clear();
    return reply.code(204).send();
  });

  app.post(at('/telemetry'), async (request) => ctx.store.reportTelemetry(parse(telemetrySchema, request.body)));

  app.get(at('/clock'), async () => ctx.clock.snapshot());
  app.post(at('/clock/advance'), async (request) => {
    ctx.store.advanceClock(parse(advanceSchema, request.body).seconds);
    return ctx.clock.snapshot();
  });

  app.get(at('/quota'), async () => ({ items: ctx.store.quotas() }));
  app.put(at('/quota'), async (request) => {
    const rule = parse(quotaSchema, request.body);
    return { items: ctx.store.setQuota({ ...rule, status: rule.status ?? 429 }) };
  });
}
