// How nats-server's monitoring renders values: Go's time.Time and time.Duration text, the monitor's
// uptime format, and encoding/json's output (MarshalIndent with two spaces, HTML-safe escaping).
import { goDuration } from "../go/duration.ts";

/** Wall-clock now in ms since the epoch with sub-millisecond digits (Go's time.Now has ns). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A Date or epoch-ms number as epoch ms. */
export function toMs(t: Date | number): number {
  return typeof t === "number" ? t : t.getTime();
}

/**
 * A time as Go's encoding/json writes a UTC time.Time: RFC 3339 with up to nine fractional digits,
 * trailing zeros dropped (and the dot too when nothing is left), e.g. "2026-11-25T09:35:37.290419Z".
 */
export function goTime(ms: number): string {
  const wholeMs = Math.floor(ms);
  const secMs = wholeMs - (((wholeMs % 1000) + 1000) % 1000);
  const base = new Date(secMs).toISOString().slice(0, 19);
  // Epoch ms as a double carries about a quarter of a microsecond: keep microseconds, not noise.
  let ns = Math.round((ms - secMs) * 1e3) * 1e3;
  if (ns >= 1e9) ns = 999_999_999; // rounding at the last digit never carries into the seconds
  if (ns === 0) return `${base}Z`;
  const frac = String(ns).padStart(9, "0").replace(/0+$/, "");
  return `${base}.${frac}Z`;
}

/** nats-server's myUptime: whole seconds as "1y2d3h4m5s", leading zero units omitted. */
export function myUptime(ms: number): string {
  const tsecs = Math.max(0, Math.floor(ms / 1000));
  const tmins = Math.floor(tsecs / 60);
  const thrs = Math.floor(tmins / 60);
  const tdays = Math.floor(thrs / 24);
  const tyrs = Math.floor(tdays / 365);
  if (tyrs > 0) return `${tyrs}y${tdays % 365}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (tdays > 0) return `${tdays}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (thrs > 0) return `${thrs}h${tmins % 60}m${tsecs % 60}s`;
  if (tmins > 0) return `${tmins}m${tsecs % 60}s`;
  return `${tsecs}s`;
}

/**
 * The RTT as nats-server's getRTT() reports it: truncated to microseconds between 1µs and 1ms,
 * nanoseconds otherwise, then Duration.String(). `rttMs` is the measured round trip in ms (0 = none).
 */
export function rttString(rttMs: number): string {
  let ns = Math.round(rttMs * 1e6);
  if (ns > 1e3 && ns < 1e6) ns -= ns % 1e3;
  return goDuration(ns);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * encoding/json output: json.MarshalIndent(v, "", "  ") when `indent`, json.Marshal otherwise, with Go's
 * HTML-safe escaping ("q.>" is written "q.\u003e"). Those characters can only occur inside JSON strings,
 * so replacing them in the serialized text is exact.
 */
export function goJSON(value: unknown, indent = true): string {
  const text = indent ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  return text.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * bnats keeps subjects, queues and sids as latin1 "binary strings" (one char per wire byte); Go writes
 * the same bytes as UTF-8 text. Decode only when a byte above 0x7f is present (rare; ASCII is the norm).
 */
export function wireText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, "latin1").toString("utf8");
  }
  return s;
}
