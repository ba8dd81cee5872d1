// Go's time.ParseDuration and Duration.String, because nats-server reads durations ("2m", "500ms",
// "1h30m") with the former and prints them in its messages with the latter. Milliseconds here.

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3, // U+00B5
  "μs": 1e-3, // U+03BC
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's quote() of a string, enough for error messages. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Parses a Go duration string ("300ms", "-1.5h", "2h45m") into milliseconds; throws Error with Go's
 * message ("time: invalid duration \"x\"", "time: missing unit in duration ...", "time: unknown unit ...").
 */
export function parseGoDuration(orig: string): number {
  let s = orig;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new Error(`time: invalid duration ${quote(orig)}`);
  let total = 0;
  while (s !== "") {
    // The number: digits, optionally a fraction.
    const m = /^([0-9]*)(\.[0-9]*)?/.exec(s) as RegExpExecArray;
    const whole = m[1] ?? "";
    const frac = m[2] ?? "";
    if (whole === "" && (frac === "" || frac === ".")) throw new Error(`time: invalid duration ${quote(orig)}`);
    s = s.slice(m[0].length);
    // The unit: everything up to the next digit or '.'.
    let i = 0;
    while (i < s.length && s[i] !== "." && !(s[i]! >= "0" && s[i]! <= "9")) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${quote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${quote(u)} in duration ${quote(orig)}`);
    total += Number((whole === "" ? "0" : whole) + (frac === "." ? "" : frac)) * unit;
  }
  if (total > 9223372036854.775807) throw new Error(`time: invalid duration ${quote(orig)}`);
  return neg ? -total : total;
}

/** Go's Duration.String() of a duration in milliseconds ("1m0s", "10s", "500ms", "1h2m3.5s"). */
export function formatGoDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    // Sub-second: the largest unit that keeps a leading digit.
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${trimFrac(u / 1e3)}µs`;
    else out = `${trimFrac(u / 1e6)}ms`;
  } else {
    const h = Math.floor(u / 3.6e12);
    u -= h * 3.6e12;
    const m = Math.floor(u / 6e10);
    u -= m * 6e10;
    const sec = `${trimFrac(u / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

function trimFrac(n: number): string {
  // Go prints up to 9 fractional digits and trims trailing zeros.
  return String(Number(n.toFixed(9)));
}
