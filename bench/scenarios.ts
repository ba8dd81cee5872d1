// The scenario table. To add a scenario, append an entry: an id (used by --scenarios), the load it
// puts on a server (a LoadSpec built from the run context), and the metrics to read off the result.
// A scenario whose prerequisites are missing (e.g. TLS not implemented yet) says why in `unavailable`
// and is skipped with a note instead of failing the whole benchmark.

import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchCert, tlsUnavailable } from "./lib/certs.ts";
import type { LoadResult, LoadSpec, UnderConnzResult } from "./lib/spec.ts";

export interface RunContext {
  port: number;
  serverPid: number;
  durationMs: number;
  warmupMs: number;
  /** The server's HTTP monitoring port, for scenarios with `monitor`. */
  monitorPort?: number;
  /** Client port of the second member, for scenarios with `cluster`. */
  peerPort?: number;
  /** The server's websocket port (ws://), for scenarios with `websocket`. */
  wsPort?: number;
}

export interface Metric {
  label: string;
  unit: string;
  /** Which direction is better; the ratio is always bnats / reference. */
  better: "higher" | "lower";
  pick(r: LoadResult): number;
  /** Server and load-generator CPU% for this row when they differ by row (default: the run's). */
  serverCpu?(r: LoadResult): number;
  loadgenCpu?(r: LoadResult): number;
}

export interface Scenario {
  id: string;
  title: string;
  /** In the default selection. */
  byDefault: boolean;
  /** Start a new server for every run (memory figures would otherwise see the previous run's heap). */
  freshServerPerRun?: boolean;
  /** Extra server flags (both servers take nats-server's flags); called once per server start. */
  serverArgs?: () => string[];
  /** Start the servers with HTTP monitoring on a free port (`-m`), passed on as ctx.monitorPort. */
  monitor?: boolean;
  /**
   * Run each side as a two-member cluster of its own binary (`--cluster`, `--routes`), the second
   * member's client port passed on as ctx.peerPort; the CPU figure is the first member's.
   */
  cluster?: boolean;
  /**
   * Run each side as a leaf node of a nats-server hub (the same hub binary for both sides): ctx.port is
   * the leaf's client port, ctx.peerPort the hub's; the CPU figure is the leaf's.
   */
  leaf?: boolean;
  /** Start the servers with a websocket listener (ws://, no TLS) on a free port, passed on as ctx.wsPort. */
  websocket?: boolean;
  /** At most this many rounds (slow scenarios, to keep `make bench` within a few minutes). */
  rounds?: number;
  /** Rough wall time of one run, for the up-front estimate (default: warm-up + measured + 0.7 s). */
  estimateMs?: (warmupMs: number, durationMs: number) => number;
  /** A reason the scenario cannot run yet, or undefined. */
  unavailable?: () => string | undefined;
  spec(ctx: RunContext): LoadSpec;
  metrics: Metric[];
}

const num = (r: LoadResult, f: (x: LoadResult) => number | undefined): number => f(r) ?? Number.NaN;
const delivered: Metric = {
  label: "delivered",
  unit: "msg/s",
  better: "higher",
  pick: (r) => num(r, (x) => (x.kind === "throughput" ? x.deliverRate : undefined)),
};
const published: Metric = {
  label: "published",
  unit: "msg/s",
  better: "higher",
  pick: (r) => num(r, (x) => (x.kind === "throughput" ? x.pubRate : undefined)),
};

const connects: Metric = {
  label: "set-ups",
  unit: "1/s",
  better: "higher",
  pick: (r) => num(r, (x) => (x.kind === "connect" ? x.perSecond : undefined)),
};

function pubsub(
  ctx: RunContext,
  payload: number,
  pubSubjects: string[],
  subs: { subjects: string[]; queue?: string }[],
  fanout: number,
): LoadSpec {
  return {
    kind: "throughput",
    port: ctx.port,
    serverPid: ctx.serverPid,
    payload,
    pubSubjects,
    subs,
    fanout,
    durationMs: ctx.durationMs,
    warmupMs: ctx.warmupMs,
  };
}

