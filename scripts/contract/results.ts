// The results callers read, as zod schemas the contract publishes: the clusterState
// query's answer (ClusterStateView) and the registration update's (RegistrationResult).
// The interfaces in workflows/definitions.ts stay the source; the type assertions at the
// end make `tsc` fail until a field added, renamed or retyped there is here too.
// Never imported by workflow code (zod stays out of the workflow bundle).
import { z } from 'zod';
import type { ClusterStateView, RegistrationResult } from '../../workflows/definitions.js';
import { DELETED_BY, DELETION_OUTCOMES, PHASES, SUBSCRIPTION_FIELDS, TELEMETRY_STATUSES } from '../../workflows/values.js';

// Strict: a field the run answers that the schema does not list fails the query test.
const object = z.strictObject;
const field = z.enum(SUBSCRIPTION_FIELDS);
/** Workflow time, ISO 8601. */
const time = z.string();

const subscriptionValues = object({
  display_name: z.string().optional(),
  external_cluster_id: z.string().optional(),
  console_url: z.string().optional(),
  status: z.string().optional(),
});

const amsError = object({
  operation: z.string(),
  category: z.enum(['transient', 'credentials', 'refused', 'not-found', 'invalid']),
  message: z.string(),
  status: z.number().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  operationId: z.string().optional(),
  retryAfterSeconds: z.number().optional(),
  attempt: z.number().optional(),
  unsent: z.boolean().optional(),
  at: time.optional(),
});

const pendingWork = z.discriminatedUnion('kind', [
  object({ kind: z.literal('create') }),
  object({ kind: z.literal('lookup'), notBefore: time.optional() }),
  object({ kind: z.literal('patch'), field, value: z.string() }),
  object({ kind: z.literal('delete') }),
  object({ kind: z.literal('verify'), notBefore: time }),
  object({ kind: z.literal('telemetry'), notBefore: time }),
  object({ kind: z.literal('drift'), notBefore: time }),
]);

export const clusterStateViewSchema = object({
  rules: z.number().optional(),
  // As recorded: runs of the first rules kept ids as sent, so no input rules here.
  registration: object({ clusterId: z.string(), displayName: z.string(), accountUsername: z.string() }),
  phase: z.enum(PHASES),
  subscriptionId: z.string().optional(),
  subscriptionGone: z.boolean().optional(),
  desired: subscriptionValues.extend({ display_name: z.string() }),
  applied: subscriptionValues,
  ams: subscriptionValues.optional(),
  refusedValues: z.partialRecord(field, z.string()),
  deletion: object({
    by: z.enum(DELETED_BY),
    requestedAt: time,
    outcome: z.enum(DELETION_OUTCOMES).optional(),
    recheckAfter: time.optional(),
    createFirst: z.boolean().optional(),
  }).optional(),
  refusal: amsError.optional(),
  lastError: amsError.optional(),
  failures: z.number(),
  amsCalls: z.number(),
  rejectedInputs: z.array(object({ signal: z.string(), field: z.string(), rule: z.string(), at: time })),
  continuedAsNew: z.number(),
  installFailure: object({ reason: z.string().optional(), at: time }).optional(),
  inFlight: object({
    createUntil: time.optional(),
    writesUntil: time.optional(),
    writes: z.array(object({ field, value: z.string() })),
  }).optional(),
  telemetry: object({
    externalClusterId: z.string(),
    status: z.enum(TELEMETRY_STATUSES),
    since: time,
    checks: z.number(),
    nextCheckAt: time.optional(),
    lastTelemetryDate: z.string().optional(),
    duplicates: z.array(z.string()).optional(),
  }).optional(),
  drift: object({
    nextCheckAt: time,
    lastCheckedAt: time.optional(),
    findings: z.array(
      object({
        at: time,
        kind: z.enum(['repaired', 'unrepaired', 'status', 'recreated']),
        field: field.optional(),
        found: z.string().optional(),
        wanted: z.string().optional(),
        before: z.string().optional(),
      }),
    ),
  }).optional(),
  workflowId: z.string(),
  pending: z.array(pendingWork),
  scheduled: z.array(pendingWork),
  done: z.boolean(),
});

export const registrationResultSchema = object({ subscriptionId: z.string() });

// Both ways: the schema's output is the interface, field for field (intersections and
// optional markers compared after flattening).
type Flat<T> = T extends readonly unknown[] ? { [K in keyof T]: Flat<T[K]> } : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
const sameType = <A, B>(same: Same<A, B>) => same;
sameType<z.output<typeof clusterStateViewSchema>, ClusterStateView>(true);
sameType<z.output<typeof registrationResultSchema>, RegistrationResult>(true);
