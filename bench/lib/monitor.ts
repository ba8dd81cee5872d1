// Monitoring-port workloads (issue 3: "measure how long /connz takes with 10,000 connections" and
// monitoring "without stalling the message path"):
//  - runConnz: fill the server with idle connections, then time GETs of each monitoring path;
//  - runUnderConnz: 1 pub -> 1 sub throughput with idle connections open, without and then with a
//    separate process (runHammer) GETting /connz back to back from the same server.
// Requests go one at a time over a keep-alive connection (fetch), on loopback.

import { openIdleConns, sleep } from "./idle.ts";
import { selfCpuMs } from "./proc.ts";
import type {
  ConnzResult,
  ConnzSpec,
  HammerResult,
  HammerSpec,
  PathTiming,
  ThroughputResult,
  ThroughputSpec,
  UnderConnzResult,
  UnderConnzSpec,
} from "./spec.ts";
import { runThroughput } from "./throughput.ts";

const REQUEST_TIMEOUT_MS = 30_000;
const IDLE_BATCH = 250;

export interface Timed {
  status: number;
  ms: number;
  body: Uint8Array;
}

/** GET http://127.0.0.1:<port><path>, the whole body read; ms covers request to last byte. */
export async function timedGet(port: number, path: string): Promise<Timed> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, ms: performance.now() - t0, body };
}

