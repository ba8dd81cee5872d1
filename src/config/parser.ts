// The parser of the nats-server configuration format: a port of nats-server's conf/parse.go (v2.9.10)
// in its "pedantic" mode (ParseFileWithChecks, what the server itself uses): every value is kept as a
// Token with its file, line and column (the column of its key, when it sits in a map), so that the
// option loader can name the place of an error like the reference does ("file:line:col: reason").
// A context stack holds the open maps and arrays; `$name` is looked up in the enclosing maps (block
// scoped, earlier keys only) and then in the environment; `include` merges another file's keys into the
// current map, the path taken relative to the including file's directory.
//
// parseConfig()/parseConfigFile() return plain objects for anyone who does not need positions.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ItemType, Lexer, type Item } from "./lexer.ts";

interface TokenBase {
  /** The file the value was read from ("" when parsing a string). */
  file: string;
  line: number;
  /** Column, as the reference reports it (1-based on lines after the first, 0-based on line 1). */
  pos: number;
  /** Set when a `$reference` used this value: such keys are never "unknown fields" (as the reference). */
  usedVariable: boolean;
}

export type Token = TokenBase &
  (
    | { kind: "string"; value: string }
    | { kind: "integer"; value: number }
    | { kind: "float"; value: number }
    | { kind: "bool"; value: boolean }
    | { kind: "datetime"; value: Date }
    | { kind: "array"; value: Token[] }
    | { kind: "map"; value: TokenMap }
  );

export type TokenMap = Map<string, Token>;

/** A parsed value without positions. Integers and floats are both numbers here. */
export type ConfigValue = string | number | boolean | Date | ConfigValue[] | ConfigObject;
export interface ConfigObject {
  [key: string]: ConfigValue;
}

/**
 * An error in a configuration file. `message` is one line: "file:line:col: reason" when the place is
 * known (as nats-server's configErr), else the reason alone.
 */
export class ConfigError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly reason: string;
  /** Every error found (the configuration loader reports them all); this one first. */
  errors: ConfigError[] = [this];
  constructor(reason: string, where?: { file: string; line: number; pos: number }) {
    super(where ? `${where.file}:${where.line}:${where.pos}: ${reason}` : reason);
    this.name = "ConfigError";
    this.reason = reason;
    this.file = where?.file ?? "";
    this.line = where?.line ?? 0;
    this.col = where?.pos ?? 0;
  }
}

type Context = { kind: "map"; map: TokenMap } | { kind: "array"; array: Token[] };

/** Values given as `$name` that start like a bcrypt hash are the hash itself (as the reference). */
const BCRYPT_PREFIX = "2a$";
/** Environment values may themselves hold `$references`; stop runaway recursion. */
const MAX_ENV_DEPTH = 32;

class Parser {
  readonly mapping: TokenMap = new Map();
  private readonly lx: Lexer;
  private readonly ctxs: Context[] = [];
  private readonly keys: Item[] = [];

  constructor(
    data: string,
    /** The file being parsed, for positions ("" for a string). */
    private readonly file: string,
    /** Files being included above this one (cycle detection). */
    private readonly chain: string[],
    private readonly envDepth: number,
  ) {
    this.lx = new Lexer(data);
    this.ctxs.push({ kind: "map", map: this.mapping });
  }

  private get ctx(): Context {
    return this.ctxs[this.ctxs.length - 1] as Context;
  }

  private where(it: Item): { file: string; line: number; pos: number } {
    return { file: this.file, line: it.line, pos: it.pos };
  }

  run(): TokenMap {
    for (;;) {
      const it = this.lx.nextItem();
      if (it.typ === ItemType.EOF) return this.mapping;
      this.processItem(it);
    }
  }

  private tok(it: Item, t: DistributiveOmit<Token, keyof TokenBase>): Token {
    return { ...t, file: this.file, line: it.line, pos: it.pos, usedVariable: false } as Token;
  }

