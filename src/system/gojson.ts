// Go's encoding/json Unmarshal into a flat options struct, with its error texts: the request bodies of the
// $SYS services are decoded this way by the reference (events.go zReq: json.Unmarshal(msg, optz)), and a
// failure is answered with `{"error":{"code":400,"description":<err.Error()>}}`. The syntax check follows
// encoding/json/scanner.go (the whole input is checked before anything is decoded); decoding follows
// decode.go: keys match field names exactly, else case-insensitively; unknown keys are ignored; null leaves
// a field alone; the first type error is reported and the rest still decoded.

/** A field's Go type: its JSON-facing kind and the name Go prints in errors. */
export type GoKind = "string" | "bool" | "int" | "uint64" | "[]string";

export interface GoField {
  readonly kind: GoKind;
  /** The type name in errors when it is a named type (e.g. "server.SortOpt"); defaults to the kind. */
  readonly type?: string;
}

export interface GoStruct {
  /** The struct's name as Go prints it in "Go struct field X.y" (e.g. "ConnzEventOptions"). */
  readonly name: string;
  /** JSON name -> field. Embedded structs' fields are listed flat, as Go promotes them. */
  readonly fields: Readonly<Record<string, GoField>>;
}

export type GoValue = string | boolean | number | string[];

export type Decoded = { ok: true; values: Map<string, GoValue> } | { ok: false; error: string };

/** json.Unmarshal(text, &struct) for a struct of scalar and []string fields. */
export function goUnmarshal(text: string, st: GoStruct): Decoded {
  const syntax = checkValid(text);
  if (syntax !== undefined) return { ok: false, error: syntax };
  const root = new Reader(text).value();
  const values = new Map<string, GoValue>();
  if (root.t === "null") return { ok: true, values };
  if (root.t !== "object") {
    return { ok: false, error: `json: cannot unmarshal ${root.t} into Go value of type server.${st.name}` };
  }
  let firstError: string | undefined;
  const fail = (what: string, key: string, type: string): void => {
    firstError ??= `json: cannot unmarshal ${what} into Go struct field ${st.name}.${key} of type ${type}`;
  };
  for (const [key, v] of root.entries) {
    const name = fieldFor(st, key);
    if (name === undefined) continue;
    const f = st.fields[name]!;
    const type = f.type ?? f.kind;
    if (v.t === "null") continue;
    switch (f.kind) {
      case "string":
        if (v.t === "string") values.set(name, v.s);
        else fail(kindText(v), name, type);
        break;
      case "bool":
        if (v.t === "bool") values.set(name, v.b);
        else fail(kindText(v), name, type);
        break;
      case "int":
      case "uint64": {
        if (v.t !== "number") {
          fail(kindText(v), name, type);
          break;
        }
        const n = parseGoInt(v.s, f.kind === "uint64");
        if (n === undefined) fail(`number ${v.s}`, name, type);
        else values.set(name, n);
        break;
      }
      case "[]string": {
        if (v.t !== "array") {
          fail(kindText(v), name, type);
          break;
        }
        const out: string[] = [];
        for (const e of v.items) {
          if (e.t === "string") out.push(e.s);
          else if (e.t === "null") out.push("");
          else fail(kindText(e), name, "string");
        }
        values.set(name, out);
        break;
      }
    }
  }
  return firstError === undefined ? { ok: true, values } : { ok: false, error: firstError };
}

/** decode.go's field lookup: the exact name, else the last case-insensitive match. */
function fieldFor(st: GoStruct, key: string): string | undefined {
  if (Object.hasOwn(st.fields, key)) return key;
  const lower = key.toLowerCase();
  for (const name of Object.keys(st.fields)) if (name.toLowerCase() === lower) return name;
  return undefined;
}

function kindText(v: JValue): string {
  return v.t === "bool" ? "bool" : v.t;
}

