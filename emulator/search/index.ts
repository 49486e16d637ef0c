// The AMS `search` query language (tree-search-language): parse once, match many.
//
// Decisions where AMS leaves room:
// - Empty or blank search text matches everything.
// - `+` is a space outside quotes (raw form-encoded queries); inside quotes it stays `+`.
// - SQL three-valued logic: a missing or null field makes comparisons unknown, so
//   `x != 'a'` and `not (x = 'a')` do not select rows without `x`; `x = null` means `x is null`.
// - A path through an array holds if the condition holds for any element.
export type { ComparisonOperator, SearchNode, SearchPath, SearchValue } from './ast.js';
export { SearchSyntaxError } from './error.js';
export { MAX_SEARCH_NESTING, parseSearch } from './parser.js';
export { compileSearch, toPredicate } from './evaluate.js';
export { searchPaths } from './paths.js';
