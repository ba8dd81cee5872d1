// Go's time.ParseDuration and Duration.String, because nats-server reads durations ("2m", "500ms",
// "1h30m") with the former and prints them in its messages (and the monitor's rtt) with the latter.
// Milliseconds here, except goDuration, which takes nanoseconds like Go's time.Duration.

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
  return goDuration(Math.round(ms * 1e6));
}

/** Go's time.Duration.String() of a duration in nanoseconds ("0s", "624µs", "3.021434ms", "1m2.5s"). */
export function goDuration(ns: number): string {
  ns = Math.trunc(ns);
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${fraction(u, 3)}µs`;
    else out = `${fraction(u, 6)}ms`;
  } else {
    const secs = fraction(u % 60e9, 9);
    u = Math.floor(u / 60e9); // minutes
    if (u === 0) out = `${secs}s`;
    else {
      const mins = u % 60;
      const hours = Math.floor(u / 60);
      out = hours > 0 ? `${hours}h${mins}m${secs}s` : `${mins}m${secs}s`;
    }
  }
  return neg ? `-${out}` : out;
}

/** v / 10^prec as a decimal with trailing zeros (and a bare dot) removed, as Go's fmtFrac+fmtInt. */
function fraction(v: number, prec: number): string {
  const div = 10 ** prec;
  const whole = Math.floor(v / div);
  const frac = v - whole * div;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(prec, "0").replace(/0+$/, "")}`;
}
