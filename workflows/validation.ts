// Payload rules, shared by the client (refuses bad input before it is sent) and
// the workflow (records and ignores bad input that still arrives). The workflow runs them
// without zod: `npm run contract` generates them as data (generated/rules.ts) for
// rules-check.ts. Pure code.
import { z } from 'zod';
import { ADOPTABLE_PHASES, INSTALLED_NEEDS_OPENSHIFT_ID, SUBSCRIPTION_ID_MAX, type AdoptedCluster } from './adoption.js';
import { AFTER_INSTALL_DEFAULTS, DELETED_BY } from './definitions.js';
import { failed, unknownFieldsRule, type Validated } from './rules-check.js';

export {
  capText,
  describeIssues,
  ISSUE_TEXT_MAX,
  ISSUES_KEPT,
  type Validated,
  type ValidationIssue,
} from './rules-check.js';

export const DISPLAY_NAME_MAX = 255;
export const INSTALL_FAILURE_REASON_MAX = 2000;
export const ACCOUNT_USERNAME_MAX = 255;
export const CONSOLE_URL_MAX = 2048;

// Every rule is a pattern or a length, never a `.refine`, so z.toJSONSchema publishes it
// (contract/ams-lifecycle.contract.json) and another language validates from the
// contract alone. Patterns are plain ASCII source that ECMAScript (with or without the
// u flag) and Go's RE2 read alike: no flags, no lookaround, no \u or \s (RE2's \s is
// ASCII only), so upper case is spelt out and JavaScript's white space is listed.
const HEX = '[0-9a-fA-F]';
const UUID = new RegExp(`^${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}$`);
/** What String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), as literal characters. */
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const NOT_BLANK = new RegExp(`[^${WHITE_SPACE}]`);

const anyCaseUuid = z.string({ error: 'must be a string' }).regex(UUID, { error: 'must be a UUID' });
/** The one transform the generated rules know (scripts/contract/workflow-rules.ts). */
export const lowerCase = (s: string) => s.toLowerCase();
// Lower-cased, so 'ABC…' and 'abc…' are one cluster (one workflow id, one AMS cluster_id).
const uuid = anyCaseUuid.transform(lowerCase);

// Each field reports the first rule it breaks (abort), not every rule at once.
// C0 and C1 controls and DEL: a newline in a name reaches AMS, logs and Markdown as is.
// Free text (an install failure's reason) may keep tabs and line breaks.
const CONTROL = '\\x00-\\x1f\\x7f-\\x9f';
const CONTROL_BUT_WHITESPACE = '\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f';
const noControl = <T extends z.ZodString>(schema: T, controls = CONTROL) =>
  schema.regex(new RegExp(`^[^${controls}]*$`), { error: 'must not contain control characters', abort: true });

// These limits count UTF-16 code units (String.length), as they always have; zod's .max()
// and JSON Schema's maxLength count code points, so the rule is a refine and the contract
// carries it as maxLength plus the exact `x-maxUtf16Length` (see docs/contract.md).
const maxUtf16 = <T extends z.ZodString>(schema: T, max: number) =>
  // params name the rule for the contract generator (scripts/contract/rules.ts), which publishes it.
  schema.refine((s) => s.length <= max, { error: `must be at most ${max} characters`, abort: true, params: { maxUtf16Length: max } });
/** Call last: metadata belongs to the schema instance it is set on. */
const publishMaxUtf16 = <T extends z.ZodString>(schema: T, max: number) => schema.meta({ maxLength: max, 'x-maxUtf16Length': max });

/** A string that is not blank and at most `max` UTF-16 code units. */
const text = (max: number) => maxUtf16(z.string({ error: 'must be a string' }).regex(NOT_BLANK, { error: 'must not be empty', abort: true }), max);

const anyDisplayName = publishMaxUtf16(text(DISPLAY_NAME_MAX), DISPLAY_NAME_MAX);
const displayName = publishMaxUtf16(noControl(text(DISPLAY_NAME_MAX)), DISPLAY_NAME_MAX);
const anyAccountUsername = publishMaxUtf16(text(ACCOUNT_USERNAME_MAX), ACCOUNT_USERNAME_MAX);
const accountUsername = publishMaxUtf16(noControl(text(ACCOUNT_USERNAME_MAX)), ACCOUNT_USERNAME_MAX);

