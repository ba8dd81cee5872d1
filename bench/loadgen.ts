// The load generator process: `bun bench/loadgen.ts '<LoadSpec JSON>'` (or `-` to read it from stdin) runs one workload against one
// server and prints one JSON LoadResult line on stdout. The runner (bench/run.ts) starts one per run so
// that the load generator is a process of its own, beside the server process it measures.

import { runConnect } from "./lib/connect.ts";
import { runIdle } from "./lib/idle.ts";
import { runLatency } from "./lib/latency.ts";
import { runConnz, runHammer, runUnderConnz } from "./lib/monitor.ts";
import type { LoadResult, LoadSpec } from "./lib/spec.ts";
import { runThroughput } from "./lib/throughput.ts";

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  switch (spec.kind) {
    case "throughput":
      return runThroughput(spec);
    case "latency":
      return runLatency(spec);
    case "idle":
      return runIdle(spec);
    case "connect":
      return runConnect(spec);
    case "connz":
      return runConnz(spec);
    case "under-connz":
      return runUnderConnz(spec);
    case "hammer":
      return runHammer(spec);
  }
}

if (import.meta.main) {
  const arg = process.argv[2];
  if (arg === undefined) {
    console.error("usage: bun bench/loadgen.ts '<LoadSpec JSON>' | -");
    process.exit(2);
  }
  const spec = JSON.parse(arg === "-" ? await Bun.stdin.text() : arg) as LoadSpec;
  // A hard stop so that a wedged server can never hang `make bench`.
  const limitMs =
    spec.kind === "under-connz"
      ? 2 * (spec.warmupMs + spec.durationMs) + 90_000
      : spec.kind === "hammer"
        ? spec.maxMs + 30_000
        : "durationMs" in spec
          ? spec.warmupMs + spec.durationMs + 60_000
          : 120_000;
  const guard = setTimeout(() => {
    console.error(`loadgen: no result after ${limitMs} ms, giving up`);
    process.exit(3);
  }, limitMs);
  try {
    const result = await runLoad(spec);
    clearTimeout(guard);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (e) {
    console.error(`loadgen: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  }
}
