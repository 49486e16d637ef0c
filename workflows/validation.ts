// Payload rules, shared by the client (refuses bad input before it is sent) and
// the workflow (records and ignores bad input that still arrives). Pure code.
import { z } from 'zod';

export const DISPLAY_NAME_MAX = 255;
export const ACCOUNT_USERNAME_MAX = 255;
export const CONSOLE_URL_MAX = 2048;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const uuid = z.string({ error: 'must be a string' }).regex(UUID, { error: 'must be a UUID' });

const displayName = z
  .string({ error: 'must be a string' })
  .refine((s) => s.trim().length > 0, { error: 'must not be empty' })
  .refine((s) => s.length <= DISPLAY_NAME_MAX, { error: `must be at most ${DISPLAY_NAME_MAX} characters` });

const accountUsername = z
  .string({ error: 'must be a string' })
  .refine((s) => s.trim().length > 0, { error: 'must not be empty' })
  .refine((s) => s.length <= ACCOUNT_USERNAME_MAX, {
    error: `must be at most ${ACCOUNT_USERNAME_MAX} characters`,
  });

// An absolute https URL with a host ('https:foo' and 'http://…' are refused). A pattern rather
// than `new URL()` keeps the rule identical inside and outside the workflow sandbox.
const consoleUrl = z
  .string({ error: 'must be a string' })
  .refine((s) => s.length <= CONSOLE_URL_MAX, { error: `must be at most ${CONSOLE_URL_MAX} characters` })
  .refine(isAbsoluteHttpsUrl, { error: 'must be an absolute https URL' });

function isAbsoluteHttpsUrl(s: string): boolean {
  const m = /^https:\/\/([^/?#\s]+)([/?#]\S*)?$/i.exec(s);
  if (!m) return false;
  const authority = m[1] ?? '';
  const host = authority.replace(/^[^@]*@/, '').replace(/:\d{1,5}$/, '');
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(host) || /^\[[0-9a-f:.]+\]$/i.test(host);
}

export const registrationSchema = z.strictObject({
  clusterId: uuid,
  displayName,
  accountUsername,
});

export const renameSchema = z.strictObject({ displayName });
export const openshiftClusterIdSchema = z.strictObject({ openshiftClusterId: uuid });
export const consoleUrlSchema = z.strictObject({ consoleUrl });
export const installFailedSchema = z.strictObject({ reason: z.string().max(2000).optional() }).optional();
export const deletedSchema = z.strictObject({
  by: z.enum(['user', 'garbage-collection'], { error: "must be 'user' or 'garbage-collection'" }),
});
export const clusterIdSchema = z.strictObject({ clusterId: uuid });

export interface ValidationIssue {
  field: string;
  rule: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Validate without throwing; issues name the field path and the rule broken. */
export function validate<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      field: issue.path.length ? issue.path.join('.') : '(payload)',
      rule: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
}
