// Search, order and paging for list endpoints, as AMS does them.

import { ApiError, ERROR_CODES, fieldError } from './errors.js';
import { sortableFields, unknownField, type ObjectFields } from './fields.js';
import { parseSearch, searchPaths, SearchSyntaxError, toPredicate, type SearchNode } from './search/index.js';

export interface ListQuery {
  page?: number;
  size?: number;
  search?: string;
  order?: string;
  orderBy?: string;
}

export interface Page<T> {
  page: number;
  total: number;
  items: T[];
}

type Row = Record<string, unknown>;
interface OrderTerm {
  path: string[];
  descending: boolean;
}

export const DEFAULT_PAGE_SIZE = 100;

/**
 * Compiles `search` over the objects `fields` describes. A syntax error, or a field
 * the object does not have, is a 400 saying what is wrong and where.
 */
export function searchPredicate(search: string | undefined, fields: ObjectFields): (row: Row) => boolean {
  if (search === undefined || search.trim() === '') return () => true;
  const node = parsed(search);
  for (const path of searchPaths(node)) {
    const unknown = unknownField(fields, path);
    if (unknown === undefined) continue;
    const rule = `must name fields of ${fields.name} ('${unknown}' is not one)`;
    const reason = `Field 'search' must name fields of ${fields.name} only: '${unknown}' is not a field of ${fields.name}`;
    throw new ApiError(400, ERROR_CODES.failedToParseSearch, reason, {
      details: [{ kind: 'FieldError', field: 'search', rule }],
    });
  }
  return toPredicate(node);
}

function parsed(search: string): SearchNode {
  try {
    return parseSearch(search);
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw error;
    throw new ApiError(400, ERROR_CODES.failedToParseSearch, `Failed to parse search query '${search}': ${error.message}`, {
      details: [
        { kind: 'FieldError', field: 'search', rule: 'must be a valid search expression' },
        { kind: 'SearchSyntaxError', position: error.position, expected: [...error.expected], found: error.found },
      ],
    });
  }
}

/** Parses `created_at desc, display_name asc`; only single-valued fields of the object may be ordered by. */
export function parseOrder(text: string | undefined, fields: ObjectFields, field = 'order'): OrderTerm[] {
  if (text === undefined || text.trim() === '') return [];
  const sortable = sortableFields(fields);
  return text.split(',').map((term) => {
    const [name, direction, ...rest] = term.trim().split(/\s+/);
    if (!name || rest.length > 0) throw fieldError(field, `must be a comma-separated list of '<field> [asc|desc]' (got '${term.trim()}')`);
    if (!sortable.includes(name)) throw fieldError(field, `cannot order by '${name}'; allowed: ${sortable.join(', ')}`);
    const dir = (direction ?? 'asc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw fieldError(field, `direction must be asc or desc (got '${direction}')`);
    return { path: name.split('.'), descending: dir === 'desc' };
  });
}

function valueAt(row: Row, path: string[]): unknown {
  let value: unknown = row;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Row)[key] : undefined;
  return value;
}

function compare(a: unknown, b: unknown): number {
  // Missing values sort last, whatever the direction (like NULLS LAST).
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sortRows<T extends object>(rows: T[], order: OrderTerm[], fallback: OrderTerm[]): T[] {
  const terms = [...order, ...fallback];
  return [...rows].sort((a, b) => {
    for (const term of terms) {
      const [x, y] = [valueAt(a as Row, term.path), valueAt(b as Row, term.path)];
      const missing = x === undefined || x === null || y === undefined || y === null;
      const result = compare(x, y);
      if (result !== 0) return term.descending && !missing ? -result : result;
    }
    return 0;
  });
}

/** `size` -1 means all; pages count from 1. */
export function paginate<T>(rows: T[], page = 1, size = DEFAULT_PAGE_SIZE): Page<T> {
  const items = size === -1 ? (page === 1 ? rows : []) : rows.slice((page - 1) * size, page * size);
  return { page, total: rows.length, items };
}
