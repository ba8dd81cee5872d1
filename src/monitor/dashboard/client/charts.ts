// The live charts (uPlot, bundled into the page at build time): the last minutes of one-second samples.
// Colours come from the page's CSS variables, so the charts follow light and dark mode; they are rebuilt
// when the scheme changes and resized with their box.
import uPlot from "uplot";
import type { Sample } from "../snapshot.ts";
import { bytes, compact, count } from "./format.ts";

/** Samples kept on the page (the server sends at most as many on connect). */
const KEEP = 300;

type Field = Exclude<keyof Sample, "t">;

interface ChartSpec {
  id: string;
  /** `right`: on a scale of its own, with its axis on the right (subscriptions beside connections). */
  series: ReadonlyArray<{ label: string; field: Field; color: string; right?: boolean }>;
  value: (n: number) => string;
}

const SPECS: readonly ChartSpec[] = [
  {
    id: "chart-msgs",
    series: [
      { label: "in", field: "in_msgs_per_sec", color: "--in" },
      { label: "out", field: "out_msgs_per_sec", color: "--out" },
    ],
    value: (n) => `${count(Math.round(n))}/s`,
  },
  {
    id: "chart-bytes",
    series: [
      { label: "in", field: "in_bytes_per_sec", color: "--in" },
      { label: "out", field: "out_bytes_per_sec", color: "--out" },
    ],
    value: (n) => `${bytes(n)}/s`,
  },
  {
    id: "chart-conns",
    series: [
      { label: "connections", field: "connections", color: "--conns" },
      { label: "subscriptions", field: "subscriptions", color: "--subs", right: true },
    ],
    value: (n) => count(Math.round(n)),
  },
  {
    id: "chart-slow",
    series: [{ label: "slow consumers", field: "slow_consumers", color: "--slow" }],
    value: (n) => count(Math.round(n)),
  },
];

const HEIGHT = 190;

/** Tick steps for counts (1, 2, 5, 10, 20, 50, ...): never a fraction of a connection. */
const COUNT_INCRS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((e) => [1, 2, 5].map((m) => m * 10 ** e));
/** Tick steps for bytes: powers of two of each binary unit, so the labels read 4 MiB, 8 MiB, ... */
const BYTE_INCRS = [0, 1, 2, 3, 4].flatMap((e) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** e));

export class Charts {
  private samples: Sample[] = [];
  private plots: uPlot[] = [];
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor() {
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.build());
    this.build();
  }

  /** Replaces the history (a (re)connect sends it first). */
  reset(samples: Sample[]): void {
    this.samples = samples.slice(-KEEP);
    this.draw();
  }

  push(s: Sample): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && last.t >= s.t) return;
    this.samples.push(s);
    if (this.samples.length > KEEP) this.samples.splice(0, this.samples.length - KEEP);
    this.draw();
  }

  private data(spec: ChartSpec): uPlot.AlignedData {
    const xs = this.samples.map((s) => s.t / 1000);
    return [xs, ...spec.series.map((se) => this.samples.map((s) => s[se.field]))];
  }

  private draw(): void {
    const last = this.samples.length - 1;
    SPECS.forEach((spec, i) => {
      const plot = this.plots[i];
      if (!plot) return;
      plot.setData(this.data(spec));
      // With no pointer over the chart, the legend shows the latest values instead of blanks.
      if ((plot.cursor.left ?? -1) < 0 && last >= 0) plot.setLegend({ idx: last });
    });
  }

  private fit(): void {
    SPECS.forEach((spec, i) => {
      const el = document.getElementById(spec.id);
      const plot = this.plots[i];
      if (el && plot && el.clientWidth > 0 && plot.width !== el.clientWidth) plot.setSize({ width: el.clientWidth, height: HEIGHT });
    });
  }

  private build(): void {
    for (const p of this.plots) p.destroy();
    this.resize.disconnect();
    const css = getComputedStyle(document.documentElement);
    const v = (name: string): string => css.getPropertyValue(name).trim();
    this.plots = SPECS.map((spec) => {
      const el = document.getElementById(spec.id) as HTMLElement;
      this.resize.observe(el);
      const axis: uPlot.Axis = {
        stroke: v("--muted"),
        grid: { stroke: v("--grid"), width: 1 },
        ticks: { stroke: v("--grid"), width: 1 },
        font: "11px system-ui, sans-serif",
      };
      const opts: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: {
          // At least ten seconds wide, so a fresh page's few points do not get sub-second ticks.
          x: { time: true, range: (_u, min, max) => [Math.min(min, max - 10), max] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
          right: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        axes: [
          // Whole seconds and minutes only: samples are a second apart.
          { ...axis, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600] },
          {
            ...axis,
            size: spec.id === "chart-bytes" ? 74 : 56,
            incrs: spec.id === "chart-bytes" ? BYTE_INCRS : COUNT_INCRS,
            values: (_u, splits) => splits.map((n) => (spec.id === "chart-bytes" ? bytes(n).replace(/\.0+ /, " ") : compact(n))),
          },
          ...spec.series
            .filter((se) => se.right)
            .map((se) => ({
              ...axis,
              scale: "right",
              side: 1 as const,
              size: 56,
              stroke: v(se.color),
              grid: { show: false },
              incrs: COUNT_INCRS,
              values: (_u: uPlot, splits: number[]) => splits.map((n) => compact(n)),
            })),
        ],
        series: [
          { value: (_u, t) => (t == null ? "" : new Date(t * 1000).toLocaleTimeString()) },
          ...spec.series.map((se) => ({
            label: se.label,
            scale: se.right ? "right" : "y",
            stroke: v(se.color),
            width: 2,
            fill: `${v(se.color)}22`,
            points: { show: false },
            value: (_u: uPlot, n: number | null) => (n == null ? "" : spec.value(n)),
          })),
        ],
      };
      return new uPlot(opts, this.data(spec), el);
    });
  }
}
