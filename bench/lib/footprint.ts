// The footprint of each server, for the sidecar case (issue 15): time from spawn to accepting client
// connections and resident memory when idle, both with HTTP monitoring on, and the executable's size.
// Each server is started `starts` times, alternating; the medians are reported as rows of the same table.

import { statSync } from "node:fs";
import { rssBytes } from "./proc.ts";
import { median, type Row } from "./report.ts";
import { freePort, type ServerSide } from "./servers.ts";

/** How long after it accepts the idle server is left before its RSS is read. */
const SETTLE_MS = 1500;

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          resolve(true);
          s.end();
        },
        data() {},
        connectError() {
          resolve(false);
        },
      },
    }).catch(() => resolve(false));
  });
}

interface Sample {
  startMs: number;
  rssMB: number;
}

async function once(side: ServerSide): Promise<Sample> {
  const port = freePort();
  const mport = freePort();
  const t0 = performance.now();
  // Spawned directly (no shell in between), so the time is the server's own start-up.
  const proc = Bun.spawn([...side.cmd, "-a", "127.0.0.1", "-p", String(port), "-m", String(mport)], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    const deadline = t0 + 10_000;
    for (;;) {
      if (await connects(port)) break;
      if (proc.exitCode !== null || performance.now() > deadline) throw new Error(`${side.label} did not start`);
      await Bun.sleep(1);
    }
    const startMs = performance.now() - t0;
    await Bun.sleep(SETTLE_MS);
    return { startMs, rssMB: (rssBytes(proc.pid) ?? Number.NaN) / (1024 * 1024) };
  } finally {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

function executableMB(side: ServerSide): number {
  try {
    return statSync(side.cmd[0] as string).size / (1024 * 1024);
  } catch {
    return Number.NaN;
  }
}

/** Rows for the table: start to accepting (ms), idle RSS (MB), executable (MB). */
export async function measureFootprint(sides: ServerSide[], starts: number): Promise<Row[]> {
  const mk = (metric: string, unit: string): Row => ({
    scenario: "footprint, monitoring on",
    metric,
    unit,
    better: "lower",
    values: new Map(sides.map((s) => [s.label, []])),
    cpu: new Map(),
    loadgen: new Map(),
    notes: [],
  });
  const start = mk("start to accepting", "ms");
  const rss = mk("idle RSS", "MB");
  const size = mk("executable", "MB");
  for (let i = 0; i < starts; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      try {
        const s = await once(side);
        start.values.get(side.label)?.push(s.startMs);
        rss.values.get(side.label)?.push(s.rssMB);
      } catch (e) {
        const n = e instanceof Error ? e.message : String(e);
        if (!start.notes.includes(n)) start.notes.push(n);
      }
    }
  }
  for (const side of sides) size.values.get(side.label)?.push(executableMB(side));
  return [start, rss, size];
}

export { median };
