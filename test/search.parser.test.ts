import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SEARCH_NESTING, parseSearch, SearchSyntaxError, type SearchNode } from '../emulator/search/index.js';

const VALUE = ['string', 'number', "'true'", "'false'", "'null'"];
const OPERATOR = ["'='", "'!='", "'<>'", "'<'", "'<='", "'>'", "'>='", "'is'", "'not'", "'like'", "'ilike'", "'in'"];
const AFTER_PATH = ["'.'", ...OPERATOR];
const CONDITION_START = ['identifier', "'('", "'not'"];
const AFTER_CONDITION = ["'and'", "'or'", 'end of input'];

const eq = (field: string, value: string | number | boolean | null): SearchNode =>
  ({ type: 'compare', path: field.split('.'), operator: '=', value });

describe('parseSearch: trees', () => {
  const cases: Array<[string, SearchNode]> = [
    ['', { type: 'all' }],
    ['  \t ', { type: 'all' }],
    ['+++', { type: 'all' }],
    ["cluster_id = 'x'", eq('cluster_id', 'x')],
    ["plan.id='OCP'", eq('plan.id', 'OCP')],
    ["a <> 'x'", { type: 'compare', path: ['a'], operator: '!=', value: 'x' }],
    ['a >= -1.5', { type: 'compare', path: ['a'], operator: '>=', value: -1.5 }],
    ["a = 'it''s'", eq('a', "it's")],
    ["a = ''''", eq('a', "'")],
    ["a = ''", eq('a', '')],
    ['a = TRUE', eq('a', true)],
    ['a = false', eq('a', false)],
    ['a = Null', eq('a', null)],
    ["a+=+'x+y'", eq('a', 'x+y')],
    ["a = 'x' AND b = 'y' OR c = 'z'", {
      type: 'or',
      operands: [{ type: 'and', operands: [eq('a', 'x'), eq('b', 'y')] }, eq('c', 'z')],
    }],
    ["a = 'x' or b = 'y' and c = 'z'", {
      type: 'or',
      operands: [eq('a', 'x'), { type: 'and', operands: [eq('b', 'y'), eq('c', 'z')] }],
    }],
    ["(a = 'x' or b = 'y') and c = 'z'", {
      type: 'and',
      operands: [{ type: 'or', operands: [eq('a', 'x'), eq('b', 'y')] }, eq('c', 'z')],
    }],
    ["not a = 'x' and b = 'y'", {
      type: 'and',
      operands: [{ type: 'not', operand: eq('a', 'x') }, eq('b', 'y')],
    }],
    ["a = 1 or b = 2 or c = 3", { type: 'or', operands: [eq('a', 1), eq('b', 2), eq('c', 3)] }],
    ["status NOT IN ('Deprovisioned', 'Archived')",
      { type: 'in', path: ['status'], values: ['Deprovisioned', 'Archived'], negated: true }],
    ['n in (1, true, null)', { type: 'in', path: ['n'], values: [1, true, null], negated: false }],
    ['display_name IS NOT NULL', { type: 'isNull', path: ['display_name'], negated: true }],
    ['display_name is null', { type: 'isNull', path: ['display_name'], negated: false }],
    ["x ILike 'a%'", { type: 'like', path: ['x'], pattern: 'a%', caseInsensitive: true, negated: false }],
    ["x not like 'a_'", { type: 'like', path: ['x'], pattern: 'a_', caseInsensitive: false, negated: true }],
    ["labels.key Not ILIKE '%'", { type: 'like', path: ['labels', 'key'], pattern: '%', caseInsensitive: true, negated: true }],
    // After a dot any word is a segment, keywords included.
    ['a.in.null is null', { type: 'isNull', path: ['a', 'in', 'null'], negated: false }],
  ];
  for (const [text, tree] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(parseSearch(text), tree));
  }
});

