// `x-rules` of the contract: each field's rules in the order zod checks them, with the
// exact message the TypeScript side reports, so another client names the same first
// broken rule in the same words. Read from the zod schema's checks; a check this file
// cannot publish (a `.refine` without a known rule) fails the generator rather than
// leave a rule out of the contract.
export type Rule = Record<string, unknown> & { message?: string };

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  maximum?: number;
  minimum?: number;
  value?: number;
  inclusive?: boolean;
  abort?: boolean;
  params?: Record<string, unknown>;
  error?: (issue: unknown) => unknown;
}

interface SchemaDef {
  type: string;
  error?: (issue: unknown) => unknown;
  checks?: { _zod: { def: CheckDef } }[];
  entries?: Record<string, string>;
  element?: object;
}

/** The message a check reports: set with `{ error: '…' }`; zod's default otherwise (not published). */
function messageOf(def: { error?: (issue: unknown) => unknown }): { message?: string } {
  const message = def.error?.({});
  return typeof message === 'string' ? { message } : {};
}

function ruleOf(def: CheckDef): Rule {
  const abort = def.abort ? { abort: true } : {};
  const message = messageOf(def);
  switch (def.check) {
    case 'string_format':
      // Flags would change what the pattern matches, and the published source does not carry them.
      if (def.format === 'regex' && def.pattern && !def.pattern.flags) return { pattern: def.pattern.source, ...message, ...abort };
      break;
    case 'max_length':
      return { maxLength: def.maximum, ...message, ...abort };
    case 'custom':
      if (typeof def.params?.maxUtf16Length === 'number') return { 'x-maxUtf16Length': def.params.maxUtf16Length, ...message, ...abort };
      break;
    case 'number_format':
      if (def.format === 'safeint') return { type: 'integer', ...message, ...abort };
      break;
    case 'greater_than':
      return { [def.inclusive ? 'minimum' : 'exclusiveMinimum']: def.value, ...message, ...abort };
    case 'less_than':
      return { [def.inclusive ? 'maximum' : 'exclusiveMaximum']: def.value, ...message, ...abort };
  }
  throw new Error(`contract: a ${def.check}${def.format ? ` (${def.format})` : ''} check cannot be published: express the rule as a pattern or a length`);
}

/** The ordered rules of a string, number or enum schema; undefined for other kinds. */
export function rulesOf(schema: object): Rule[] | undefined {
  const def = (schema as { _zod: { def: SchemaDef } })._zod.def;
  if (def.type === 'enum') return [{ enum: Object.values(def.entries ?? {}), ...messageOf(def) }];
  if (def.type !== 'string' && def.type !== 'number') return undefined;
  const type = { type: def.type, ...messageOf(def), abort: true };
  return [type, ...(def.checks ?? []).map((check) => ruleOf(check._zod.def))];
}

/**
 * The ordered rules of an array of scalars (the contract only: the workflow's generated
 * rules refuse arrays): its type, then each element rule as `items`, then its own
 * checks, as zod checks them. A rising order is `x-risingItems` (docs/contract.md).
 */
export function arrayRulesOf(schema: object): Rule[] | undefined {
  const def = (schema as { _zod: { def: SchemaDef } })._zod.def;
  if (def.type !== 'array') return undefined;
  const items = rulesOf(def.element!);
  if (!items) throw new Error('contract: an array of non-scalars cannot be published as rules');
  const own = (def.checks ?? []).map(({ _zod: { def: check } }): Rule => {
    const abort = check.abort ? { abort: true } : {};
    if (check.check === 'min_length') return { minItems: check.minimum, ...messageOf(check), ...abort };
    if (check.check === 'max_length') return { maxItems: check.maximum, ...messageOf(check), ...abort };
    if (check.check === 'custom' && check.params?.risingItems === true) return { 'x-risingItems': true, ...messageOf(check), ...abort };
    throw new Error(`contract: an array's ${check.check} check cannot be published`);
  });
  const [type, ...itemRules] = [{ type: 'array', ...messageOf(def), abort: true }, ...items];
  return [type, ...itemRules.map(({ message, abort, ...keywords }) => ({ items: keywords, message, ...(abort ? { abort } : {}) })), ...own];
}
