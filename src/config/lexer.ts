// The lexer of the nats-server configuration format: a port of nats-server's conf/lex.go (v2.9.10).
// Same design: state functions that consume input and emit typed items with a line and a column,
// a stack of states to return to after a value (so values can sit at the top level, in maps or in
// arrays), and string parts collected across escape sequences. Messages and positions are the
// reference's, so its lex_test.go cases hold here (see test/config/lexer.test.ts).
//
// Accepted syntax (as the reference): `key = v`, `key: v`, `key v`; `{}` maps and `[]` arrays with
// commas or new lines between values; `#` and `//` comments; single/double-quoted and bare strings;
// integers with size suffixes (1k, 1KB, 1MiB, ...), floats, ISO8601 Zulu datetimes, booleans
// (true/false/yes/no/on/off), `$variables`, `include file`, and `( ... )` blocks ended by a `)` alone on
// a line.

import { EOF, ItemType, type Item } from "./items.ts";
import { lexIncludeStart, lexString, lexTop } from "./lex-states.ts";
import type { LexerState, StateFn } from "./lex-types.ts";

export { ItemType, type Item } from "./items.ts";

export type { StateFn };

export class Lexer implements LexerState {
  readonly input: string;
  start = 0;
  pos = 0;
  width = 0;
  line = 1;
  private state: StateFn | null = lexTop;
  private items: Item[] = [];
  private stack: StateFn[] = [];
  /** Parts of a string split by escape sequences. */
  stringParts: string[] = [];
  stringStateFn: StateFn = lexString;
  /** Start position of the current line (the index of its '\n', as the reference). */
  lstart = 0;
  /** Start position of the line of the current item. */
  ilstart = 0;

  constructor(input: string) {
    this.input = input;
  }

  /** The next item; after an Error or EOF item, keeps returning EOF. */
  nextItem(): Item {
    for (;;) {
      const it = this.items.shift();
      if (it !== undefined) return it;
      if (this.state === null) return { typ: ItemType.EOF, val: "", line: this.line, pos: 0 };
      this.state = this.state(this);
    }
  }

  push(state: StateFn): void {
    this.stack.push(state);
  }

  pop(): StateFn | null {
    const last = this.stack.pop();
    if (last === undefined) return this.errorf("BUG in lexer: no states to pop.");
    return last;
  }

  emit(typ: ItemType): void {
    const val = this.stringParts.join("") + this.input.slice(this.start, this.pos);
    // Position of the item in the line where it started (the reference's formula, quirks included).
    const pos = this.pos - this.ilstart - val.length;
    this.items.push({ typ, val, line: this.line, pos });
    this.start = this.pos;
    this.ilstart = this.lstart;
  }

  emitString(): void {
    let s: string;
    if (this.stringParts.length > 0) {
      s = this.stringParts.join("") + this.input.slice(this.start, this.pos);
      this.stringParts = [];
    } else {
      s = this.input.slice(this.start, this.pos);
    }
    const pos = this.pos - this.ilstart - s.length;
    this.items.push({ typ: ItemType.String, val: s, line: this.line, pos });
    this.start = this.pos;
    this.ilstart = this.lstart;
  }

  addCurrentStringPart(offset: number): void {
    this.stringParts.push(this.input.slice(this.start, this.pos - offset));
    this.start = this.pos;
  }

  addStringPart(s: string): StateFn {
    this.stringParts.push(s);
    this.start = this.pos;
    return this.stringStateFn;
  }

  hasEscapedParts(): boolean {
    return this.stringParts.length > 0;
  }

  next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    if (this.input[this.pos] === "\n") {
      this.line++;
      this.lstart = this.pos;
    }
    const cp = this.input.codePointAt(this.pos) as number;
    const r = String.fromCodePoint(cp);
    this.width = r.length;
    this.pos += this.width;
    return r;
  }

  ignore(): void {
    this.start = this.pos;
    this.ilstart = this.lstart;
  }

  /** Steps back one rune; only once per call of next(). */
  backup(): void {
    this.pos -= this.width;
    if (this.pos < this.input.length && this.input[this.pos] === "\n") this.line--;
  }

  peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  /** Emits an Error item and stops lexing. */
  errorf(msg: string): null {
    const pos = this.pos - this.lstart;
    this.items.push({ typ: ItemType.Error, val: msg, line: this.line, pos });
    return null;
  }

  isBool(): boolean {
    const s = this.input.slice(this.start, this.pos).toLowerCase();
    return s === "true" || s === "false" || s === "on" || s === "off" || s === "yes" || s === "no";
  }

  isVariable(): boolean {
    if (this.start >= this.input.length) return false;
    if (this.input[this.start] === "$") {
      this.start += 1;
      return true;
    }
    return false;
  }

  /** Keys followed by a space may be the `include` keyword. */
  keyCheckKeyword(fallThrough: StateFn, push: StateFn | null): StateFn {
    const key = this.input.slice(this.start, this.pos).toLowerCase();
    if (key === "include") {
      this.ignore();
      if (push !== null) this.push(push);
      return lexIncludeStart;
    }
    this.emit(ItemType.Key);
    return fallThrough;
  }
}

/** Lexes the whole input (for tests and tools): every item up to and including EOF or Error. */
export function lexAll(input: string): Item[] {
  const lx = new Lexer(input);
  const out: Item[] = [];
  for (;;) {
    const it = lx.nextItem();
    out.push(it);
    if (it.typ === ItemType.EOF || it.typ === ItemType.Error) return out;
  }
}
