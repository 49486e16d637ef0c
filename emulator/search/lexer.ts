import { SearchSyntaxError } from './error.js';

/**
 * - `word`: identifier segment or keyword (the parser tells them apart, case-insensitively)
 * - `op`: a run of `=!<>` characters; the parser checks it is a known operator, so `==` is
 *   reported as one unknown operator instead of `=` followed by a stray `=`
 * - `invalid`: one character no token starts with; the parser reports it with what it expected
 */
export type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'op' | 'invalid' | 'end';

export type Token = {
  kind: TokenKind;
  /** Source text of the token (for strings: with the quotes and `''` escapes). */
  text: string;
  /** Decoded value of a string or number token. */
  value?: string | number;
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character: where the next token is read from. */
  end: number;
};

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;
const OPERATOR = /[=!<>]+/y;
const PUNCTUATION = new Set(['(', ')', ',', '.']);

/**
 * `+` counts as white space outside quotes: clients form-encode the query, and a raw
 * query string may reach us undecoded. Inside quotes `+` is kept as typed, because a
 * form decoder has already turned encoded spaces into real ones by then.
 */
function isSpace(char: string): boolean {
  return char === '+' || char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

function match(pattern: RegExp, source: string, start: number): string | undefined {
  pattern.lastIndex = start;
  return pattern.exec(source)?.[0];
}

/** Reads the single-quoted string starting at `start`; `''` stands for one quote. */
function readString(source: string, start: number): Token {
  let value = '';
  let index = start + 1;
  for (;;) {
    const close = source.indexOf("'", index);
    if (close === -1) {
      throw new SearchSyntaxError(source, source.length, ['closing quote'], 'end of input');
    }
    value += source.slice(index, close);
    if (source[close + 1] !== "'") {
      return { kind: 'string', text: source.slice(start, close + 1), value, start, end: close + 1 };
    }
    value += "'";
    index = close + 2;
  }
}

/** Reads the next token at or after `offset`, skipping white space. */
export function readToken(source: string, offset: number): Token {
  let start = offset;
  while (start < source.length && isSpace(source[start]!)) start++;
  if (start >= source.length) return { kind: 'end', text: '', start, end: start };

  const char = source[start]!;
  if (char === "'") return readString(source, start);

  const token = (kind: TokenKind, text: string, value?: number): Token =>
    ({ kind, text, ...(value === undefined ? {} : { value }), start, end: start + text.length });

  const number = match(NUMBER, source, start);
  if (number !== undefined) return token('number', number, Number(number));
  const word = match(WORD, source, start);
  if (word !== undefined) return token('word', word);
  const operator = match(OPERATOR, source, start);
  if (operator !== undefined) return token('op', operator);
  return token(PUNCTUATION.has(char) ? 'punct' : 'invalid', char);
}
