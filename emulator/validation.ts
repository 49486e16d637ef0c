// Request validation with zod: every rule broken becomes a 400 in the OCM error
// envelope that names the field and the rule. Length limits are the emulator's own
// (AMS does not publish them): names and ids 255 characters, URLs 2048, label
// values 4096.

import { z } from 'zod';
import { ApiError, ERROR_CODES, type ErrorDetail } from './errors.js';
import { SUBSCRIPTION_STATUSES } from './wire.js';

export const LIMITS = { name: 255, url: 2048, labelValue: 4096 } as const;

const text = (max: number) => z.string().max(max, `must be at most ${max} characters long`);
const nonEmpty = (max: number) => text(max).min(1, 'must not be empty');

/** Fields a client may never write on a subscription. */
export const SUBSCRIPTION_READ_ONLY = [
  'id',
  'href',
  'cluster_id',
  'plan',
  'creator',
  'organization_id',
  'managed',
  'provenance',
  'created_at',
  'updated_at',
  'metrics',
  'last_telemetry_date',
  'last_reconcile_date',
  'last_released_at',
  'trial_end_date',
  'capabilities',
  'labels',
] as const;

export const subscriptionPatchSchema = z.strictObject({
  kind: z.literal('Subscription', "must be 'Subscription'").optional(),
  display_name: nonEmpty(LIMITS.name).optional(),
  external_cluster_id: text(LIMITS.name).optional(),
  console_url: text(LIMITS.url).optional(),
  status: z.enum(SUBSCRIPTION_STATUSES, `must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`).optional(),
  support_level: z.enum(['Eval', 'Standard', 'Premium', 'Self-Support', 'None']).optional(),
  service_level: text(LIMITS.name).optional(),
  usage: text(LIMITS.name).optional(),
  system_units: text(LIMITS.name).optional(),
  cloud_provider_id: text(LIMITS.name).optional(),
  released: z.boolean().optional(),
});

const reservedResource = z.looseObject({
  resource_type: z.string().optional(),
  resource_name: z.string().optional(),
  count: z.int().optional(),
});

/** Every field of the OpenAPI ClusterAuthorizationRequest; anything else is refused. */
export const clusterAuthorizationSchema = z.strictObject({
  kind: z.literal('ClusterAuthorizationRequest', "must be 'ClusterAuthorizationRequest'").optional(),
  account_username: nonEmpty(LIMITS.name),
  cluster_id: nonEmpty(LIMITS.name),
  product_id: z.literal('OCP', "must be 'OCP' (the only product the emulator knows)"),
  product_category: z.literal('AssistedInstall', "must be 'AssistedInstall'").optional(),
  display_name: text(LIMITS.name).optional(),
  external_cluster_id: text(LIMITS.name).optional(),
  managed: z.boolean().optional(),
  reserve: z.boolean().optional(),
  byoc: z.boolean().optional(),
  disconnected: z.boolean().optional(),
  resources: z.array(reservedResource).optional(),
  availability_zone: z.string().optional(),
  cloud_account_id: z.string().optional(),
  cloud_provider_id: z.string().optional(),
  quota_version: z.string().optional(),
  rh_region_id: z.string().optional(),
  scope: z.string().optional(),
});

export const labelKeySchema = nonEmpty(LIMITS.name).regex(/^[^\s/]+$/, 'must not contain whitespace or /');

export const labelCreateSchema = z.strictObject({
  kind: z.literal('Label', "must be 'Label'").optional(),
  key: labelKeySchema,
  value: text(LIMITS.labelValue),
  internal: z.boolean().optional(),
});

export const labelPatchSchema = z.strictObject({
  kind: z.literal('Label', "must be 'Label'").optional(),
  key: labelKeySchema.optional(),
  value: text(LIMITS.labelValue).optional(),
  internal: z.boolean().optional(),
});

export const capabilityReviewSchema = z.strictObject({
  account_username: nonEmpty(LIMITS.name),
  capability: nonEmpty(LIMITS.name),
  type: z.enum(['Account', 'Organization', 'Cluster']),
  resource_type: z.string().optional(),
  cluster_id: z.string().optional(),
  subscription_id: z.string().optional(),
  organization_id: z.string().optional(),
});

export const accessReviewSchema = z.strictObject({
  account_username: nonEmpty(LIMITS.name),
  action: z.string(),
  // A free string in the spec: the Assisted Installer sends BareMetalCluster.
  resource_type: nonEmpty(LIMITS.name),
  organization_id: z.string().optional(),
  cluster_id: z.string().optional(),
  cluster_uuid: z.string().optional(),
  subscription_id: z.string().optional(),
});

export const listQuerySchema = z.object({
  page: z.coerce.number().int('must be an integer').min(1, 'must be 1 or more').optional(),
  size: z.coerce
    .number()
    .int('must be an integer')
    .refine((n) => n >= 0 || n === -1, 'must be 0 or more, or -1 for all')
    .optional(),
  search: z.string().max(10_000, 'must be at most 10000 characters long').optional(),
  order: z.string().optional(),
  orderBy: z.string().optional(),
});

function describe(issue: z.core.$ZodIssue): { field: string; rule: string }[] {
  const at = issue.path.map(String).join('.');
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined && at) {
    return [{ field: at, rule: 'is required' }];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ field: at ? `${at}.${key}` : key, rule: 'is not a known field' }));
    case 'invalid_type':
      return [{ field: at, rule: issue.message.startsWith('Invalid input') ? `must be of type ${issue.expected}` : issue.message }];
    case 'invalid_value':
      return [{ field: at, rule: issue.message.startsWith('Invalid') ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` : issue.message }];
    default:
      return [{ field: at, rule: issue.message }];
  }
}

/** Parses `input` or throws a 400 ApiError naming the fields and rules broken. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what = 'Request body'): z.output<T> {
  if (schema instanceof z.ZodObject && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new ApiError(400, ERROR_CODES.badRequest, `${what} must be a JSON object`);
  }
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw zodToApiError(result.error, what);
}

/** A ZodError as a 400 ApiError: the reason names the first field and rule, details list them all. */
export function zodToApiError(error: z.ZodError, what = 'Request body'): ApiError {
  const problems = error.issues.flatMap(describe);
  const first = problems[0] ?? { field: '', rule: 'is invalid' };
  const details: ErrorDetail[] = problems.map((p) => ({ kind: 'FieldError', ...p }));
  const reason = first.field ? `Field '${first.field}' ${first.rule}` : `${what} ${first.rule}`;
  return new ApiError(400, ERROR_CODES.badRequest, reason, { details });
}

/** Rejects read-only fields before schema checks so the reason says "read-only", not "unknown". */
export function rejectReadOnly(body: unknown, readOnly: readonly string[]): void {
  if (typeof body !== 'object' || body === null) return;
  const field = Object.keys(body).find((key) => readOnly.includes(key));
  if (field) {
    throw new ApiError(400, ERROR_CODES.badRequest, `Field '${field}' is read-only`, {
      details: [{ kind: 'FieldError', field, rule: 'is read-only' }],
    });
  }
}