/** strconv.ParseInt/ParseUint(s, 10, 64) on a JSON number's text. */
function parseGoInt(s: string, unsigned: boolean): number | undefined {
  if (!/^-?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (unsigned ? v < 0n || v > 18446744073709551615n : v < -9223372036854775808n || v > 9223372036854775807n) return undefined;
  return Number(v);
}

// ---- a parsed JSON value (only after checkValid accepted the text)

type JValue =
  | { t: "null" }
  | { t: "bool"; b: boolean }
  | { t: "number"; s: string }
  | { t: "string"; s: string }
  | { t: "array"; items: JValue[] }
  | { t: "object"; entries: [string, JValue][] };

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (this.i < this.s.length && isSpace(this.s.charCodeAt(this.i))) this.i++;
  }

  value(): JValue {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") {
      this.i++;
      const entries: [string, JValue][] = [];
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return { t: "object", entries };
      }
      for (;;) {
        this.ws();
        const k = this.string();
        this.ws();
        this.i++; // ':'
        entries.push([k, this.value()]);
        this.ws();
        if (this.s[this.i++] === "}") return { t: "object", entries };
      }
    }
    if (c === "[") {
      this.i++;
      const items: JValue[] = [];
      this.ws();
      if (this.s[this.i] === "]") {
        this.i++;
        return { t: "array", items };
      }
      for (;;) {
        items.push(this.value());
        this.ws();
        if (this.s[this.i++] === "]") return { t: "array", items };
      }
    }
    if (c === '"') return { t: "string", s: this.string() };
    if (c === "t") {
      this.i += 4;
      return { t: "bool", b: true };
    }
    if (c === "f") {
      this.i += 5;
      return { t: "bool", b: false };
    }
    if (c === "n") {
      this.i += 4;
      return { t: "null" };
    }
    const start = this.i;
    while (this.i < this.s.length && /[-+.eE0-9]/.test(this.s[this.i]!)) this.i++;
    return { t: "number", s: this.s.slice(start, this.i) };
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.s[this.i] !== '"') this.i += this.s[this.i] === "\\" ? 2 : 1;
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// ---- scanner.go's checkValid, as a recursive descent with the state machine's error texts

class SyntaxError extends Error {}

/** quoteChar: how scanner.go names the offending byte. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c).slice(1, -1);
  const code = c.charCodeAt(0);
  if (code < 0x20 && !["\\n", "\\r", "\\t", "\\b", "\\f"].includes(q)) {
    return `'\\x${code.toString(16).padStart(2, "0")}'`;
  }
  if (q === "\\b") return "'\\b'";
  if (q === "\\f") return "'\\f'";
  return `'${q}'`;
}

const END = "unexpected end of JSON input";

/** undefined when `text` is one valid JSON value, else Go's error text. */
export function checkValid(text: string): string | undefined {
  let i = 0;
  const n = text.length;
  const err = (c: string, context: string): never => {
    throw new SyntaxError(`invalid character ${quoteChar(c)} ${context}`);
  };
  const end = (): never => {
    throw new SyntaxError(END);
  };
  const ws = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      if (i >= n) end();
      const c = text[i]!;
      if (c !== word[k]) err(c, `in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      i++;
    }
  };
  const digits = (): void => {
    while (i < n && text[i]! >= "0" && text[i]! <= "9") i++;
  };
  const number = (): void => {
    if (text[i] === "-") {
      i++;
      if (i >= n) end();
      const c = text[i]!;
      if (c < "0" || c > "9") err(c, "in numeric literal");
    }
    if (text[i] === "0") i++;
    else digits();
    if (i < n && text[i] === ".") {
      i++;
      if (i >= n) end();
      const c = text[i]!;
      if (c < "0" || c > "9") err(c, "after decimal point in numeric literal");
      digits();
    }
    if (i < n && (text[i] === "e" || text[i] === "E")) {
      i++;
      if (i < n && (text[i] === "+" || text[i] === "-")) i++;
      if (i >= n) end();
      const c = text[i]!;
      if (c < "0" || c > "9") err(c, "in exponent of numeric literal");
      digits();
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) end();
      const c = text[i]!;
      i++;
      if (c === '"') return;
      if (c === "\\") {
        if (i >= n) end();
        const e = text[i]!;
        i++;
        if ('bfnrt\\/"'.includes(e)) continue;
        if (e !== "u") err(e, "in string escape code");
        for (let k = 0; k < 4; k++) {
          if (i >= n) end();
          const h = text[i]!;
          if (!/[0-9a-fA-F]/.test(h)) err(h, "in \\u hexadecimal character escape");
          i++;
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) err(c, "in string literal");
    }
  };
  const value = (): void => {
    ws();
    if (i >= n) end();
    const c = text[i]!;
    if (c === "{") {
      i++;
      ws();
      if (i >= n) end();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= n) end();
        if (text[i] !== '"') err(text[i]!, "looking for beginning of object key string");
        string();
        ws();
        if (i >= n) end();
        if (text[i] !== ":") err(text[i]!, "after object key");
        i++;
        value();
        ws();
        if (i >= n) end();
        const d = text[i]!;
        i++;
        if (d === "}") return;
        if (d !== ",") err(d, "after object key:value pair");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (i >= n) end();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (i >= n) end();
        const d = text[i]!;
        i++;
        if (d === "]") return;
        if (d !== ",") err(d, "after array element");
      }
    }
    if (c === '"') return string();
    if (c === "t") {
      i++;
      return literal("true");
    }
    if (c === "f") {
      i++;
      return literal("false");
    }
    if (c === "n") {
      i++;
      return literal("null");
    }
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    err(c, "looking for beginning of value");
  };
  try {
    value();
    ws();
    if (i < n) err(text[i]!, "after top-level value");
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
    throw e;
  }
}
