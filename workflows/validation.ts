// Payload rules, shared by the client (refuses bad input before it is sent) and
// the workflow (records and ignores bad input that still arrives). Pure code.
import { z } from 'zod';
import { DELETED_BY } from './definitions.js';

export const DISPLAY_NAME_MAX = 255;
export const INSTALL_FAILURE_REASON_MAX = 2000;
export const ACCOUNT_USERNAME_MAX = 255;
export const CONSOLE_URL_MAX = 2048;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const anyCaseUuid = z.string({ error: 'must be a string' }).regex(UUID, { error: 'must be a UUID' });
// Lower-cased, so 'ABC…' and 'abc…' are one cluster (one workflow id, one AMS cluster_id).
const uuid = anyCaseUuid.transform((s) => s.toLowerCase());

// Each field reports the first rule it breaks (abort), not every rule at once.
// C0 and C1 controls and DEL: a newline in a name reaches AMS, logs and Markdown as is.
// Free text (an install failure's reason) may keep tabs and line breaks.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const noControl = <T extends z.ZodType<string>>(schema: T, pattern = CONTROL) =>
  schema.refine((s) => !pattern.test(s), { error: 'must not contain control characters', abort: true });

const anyDisplayName = z
  .string({ error: 'must be a string' })
  .refine((s) => s.trim().length > 0, { error: 'must not be empty', abort: true })
  .refine((s) => s.length <= DISPLAY_NAME_MAX, { error: `must be at most ${DISPLAY_NAME_MAX} characters`, abort: true });
const displayName = noControl(anyDisplayName);

const anyAccountUsername = z
  .string({ error: 'must be a string' })
  .refine((s) => s.trim().length > 0, { error: 'must not be empty', abort: true })
  .refine((s) => s.length <= ACCOUNT_USERNAME_MAX, {
    error: `must be at most ${ACCOUNT_USERNAME_MAX} characters`,
    abort: true,
  });
const accountUsername = noControl(anyAccountUsername);

// An absolute https URL with a host ('https:foo' and 'http://…' are refused). A pattern rather
// than `new URL()` keeps the rule identical inside and outside the workflow sandbox.
const httpsUrl = z
  .string({ error: 'must be a string' })
  .refine((s) => s.length <= CONSOLE_URL_MAX, { error: `must be at most ${CONSOLE_URL_MAX} characters`, abort: true })
  .refine(isAbsoluteHttpsUrl, { error: 'must be an absolute https URL', abort: true });
// Credentials in a URL would reach AMS, the history and the Web UI.
const consoleUrl = noControl(httpsUrl)
  .refine((s) => !hasUserInfo(s), { error: 'must not contain user-info (user:password@)', abort: true })
  .refine(hasValidPort, { error: 'must have a port from 1 to 65535' });

function hasValidPort(s: string): boolean {
  const port = /^https:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(s)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
}

function hasUserInfo(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(s);
}

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

/**
 * The signal rules runs started before the hardening (rules 1) were recorded with: ids
 * kept as sent, user-info not refused. Their replay must accept what they accepted.
 */
export const RULES_1_SCHEMAS = {
  registration: z.strictObject({ clusterId: anyCaseUuid, displayName: anyDisplayName, accountUsername: anyAccountUsername }),
  rename: z.strictObject({ displayName: anyDisplayName }),
  openshiftClusterId: z.strictObject({ openshiftClusterId: anyCaseUuid }),
  consoleUrl: z.strictObject({ consoleUrl: httpsUrl }),
  installFailed: z.strictObject({ reason: z.string().max(INSTALL_FAILURE_REASON_MAX).optional() }).optional(),
} as const;
export const installFailedSchema = z
  .strictObject({
    reason: noControl(
      z.string({ error: 'must be a string' }).max(INSTALL_FAILURE_REASON_MAX, { error: `must be at most ${INSTALL_FAILURE_REASON_MAX} characters` }),
      CONTROL_BUT_WHITESPACE,
    ).optional(),
  })
  .optional();
export const deletedSchema = z.strictObject({
  by: z.enum(DELETED_BY, { error: `must be ${DELETED_BY.map((b) => `'${b}'`).join(' or ')}` }),
});
export const clusterIdSchema = z.strictObject({ clusterId: uuid });

/** A run started only to delete: the cluster id is all it needs. */
export const deletionRunSchema = z.object({ clusterId: uuid });

export const REGISTRATION_WAIT_MAX_SECONDS = 300;
/** The registration update's argument, checked by its validator before it enters history. */
export const registrationWaitSchema = z
  .strictObject({
    waitSeconds: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(REGISTRATION_WAIT_MAX_SECONDS, { error: `must be at most ${REGISTRATION_WAIT_MAX_SECONDS}` })
      .optional(),
  })
  .optional();

export interface ValidationIssue {
  field: string;
  rule: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

// What is kept of a bad payload is capped in size, not only in count: a payload with a
// thousand long keys must not become a megabyte of state carried across continue-as-new.
export const ISSUES_KEPT = 5;
export const ISSUE_TEXT_MAX = 200;

export function capText(text: string, max = ISSUE_TEXT_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Validate without throwing; issues name the field path and the rule broken. */
export function validate<T>(schema: z.ZodType<T, unknown>, input: unknown): Validated<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => ({
    field: capText(issue.path.length ? issue.path.join('.') : '(payload)'),
    rule: capText(issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message),
  }));
  const more = issues.length - ISSUES_KEPT;
  return {
    ok: false,
    issues: more > 0 ? [...issues.slice(0, ISSUES_KEPT), { field: '(payload)', rule: `and ${more} more issue(s)` }] : issues,
  };
}

export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
}
