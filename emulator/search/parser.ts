import type { ComparisonOperator, SearchNode, SearchPath, SearchValue } from './ast.js';
import { SearchSyntaxError } from './error.js';
import { readToken, type Token } from './lexer.js';

// Grammar (keywords case-insensitive; `not` binds tighter than `and`, `and` than `or`):
//   search    := <empty> | or <end>
//   or        := and ('or' and)*
//   and       := unary ('and' unary)*
//   unary     := condition | '(' or ')' | 'not' unary
//   condition := path ( compare value
//                     | ['not'] ('like' | 'ilike') string
//                     | ['not'] 'in' '(' value (',' value)* ')'
//                     | 'is' ['not'] 'null' )
//   path      := identifier ('.' word)*
//   value     := string | number | 'true' | 'false' | 'null'

const KEYWORDS = new Set(['and', 'or', 'not', 'like', 'ilike', 'in', 'is', 'null', 'true', 'false']);

const OPERATORS: ReadonlyMap<string, ComparisonOperator> = new Map([
  ['=', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>='],
]);

function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === keyword;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  return token.kind === 'string' ? token.text : `'${token.text}'`;
}

/**
 * Recursive descent over a lazily read token stream. Every check of the current
 * token that fails records what it looked for, and reading a token clears the
 * record, so an error lists every alternative valid at the failing position.
 */
/** Deeper nesting of '(' and 'not' is refused, so a hostile query cannot exhaust the stack. */
export const MAX_SEARCH_NESTING = 64;

class Parser {
  private token: Token;
  private expected: string[] = [];
  private depth = 0;

  constructor(private readonly source: string) {
    this.token = readToken(source, 0);
  }

  parseSearch(): SearchNode {
    if (this.atEnd()) return { type: 'all' };
    const node = this.parseOr();
    if (!this.check(this.atEnd(), 'end of input')) this.fail();
    return node;
  }

  private parseOr(): SearchNode {
    const operands = [this.parseAnd()];
    while (this.acceptKeyword('or')) operands.push(this.parseAnd());
    return operands.length === 1 ? operands[0]! : { type: 'or', operands };
  }

  private parseAnd(): SearchNode {
    const operands = [this.parseUnary()];
    while (this.acceptKeyword('and')) operands.push(this.parseUnary());
    return operands.length === 1 ? operands[0]! : { type: 'and', operands };
  }

  private parseUnary(): SearchNode {
    if (this.check(this.atIdentifier(), 'identifier')) return this.parseCondition();
    const start = this.token.start;
    if (this.acceptPunctuation('(')) {
      this.enterNesting(start, "'('");
      const node = this.parseOr();
      this.expectPunctuation(')');
      this.depth -= 1;
      return node;
    }
    if (this.acceptKeyword('not')) {
      this.enterNesting(start, "'not'");
      const operand = this.parseUnary();
      this.depth -= 1;
      return { type: 'not', operand };
    }
    return this.fail();
  }

  private enterNesting(position: number, what: string): void {
    this.depth += 1;
    if (this.depth > MAX_SEARCH_NESTING) {
      throw new SearchSyntaxError(this.source, position, ['identifier'], `${what} nested deeper than ${MAX_SEARCH_NESTING} levels`);
    }
  }

  private parseCondition(): SearchNode {
    const path = this.parsePath();
    const operator = this.token.kind === 'op' ? OPERATORS.get(this.token.text) : undefined;
    if (this.check(operator !== undefined, ...[...OPERATORS.keys()].map((op) => `'${op}'`))) {
      this.advance();
      return { type: 'compare', path, operator: operator!, value: this.parseValue() };
    }
    if (this.acceptKeyword('is')) {
      const negated = this.acceptKeyword('not');
      this.expectKeyword('null');
      return { type: 'isNull', path, negated };
    }
    const negated = this.acceptKeyword('not');
    const like = this.acceptKeyword('like');
    if (like || this.acceptKeyword('ilike')) {
      if (!this.check(this.token.kind === 'string', 'string')) this.fail();
      const pattern = this.advance().value as string;
      return { type: 'like', path, pattern, caseInsensitive: !like, negated };
    }
    if (this.acceptKeyword('in')) return { type: 'in', path, values: this.parseList(), negated };
    return this.fail();
  }

  private parsePath(): SearchPath {
    const path = [this.advance().text];
    while (this.acceptPunctuation('.')) {
      if (!this.check(this.token.kind === 'word', 'identifier')) this.fail();
      path.push(this.advance().text);
    }
    return path;
  }

  private parseList(): SearchValue[] {
    this.expectPunctuation('(');
    const values = [this.parseValue()];
    while (this.acceptPunctuation(',')) values.push(this.parseValue());
    this.expectPunctuation(')');
    return values;
  }

  private parseValue(): SearchValue {
    const { kind } = this.token;
    if (this.check(kind === 'string', 'string') || this.check(kind === 'number', 'number')) {
      return this.advance().value!;
    }
    if (this.acceptKeyword('true')) return true;
    if (this.acceptKeyword('false')) return false;
    if (this.acceptKeyword('null')) return null;
    return this.fail();
  }

  private atEnd(): boolean {
    return this.token.kind === 'end';
  }

  private atIdentifier(): boolean {
    return this.token.kind === 'word' && !KEYWORDS.has(this.token.text.toLowerCase());
  }

  /** Returns `ok`; when false, records `descriptions` as expected at the current token. */
  private check(ok: boolean, ...descriptions: string[]): boolean {
    if (!ok) {
      for (const description of descriptions) {
        if (!this.expected.includes(description)) this.expected.push(description);
      }
    }
    return ok;
  }

  private advance(): Token {
    const token = this.token;
    this.token = readToken(this.source, token.end);
    this.expected = [];
    return token;
  }

  private acceptKeyword(keyword: string): boolean {
    const ok = this.check(isKeyword(this.token, keyword), `'${keyword}'`);
    if (ok) this.advance();
    return ok;
  }

  private acceptPunctuation(char: string): boolean {
    const ok = this.check(this.token.kind === 'punct' && this.token.text === char, `'${char}'`);
    if (ok) this.advance();
    return ok;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) this.fail();
  }

  private expectPunctuation(char: string): void {
    if (!this.acceptPunctuation(char)) this.fail();
  }

  private fail(): never {
    throw new SearchSyntaxError(this.source, this.token.start, this.expected, describe(this.token));
  }
}

/**
 * Parses AMS `search` text into a tree. Empty or blank text (including text made
 * only of `+`) gives `{ type: 'all' }`, which matches everything, as AMS lists
 * everything when no search is given. Throws `SearchSyntaxError`.
 */
export function parseSearch(text: string): SearchNode {
  return new Parser(text).parseSearch();
}