// An absolute https URL with a host ('https:foo' and 'http://…' are refused): optional
// user-info (refused by its own rule below), a DNS name or an IPv6 literal, an optional
// port of up to five digits, then a path, query or fragment without white space.
// A pattern rather than `new URL()` keeps the rule identical inside and outside the
// workflow sandbox.
const HTTPS = '^[hH][tT][tT][pP][sS]://';
const LABEL = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
const HOST = `(${LABEL}(\\.${LABEL})*|\\[[0-9a-fA-F:.]+\\])`;
const ABSOLUTE_HTTPS_URL = new RegExp(`${HTTPS}([^@/?#${WHITE_SPACE}]*@)?${HOST}(:[0-9]{1,5})?([/?#][^${WHITE_SPACE}]*)?$`);
// Credentials in a URL would reach AMS, the history and the Web UI: no '@' before the path.
const NO_USER_INFO = new RegExp(`${HTTPS}[^/?#@]*([/?#]|$)`);
// The authority does not end in ':digits', or ends in a port from 1 to 65535 (leading zeros allowed).
const PORT_1_TO_65535 = '0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const VALID_PORT = new RegExp(
  `${HTTPS}(([^/?#]*[^/?#0-9])?|([^/?#]*[^/?#:0-9])?[0-9]+|[^/?#]*:${PORT_1_TO_65535})([/?#]|$)`,
);

const anyHttpsUrl = maxUtf16(z.string({ error: 'must be a string' }), CONSOLE_URL_MAX).regex(ABSOLUTE_HTTPS_URL, {
  error: 'must be an absolute https URL',
  abort: true,
});
const httpsUrl = publishMaxUtf16(anyHttpsUrl, CONSOLE_URL_MAX);
const consoleUrl = publishMaxUtf16(
  noControl(anyHttpsUrl)
    .regex(NO_USER_INFO, { error: 'must not contain user-info (user:password@)', abort: true })
    .regex(VALID_PORT, { error: 'must have a port from 1 to 65535' }),
  CONSOLE_URL_MAX,
);

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

export const AFTER_INSTALL_MAX_SECONDS = 365 * 86_400;
export const AFTER_INSTALL_MAX_CHECKS = 10;
const CHECKS_RULE = `must be 1 to ${AFTER_INSTALL_MAX_CHECKS} rising whole numbers of seconds from 1 to ${AFTER_INSTALL_MAX_SECONDS}`;
const DRIFT_RULE = `must be a whole number of seconds from 1 to ${AFTER_INSTALL_MAX_SECONDS}`;
/** Whole seconds from 1 to a year, every rule with the field's one message (it names them all). */
const checkSeconds = (error: string) =>
  z.number({ error }).int({ error, abort: true }).min(1, { error, abort: true }).max(AFTER_INSTALL_MAX_SECONDS, { error, abort: true });
const rising = (checks: number[]) => checks.every((n, i) => i === 0 || n > checks[i - 1]!);
/**
 * The workflow input's `afterInstall` (client options): each field optional, its default
 * AFTER_INSTALL_DEFAULTS'. The workflow itself does not validate it (after-install.ts's
 * timingOf leaves garbage out), so it has no generated rules.
 */
export const afterInstallSchema = z.strictObject({
  telemetryCheckSeconds: z
    .array(checkSeconds(CHECKS_RULE), { error: CHECKS_RULE })
    .min(1, { error: CHECKS_RULE, abort: true })
    .max(AFTER_INSTALL_MAX_CHECKS, { error: CHECKS_RULE, abort: true })
    // params name the rule for the contract (scripts/contract/rules.ts publishes it as x-risingItems).
    .refine(rising, { error: CHECKS_RULE, abort: true, params: { risingItems: true } })
    .default(() => [...AFTER_INSTALL_DEFAULTS.telemetryCheckSeconds]),
  driftCheckSeconds: checkSeconds(DRIFT_RULE).default(AFTER_INSTALL_DEFAULTS.driftCheckSeconds),
});

/** An adopted cluster's fields (workflows/adoption.ts); the field rules are the signals' own. */
export const adoptedFieldsSchema = z.strictObject({
  subscriptionId: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9._-]+$/, { error: 'must be letters, digits, ".", "_" or "-"' })
    .max(SUBSCRIPTION_ID_MAX, { error: `must be at most ${SUBSCRIPTION_ID_MAX} characters` })
    .optional(),
  phase: z.enum(ADOPTABLE_PHASES, { error: `must be one of ${ADOPTABLE_PHASES.join(', ')}` }),
  openshiftClusterId: openshiftClusterIdSchema.shape.openshiftClusterId.optional(),
  consoleUrl: consoleUrlSchema.shape.consoleUrl.optional(),
  deletedBy: deletedSchema.shape.by.optional(),
});
const { holds, path, message } = INSTALLED_NEEDS_OPENSHIFT_ID;
export const adoptedSchema: z.ZodType<AdoptedCluster, unknown> = adoptedFieldsSchema.refine(holds, { error: message, path: [...path] });

/** Validate without throwing; issues name the field path and the rule broken (the workflow's twin: rules-check.ts). */
export function validate<T>(schema: z.ZodType<T, unknown>, input: unknown): Validated<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return failed(
    result.error.issues.map((issue) => ({
      path: issue.path,
      rule: issue.code === 'unrecognized_keys' ? unknownFieldsRule(issue.keys) : issue.message,
    })),
  );
}
