// Go's strconv parsers as nats-server's flags and monitoring queries use them (ParseBool, ParseInt base 0).

/** strconv.ParseBool: the twelve spellings Go accepts (flags here, monitor query parameters too). */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case "1":
    case "t":
    case "T":
    case "TRUE":
    case "true":
    case "True":
      return true;
    case "0":
    case "f":
    case "F":
    case "FALSE":
    case "false":
    case "False":
      return false;
  }
  return undefined;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * strconv.ParseInt(s, 0, 64), as flag's intValue.Set: sign, 0x/0o/0b prefixes, a leading 0 for
 * octal, underscores between digits. Returns the number or Go's error text.
 */
export function parseGoInt(s: string): number | "parse error" | "value out of range" {
  let body = s;
  let neg = false;
  if (body.startsWith("+") || body.startsWith("-")) {
    neg = body[0] === "-";
    body = body.slice(1);
  }
  let base = 10;
  let digits = body;
  let prefixed = false;
  if (/^0[xX]/.test(body)) [base, digits, prefixed] = [16, body.slice(2), true];
  else if (/^0[bB]/.test(body)) [base, digits, prefixed] = [2, body.slice(2), true];
  else if (/^0[oO]/.test(body)) [base, digits, prefixed] = [8, body.slice(2), true];
  else if (body.length > 1 && body[0] === "0") [base, digits, prefixed] = [8, body.slice(1), true];
  // underscoreOK: only between digits, or after the base prefix.
  if (digits.includes("_")) {
    const ok = /^_?[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(digits) && (prefixed || !digits.startsWith("_"));
    if (!ok) return "parse error";
    digits = digits.replaceAll("_", "");
  }
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (digits === "" || !valid.test(digits)) return "parse error";
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  let v = BigInt(prefix + digits);
  if (neg) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return "value out of range";
  return Number(v);
}