  private processItem(it: Item): void {
    switch (it.typ) {
      case ItemType.Error:
        throw new ConfigError(`Parse error on line ${it.line}: '${it.val}'`, this.where(it));
      case ItemType.Key:
        this.keys.push(it);
        return;
      case ItemType.MapStart:
        this.ctxs.push({ kind: "map", map: new Map() });
        return;
      case ItemType.MapEnd: {
        const c = this.popContext();
        if (c.kind !== "map") throw new ConfigError("BUG in parser, map end in an array", this.where(it));
        this.setValue(this.tok(it, { kind: "map", value: c.map }));
        return;
      }
      case ItemType.ArrayStart:
        this.ctxs.push({ kind: "array", array: [] });
        return;
      case ItemType.ArrayEnd: {
        const c = this.popContext();
        if (c.kind !== "array") throw new ConfigError("BUG in parser, array end in a map", this.where(it));
        this.setValue(this.tok(it, { kind: "array", value: c.array }));
        return;
      }
      case ItemType.String:
        this.setValue(this.tok(it, { kind: "string", value: it.val }));
        return;
      case ItemType.Integer:
        this.setValue(this.tok(it, { kind: "integer", value: parseInteger(it, this.where(it)) }));
        return;
      case ItemType.Float: {
        const n = Number(it.val);
        if (Number.isNaN(n)) throw new ConfigError(`expected float, but got '${it.val}'`, this.where(it));
        if (!Number.isFinite(n)) throw new ConfigError(`float '${it.val}' is out of the range`, this.where(it));
        this.setValue(this.tok(it, { kind: "float", value: n }));
        return;
      }
      case ItemType.Bool: {
        const s = it.val.toLowerCase();
        let b: boolean;
        if (s === "true" || s === "yes" || s === "on") b = true;
        else if (s === "false" || s === "no" || s === "off") b = false;
        else throw new ConfigError(`expected boolean value, but got '${it.val}'`, this.where(it));
        this.setValue(this.tok(it, { kind: "bool", value: b }));
        return;
      }
      case ItemType.Datetime: {
        const d = new Date(it.val);
        if (Number.isNaN(d.getTime()) || d.toISOString().replace(".000Z", "Z") !== it.val) {
          throw new ConfigError(`expected Zulu formatted DateTime, but got '${it.val}'`, this.where(it));
        }
        this.setValue(this.tok(it, { kind: "datetime", value: d }));
        return;
      }
      case ItemType.Variable: {
        const found = this.lookupVariable(it);
        if (found === undefined) {
          throw new ConfigError(
            `variable reference for '${it.val}' on line ${it.line} can not be found`,
            this.where(it),
          );
        }
        // Mark the referenced value used (so its key is not an unknown field), and set a copy that
        // carries the position of the reference.
        found.usedVariable = true;
        this.setValue({ ...found, file: this.file, line: it.line, pos: it.pos, usedVariable: false });
        return;
      }
      case ItemType.Include:
        this.include(it);
        return;
      default:
        // Comments (CommentStart, Text) carry nothing.
        return;
    }
  }

  private include(it: Item): void {
    // As the reference: filepath.Join(dir(including file), value), even for an absolute value.
    const path = join(this.file === "" ? "." : dirname(this.file), it.val);
    let m: TokenMap;
    try {
      if (this.chain.includes(path) || path === this.file) {
        throw new ConfigError(`include cycle: ${[...this.chain, this.file, path].join(" -> ")}`);
      }
      m = parseFileTokensInternal(path, [...this.chain, this.file], this.envDepth);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new ConfigError(`error parsing include file '${it.val}', ${reason}`, this.where(it));
    }
    for (const [k, v] of m) {
      this.keys.push({ typ: ItemType.Key, val: k, line: v.line, pos: v.pos });
      this.setValue(v);
    }
  }

  private lookupVariable(it: Item): Token | undefined {
    const ref = it.val;
    if (ref.startsWith(BCRYPT_PREFIX)) {
      return this.tok(it, { kind: "string", value: "$" + ref });
    }
    // Enclosing maps, innermost first; arrays are skipped.
    for (let i = this.ctxs.length - 1; i >= 0; i--) {
      const c = this.ctxs[i] as Context;
      if (c.kind === "map") {
        const v = c.map.get(ref);
        if (v !== undefined) return v;
      }
    }
    // Then the environment, its value parsed as a value of this format.
    const env = process.env[ref];
    if (env === undefined) return undefined;
    if (this.envDepth >= MAX_ENV_DEPTH) {
      throw new ConfigError(
        `variable reference for '${ref}' on line ${it.line} could not be parsed: too many nested references`,
        this.where(it),
      );
    }
    const PKEY = "pk";
    let m: TokenMap;
    try {
      m = new Parser(`${PKEY}=${env}`, "", [], this.envDepth + 1).run();
    } catch (e) {
      const reason = e instanceof ConfigError ? e.reason : String(e);
      throw new ConfigError(
        `variable reference for '${ref}' on line ${it.line} could not be parsed: ${reason}`,
        this.where(it),
      );
    }
    return m.get(PKEY);
  }

