import type { SearchNode, SearchPath } from './ast.js';
import { allTrue, anyTrue, compare, isScalar, type Truth } from './compare.js';
import { parseSearch } from './parser.js';

type Test = (obj: unknown) => Truth;

function spread(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Every value `path` reaches in `obj`. Arrays met on the way (or at the end) fan
 * out, so `labels.key` yields each label's key. Nothing reached (a missing field,
 * an empty array) yields one `undefined`: a missing value, like the NULL an SQL
 * outer join gives, so `labels.key is null` holds for a subscription without labels.
 */
function resolve(obj: unknown, path: SearchPath): unknown[] {
  let values = [obj];
  for (const segment of path) {
    values = values.flatMap(spread).map((value) =>
      // Own properties only: `constructor` or `__proto__` must not reach prototypes.
      typeof value === 'object' && value !== null && Object.hasOwn(value, segment)
        ? (value as Record<string, unknown>)[segment]
        : undefined);
  }
  const reached = values.flatMap(spread);
  return reached.length === 0 ? [undefined] : reached;
}

/** A condition on one value, applied to every value the path reaches: any match is a match. */
function onPath(path: SearchPath, test: (value: unknown) => Truth): Test {
  return (obj) => anyTrue(resolve(obj, path), test);
}

function negate(truth: Truth): Truth {
  return truth === null ? null : !truth;
}

/** `%` is any run of characters, `_` one character, a backslash escapes the next one. */
function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else {
      const literal = char === '\\' && index + 1 < pattern.length ? pattern[++index]! : char;
      source += literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
}

function compileNode(node: SearchNode): Test {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const operands = node.operands.map(compileNode);
      return (obj) => allTrue(operands, (test) => test(obj));
    }
    case 'or': {
      const operands = node.operands.map(compileNode);
      return (obj) => anyTrue(operands, (test) => test(obj));
    }
    case 'not': {
      const operand = compileNode(node.operand);
      return (obj) => negate(operand(obj));
    }
    case 'compare':
      return onPath(node.path, (value) => compare(value, node.operator, node.value));
    case 'in':
      return onPath(node.path, (value) => {
        const found = anyTrue(node.values, (literal) => compare(value, '=', literal));
        return node.negated ? negate(found) : found;
      });
    case 'like': {
      const regExp = likeToRegExp(node.pattern, node.caseInsensitive);
      return onPath(node.path, (value) => {
        if (!isScalar(value)) return null;
        const found = regExp.test(String(value));
        return node.negated ? !found : found;
      });
    }
    case 'isNull':
      return onPath(node.path, (value) => (value == null) !== node.negated);
  }
}

/** Turns a parsed search into a predicate that holds when the search selects `obj`. */
export function toPredicate(node: SearchNode): (obj: Record<string, unknown>) => boolean {
  const test = compileNode(node);
  return (obj) => test(obj) === true;
}

/**
 * Parses `text` once and returns a predicate to run over many objects. Throws
 * `SearchSyntaxError` for text that does not parse; empty text matches everything.
 */
export function compileSearch(text: string): (obj: Record<string, unknown>) => boolean {
  return toPredicate(parseSearch(text));
}
