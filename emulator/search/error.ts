/**
 * Thrown for a `search` text that does not parse. Carries where parsing stopped
 * and what would have been accepted there, so the emulator can answer 400 with
 * a reason a person can act on.
 */
export class SearchSyntaxError extends Error {
  override name = 'SearchSyntaxError';
  /** The search text as given. */
  readonly search: string;
  /** 0-based character offset into `search` where parsing failed. */
  readonly position: number;
  /** What would have been accepted at `position`, e.g. `["identifier", "'('"]`. */
  readonly expected: readonly string[];
  /** What was there instead, e.g. `'and'` or `end of input`. */
  readonly found: string;

  constructor(search: string, position: number, expected: readonly string[], found: string) {
    const wanted = expected.length === 1 ? expected[0] : `one of ${expected.join(', ')}`;
    super(`search: at position ${position}: expected ${wanted} but found ${found}`);
    this.search = search;
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}
