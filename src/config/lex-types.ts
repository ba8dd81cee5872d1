// What the lexer's state functions (lex-states.ts) use of the Lexer (lexer.ts), so that the two files
// need no import cycle: lex.go's stateFn and the lexer methods it calls.
import type { ItemType } from "./items.ts";

export type StateFn = (lx: LexerState) => StateFn | null;

export interface LexerState {
  readonly input: string;
  start: number;
  pos: number;
  stringStateFn: StateFn;
  push(state: StateFn): void;
  pop(): StateFn | null;
  emit(typ: ItemType): void;
  emitString(): void;
  addCurrentStringPart(offset: number): void;
  addStringPart(s: string): StateFn;
  hasEscapedParts(): boolean;
  next(): string;
  ignore(): void;
  backup(): void;
  peek(): string;
  errorf(msg: string): null;
  isBool(): boolean;
  isVariable(): boolean;
  keyCheckKeyword(fallThrough: StateFn, push: StateFn | null): StateFn;
}
