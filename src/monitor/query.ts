// Query-string decoding with nats-server's exact 400 texts (monitor.go decodeBool, decodeInt,
// decodeUint64, decodeState, decodeSubs). Values are read as Go's url.Values.Get: the first value, "" if
// absent, and an empty value means "not given".
import { parseGoBool } from "../go/strconv.ts";
import { goQuote } from "../go/quote.ts";

/** A request the reference answers with 400 and this plain-text body. */
export class BadRequest extends Error {}

/** Go's url.Values.Get over a parsed query. */
export type Query = URLSearchParams;

export function param(q: Query, name: string): string {
  return q.get(name) ?? "";
}

export function decodeBool(q: Query, name: string): boolean {
  const s = param(q, name);
  if (s === "") return false;
  const v = parseGoBool(s);
  if (v === undefined) {
    throw new BadRequest(`Error decoding boolean for '${name}': strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
  }
  return v;
}

const INT64_MAX = 9223372036854775807n;
const UINT64_MAX = 18446744073709551615n;

/** strconv.Atoi on a 64-bit platform: optional sign, decimal digits, int64 range. */
export function decodeInt(q: Query, name: string): number {
  const s = param(q, name);
  if (s === "") return 0;
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) throw new BadRequest(`Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const mag = BigInt(m[2] ?? "0");
  if ((m[1] === "-" && mag > INT64_MAX + 1n) || (m[1] !== "-" && mag > INT64_MAX)) {
    throw new BadRequest(`Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  }
  return Number(m[1] === "-" ? -mag : mag);
}

/** strconv.ParseUint(s, 10, 64): digits only. */
export function decodeUint64(q: Query, name: string): number {
  const s = param(q, name);
  if (s === "") return 0;
  if (!/^\d+$/.test(s)) {
    throw new BadRequest(`Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  }
  const v = BigInt(s);
  if (v > UINT64_MAX) {
    throw new BadRequest(`Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  }
  return Number(v);
}

export type ConnState = "open" | "closed" | "any";

export function decodeState(q: Query): ConnState {
  const s = param(q, "state");
  if (s === "") return "open";
  switch (s.toLowerCase()) {
    case "open":
      return "open";
    case "closed":
      return "closed";
    case "any":
    case "all":
      return "any";
  }
  throw new BadRequest(`Error decoding state for ${s}`);
}

/** `subs=detail` (any case) asks for details; otherwise `subs` is a boolean. */
export function decodeSubs(q: Query): { subs: boolean; detail: boolean } {
  if (param(q, "subs").toLowerCase() === "detail") return { subs: false, detail: true };
  return { subs: decodeBool(q, "subs"), detail: false };
}
