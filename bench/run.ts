// `make bench`: runs each scenario against bnats and the reference nats-server, alternating the two
// (A B, B A, A B, ...) over a few short rounds in the same session, and prints the medians side by side with
// the ratio bnats / nats-server.
//
// Options (flags win over the environment):
//   --scenarios=a,b | BENCH_SCENARIOS   ids from bench/scenarios.ts, "all", or "none" (only the footprint rows)
//                                       (default: the default set)
//   --duration=ms   | BENCH_DURATION_MS measured window per run (default 2000)
//   --warmup=ms     | BENCH_WARMUP_MS   unmeasured start of each run (default 500)
//   --rounds=n      | BENCH_ROUNDS      runs per server per scenario (default 3)
//   --bnats=path    | BENCH_BNATS       bnats binary (default dist/bnats)
//   --nats-server=p | BENCH_NATS_SERVER reference binary (default: nats-server on the PATH, /usr/sbin/nats-server)
//   --stand-in      | BENCH_STAND_IN=1  run nats-server in bnats's column too (checks the harness: ratios ~1.0)
//   --json=path     | BENCH_JSON        also write every run's result as JSON
//   --profile=dir   | BENCH_PROFILE     run bnats from source under `bun --cpu-prof --cpu-prof-md`; each bnats
//                                       server writes a .cpuprofile and a .md summary into dir when it stops
//   --verbose       | BENCH_VERBOSE=1   print each run as it finishes
//   --footprint=n   | BENCH_FOOTPRINT   starts per server for the footprint rows (start-up time, idle RSS with
//                                       monitoring, executable size); 0 = skip (default 5)
//   --list                              list the scenarios and exit

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureFootprint } from "./lib/footprint.ts";
import { type Row, formatValue, median, renderTable } from "./lib/report.ts";
import { type RunningServer, type ServerSide, freePort, runLoadgen, startServer } from "./lib/servers.ts";
import type { LoadResult } from "./lib/spec.ts";
import { type Scenario, scenarios } from "./scenarios.ts";

function arg(name: string, env: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith("--") ? "1" : next;
    }
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return process.env[env];
}

function intArg(name: string, env: string, dflt: number): number {
  const v = arg(name, env);
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}

function findNatsServer(): string | undefined {
  const given = arg("nats-server", "BENCH_NATS_SERVER");
  if (given !== undefined) return existsSync(given) ? given : undefined;
  return Bun.which("nats-server") ?? (existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : undefined);
}

/** Problems with a run's result that make its figure unusable. */
function problems(r: LoadResult): string[] {
  const out: string[] = [];
  if (r.kind === "throughput" && !r.complete) out.push(`received ${r.received} of ${r.expected} messages`);
  if (r.kind === "under-connz") {
    for (const [what, t] of [["quiet", r.quiet], ["loaded", r.loaded]] as const) {
      if (!t.complete) out.push(`${what}: received ${t.received} of ${t.expected} messages`);
      if (t.errors.length > 0) out.push(`${what}: ${t.errors.slice(0, 2).join(", ")}`);
    }
  }
  if (r.errors.length > 0) out.push(r.errors.slice(0, 2).join(", "));
  return out;
}

function loadAverage(): number {
  try {
    return Number(readFileSync("/proc/loadavg", "latin1").split(" ")[0]);
  } catch {
    return Number.NaN;
  }
}

function serverCpu(r: LoadResult): number {
  switch (r.kind) {
    case "throughput":
    case "latency":
    case "connect":
      return r.serverCpuPct ?? Number.NaN;
    case "under-connz":
      return r.loaded.serverCpuPct ?? Number.NaN;
    default:
      return Number.NaN;
  }
}

function loadgenCpu(r: LoadResult): number {
  switch (r.kind) {
    case "throughput":
    case "latency":
    case "connect":
      return r.loadgenCpuPct;
    case "under-connz":
      return r.loaded.loadgenCpuPct;
    default:
      return Number.NaN;
  }
}

