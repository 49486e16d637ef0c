// Runtime shapes of the AMS responses this client reads, as lenient as the
// OpenAPI spec (accounts_mgmt v1), where every field is optional: only what the
// client truly needs is required, `kind` is checked only when sent, and objects
// are loose because AMS adds fields over time. A stricter check would turn a
// sparse answer into a validation error that the workflow retries for ever.

import { z } from 'zod';
import type { AmsValidationIssue } from './errors.js';

/** Subscription.status values known today; others are kept as they come (the spec's status is a free string). */
export { SUBSCRIPTION_STATUSES } from '../workflows/values.js';

// Go's zero time (0001-01-01T00:00:00Z), which AMS sends for dates never set, is RFC 3339 too.
const rfc3339 = z.iso.datetime({ offset: true });

/** An object's `kind`: 'X' when complete, 'XLink' when just a link; optional in the spec. */
function kindOf<const K extends string>(kind: K) {
  return z.enum([kind, `${kind}Link`]).optional();
}

/** A reference to another object: id, kind, href, all optional. */
function referenceTo(kind: string) {
  return z.looseObject({ id: z.string().optional(), kind: kindOf(kind), href: z.string().optional() });
}

export const SubscriptionSchema = z.looseObject({
  id: z.string().min(1),
  kind: kindOf('Subscription'),
  href: z.string().optional(),
  // Required although the spec says optional: the lifecycle decides on it (only a Reserved one is deleted).
  status: z.string(),
  cluster_id: z.string().optional(),
  external_cluster_id: z.string().optional(),
  display_name: z.string().optional(),
  console_url: z.string().optional(),
  organization_id: z.string().optional(),
  managed: z.boolean().optional(),
  plan: referenceTo('Plan')
    .extend({ type: z.string().optional(), category: z.string().optional(), name: z.string().optional() })
    .optional(),
  // A link, or the whole account with fetchAccounts=true.
  creator: referenceTo('Account').extend({ username: z.string().optional() }).optional(),
  created_at: rfc3339.optional(),
  updated_at: rfc3339.optional(),
  last_telemetry_date: rfc3339.optional(),
  // What telemetry attached (the seed's example); only its presence matters here.
  metrics: z.array(z.unknown()).optional(),
});

export const SubscriptionListSchema = z.looseObject({
  kind: z.literal('SubscriptionList').optional(),
  page: z.number().int().optional(),
  size: z.number().int().optional(),
  total: z.number().int().optional(),
  items: z.array(SubscriptionSchema).default([]),
});

export const ClusterAuthorizationResponseSchema = z.looseObject({
  // The decision itself, which createClusterAuthorization returns.
  allowed: z.boolean(),
  excess_resources: z.array(z.unknown()).optional(),
  // Always present when reserve is true, which is how this client asks.
  subscription: referenceTo('Subscription').extend({ id: z.string().min(1) }),
});

export const AccountSchema = z.looseObject({
  id: z.string().min(1),
  kind: kindOf('Account'),
  username: z.string().optional(),
  email: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  organization: z
    .looseObject({ id: z.string().optional(), name: z.string().optional(), external_id: z.string().optional() })
    .optional(),
});

// Read leniently: an odd error body must still become an AmsApiError, never a validation failure.
export const ErrorEnvelopeSchema = z.looseObject({
  kind: z.string().optional().catch(undefined),
  id: z.union([z.string(), z.number().transform(String)]).optional().catch(undefined),
  href: z.string().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  reason: z.string().optional().catch(undefined),
  operation_id: z.string().optional().catch(undefined),
  details: z.array(z.unknown()).optional().catch(undefined),
});

/** Zod issues as `field: rule` pairs, the field written like `items[2].status`. */
export function toValidationIssues(error: z.ZodError): AmsValidationIssue[] {
  return error.issues.map((issue) => ({ field: formatPath(issue.path), rule: formatRule(issue) }));
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function formatRule(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue ? `, got ${describe(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join('|')}${got}`;
    case 'invalid_type':
      // Absent field, when the input was reported (token responses are parsed without it, to keep tokens out).
      return 'input' in issue && issue.input === undefined
        ? `required (${issue.expected})`
        : `expected ${issue.expected}${got}`;
    case 'invalid_format':
      return `expected ${issue.format === 'datetime' ? 'an RFC 3339 date-time' : issue.format}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().nonnegative().optional(),
});

// RFC 6749 §5.2 error body, read leniently like the OCM envelope.
export const OAuthErrorSchema = z.looseObject({
  error: z.string().optional().catch(undefined),
  error_description: z.string().optional().catch(undefined),
});
