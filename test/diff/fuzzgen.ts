// Random client byte streams for the differential fuzz test (fuzz.test.ts): a seeded generator over a
// grammar of the client protocol, plus mutations of what it generates. Everything is a latin1 "binary
// string" (one char per byte), as the raw test client sends it.
//
// What the generator avoids, because the reference itself answers it nondeterministically:
//  - two members of one queue group (which member gets a message is random): every queue name is unique
//    in a stream, and the second (subscriber) connection uses its own names;
//  - anything after a client's -ERR (see generateStream);
//  - a write boundary inside a line with a stray CR (see inLineWithStrayCR);
//  - the order of deliveries of one message to several subscriptions (Go map order in the sublist): not
//    avoided but normalised by the runner (fuzzrun.ts), which sorts such runs by sid.

/** A seeded PRNG (mulberry32): the same seed gives the same streams on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** In [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** A server configuration the fuzz runs against (the same text for the reference and bnats). */
export interface FuzzConfig {
  name: string;
  config: string;
  /** The max_control_line in effect, so over-long lines are generated around it. */
  maxControlLine: number;
}

export const FUZZ_CONFIGS: readonly FuzzConfig[] = [
  { name: "default", config: "\n", maxControlLine: 4096 },
  { name: "small-limits", config: "max_payload: 64\nmax_control_line: 200\n", maxControlLine: 200 },
];

export interface FuzzCase {
  /** "seed/index", to find the case again. */
  id: string;
  /** Index into FUZZ_CONFIGS. */
  config: number;
  /** The bytes the client sends, before the runner's final PING. */
  stream: string;
  /** Where the stream is cut into separate writes (ascending offsets inside it). */
  cuts: number[];
  /** A second connection's setup (CONNECT + SUBs), connected first; it records what it receives. */
  subscriber?: string;
}

const TOKENS = ["foo", "bar", "baz", "*", ">", "", "a1", "x-y", "$SYS", "_INBOX", "\x7f", "\xe9", "f*o", "b>", "0"];
const COMMON = ["foo", "bar", "foo.bar", "foo.*", "foo.>", ">", "*", "*.bar", "baz"];

function randomCase(r: Rng, verb: string): string {
  if (r.chance(0.8)) return verb;
  if (r.chance(0.5)) return verb.toLowerCase();
  let out = "";
  for (const ch of verb) out += r.chance(0.5) ? ch.toLowerCase() : ch;
  return out;
}

function sep(r: Rng): string {
  if (r.chance(0.85)) return " ";
  return r.pick(["\t", "  ", " \t", "\t\t ", "   "]);
}

function eol(r: Rng): string {
  if (r.chance(0.9)) return "\r\n";
  return r.pick(["\n", " \r\n", "\t\r\n"]);
}

function subject(r: Rng): string {
  if (r.chance(0.6)) return r.pick(COMMON);
  const n = 1 + r.int(3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.chance(0.5) ? r.pick(COMMON) : r.pick(TOKENS));
  let s = parts.join(".");
  if (r.chance(0.05)) s = "." + s;
  if (r.chance(0.05)) s += ".";
  return s === "" ? "foo" : s;
}

function sid(r: Rng): string {
  if (r.chance(0.85)) return String(1 + r.int(5));
  return r.pick(["0", "-1", "abc", "01", "99999999999", "1.5"]);
}

function size(r: Rng, n: number): string {
  if (r.chance(0.9)) return String(n);
  return r.pick([`0${n}`, `00${n}`, String(n + 1), String(Math.max(0, n - 1)), "", "x", "-1", "1234567890", "999999999", "+1"]);
}

function payload(r: Rng): string {
  const n = r.chance(0.2) ? 0 : r.int(r.chance(0.1) ? 90 : 16);
  const alphabet = r.chance(0.7) ? "abcdefgh" : "ab \r\n\t\x00\xffPING";
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[r.int(alphabet.length)];
  return out;
}

function connectOp(r: Rng): string {
  const fields: Record<string, unknown> = {};
  const bools = ["verbose", "pedantic", "echo", "headers", "no_responders", "tls_required"];
  for (const k of bools) {
    if (!r.chance(0.5)) continue;
    fields[k] = r.chance(0.9) ? r.chance(0.5) : r.pick(["true", 1, null]);
  }
  if (r.chance(0.2)) fields.protocol = r.pick([0, 1, 2, -1]);
  if (r.chance(0.2)) fields.lang = "ts";
  if (r.chance(0.2)) fields.version = "1.0";
  if (r.chance(0.2)) fields.name = r.pick(["x", "", "a b"]);
  if (r.chance(0.05)) fields.user = "u";
  if (r.chance(0.05)) fields.pass = "p";
  if (r.chance(0.05)) fields.auth_token = "t";
  let json = JSON.stringify(fields);
  if (r.chance(0.05)) json = r.pick([json.slice(0, -1), `${json}x`, "", "{", "[]", "null", `{"verbose":tru}`]);
  return `${randomCase(r, "CONNECT")}${r.chance(0.05) ? "" : sep(r)}${json}${eol(r)}`;
}

