// The workflow's payload checker: runs the rules generated from the zod schemas of
// validation.ts (generated/rules.ts) and reports what zod's safeParse reports, issue for
// issue. The workflow never imports zod: the SDK evaluates the bundle's modules again for
// every run, and zod's schemas cost most of a cached run's memory (issue 13).
// test/workflow-rules.test.ts holds both sides to the same answers. Pure code.
import { RULES } from './generated/rules.js';
import type { DeletedBy } from './values.js';

export type Rule = Readonly<{
  type?: string;
  message?: string;
  abort?: boolean;
  pattern?: string;
  maxLength?: number;
  'x-maxUtf16Length'?: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
}>;
export interface FieldRules {
  readonly optional?: boolean;
  /** Ids are lower-cased once valid ('ABC…' and 'abc…' are one cluster). */
  readonly lowerCase?: boolean;
  readonly rules: readonly Rule[];
}
export interface ObjectRules {
  readonly optional?: boolean;
  /** Unknown fields are refused (strict) or dropped. */
  readonly strict: boolean;
  readonly message?: string;
  readonly fields: Readonly<Record<string, FieldRules>>;
}
/** A rule across fields, checked as zod checks a `.refine` on the object. */
export interface CrossFieldRule {
  readonly holds: (value: Record<string, unknown>) => boolean;
  readonly path: readonly string[];
  readonly message: string;
}
/** Object rules and the type of the value they accept (`T` exists only for the compiler). */
export interface Schema<T> extends ObjectRules {
  readonly refine?: CrossFieldRule;
  readonly __value?: T;
}

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

export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
}

export const unknownFieldsRule = (keys: readonly string[]) => `unknown field(s): ${keys.join(', ')}`;

/** The issues as reported (field path and rule, capped), from zod's or this checker's. */
export function failed(raw: readonly { path: readonly PropertyKey[]; rule: string }[]): { ok: false; issues: ValidationIssue[] } {
  const issues = raw.map(({ path, rule }) => ({ field: capText(path.length ? path.join('.') : '(payload)'), rule: capText(rule) }));
  const more = issues.length - ISSUES_KEPT;
  return { ok: false, issues: more > 0 ? [...issues.slice(0, ISSUES_KEPT), { field: '(payload)', rule: `and ${more} more issue(s)` }] : issues };
}

// An issue as zod keeps it, with its `continue` flag: true after a rule without abort,
// false after an abort rule (no rule runs after it), undefined after a wrong type (only
// length rules still run).
interface Issue {
  path: string[];
  rule: string;
  continue?: boolean;
}
const skipsRules = (issues: Issue[]) => issues.some((i) => i.continue !== true);

// zod's names for a received value ("Invalid input: expected string, received number").
function received(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    const ctor = (value as { constructor?: { name: string } }).constructor;
    if (proto !== Object.prototype && 'constructor' in value && ctor) return ctor.name;
  }
  return typeof value;
}

const compiled = new Map<string, RegExp>();
const regex = (source: string) => compiled.get(source) ?? compiled.set(source, new RegExp(source)).get(source)!;
const codePoints = (s: string) => [...s].length;

/** The issue a rule raises for `value`, or undefined when it holds. */
function broken(rule: Rule, value: unknown, first: boolean): Issue | undefined {
  const issue = (fallback: string, go = !rule.abort): Issue => ({ path: [], rule: rule.message ?? fallback, continue: go });
  const typeIssue = () => ({ ...issue(`Invalid input: expected ${rule.type}, received ${received(value)}`), continue: undefined });
  if (first && rule.type === 'string') return typeof value === 'string' ? undefined : typeIssue();
  if (first && rule.type === 'number') return typeof value === 'number' && Number.isFinite(value) ? undefined : typeIssue();
  if (rule.enum) return rule.enum.includes(value as string) ? undefined : typeIssue();
  if (rule.pattern !== undefined) return regex(rule.pattern).test(value as string) ? undefined : issue('Invalid string');
  if (rule['x-maxUtf16Length'] !== undefined) return (value as string).length <= rule['x-maxUtf16Length'] ? undefined : issue('Invalid input');
  if (rule.maxLength !== undefined) {
    const v = value as { length: number };
    const length = typeof v === 'string' && v.length > rule.maxLength ? codePoints(v) : v.length;
    const origin = typeof v === 'string' ? 'string' : Array.isArray(v) ? 'array' : 'unknown';
    const sized = origin === 'string' ? ' characters' : origin === 'array' ? ' items' : '';
    return length <= rule.maxLength ? undefined : issue(`Too big: expected ${origin} to ${sized ? 'have' : 'be'} <=${rule.maxLength}${sized}`);
  }
  const n = value as number;
  if (rule.type === 'integer') {
    if (!Number.isInteger(n)) return issue('Invalid input: expected int, received number', false);
    return Number.isSafeInteger(n) ? undefined : issue('Too big: expected int to be <=9007199254740991');
  }
  if (rule.minimum !== undefined) return n >= rule.minimum ? undefined : issue(`Too small: expected number to be >=${rule.minimum}`);
  if (rule.maximum !== undefined) return n <= rule.maximum ? undefined : issue(`Too big: expected number to be <=${rule.maximum}`);
  throw new Error(`rules-check: a rule this checker does not know: ${JSON.stringify(rule)}`);
}

