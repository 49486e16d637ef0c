/** A literal value in a search: `'text'`, `42`, `true`, `false`, `null`. */
export type SearchValue = string | number | boolean | null;

/** `<>` is parsed as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A field reference: `plan.id` is `['plan', 'id']`. */
export type SearchPath = readonly string[];

export type SearchNode =
  /** Empty or blank search text: matches everything. */
  | { type: 'all' }
  | { type: 'and'; operands: readonly SearchNode[] }
  | { type: 'or'; operands: readonly SearchNode[] }
  | { type: 'not'; operand: SearchNode }
  | { type: 'compare'; path: SearchPath; operator: ComparisonOperator; value: SearchValue }
  /** `like` (case-sensitive) or `ilike`; `%` is any run of characters, `_` one character. */
  | { type: 'like'; path: SearchPath; pattern: string; caseInsensitive: boolean; negated: boolean }
  | { type: 'in'; path: SearchPath; values: readonly SearchValue[]; negated: boolean }
  | { type: 'isNull'; path: SearchPath; negated: boolean };