// 10,000 subscriptions: w.<a>.<b>.* for a < 99, b < 100 (9,900), w.<a>.> for a < 99 (99) and w.*.*.x (1).
// Publishing to w.<a>.<b>.x (cycling through all 9,900) hits exactly three of them, and the many
// distinct subjects keep the server's match cache from hiding the trie walk.
const WILD_A = 99;
const WILD_B = 100;
function wildcardSubs(): string[] {
  const subs: string[] = [];
  for (let a = 0; a < WILD_A; a++) for (let b = 0; b < WILD_B; b++) subs.push(`w.${a}.${b}.*`);
  for (let a = 0; a < WILD_A; a++) subs.push(`w.${a}.>`);
  subs.push("w.*.*.x");
  return subs;
}
function wildcardPubSubjects(): string[] {
  const out: string[] = [];
  // Interleave so that consecutive messages go to different branches of the trie.
  for (let b = 0; b < WILD_B; b++) for (let a = 0; a < WILD_A; a++) out.push(`w.${a}.${b}.x`);
  return out;
}

export const IDLE_CONNS = 5_000;
export const CONNZ_CONNS = 10_000;
export const UNDER_CONNZ_CONNS = 2_000;
/** What issue 3 asks to keep measured: /connz as monitoring tools call it, and /varz beside it. */
export const CONNZ_PATHS = ["/connz", "/connz?sort=bytes_to", "/connz?subs=1&limit=100", "/connz?limit=10000", "/varz"];
const UNDER_CONNZ_PATH = "/connz";

/** Each process raises its soft open-files limit to the hard one (servers.ts); the hard one must suffice. */
function nofileShort(conns: number): string | undefined {
  const hard = Bun.spawnSync(["/bin/sh", "-c", "ulimit -Hn"]).stdout.toString().trim();
  const n = hard === "unlimited" ? Number.POSITIVE_INFINITY : Number(hard);
  return n >= conns + 100 ? undefined : `the open-files hard limit (${hard}) is below ${conns + 100}`;
}

function monitorPort(ctx: RunContext): number {
  if (ctx.monitorPort === undefined) throw new Error("scenario needs `monitor: true`");
  return ctx.monitorPort;
}

function wsPort(ctx: RunContext): number {
  if (ctx.wsPort === undefined) throw new Error("scenario needs `websocket: true`");
  return ctx.wsPort;
}

const underConnz = (r: LoadResult): UnderConnzResult | undefined => (r.kind === "under-connz" ? r : undefined);