function pubOp(r: Rng, reply: boolean): string {
  const p = payload(r);
  const rep = reply ? `${sep(r)}${r.pick(["_INBOX.1", "r", "foo", "a.*", ""])}` : "";
  return `${randomCase(r, "PUB")}${sep(r)}${subject(r)}${rep}${sep(r)}${size(r, p.length)}${eol(r)}${p}\r\n`;
}

function hpubOp(r: Rng, reply: boolean): string {
  const hdr = r.pick([
    "NATS/1.0\r\n\r\n",
    "NATS/1.0\r\nK: v\r\n\r\n",
    "NATS/1.0 503\r\n\r\n",
    "NATS/1.0\r\nA: 1\r\nB: 2\r\n\r\n",
    "",
    "XX\r\n\r\n",
    "NATS/1.0\r\n",
  ]);
  const p = payload(r);
  const rep = reply ? `${sep(r)}${r.pick(["_INBOX.1", "r", "foo"])}` : "";
  let h = String(hdr.length);
  if (r.chance(0.1)) h = r.pick([`0${hdr.length}`, String(hdr.length + p.length + 1), "", "x", "1234567890"]);
  const total = size(r, hdr.length + p.length);
  return `${randomCase(r, "HPUB")}${sep(r)}${subject(r)}${rep}${sep(r)}${h}${sep(r)}${total}${eol(r)}${hdr}${p}\r\n`;
}

function subOp(r: Rng, queue: () => string): string {
  const q = r.chance(0.25) ? `${sep(r)}${queue()}` : "";
  return `${randomCase(r, "SUB")}${sep(r)}${subject(r)}${q}${sep(r)}${sid(r)}${eol(r)}`;
}

function unsubOp(r: Rng): string {
  const max = r.chance(0.5) ? `${sep(r)}${r.pick(["0", "1", "2", "3", "01", "x", "-1", "99999999999", "1234567890"])}` : "";
  return `${randomCase(r, "UNSUB")}${sep(r)}${sid(r)}${max}${eol(r)}`;
}

function otherOp(r: Rng): string {
  switch (r.int(8)) {
    case 0:
    case 1:
      return `${randomCase(r, "PING")}${eol(r)}`;
    case 2:
      return `${randomCase(r, "PONG")}${eol(r)}`;
    case 3:
      return `${randomCase(r, "+OK")}${eol(r)}`;
    case 4:
      return `${randomCase(r, "INFO")}${sep(r)}${r.pick(["{}", '{"server_id":"x"}', "garbage", '{"connect_urls":["a"]}'])}${eol(r)}`;
    case 5:
      // Only as the last op (see generateStream).
      return `${randomCase(r, "-ERR")}${sep(r)}'${r.pick(["x", "Unknown Protocol Operation", ""])}'${eol(r)}`;
    case 6:
      return connectOp(r);
    default:
      return r.pick(["xyz\r\n", "PUBX\r\n", "MSG foo 1 1\r\n", "\r\n", " PING\r\n", "SUB\r\n", "P\r\n", "CONNECT\r\n"]);
  }
}

/** One stream of well-formed-ish protocol operations. */
export function generateStream(r: Rng): string {
  let q = 0;
  const queue = (): string => `q${++q}`;
  let out = r.chance(0.85) ? connectOp(r) : "";
  const n = 1 + r.int(8);
  for (let i = 0; i < n; i++) {
    const w = r.int(100);
    if (w < 30) out += pubOp(r, r.chance(0.3));
    else if (w < 42) out += hpubOp(r, r.chance(0.3));
    else if (w < 62) out += subOp(r, queue);
    else if (w < 72) out += unsubOp(r);
    else {
      const op = otherOp(r);
      out += op;
      // After a client's -ERR the reference closes the connection but goes on parsing the rest of the
      // read buffer (parser.go MINUS_ERR_ARG: processErr returns nothing), so later PUBs still reach
      // other subscribers, depending on read boundaries; bnats stops. Nothing follows a -ERR here.
      if (op.startsWith("-")) break;
    }
  }
  return out;
}

