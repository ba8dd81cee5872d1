// `make bench-dashboard`: what an open dashboard costs the message path (issue 16). bnats only (nats-server
// has no dashboard). One dist/bnats with monitoring and `--idle` idle named connections (so every snapshot
// lists real connections); then, alternating, a 1 pub -> 1 sub 16 B throughput run with no dashboard open
// ("closed") and with `--viewers` dashboards open ("open"), each viewer a reader of /dashboard/events in a
// process of its own. Also the server's CPU while idle, without and with the viewers: the price of the
// one-per-second snapshot itself. "kept" = open / closed; 100% means the dashboard costs nothing visible.
//
// Options: --rounds=n (4) --duration=ms (2000) --warmup=ms (500) --viewers=n (3) --idle=n (500)
//          --bnats=path (dist/bnats)
import { existsSync } from "node:fs";
import { openIdleConns, sleep } from "./lib/idle.ts";
import { waitForMonitor, medianOf } from "./lib/monitor.ts";
import { cpuMs } from "./lib/proc.ts";
import { runLoadgen, startServer } from "./lib/servers.ts";
import type { ThroughputResult, ThroughputSpec } from "./lib/spec.ts";

function opt(name: string, dflt: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const n = a === undefined ? dflt : Number(a.slice(name.length + 3));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
  return n;
}

/** Viewer mode: `bun bench/dashboard.ts --viewer-of=<monitor port> --viewers=n`, until stdin closes. */
async function viewers(port: number, n: number): Promise<void> {
  let events = 0;
  let bytes = 0;
  const ready = new Set<number>();
  const gaps: number[] = [];
  const controllers = Array.from({ length: n }, () => new AbortController());
  const readers = controllers.map(async (ac, i) => {
    const res = await fetch(`http://127.0.0.1:${port}/dashboard/events`, { signal: ac.signal });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    let last = 0;
    const dec = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        bytes += chunk.byteLength;
        // An event of a few hundred KiB arrives in several chunks: count the ends of events.
        const ends = (dec.decode(chunk, { stream: true }).match(/\n\n/g) ?? []).length;
        if (ends === 0) continue;
        events += ends;
        const now = performance.now();
        if (i === 0 && last > 0) gaps.push(now - last);
        last = now;
        if (!ready.has(i)) {
          ready.add(i);
          if (ready.size === n) console.log("ready");
        }
      }
    } catch {
      // aborted at the end
    }
  });
  for await (const _ of Bun.stdin.stream()) void _;
  for (const ac of controllers) ac.abort();
  await Promise.all(readers);
  console.log(JSON.stringify({ events, bytes, medianGapMs: medianOf(gaps) }));
}

interface Viewers {
  stop(): Promise<{ events: number; bytes: number; medianGapMs: number }>;
}

async function startViewers(port: number, n: number): Promise<Viewers> {
  const proc = Bun.spawn([process.execPath, import.meta.path, `--viewer-of=${port}`, `--viewers=${n}`], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let out = "";
  while (!out.includes("ready\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("viewers did not start");
    out += dec.decode(value, { stream: true });
  }
  return {
    async stop() {
      proc.stdin.end();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        out += dec.decode(value, { stream: true });
      }
      await proc.exited;
      return JSON.parse(out.trim().split("\n").pop() ?? "{}") as { events: number; bytes: number; medianGapMs: number };
    },
  };
}

async function serverCpuPct(pid: number, ms: number): Promise<number> {
  const c0 = cpuMs(pid) ?? 0;
  const t0 = performance.now();
  await sleep(ms);
  return (((cpuMs(pid) ?? 0) - c0) * 100) / (performance.now() - t0);
}

async function main(): Promise<void> {
  const rounds = opt("rounds", 4);
  const durationMs = opt("duration", 2000);
  const warmupMs = opt("warmup", 500);
  const n = opt("viewers", 3);
  const idleConns = opt("idle", 500);
  const bnats = process.argv.find((x) => x.startsWith("--bnats="))?.slice(8) ?? "dist/bnats";
  if (!existsSync(bnats)) throw new Error(`${bnats} not found: run \`make build\``);

  const server = await startServer({ label: "bnats", cmd: [bnats] }, [], true);
  const monitorPort = server.monitorPort as number;
  const errors: string[] = [];
  try {
    await waitForMonitor(monitorPort);
    const idle = await openIdleConns({ port: server.port, conns: idleConns, batch: 250, namePrefix: "bench-dash-", subscribePrefix: "bench.dash." }, errors);
    if (errors.length > 0) throw new Error(errors[0]);
    console.log(`bench-dashboard: ${bnats}, ${idleConns} idle connections, ${n} dashboards, ${rounds} rounds of ${warmupMs}+${durationMs} ms`);

    const cpuClosed = await serverCpuPct(server.pid, 5000);
    let v = await startViewers(monitorPort, n);
    const cpuOpen = await serverCpuPct(server.pid, 5000);
    const idleStats = await v.stop();

    const spec: ThroughputSpec = {
      kind: "throughput",
      port: server.port,
      serverPid: server.pid,
      payload: 16,
      pubSubjects: ["bench.dash"],
      subs: [{ subjects: ["bench.dash"] }],
      fanout: 1,
      durationMs,
      warmupMs,
    };
    const closed: number[] = [];
    const open: number[] = [];
    let streamed = { events: 0, bytes: 0, medianGapMs: Number.NaN };
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so a drift of the machine's load favours neither side.
      for (const withDash of r % 2 === 0 ? [false, true] : [true, false]) {
        if (withDash) v = await startViewers(monitorPort, n);
        const res = (await runLoadgen(spec)) as ThroughputResult;
        if (withDash) streamed = await v.stop();
        if (!res.complete) errors.push(`run incomplete: ${res.received}/${res.expected}`);
        (withDash ? open : closed).push(res.deliverRate);
      }
    }
    for (const c of idle) c.close();
    const mc = medianOf(closed);
    const mo = medianOf(open);
    const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");
    console.log(`delivered msg/s, no dashboard   : ${fmt(mc)}   (runs: ${closed.map(fmt).join(", ")})`);
    console.log(`delivered msg/s, ${n} dashboards   : ${fmt(mo)}   (runs: ${open.map(fmt).join(", ")})`);
    console.log(`kept                            : ${((mo * 100) / mc).toFixed(1)}%`);
    console.log(`server CPU idle, no dashboard   : ${cpuClosed.toFixed(1)}%`);
    console.log(`server CPU idle, ${n} dashboards   : ${cpuOpen.toFixed(1)}%  (${idleStats.events} events, ${(idleStats.bytes / 1024).toFixed(0)} KiB in 5 s; one snapshot a second shared by all)`);
    console.log(`pushes during the last loaded run: median gap ${streamed.medianGapMs.toFixed(0)} ms`);
    if (errors.length > 0) console.log(`errors: ${errors.slice(0, 3).join("; ")}`);
  } finally {
    await server.stop();
  }
}

const viewerOf = process.argv.find((x) => x.startsWith("--viewer-of="));
if (viewerOf !== undefined) await viewers(Number(viewerOf.slice(12)), opt("viewers", 3));
else await main();
