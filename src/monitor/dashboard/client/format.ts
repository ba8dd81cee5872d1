// Number, byte and duration text for the page (browser side).

const group = new Intl.NumberFormat("en-US");

/** 1234567 -> "1,234,567" (tables; the data-metric figures use plain digits). */
export function count(n: number): string {
  return group.format(n);
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** 1536 -> "1.5 KiB". */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.round(n)} B`;
  let u = 0;
  let v = n;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

/** A compact number for chart axes: 1200 -> "1.2k". */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 10 ? 0 : 1);
}

/** nats-server's uptime text ("1d2h3m4s", "250ms" rtt, "1.5s") -> seconds, for sorting. */
export function goDurationSeconds(s: string | undefined): number {
  if (!s) return 0;
  let total = 0;
  const re = /([0-9.]+)(y|d|h|ms|m|s|µs|us|ns)/g;
  const scale: Record<string, number> = { y: 31536000, d: 86400, h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, us: 1e-6, ns: 1e-9 };
  for (let m = re.exec(s); m !== null; m = re.exec(s)) total += Number(m[1]) * (scale[m[2] as string] ?? 0);
  return total;
}

/** An RFC 3339 time as local date and time text. */
export function when(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Local time of day for "updated at". */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}