const INTERESTING = ["\r", "\n", " ", "\t", "\x00", "A", "0", "9", ".", "*", ">", "\xff", "P", "x"];

/** Applies one random mutation. */
export function mutate(r: Rng, s: string, maxControlLine: number): string {
  if (s.length === 0) return r.pick(INTERESTING);
  const at = r.int(s.length + 1);
  switch (r.int(8)) {
    case 0: // byte flip
      return s.slice(0, at) + r.pick(INTERESTING) + s.slice(at + 1);
    case 1: // delete a few bytes
      return s.slice(0, at) + s.slice(at + 1 + r.int(5));
    case 2: // insert line breaks / separators
      return s.slice(0, at) + r.pick(["\r", "\n", "\r\n", " ", "\t", "\r\r\n"]) + s.slice(at);
    case 3: // truncate
      return s.slice(0, at);
    case 4: {
      // a number becomes a huge / odd one
      const digits = /\d+/g;
      const matches = [...s.matchAll(digits)];
      if (matches.length === 0) return s;
      const m = r.pick(matches);
      const repl = r.pick(["9999999999", "1234567890123", "4294967296", "000000000", "0000000001", "2147483648"]);
      return s.slice(0, m.index) + repl + s.slice(m.index! + m[0].length);
    }
    case 5: {
      // an over-long line (around max_control_line)
      const n = maxControlLine - 8 + r.int(16);
      return s.slice(0, at) + r.pick(["a", "x ", "."]).repeat(n).slice(0, n) + s.slice(at);
    }
    case 6: // duplicate a slice (repeated ops, size mismatches)
      return s.slice(0, at) + s.slice(r.int(at + 1), at) + s.slice(at);
    default: {
      // a size off by one
      const m = /(\d+)(\r?\n)/g;
      const matches = [...s.matchAll(m)];
      if (matches.length === 0) return s;
      const hit = r.pick(matches);
      const n = Number(hit[1]) + (r.chance(0.5) ? 1 : -1);
      return s.slice(0, hit.index) + String(Math.max(0, n)) + s.slice(hit.index! + hit[1]!.length);
    }
  }
}

function subscriberSetup(r: Rng): string {
  let out = `CONNECT {"verbose":false,"pedantic":false,"headers":${r.chance(0.7)}}\r\n`;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const q = r.chance(0.2) ? ` bq${i}` : "";
    out += `SUB ${r.pick(COMMON)}${q} ${i + 1}\r\n`;
  }
  if (r.chance(0.2)) out += `UNSUB 1 ${1 + r.int(2)}\r\n`;
  return out;
}

/**
 * Whether offset `at` falls inside a line holding a CR that does not end it. The reference parses such
 * an argument line differently when it comes in two reads (parser.go keeps the split part in argBuf,
 * where a CR is left out instead of the byte before the LF being cut), so a write boundary there
 * would make its answer depend on TCP timing.
 */
function inLineWithStrayCR(s: string, at: number): boolean {
  const from = s.lastIndexOf("\n", at - 1) + 1;
  let to = s.indexOf("\n", at);
  if (to < 0) to = s.length;
  const cr = s.indexOf("\r", from);
  return cr >= 0 && cr < to - 1;
}

/** Case `index` of `seed`: deterministic. */
export function generateCase(seed: number, index: number): FuzzCase {
  const r = new Rng((seed * 1000003 + index * 7919) >>> 0);
  const config = r.int(FUZZ_CONFIGS.length);
  let stream = generateStream(r);
  if (r.chance(0.35)) {
    const n = 1 + r.int(3);
    for (let i = 0; i < n; i++) stream = mutate(r, stream, FUZZ_CONFIGS[config]!.maxControlLine);
    // A mutation may have put ops after a client's -ERR again (see generateStream): cut them.
    const err = /(?:^|\n)-err[ \t][^\n]*\n/i.exec(stream);
    if (err) stream = stream.slice(0, err.index + err[0].length);
  }
  const cuts: number[] = [];
  if (r.chance(0.4) && stream.length > 1) {
    const n = 1 + r.int(4);
    for (let i = 0; i < n; i++) {
      const at = 1 + r.int(stream.length - 1);
      if (!inLineWithStrayCR(stream, at)) cuts.push(at);
    }
    cuts.sort((a, b) => a - b);
  }
  const subscriber = r.chance(0.3) ? subscriberSetup(r) : undefined;
  return { id: `${seed}/${index}`, config, stream, cuts: [...new Set(cuts)], subscriber };
}