export const scenarios: Scenario[] = [
  {
    id: "pub-16",
    title: "pub only, 16 B",
    byDefault: true,
    spec: (ctx) => pubsub(ctx, 16, ["bench.pub"], [], 0),
    metrics: [published],
  },
  {
    id: "pub-4k",
    title: "pub only, 4 KB",
    byDefault: true,
    spec: (ctx) => pubsub(ctx, 4096, ["bench.pub"], [], 0),
    metrics: [published],
  },
  {
    id: "pubsub",
    title: "1 pub -> 1 sub, 16 B",
    byDefault: true,
    spec: (ctx) => pubsub(ctx, 16, ["bench.ps"], [{ subjects: ["bench.ps"] }], 1),
    metrics: [delivered],
  },
  {
    id: "fanout-4",
    title: "1 pub -> 4 subs, 16 B",
    byDefault: true,
    spec: (ctx) =>
      pubsub(ctx, 16, ["bench.fan"], Array.from({ length: 4 }, () => ({ subjects: ["bench.fan"] })), 4),
    metrics: [delivered],
  },
  {
    id: "queue-4",
    title: "queue group of 4, 16 B",
    byDefault: true,
    spec: (ctx) =>
      pubsub(ctx, 16, ["bench.q"], Array.from({ length: 4 }, () => ({ subjects: ["bench.q"], queue: "workers" })), 1),
    metrics: [delivered],
  },
  {
    id: "route-pubsub",
    title: "1 pub -> route -> 1 sub, 16 B",
    byDefault: true,
    cluster: true,
    spec: (ctx) => ({ ...pubsub(ctx, 16, ["bench.route"], [{ subjects: ["bench.route"] }], 1), subPort: ctx.peerPort }),
    metrics: [delivered],
  },
  {
    id: "leaf-pubsub",
    title: "1 pub on a leaf -> hub -> 1 sub, 16 B",
    byDefault: true,
    leaf: true,
    spec: (ctx) => ({ ...pubsub(ctx, 16, ["bench.leaf"], [{ subjects: ["bench.leaf"] }], 1), subPort: ctx.peerPort }),
    metrics: [delivered],
  },
  {
    id: "leaf-hub-pubsub",
    title: "1 pub on the hub -> leaf -> 1 sub, 16 B",
    byDefault: false,
    leaf: true,
    spec: (ctx) => ({ ...pubsub({ ...ctx, port: ctx.peerPort ?? ctx.port }, 16, ["bench.leaf"], [{ subjects: ["bench.leaf"] }], 1), subPort: ctx.port }),
    metrics: [delivered],
  },
  {
    id: "reqrep",
    title: "request/reply, sequential",
    byDefault: true,
    spec: (ctx) => ({
      kind: "latency",
      port: ctx.port,
      serverPid: ctx.serverPid,
      payload: 16,
      durationMs: ctx.durationMs,
      warmupMs: ctx.warmupMs,
    }),
    metrics: [
      { label: "p50", unit: "us", better: "lower", pick: (r) => num(r, (x) => (x.kind === "latency" ? x.p50Us : undefined)) },
      { label: "p99", unit: "us", better: "lower", pick: (r) => num(r, (x) => (x.kind === "latency" ? x.p99Us : undefined)) },
    ],
  },
  {
    id: "reqrep-accounts",
    title: "request/reply across accounts (service import), sequential",
    byDefault: true,
    // Account B imports A's service: each request is re-published in A with a _R_ reply and a
    // Nats-Request-Info header, and the answer is mapped back (client.go processServiceImport).
    serverArgs: () => ["-c", accountsConfig()],
    spec: (ctx) => ({
      kind: "latency",
      port: ctx.port,
      serverPid: ctx.serverPid,
      payload: 16,
      durationMs: ctx.durationMs,
      warmupMs: ctx.warmupMs,
      requester: { user: "b", pass: "b" },
      responder: { user: "a", pass: "a" },
      subject: "b.req",
    }),
    metrics: [
      { label: "p50", unit: "us", better: "lower", pick: (r) => num(r, (x) => (x.kind === "latency" ? x.p50Us : undefined)) },
      { label: "p99", unit: "us", better: "lower", pick: (r) => num(r, (x) => (x.kind === "latency" ? x.p99Us : undefined)) },
    ],
  },
  {
    id: "wildcard-10k",
    title: "10,000 wildcard subs, 3 hits/msg",
    byDefault: true,
    spec: (ctx) => pubsub(ctx, 16, wildcardPubSubjects(), [{ subjects: wildcardSubs() }], 3),
    metrics: [delivered],
  },
  {
    id: "idle-5k",
    title: `idle memory, ${IDLE_CONNS} conns`,
    byDefault: true,
    freshServerPerRun: true,
    unavailable: () => nofileShort(IDLE_CONNS),
    spec: (ctx) => ({ kind: "idle", port: ctx.port, serverPid: ctx.serverPid, conns: IDLE_CONNS, batch: 250, settleMs: 500 }),
    metrics: [
      {
        label: "RSS/conn",
        unit: "KB",
        better: "lower",
        pick: (r) => num(r, (x) => (x.kind === "idle" ? x.bytesPerConn / 1024 : undefined)),
      },
    ],
  },
  // Monitoring (issue 3). Each request is timed alone, one at a time, after an untimed first one; the
  // figure is the median over the requests (up to 20 or ~1.5 s per path), then over the rounds.
  {
    id: "connz-10k",
    title: "monitoring, 10,000 conns",
    byDefault: true,
    monitor: true,
    rounds: 2,
    unavailable: () => nofileShort(CONNZ_CONNS),
    estimateMs: () => 2_000 + CONNZ_PATHS.length * 600,
    spec: (ctx) => ({
      kind: "connz",
      port: ctx.port,
      monitorPort: monitorPort(ctx),
      serverPid: ctx.serverPid,
      conns: CONNZ_CONNS,
      batch: 250,
      paths: CONNZ_PATHS,
      minReqs: 3,
      maxReqs: 20,
      budgetMs: 1_500,
    }),
    metrics: CONNZ_PATHS.map(
      (path): Metric => ({
        label: `GET ${path}`,
        unit: "ms",
        better: "lower",
        pick: (r) => num(r, (x) => (x.kind === "connz" ? x.paths.find((p) => p.path === path)?.medianMs : undefined)),
      }),
    ),
  },
  // The message path while /connz is served: the same 1 pub -> 1 sub run without, then with, another
  // process GETting /connz back to back (2,000 idle connections open, so each answer lists 1,024).
  // "kept" is loaded / quiet for the same server: 100% means monitoring stalls nothing.
  {
    id: "pubsub-under-connz",
    title: `1 pub -> 1 sub, ${UNDER_CONNZ_CONNS} idle, /connz loop`,
    byDefault: true,
    monitor: true,
    unavailable: () => nofileShort(UNDER_CONNZ_CONNS),
    estimateMs: (warmupMs, durationMs) => 2 * (warmupMs + durationMs) + 1_000,
    spec: (ctx) => ({
      kind: "under-connz",
      port: ctx.port,
      monitorPort: monitorPort(ctx),
      serverPid: ctx.serverPid,
      idleConns: UNDER_CONNZ_CONNS,
      path: UNDER_CONNZ_PATH,
      payload: 16,
      durationMs: ctx.durationMs,
      warmupMs: ctx.warmupMs,
    }),
    metrics: [
      {
        label: "delivered, quiet",
        unit: "msg/s",
        better: "higher",
        pick: (r) => num(r, (x) => underConnz(x)?.quiet.deliverRate),
        serverCpu: (r) => num(r, (x) => underConnz(x)?.quiet.serverCpuPct),
        loadgenCpu: (r) => num(r, (x) => underConnz(x)?.quiet.loadgenCpuPct),
      },
      {
        label: `delivered, ${UNDER_CONNZ_PATH} loop`,
        unit: "msg/s",
        better: "higher",
        pick: (r) => num(r, (x) => underConnz(x)?.loaded.deliverRate),
        serverCpu: (r) => num(r, (x) => underConnz(x)?.loaded.serverCpuPct),
        loadgenCpu: (r) => num(r, (x) => underConnz(x)?.loaded.loadgenCpuPct),
      },
      { label: "kept", unit: "%", better: "higher", pick: (r) => num(r, (x) => underConnz(x)?.keptPct) },
      {
        label: `GET ${UNDER_CONNZ_PATH} meanwhile`,
        unit: "ms",
        better: "lower",
        pick: (r) => num(r, (x) => underConnz(x)?.hammer.medianMs),
      },
    ],
  },
  // TLS: both servers get the same self-signed certificate; clients upgrade after INFO (nats-server
  // 2.9 has no TLS-first) and do not verify it.
  {
    id: "tls-pubsub",
    title: "TLS 1 pub -> 1 sub, 16 B",
    byDefault: true,
    unavailable: tlsUnavailable,
    serverArgs: tlsArgs,
    spec: (ctx) => ({ ...pubsub(ctx, 16, ["bench.tls"], [{ subjects: ["bench.tls"] }], 1), tls: true }),
    metrics: [delivered],
  },
  {
    id: "tls-handshake",
    title: "TLS connection set-up, 8 at once",
    byDefault: true,
    unavailable: tlsUnavailable,
    serverArgs: tlsArgs,
    spec: (ctx) => connectSpec(ctx, true),
    metrics: [connects],
  },
  // Websocket clients (issue 12): every connection of the run is a ws:// client (Bun's WebSocket) of the
  // server's websocket listener, no compression; the NATS protocol inside binary frames.
  {
    id: "ws-pub",
    title: "websocket pub only, 16 B",
    byDefault: true,
    websocket: true,
    spec: (ctx) => ({ ...pubsub(ctx, 16, ["bench.wspub"], [], 0), wsPort: wsPort(ctx) }),
    metrics: [published],
  },
  {
    id: "ws-pubsub",
    title: "websocket 1 pub -> 1 sub, 16 B",
    byDefault: true,
    websocket: true,
    spec: (ctx) => ({ ...pubsub(ctx, 16, ["bench.ws"], [{ subjects: ["bench.ws"] }], 1), wsPort: wsPort(ctx) }),
    metrics: [delivered],
  },
  {
    id: "connect",
    title: "plain connection set-up, 8 at once",
    byDefault: false,
    spec: (ctx) => connectSpec(ctx, false),
    metrics: [connects],
  },
];

function tlsArgs(): string[] {
  const { cert, key } = benchCert();
  return ["--tls", "--tlscert", cert, "--tlskey", key];
}

function connectSpec(ctx: RunContext, tls: boolean): LoadSpec {
  return {
    kind: "connect",
    port: ctx.port,
    serverPid: ctx.serverPid,
    tls,
    concurrency: 8,
    durationMs: ctx.durationMs,
    warmupMs: ctx.warmupMs,
  };
}

/** Two accounts: A exports the service `bench.req`, B imports it as `b.req` (the reqrep-accounts scenario). */
function accountsConfig(): string {
  const path = join(tmpdir(), `bnats-bench-accounts-${process.pid}.conf`);
  writeFileSync(
    path,
    `accounts {
  A: { users: [{user: a, password: a}], exports: [{service: "bench.req"}] }
  B: { users: [{user: b, password: b}], imports: [{service: {account: A, subject: "bench.req"}, to: "b.req"}] }
}
`,
  );
  return path;
}
