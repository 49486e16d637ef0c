import type { ComparisonOperator, SearchValue } from './ast.js';

/**
 * Three-valued truth, as in the SQL database behind AMS: `null` is "unknown", the
 * result of comparing against a missing field. Only `true` selects a row, and
 * `not unknown` stays unknown, so `not (x = 'a')` does not select rows without `x`.
 */
export type Truth = boolean | null;

type Scalar = string | number | boolean;

// RFC 3339 date or date-time; a date-time without an offset is read as UTC.
const DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

function dateTime(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const hasTime = text.length > 10;
  const time = Date.parse(hasTime && match[1] === undefined ? `${text}Z` : text);
  return Number.isNaN(time) ? undefined : time;
}

function numeric(text: string): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

function order(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders a field value against a literal: numbers numerically (also a number
 * against a numeric string), two RFC 3339 dates chronologically, two booleans
 * false before true, anything else as strings.
 */
function compareScalars(field: Scalar, literal: Scalar): number {
  if (typeof field === 'number' && typeof literal === 'number') return order(field, literal);
  if (typeof field === 'boolean' && typeof literal === 'boolean') return order(+field, +literal);
  if (typeof field === 'string' && typeof literal === 'string') {
    const [a, b] = [dateTime(field), dateTime(literal)];
    return a !== undefined && b !== undefined ? order(a, b) : order(field, literal);
  }
  if (typeof field === 'number' || typeof literal === 'number') {
    const [a, b] = [numeric(String(field)), numeric(String(literal))];
    if (a !== undefined && b !== undefined) return order(a, b);
  }
  return order(String(field), String(literal));
}

export function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * `field <operator> literal`. A missing field (undefined or null) equals the
 * literal `null`: `x = null` acts as `x is null` and `x != null` as `x is not null`.
 * Any other comparison involving null is unknown, as in SQL, so neither `x = 'a'`
 * nor `x != 'a'` selects a row without `x`. Objects compare as unknown too.
 */
export function compare(field: unknown, operator: ComparisonOperator, literal: SearchValue): Truth {
  if (literal === null) {
    if (operator === '=') return field == null;
    return operator === '!=' ? field != null : null;
  }
  if (!isScalar(field)) return null;
  const sign = compareScalars(field, literal);
  switch (operator) {
    case '=': return sign === 0;
    case '!=': return sign !== 0;
    case '<': return sign < 0;
    case '<=': return sign <= 0;
    case '>': return sign > 0;
    case '>=': return sign >= 0;
  }
}

/** Kleene `or` over lazily computed truths: true wins, then unknown. */
export function anyTrue<T>(items: Iterable<T>, test: (item: T) => Truth): Truth {
  let result: Truth = false;
  for (const item of items) {
    const truth = test(item);
    if (truth === true) return true;
    if (truth === null) result = null;
  }
  return result;
}

/** Kleene `and` over lazily computed truths: false wins, then unknown. */
export function allTrue<T>(items: Iterable<T>, test: (item: T) => Truth): Truth {
  let result: Truth = true;
  for (const item of items) {
    const truth = test(item);
    if (truth === false) return false;
    if (truth === null) result = null;
  }
  return result;
}