  private popContext(): Context {
    if (this.ctxs.length <= 1) throw new ConfigError("BUG in parser, context stack empty");
    return this.ctxs.pop() as Context;
  }

  private setValue(val: Token): void {
    const c = this.ctx;
    if (c.kind === "array") {
      c.array.push(val);
      return;
    }
    const key = this.keys.pop();
    if (key === undefined) throw new ConfigError("BUG in parser, keys stack empty");
    // As the reference's pedantic mode: a value in a map reports the position of its key.
    val.line = key.line;
    val.pos = key.pos;
    c.map.set(key.val, val);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Integers with the reference's size suffixes: k/m/g/t/p/e are powers of 1000; kb/ki/kib... of 1024. */
function parseInteger(it: Item, where: { file: string; line: number; pos: number }): number {
  let lastDigit = 0;
  for (const ch of it.val) {
    if (!((ch >= "0" && ch <= "9") || ch === "-")) break;
    lastDigit++;
  }
  const numStr = it.val.slice(0, lastDigit);
  if (!/^-?[0-9]+$/.test(numStr)) throw new ConfigError(`expected integer, but got '${it.val}'`, where);
  const big = BigInt(numStr);
  if (big > 9223372036854775807n || big < -9223372036854775808n) {
    throw new ConfigError(`integer '${it.val}' is out of the range`, where);
  }
  const num = Number(big);
  const suffix = it.val.slice(lastDigit).trim().toLowerCase();
  const units: Record<string, number> = {
    "": 1,
    k: 1e3,
    kb: 1024,
    ki: 1024,
    kib: 1024,
    m: 1e6,
    mb: 1024 ** 2,
    mi: 1024 ** 2,
    mib: 1024 ** 2,
    g: 1e9,
    gb: 1024 ** 3,
    gi: 1024 ** 3,
    gib: 1024 ** 3,
    t: 1e12,
    tb: 1024 ** 4,
    ti: 1024 ** 4,
    tib: 1024 ** 4,
    p: 1e15,
    pb: 1024 ** 5,
    pi: 1024 ** 5,
    pib: 1024 ** 5,
    e: 1e18,
    eb: 1024 ** 6,
    ei: 1024 ** 6,
    eib: 1024 ** 6,
  };
  const mult = units[suffix];
  // The reference silently drops a value with any other suffix (e.g. "1kbb"); an error is kinder.
  if (mult === undefined) throw new ConfigError(`expected integer, but got '${it.val}'`, where);
  return num * mult;
}

function parseFileTokensInternal(path: string, chain: string[], envDepth: number): TokenMap {
  let data: string;
  try {
    data = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(describeFsError(e, path));
  }
  return new Parser(data, path, chain, envDepth).run();
}

/** Go-style text for a file system error ("open x: no such file or directory"). */
export function describeFsError(e: unknown, path: string): string {
  const code = (e as { code?: string }).code;
  const texts: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EISDIR: "is a directory",
    ENOTDIR: "not a directory",
  };
  const op = code === "EISDIR" ? "read" : "open";
  const text = (code !== undefined ? texts[code] : undefined) ?? (e instanceof Error ? e.message : String(e));
  return `${op} ${path}: ${text}`;
}

/** Parses configuration text into tokens with positions. `file` names it in errors and anchors includes. */
export function parseTokens(data: string, file = ""): TokenMap {
  return new Parser(data, file, [], 0).run();
}

/** Reads and parses a configuration file into tokens with positions. */
export function parseFileTokens(path: string): TokenMap {
  return parseFileTokensInternal(path, [], 0);
}

/** A token tree as plain values. */
export function toPlain(t: Token): ConfigValue {
  switch (t.kind) {
    case "array":
      return t.value.map(toPlain);
    case "map":
      return mapToPlain(t.value);
    default:
      return t.value;
  }
}

export function mapToPlain(m: TokenMap): ConfigObject {
  const o: ConfigObject = {};
  for (const [k, v] of m) {
    // defineProperty so that a key named "__proto__" is data, not the prototype.
    Object.defineProperty(o, k, { value: toPlain(v), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

/** Parses configuration text into a plain object (as the reference's conf.Parse). */
export function parseConfig(data: string, file = ""): ConfigObject {
  return mapToPlain(parseTokens(data, file));
}

/** Reads and parses a configuration file into a plain object (as the reference's conf.ParseFile). */
export function parseConfigFile(path: string): ConfigObject {
  return mapToPlain(parseFileTokens(path));
}