// zod's order: the type first, then each rule; after a failure only length rules still
// run (on anything with a length), unless a failed rule aborts; an `abort` rule stops all.
function checkField(field: FieldRules, value: unknown): { issues: Issue[]; value: unknown } {
  const issues: Issue[] = [];
  field.rules.forEach((rule, i) => {
    if (rule.maxLength !== undefined) {
      if (issues.some((x) => x.continue === false) || value === null || value === undefined) return;
      if ((value as { length?: unknown }).length === undefined) return;
    } else if (skipsRules(issues)) return;
    const issue = broken(rule, value, i === 0);
    if (issue) issues.push(issue);
  });
  return { issues, value: field.lowerCase && !issues.length ? (value as string).toLowerCase() : value };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkObject(schema: Schema<unknown>, input: unknown): { issues: Issue[]; value: unknown } {
  if (input === undefined && schema.optional) return { issues: [], value: undefined };
  if (!isObject(input)) return { issues: [{ path: [], rule: schema.message ?? `Invalid input: expected object, received ${received(input)}` }], value: input };
  const issues: Issue[] = [];
  const value: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.fields)) {
    const present = key in input;
    if (field.optional && input[key] === undefined) {
      if (present) value[key] = undefined;
      continue;
    }
    const result = checkField(field, input[key]);
    issues.push(...result.issues.map((i) => ({ ...i, path: [key, ...i.path] })));
    if (present || result.value !== undefined) value[key] = result.value;
  }
  if (schema.strict) {
    const unknown: string[] = [];
    for (const key in input) if (!Object.hasOwn(schema.fields, key)) unknown.push(key);
    if (unknown.length) issues.push({ path: [], rule: unknownFieldsRule(unknown), continue: true });
  }
  if (schema.refine && !skipsRules(issues) && !schema.refine.holds(value)) {
    issues.push({ path: [...schema.refine.path], rule: schema.refine.message, continue: true });
  }
  return { issues, value };
}

/** Validate without throwing; issues name the field path and the rule broken (as zod's validate in validation.ts). */
export function validate<T>(schema: Schema<T>, input: unknown): Validated<T> {
  const { issues, value } = checkObject(schema, input);
  return issues.length ? failed(issues) : { ok: true, value: value as T };
}

const schema = <T>(rules: ObjectRules): Schema<T> => rules;
type Registration = { clusterId: string; displayName: string; accountUsername: string };

export const registrationSchema = schema<Registration>(RULES.registration);
export const renameSchema = schema<{ displayName: string }>(RULES.rename);
export const openshiftClusterIdSchema = schema<{ openshiftClusterId: string }>(RULES.openshiftClusterId);
export const consoleUrlSchema = schema<{ consoleUrl: string }>(RULES.consoleUrl);
export const installFailedSchema = schema<{ reason?: string } | undefined>(RULES.installFailed);
export const deletedSchema = schema<{ by: DeletedBy }>(RULES.deleted);
export const deletionRunSchema = schema<{ clusterId: string }>(RULES.deletionRun);
export const registrationWaitSchema = schema<{ waitSeconds?: number } | undefined>(RULES.registrationWait);
/** The signal rules of runs started before the hardening (rules 1): see validation.ts. */
export const RULES_1_SCHEMAS = {
  registration: schema<Registration>(RULES.rules1.registration),
  rename: schema<{ displayName: string }>(RULES.rules1.rename),
  openshiftClusterId: schema<{ openshiftClusterId: string }>(RULES.rules1.openshiftClusterId),
  consoleUrl: schema<{ consoleUrl: string }>(RULES.rules1.consoleUrl),
  installFailed: schema<{ reason?: string } | undefined>(RULES.rules1.installFailed),
} as const;
