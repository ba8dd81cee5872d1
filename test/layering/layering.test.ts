// The dependency rule of src/ (src/README.md), held by a test: every relative import (type-only ones
// included) goes from a higher layer to a lower one, and no files import each other in a cycle.
// Same walk as /work/shared/tools/layering.py, with the layers spelled out.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const SRC = join(import.meta.dir, "..", "..", "src");

/**
 * Layers, highest first: a file may import its own folder, or a folder of a strictly lower layer.
 * The key is the top-level folder, or the file name for files directly under src/.
 */
const LAYER: Record<string, number> = {
  // Entry: the composition root, the process around the server (signals, files, reload-file reading,
  // monitoring beside the server), the command line.
  "main.ts": 12,
  process: 11,
  cli: 10,
  // Only the entry points read configuration files.
  config: 9,
  server: 8,
  system: 8,
  // The monitor reads a narrow view (monitor/types.ts); the server does not know it.
  monitor: 7,
  leaf: 6,
  cluster: 6,
  websocket: 6,
  // The message path: kind-agnostic connections, read loop, fan-out, delivery.
  conn: 5,
  accounts: 4,
  auth: 4,
  transport: 4,
  protocol: 3,
  subjects: 3,
  "options.ts": 3,
  "log.ts": 3,
  go: 2,
  "syslog.ts": 2,
};

/** Arrows the layers would allow but the design forbids. */
const FORBIDDEN: [from: string, to: string, why: string][] = [
  ["server", "monitor", "the server does not start or know the monitor"],
  ["system", "server", "the system account's services know no server"],
];

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(relative(SRC, p));
  }
  return out;
}

function graph(): Map<string, Set<string>> {
  const files = new Set(walk(SRC));
  const g = new Map<string, Set<string>>();
  for (const f of files) {
    const deps = new Set<string>();
    const text = readFileSync(join(SRC, f), "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith(".")) continue;
      const t = normalize(join(dirname(f), spec));
      for (const cand of [t, `${t}.ts`, join(t, "index.ts")]) {
        if (files.has(cand)) {
          deps.add(cand);
          break;
        }
      }
    }
    g.set(f, deps);
  }
  return g;
}

/** Tarjan's strongly connected components with more than one file. */
function cycles(g: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

function top(f: string): string {
  return f.split("/")[0]!;
}

describe("src/ layering (src/README.md)", () => {
  const g = graph();

  test("every top-level folder and file has a layer", () => {
    const unknown = [...new Set([...g.keys()].map(top))].filter((k) => LAYER[k] === undefined);
    expect(unknown).toEqual([]);
  });

  test("no import cycles", () => {
    expect(cycles(g)).toEqual([]);
  });

  test("imports only go down the layers", () => {
    const breaks: string[] = [];
    for (const [a, deps] of g) {
      for (const b of deps) {
        const fa = top(a);
        const fb = top(b);
        if (fa === fb) continue;
        const la = LAYER[fa];
        const lb = LAYER[fb];
        if (la !== undefined && lb !== undefined && la <= lb) breaks.push(`${a} -> ${b}: layer ${la} imports layer ${lb}`);
        for (const [from, to, why] of FORBIDDEN) if (fa === from && fb === to) breaks.push(`${a} -> ${b}: ${why}`);
      }
    }
    expect(breaks.sort()).toEqual([]);
  });
});