/** Both servers start the monitoring listener around the client one: wait until /varz answers. */
export async function waitForMonitor(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await timedGet(port, "/varz")).status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`monitoring port ${port} did not answer /varz within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export function medianOf(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

/**
 * A quick check that the answer describes the server we filled: a fast 4xx or an empty list would
 * otherwise look like a good figure. /connz's `total` and /varz's `connections` count every client.
 */
function checkAnswer(path: string, r: Timed, conns: number): string | undefined {
  if (r.status !== 200) return `${path}: HTTP ${r.status}`;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(r.body));
  } catch {
    return `${path}: not JSON`;
  }
  const o = doc as Record<string, unknown>;
  const key = path.startsWith("/connz") ? "total" : path.startsWith("/varz") ? "connections" : undefined;
  if (key === undefined) return undefined;
  const n = o[key];
  if (typeof n !== "number" || n < conns) return `${path}: ${key} is ${String(n)}, expected at least ${conns}`;
  return undefined;
}

export async function runConnz(spec: ConnzSpec): Promise<ConnzResult> {
  const errors: string[] = [];
  await waitForMonitor(spec.monitorPort);
  const t0 = performance.now();
  const conns = await openIdleConns(
    { port: spec.port, conns: spec.conns, batch: spec.batch, namePrefix: "bench-connz-", subscribePrefix: "bench.connz." },
    errors,
  );
  const connectMs = performance.now() - t0;
  const paths: PathTiming[] = [];
  try {
    for (const path of errors.length > 0 ? [] : spec.paths) {
      // The first request is not timed: it builds whatever the server caches, and it is checked.
      const first = await timedGet(spec.monitorPort, path);
      const bad = checkAnswer(path, first, spec.conns);
      if (bad !== undefined) {
        errors.push(bad);
        continue;
      }
      const times: number[] = [];
      let bytes = first.body.length;
      const start = performance.now();
      while (times.length < spec.maxReqs && (times.length < spec.minReqs || performance.now() - start < spec.budgetMs)) {
        const r = await timedGet(spec.monitorPort, path);
        if (r.status !== 200) {
          errors.push(`${path}: HTTP ${r.status}`);
          break;
        }
        times.push(r.ms);
        bytes = r.body.length;
      }
      paths.push({ path, count: times.length, medianMs: medianOf(times), maxMs: Math.max(...times), bytes });
    }
  } finally {
    const open = conns.filter((c) => !c.closed).length;
    if (open < spec.conns && errors.length === 0) errors.push(`only ${open} of ${spec.conns} connections stayed open`);
    for (const c of conns) errors.push(...c.errors);
    await Promise.all(conns.map((c) => c.close()));
  }
  return { kind: "connz", conns: conns.length, connectMs, paths, errors: errors.slice(0, 10) };
}

/** GETs the path back to back until stdin closes (or maxMs). Prints "ready" after the first answer. */
export async function runHammer(spec: HammerSpec): Promise<HammerResult> {
  const errors: string[] = [];
  let stop = false;
  void (async () => {
    for await (const _ of Bun.stdin.stream()) void _;
    stop = true;
  })();
  const deadline = performance.now() + spec.maxMs;
  const times: number[] = [];
  const t0 = performance.now();
  const cpu0 = selfCpuMs();
  while (!stop && performance.now() < deadline) {
    try {
      const r = await timedGet(spec.monitorPort, spec.path);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      if (times.length === 0) console.log("ready");
      times.push(r.ms);
    } catch (e) {
      errors.push(`${spec.path}: ${String(e)}`);
      break;
    }
  }
  const wall = performance.now() - t0;
  return {
    kind: "hammer",
    count: times.length,
    medianMs: medianOf(times),
    maxMs: times.length > 0 ? Math.max(...times) : Number.NaN,
    cpuPct: wall > 0 ? ((selfCpuMs() - cpu0) * 100) / wall : 0,
    errors,
  };
}

const LOADGEN = `${import.meta.dir}/../loadgen.ts`;

/** Starts runHammer in a process of its own (its CPU must not come out of the load generator's). */
async function startHammer(spec: HammerSpec): Promise<{ stop: () => Promise<HammerResult> }> {
  const proc = Bun.spawn([process.execPath, LOADGEN, JSON.stringify(spec)], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let out = "";
  const deadline = performance.now() + 10_000;
  while (!out.includes("ready\n")) {
    const timer = setTimeout(() => proc.kill(), Math.max(0, deadline - performance.now()));
    const { done, value } = await reader.read();
    clearTimeout(timer);
    if (done) {
      const err = await new Response(proc.stderr).text();
      throw new Error(`monitoring load did not start: ${err.trim() || out.trim() || "no output"}`);
    }
    out += dec.decode(value, { stream: true });
  }
  return {
    stop: async () => {
      proc.stdin.end();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        out += dec.decode(value, { stream: true });
      }
      const code = await proc.exited;
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) throw new Error(`monitoring load failed (exit ${code}): ${await new Response(proc.stderr).text()}`);
      return JSON.parse(last) as HammerResult;
    },
  };
}

export async function runUnderConnz(spec: UnderConnzSpec): Promise<UnderConnzResult> {
  const errors: string[] = [];
  await waitForMonitor(spec.monitorPort);
  const idle = await openIdleConns(
    { port: spec.port, conns: spec.idleConns, batch: IDLE_BATCH, namePrefix: "bench-uc-idle-", subscribePrefix: "bench.uc.idle." },
    errors,
  );
  if (errors.length > 0) throw new Error(`opening ${spec.idleConns} idle connections: ${errors[0]}`);
  const tp: ThroughputSpec = {
    kind: "throughput",
    port: spec.port,
    serverPid: spec.serverPid,
    payload: spec.payload,
    pubSubjects: ["bench.uc"],
    subs: [{ subjects: ["bench.uc"] }],
    fanout: 1,
    durationMs: spec.durationMs,
    warmupMs: spec.warmupMs,
  };
  try {
    const quiet = await runThroughput(tp);
    // Generous: every request must end by then (a stalled server shows as errors, not a hang).
    const maxMs = spec.warmupMs + spec.durationMs + 30_000;
    const hammer = await startHammer({ kind: "hammer", monitorPort: spec.monitorPort, path: spec.path, maxMs });
    let loaded: ThroughputResult;
    try {
      loaded = await runThroughput(tp);
    } catch (e) {
      await hammer.stop().catch(() => undefined);
      throw e;
    }
    const h = await hammer.stop();
    errors.push(...h.errors);
    if (h.count < 2) errors.push(`only ${h.count} monitoring requests answered during the loaded run`);
    return {
      kind: "under-connz",
      quiet,
      loaded,
      keptPct: quiet.deliverRate > 0 ? (loaded.deliverRate * 100) / quiet.deliverRate : Number.NaN,
      hammer: h,
      errors,
    };
  } finally {
    for (const c of idle) errors.push(...c.errors);
    await Promise.all(idle.map((c) => c.close()));
  }
}
