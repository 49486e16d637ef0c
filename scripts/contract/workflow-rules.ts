// The workflow's payload rules as plain data (workflows/generated/rules.ts), built from the
// zod schemas of workflows/validation.ts: the workflow checks payloads with
// workflows/rules-check.ts and never loads zod, which would be instantiated again in every
// cached run's context (issue 13). `npm run contract` writes it; a test fails when stale.
import type { z } from 'zod';
import * as V from '../../workflows/validation.js';
import type { FieldRules, ObjectRules } from '../../workflows/rules-check.js';
import { rulesOf } from './rules.js';

export const WORKFLOW_RULES_PATH = 'workflows/generated/rules.ts';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  transform?: unknown;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  checks?: unknown[];
  error?: (issue: unknown) => unknown;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function fieldOf(schema: z.ZodType, path: string): FieldRules {
  let leaf = schema;
  const optional = defOf(leaf).type === 'optional';
  if (optional) leaf = defOf(leaf).innerType!;
  // The one transform the rules know: ids lower-cased (validation.ts's lowerCase).
  const lowerCase = defOf(leaf).type === 'pipe';
  if (lowerCase) {
    const out = defOf(defOf(leaf).out!);
    if (out.type !== 'transform' || out.transform !== V.lowerCase) throw new Error(`workflow rules: ${path}: only the lowerCase transform can be published`);
    leaf = defOf(leaf).in!;
  }
  const rules = rulesOf(leaf);
  if (!rules) throw new Error(`workflow rules: ${path}: a ${defOf(leaf).type} field cannot be published`);
  return { ...(optional ? { optional: true } : {}), ...(lowerCase ? { lowerCase: true } : {}), rules };
}

/** An object schema (optionally optional) as rule data; anything else fails the generator. */
export function objectRulesOf(schema: z.ZodType, name: string): ObjectRules {
  let def = defOf(schema);
  const optional = def.type === 'optional';
  if (optional) def = defOf(def.innerType!);
  if (def.type !== 'object' || !def.shape) throw new Error(`workflow rules: ${name} is not an object schema`);
  if (def.checks?.length) throw new Error(`workflow rules: ${name}: object-level checks cannot be published (give them as a plain function)`);
  if (def.catchall && defOf(def.catchall).type !== 'never') throw new Error(`workflow rules: ${name}: only strict or stripping objects`);
  const message = def.error?.({});
  return {
    ...(optional ? { optional: true } : {}),
    strict: def.catchall !== undefined,
    ...(typeof message === 'string' ? { message } : {}),
    fields: Object.fromEntries(Object.entries(def.shape).map(([key, field]) => [key, fieldOf(field, `${name}.${key}`)])),
  };
}

/** Every schema the workflow checks, under the name rules-check.ts exports it by. */
export function buildWorkflowRules() {
  const r1 = V.RULES_1_SCHEMAS;
  return {
    registration: objectRulesOf(V.registrationSchema, 'registration'),
    rename: objectRulesOf(V.renameSchema, 'rename'),
    openshiftClusterId: objectRulesOf(V.openshiftClusterIdSchema, 'openshiftClusterId'),
    consoleUrl: objectRulesOf(V.consoleUrlSchema, 'consoleUrl'),
    installFailed: objectRulesOf(V.installFailedSchema, 'installFailed'),
    deleted: objectRulesOf(V.deletedSchema, 'deleted'),
    deletionRun: objectRulesOf(V.deletionRunSchema, 'deletionRun'),
    registrationWait: objectRulesOf(V.registrationWaitSchema, 'registrationWait'),
    adoptedFields: objectRulesOf(V.adoptedFieldsSchema, 'adoptedFields'),
    rules1: {
      registration: objectRulesOf(r1.registration, 'rules1.registration'),
      rename: objectRulesOf(r1.rename, 'rules1.rename'),
      openshiftClusterId: objectRulesOf(r1.openshiftClusterId, 'rules1.openshiftClusterId'),
      consoleUrl: objectRulesOf(r1.consoleUrl, 'rules1.consoleUrl'),
      installFailed: objectRulesOf(r1.installFailed, 'rules1.installFailed'),
    },
  };
}

// Two levels indented, each field on one line; characters outside ASCII as \u escapes.
function render(value: unknown, depth = 0): string {
  if (depth === 3 || value === null || typeof value !== 'object') return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const pad = '  '.repeat(depth + 1);
  const entries = Object.entries(value).map(([key, v]) => `${pad}${JSON.stringify(key)}: ${render(v, depth + 1)},`);
  return `{\n${entries.join('\n')}\n${'  '.repeat(depth)}}`;
}

export function renderWorkflowRules(): string {
  return [
    '// Generated from workflows/validation.ts by `npm run contract`; do not edit.',
    '// The workflow checks payloads with these rules (rules-check.ts) instead of loading zod.',
    "import type { ObjectRules } from '../rules-check.js';",
    '',
    `export const RULES = ${render(buildWorkflowRules())} as const satisfies Record<string, ObjectRules | Record<string, ObjectRules>>;`,
    '',
  ].join('\n');
}
