// Checks JSON values against the OCM OpenAPI model (../shared/ocm-api): resolves
// $refs and, for every field the emulator sends, checks that the schema knows the
// name and that the value has the declared type. Known deviations (from
// ams-wire.md: what real clients and the live service do) override the schema.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectFields } from '../../emulator/fields.js';

export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** `Schema.field` -> what the live service sends instead ('absent-from-spec' for extra fields). */
export type Deviations = Record<string, { type: string; why: string }>;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OCM_API_DIR = resolve(REPO_ROOT, '..', 'shared', 'ocm-api');

export function loadOpenApi(file: string): OpenApiDocument {
  const path = join(OCM_API_DIR, file);
  if (!existsSync(path)) {
    throw new Error(
      `OCM OpenAPI model not found at ${path}: the emulator conformance test needs ../shared/ocm-api/ beside the repository (CI always has it).`,
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

export function responseSchema(doc: OpenApiDocument, path: string, method: string, status: string): JsonSchema {
  const schema = doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no ${status} JSON response schema for ${method.toUpperCase()} ${path}`);
  return schema;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeProblem(type: string | undefined, format: string | undefined, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return `expected string, got ${JSON.stringify(value)}`;
      if (format === 'date-time' && !RFC3339.test(value)) return `expected an RFC 3339 date-time, got ${value}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected boolean, got ${JSON.stringify(value)}`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `expected integer, got ${JSON.stringify(value)}`;
    case 'number':
      return typeof value === 'number' ? undefined : `expected number, got ${JSON.stringify(value)}`;
    case 'array':
      return Array.isArray(value) ? undefined : `expected array, got ${JSON.stringify(value)}`;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `expected object, got ${JSON.stringify(value)}`;
    default:
      return undefined;
  }
}

export class SchemaChecker {
  readonly #doc: OpenApiDocument;
  readonly #deviations: Deviations;
  /** Deviations that some checked value actually showed. */
  readonly seen = new Set<string>();

  constructor(doc: OpenApiDocument, deviations: Deviations) {
    this.#doc = doc;
    this.#deviations = deviations;
  }

  schema(name: string): JsonSchema {
    const schema = this.#doc.components.schemas[name];
    if (!schema) throw new Error(`schema ${name} is not in the OpenAPI document`);
    return schema;
  }

  /** Returns the problems found (empty when the value conforms). */
  check(schema: JsonSchema, value: unknown, name: string, where = name): string[] {
    const problems: string[] = [];
    this.#check(schema, value, name, where, problems);
    return problems;
  }

  #check(schema: JsonSchema, value: unknown, name: string, where: string, problems: string[]): void {
    if (schema.$ref) {
      const refName = schema.$ref.split('/').pop() ?? '';
      this.#check(this.schema(refName), value, refName, where, problems);
      return;
    }
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    const problem = typeProblem(type, schema.format, value);
    if (problem) {
      problems.push(`${where}: ${problem}`);
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
    if (type === 'array' && schema.items) {
      (value as unknown[]).forEach((item, i) => this.#check(schema.items as JsonSchema, item, name, `${where}[${i}]`, problems));
    }
    if (type === 'object' && schema.properties) {
      for (const [field, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        const deviation = this.#deviations[`${name}.${field}`];
        if (deviation) {
          this.seen.add(`${name}.${field}`);
          const devProblem = deviation.type === 'any' ? undefined : typeProblem(deviation.type, undefined, fieldValue);
          if (devProblem) problems.push(`${where}.${field} (known deviation): ${devProblem}`);
          continue;
        }
        const fieldSchema = schema.properties[field];
        if (!fieldSchema) problems.push(`${where}.${field}: not a field of ${name} in the OpenAPI model`);
        else this.#check(fieldSchema, fieldValue, name, `${where}.${field}`, problems);
      }
    }
  }
}

/**
 * Differences between a field tree of the emulator (emulator/fields.ts) and a model
 * schema: fields one has and the other lacks, objects taken for single values or lists
 * and back. `extra` lists dotted paths the emulator may add (known deviations).
 */
export function fieldTreeProblems(doc: OpenApiDocument, schema: JsonSchema, tree: ObjectFields, extra: readonly string[], where = tree.name): string[] {
  const schemas = doc.components.schemas;
  const resolve = (s: JsonSchema): JsonSchema => (s.$ref ? resolve(schemas[s.$ref.split('/').pop() ?? ''] ?? {}) : s);
  const properties = resolve(schema).properties ?? {};
  const problems: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const ours = tree.fields[name];
    const path = `${where}.${name}`;
    const model = resolve(property);
    const list = model.type === 'array';
    const element = list && model.items ? resolve(model.items) : model;
    if (ours === undefined) problems.push(`${path}: in the model, not searchable`);
    else if (ours === 'open') continue;
    else if (!element.properties) {
      if (ours !== 'scalar') problems.push(`${path}: a single value in the model, an object in the emulator`);
    } else if (ours === 'scalar') problems.push(`${path}: an object in the model, a single value in the emulator`);
    else {
      if (Boolean(ours.array) !== list) problems.push(`${path}: ${list ? '' : 'not '}a list in the model`);
      problems.push(...fieldTreeProblems(doc, element, ours, extra, path));
    }
  }
  for (const name of Object.keys(tree.fields)) {
    if (!(name in properties) && !extra.includes(`${where}.${name}`)) problems.push(`${where}.${name}: not in the model`);
  }
  return problems;
}
