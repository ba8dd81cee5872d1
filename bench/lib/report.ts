// The side-by-side table: one row per scenario metric, the median over the rounds for each server,
// the ratio bnats / reference and which direction is better.

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  better: "higher" | "lower";
  /** Per side label: the values of every round (NaN for a failed run). */
  values: Map<string, number[]>;
  /** Median server CPU % over the measured windows, per side. */
  cpu: Map<string, number[]>;
  /** The load generator's own CPU % over the measured windows, per side (100% = one core saturated). */
  loadgen: Map<string, number[]>;
  notes: string[];
}

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

export function formatValue(v: number, unit: string): string {
  if (!Number.isFinite(v)) return "-";
  if (unit === "msg/s" || unit === "1/s") {
    if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
    return v.toFixed(0);
  }
  if (v >= 100) return v.toFixed(0);
  if (unit === "ms" && v < 10) return v.toFixed(2);
  return v.toFixed(1);
}

/** Spread of the rounds as a percentage of the median, to show how noisy a figure is. */
function spread(xs: number[]): string {
  const v = xs.filter((x) => Number.isFinite(x));
  const m = median(v);
  if (v.length < 2 || !Number.isFinite(m) || m === 0) return "";
  return `±${(((Math.max(...v) - Math.min(...v)) / 2 / m) * 100).toFixed(0)}%`;
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

export function renderTable(rows: Row[], sides: string[]): string {
  const header = ["scenario", "metric", ...sides.flatMap((s) => [s, ""]), ...(sides.length === 2 ? ["ratio", "better"] : []), "server CPU%", "loadgen CPU%", "notes"];
  const lines: string[][] = [header];
  for (const r of rows) {
    const meds = sides.map((s) => median(r.values.get(s) ?? []));
    const cells = [r.scenario, `${r.metric} (${r.unit})`];
    sides.forEach((s, i) => {
      cells.push(formatValue(meds[i] as number, r.unit), spread(r.values.get(s) ?? []));
    });
    if (sides.length === 2) {
      const [a, b] = meds as [number, number];
      const ratio = a / b;
      cells.push(Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "-", `${r.better} is better`);
    }
    cells.push(sides.map((s) => formatValue(median(r.cpu.get(s) ?? []), "%")).join(" / "));
    cells.push(sides.map((s) => formatValue(median(r.loadgen.get(s) ?? []), "%")).join(" / "));
    cells.push(r.notes.join("; "));
    lines.push(cells);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? "").length)));
  const numeric = (c: number): boolean => c >= 2 && c < header.length - 3;
  return lines
    .map((l, i) => {
      const text = l.map((cell, c) => pad(cell, widths[c] as number, numeric(c) && i > 0)).join("  ").trimEnd();
      return i === 0 ? `${text}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : text;
    })
    .join("\n");
}