describe('parseSearch: syntax errors', () => {
  const cases: Array<[string, number, string[], string]> = [
    ["display_name = 'abc", 19, ['closing quote'], 'end of input'],
    ["a = 'it''s", 10, ['closing quote'], 'end of input'],
    ["(status = 'Active'", 18, ["'and'", "'or'", "')'"], 'end of input'],
    ["((a = 1) or (b = 2)", 19, ["'and'", "'or'", "')'"], 'end of input'],
    ["status = 'Active' and", 21, CONDITION_START, 'end of input'],
    ["status = 'Active' and and x = 1", 22, CONDITION_START, "'and'"],
    ["status = 'Active' or", 20, CONDITION_START, 'end of input'],
    ['not', 3, CONDITION_START, 'end of input'],
    ['()', 1, CONDITION_START, "')'"],
    ["= 'x'", 0, CONDITION_START, "'='"],
    ["null = 'x'", 0, CONDITION_START, "'null'"],
    ["status in 'Active'", 10, ["'('"], "'Active'"],
    ['status in ()', 11, VALUE, "')'"],
    ["status in ('a' 'b')", 15, ["','", "')'"], "'b'"],
    ["status in ('a',)", 15, VALUE, "')'"],
    ["status == 'Active'", 7, AFTER_PATH, "'=='"],
    ["status =< 'Active'", 7, AFTER_PATH, "'=<'"],
    ['status', 6, AFTER_PATH, 'end of input'],
    ['status = ', 9, VALUE, 'end of input'],
    ['status = "Active"', 9, VALUE, "'\"'"],
    ['status = Active', 9, VALUE, "'Active'"],
    ["status is 'x'", 10, ["'not'", "'null'"], "'x'"],
    ["status is not 'x'", 14, ["'null'"], "'x'"],
    ["status not = 'x'", 11, ["'like'", "'ilike'", "'in'"], "'='"],
    ['display_name like 5', 18, ['string'], "'5'"],
    ["plan. = 'x'", 6, ['identifier'], "'='"],
    ["status = 'a' status = 'b'", 13, AFTER_CONDITION, "'status'"],
    ['a = 1)', 5, AFTER_CONDITION, "')'"],
    ["a = 'x' # b", 8, AFTER_CONDITION, "'#'"],
    ["a+=+'x'+or", 10, CONDITION_START, 'end of input'],
  ];
  for (const [text, position, expected, found] of cases) {
    it(JSON.stringify(text), () => {
      assert.throws(() => parseSearch(text), (error: unknown) => {
        assert.ok(error instanceof SearchSyntaxError);
        assert.equal(error.name, 'SearchSyntaxError');
        assert.equal(error.search, text);
        assert.deepEqual(
          { position: error.position, expected: error.expected, found: error.found },
          { position, expected, found },
        );
        return true;
      });
    });
  }

  it('words the message with the position, the alternatives and what was found', () => {
    assert.throws(() => parseSearch("status = 'Active' and and x = 1"), {
      name: 'SearchSyntaxError',
      message: "search: at position 22: expected one of identifier, '(', 'not' but found 'and'",
    });
    assert.throws(() => parseSearch("status in 'Active'"), {
      message: "search: at position 10: expected '(' but found 'Active'",
    });
    assert.throws(() => parseSearch("a = 'x"), {
      message: 'search: at position 6: expected closing quote but found end of input',
    });
  });
});

describe('nesting limit', () => {
  const nested = (levels: number, open: string) => `${open.repeat(levels)}a = 1${open === '(' ? ')'.repeat(levels) : ''}`;

  it(`accepts ${MAX_SEARCH_NESTING} levels of parentheses or not`, () => {
    assert.equal(parseSearch(nested(MAX_SEARCH_NESTING, '(')).type, 'compare');
    assert.equal(parseSearch(nested(MAX_SEARCH_NESTING, 'not ')).type, 'not');
  });

  it('refuses one level more with the position of the offending token', () => {
    assert.throws(() => parseSearch(nested(MAX_SEARCH_NESTING + 1, '(')), {
      name: 'SearchSyntaxError',
      message: `search: at position ${MAX_SEARCH_NESTING}: expected identifier but found '(' nested deeper than ${MAX_SEARCH_NESTING} levels`,
    });
    assert.throws(() => parseSearch(nested(MAX_SEARCH_NESTING + 1, 'not ')), (e: unknown) => e instanceof SearchSyntaxError && e.position === MAX_SEARCH_NESTING * 4);
  });

  it('answers a hostile 100,000-deep query with a syntax error, not a stack overflow', () => {
    assert.throws(() => parseSearch('('.repeat(100_000)), SearchSyntaxError);
  });
});