/** Extra figures for --verbose that have no row of their own. */
function details(r: LoadResult): string {
  if (r.kind === "connz") {
    const paths = r.paths.map((p) => `${p.path} ${p.count}x max ${p.maxMs.toFixed(1)} ms ${(p.bytes / 1024).toFixed(0)} KiB`);
    return `    ${r.conns} conns up in ${r.connectMs.toFixed(0)} ms; ${paths.join("; ")}`;
  }
  if (r.kind === "under-connz") {
    const h = r.hammer;
    return `    ${h.count} requests meanwhile, max ${h.maxMs.toFixed(1)} ms, monitoring client at ${h.cpuPct.toFixed(0)}% CPU`;
  }
  return "";
}

async function main(): Promise<number> {
  if (arg("list", "BENCH_LIST") !== undefined) {
    for (const s of scenarios) {
      const why = s.unavailable?.();
      console.log(`${s.id.padEnd(20)} ${s.title}${s.byDefault ? "" : " (not in the default set)"}${why ? ` [unavailable: ${why}]` : ""}`);
    }
    return 0;
  }
  const durationMs = intArg("duration", "BENCH_DURATION_MS", 2000);
  const warmupMs = intArg("warmup", "BENCH_WARMUP_MS", 500);
  const rounds = intArg("rounds", "BENCH_ROUNDS", 3);
  const verbose = arg("verbose", "BENCH_VERBOSE") !== undefined;
  const standIn = ["1", "true"].includes(arg("stand-in", "BENCH_STAND_IN") ?? "");
  const jsonPath = arg("json", "BENCH_JSON");

  const wanted = arg("scenarios", "BENCH_SCENARIOS");
  let selected: Scenario[];
  if (wanted === undefined || wanted === "") selected = scenarios.filter((s) => s.byDefault);
  else if (wanted === "all") selected = scenarios;
  else if (wanted === "none") selected = [];
  else {
    const ids = wanted.split(",").map((s) => s.trim());
    const unknown = ids.filter((id) => !scenarios.some((s) => s.id === id));
    if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(", ")} (see --list)`);
    selected = scenarios.filter((s) => ids.includes(s.id));
  }

  const natsServer = findNatsServer();
  const sides: ServerSide[] = [];
  const notes: string[] = [];
  if (standIn) {
    if (natsServer === undefined) throw new Error("--stand-in needs nats-server");
    sides.push({ label: "bnats*", cmd: [natsServer] });
    notes.push("* stand-in mode: the bnats column is nats-server too, so every ratio should be close to 1.00x");
  } else {
    const profileDir = arg("profile", "BENCH_PROFILE");
    if (profileDir !== undefined) {
      mkdirSync(profileDir, { recursive: true });
      const main = `${import.meta.dir}/../src/main.ts`;
      sides.push({
        label: "bnats",
        cmd: [process.execPath, "--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profileDir}`, main],
      });
      notes.push(`bnats ran from source under the CPU profiler (slower than the binary); profiles in ${profileDir}`);
    } else {
      const bnats = arg("bnats", "BENCH_BNATS") ?? "dist/bnats";
      if (!existsSync(bnats)) throw new Error(`${bnats} not found: run \`make build\` (or pass --bnats=path)`);
      sides.push({ label: "bnats", cmd: [bnats] });
    }
  }
  if (natsServer !== undefined) sides.push({ label: "nats-server", cmd: [natsServer] });
  else notes.push("nats-server not found: bnats figures only, no ratios");

  const runnable = selected.filter((s) => {
    const why = s.unavailable?.();
    if (why !== undefined) notes.push(`${s.id} skipped: ${why}`);
    return why === undefined;
  });
  const roundsOf = (s: Scenario): number => Math.min(rounds, s.rounds ?? rounds);
  const perRunMs = (s: Scenario): number => s.estimateMs?.(warmupMs, durationMs) ?? warmupMs + durationMs + 700;
  const estimate = runnable.reduce((t, s) => t + roundsOf(s) * sides.length * perRunMs(s), 0) / 1000;
  console.log(
    `bench: ${runnable.map((s) => s.id).join(", ")}; ${rounds} rounds x ${sides.map((s) => s.label).join(" / ")}; ` +
      `${warmupMs} ms warm-up + ${durationMs} ms measured per run; about ${Math.ceil(estimate)} s`,
  );

  // Other work on this machine skews the figures (both servers alike only if it is steady): show it.
  const loadStart = loadAverage();
  if (loadStart > 0.5) console.log(`warning: load average ${loadStart.toFixed(2)} before starting; figures will be noisy`);
  const rows: Row[] = [];
  const log: unknown[] = [];
  const t0 = performance.now();
  for (const sc of runnable) {
    const scRows: Row[] = sc.metrics.map((m) => ({
      scenario: sc.title,
      metric: m.label,
      unit: m.unit,
      better: m.better,
      values: new Map(sides.map((s) => [s.label, []])),
      cpu: new Map(sides.map((s) => [s.label, []])),
      loadgen: new Map(sides.map((s) => [s.label, []])),
      notes: [],
    }));
    rows.push(...scRows);
    const addNote = (n: string): void => {
      const row = scRows[0] as Row;
      if (!row.notes.includes(n)) row.notes.push(n);
    };
    const record = (side: ServerSide, r: LoadResult | undefined): void => {
      for (const [i, m] of sc.metrics.entries()) {
        const row = scRows[i] as Row;
        const bad = r === undefined || problems(r).length > 0;
        row.values.get(side.label)?.push(r === undefined || bad ? Number.NaN : m.pick(r));
        row.cpu.get(side.label)?.push(r === undefined ? Number.NaN : (m.serverCpu ?? serverCpu)(r));
        row.loadgen.get(side.label)?.push(r === undefined ? Number.NaN : (m.loadgenCpu ?? loadgenCpu)(r));
      }
    };

    // Servers live for the whole scenario unless it asks for a fresh one per run.
    const live = new Map<string, RunningServer>();
    /** The second member of each side's cluster (scenarios with `cluster`). */
    const peers = new Map<string, RunningServer>();
    const serverFor = async (side: ServerSide): Promise<RunningServer> => {
      const have = live.get(side.label);
      if (have !== undefined && !have.exited && !sc.freshServerPerRun) return have;
      if (have !== undefined) await have.stop();
      await peers.get(side.label)?.stop();
      peers.delete(side.label);
      const routePort = freePort();
      const cluster = sc.cluster === true ? ["--cluster", `nats://127.0.0.1:${routePort}`, "--cluster_name", "bench"] : [];
      // A leaf scenario: a nats-server hub first, then the side's server as its leaf.
      let leafArgs: string[] = [];
      if (sc.leaf === true) {
        if (natsServer === undefined) throw new Error("leaf scenarios need nats-server as the hub");
        const leafPort = freePort();
        const hubConf = join(tmpdir(), `bnats-bench-hub-${process.pid}-${leafPort}.conf`);
        writeFileSync(hubConf, `server_name: bench-hub\nleafnodes { listen: "127.0.0.1:${leafPort}" }\n`);
        peers.set(side.label, await startServer({ label: "hub", cmd: [natsServer] }, ["-c", hubConf]));
        const leafConf = join(tmpdir(), `bnats-bench-leaf-${process.pid}-${leafPort}.conf`);
        writeFileSync(leafConf, `server_name: bench-leaf\nleafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${leafPort}" } ] }\n`);
        leafArgs = ["-c", leafConf];
      }
      const s = await startServer(side, [...(sc.serverArgs?.() ?? []), ...cluster, ...leafArgs], sc.monitor === true, sc.websocket === true);
      live.set(side.label, s);
      if (sc.cluster === true) {
        const peerArgs = ["--cluster", `nats://127.0.0.1:${freePort()}`, "--cluster_name", "bench", "--routes", `nats://127.0.0.1:${routePort}`];
        peers.set(side.label, await startServer(side, peerArgs));
      }
      return s;
    };
    try {
      for (let round = 0; round < roundsOf(sc); round++) {
        // A B, B A, A B, ...: whichever side runs first in a round has a small edge (seen in stand-in
        // runs: +3-5% for the first), so the order flips every round.
        const order = round % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
          let result: LoadResult | undefined;
          let server: RunningServer | undefined;
          try {
            server = await serverFor(side);
            const ctx = {
              port: server.port,
              serverPid: server.pid,
              durationMs,
              warmupMs,
              monitorPort: server.monitorPort,
              peerPort: peers.get(side.label)?.port,
              wsPort: server.wsPort,
            };
            result = await runLoadgen(sc.spec(ctx));
            for (const p of problems(result)) addNote(`${side.label}: ${p}`);
          } catch (e) {
            addNote(`${side.label}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
            if (server?.exited) addNote(`${side.label} exited: ${server.tail().trim().split("\n").slice(-2).join(" | ")}`);
          }
          record(side, result);
          log.push({ scenario: sc.id, round, side: side.label, result });
          if (verbose) {
            const figures = sc.metrics
              .map((m) => `${m.label} ${result ? formatValue(m.pick(result), m.unit) : "-"} ${m.unit}`)
              .join(", ");
            console.log(`  ${sc.id} round ${round + 1} ${side.label}: ${figures}`);
            const more = result !== undefined ? details(result) : "";
            if (more !== "") console.log(more);
          }
          if (sc.freshServerPerRun) {
            await live.get(side.label)?.stop();
            live.delete(side.label);
          }
        }
      }
    } finally {
      await Promise.all([...live.values(), ...peers.values()].map((s) => s.stop()));
    }
    const first = scRows[0] as Row;
    for (const side of sides) {
      const lg = median(first.loadgen.get(side.label) ?? []);
      if (lg > 85) addNote(`load generator at ${lg.toFixed(0)}% CPU with ${side.label}: harness-bound, a lower bound`);
    }
    const summary = sides.map((s) => `${s.label} ${formatValue(median(first.values.get(s.label) ?? []), first.unit)}`);
    console.log(`  ${sc.id}: ${summary.join(", ")} ${first.unit}`);
  }

  // The footprint rows (issue 15): spawned directly, monitoring on, medians of alternating starts.
  const footprintStarts = Number(arg("footprint", "BENCH_FOOTPRINT") ?? 5);
  if (footprintStarts > 0 && arg("profile", "BENCH_PROFILE") === undefined) {
    const fp = await measureFootprint(sides, footprintStarts);
    const summary = sides.map((s) => `${s.label} ${fp.map((r) => `${formatValue(median(r.values.get(s.label) ?? []), r.unit)} ${r.unit}`).join(" / ")}`);
    console.log(`  footprint (start / idle RSS / executable): ${summary.join("; ")}`);
    rows.push(...fp);
  }

  console.log("");
  console.log(renderTable(rows, sides.map((s) => s.label)));
  console.log("");
  console.log(
    "Medians of the rounds (± is half the spread between rounds); ratio = bnats / nats-server. " +
      "Server CPU% is the server's CPU time over the measured window (200% = both cores); loadgen CPU% the " +
      "load generator's (pub and subs share one thread: near 100% would mean the harness limits the figure).",
  );
  for (const n of notes) console.log(`note: ${n}`);
  console.log(
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s; 1-min load average ${loadStart.toFixed(2)} before, ` +
      `${loadAverage().toFixed(2)} after (the benchmark itself adds about 1.2)`,
  );
  if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(log, null, 1)}\n`);
  return 0;
}

try {
  process.exit(await main());
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
