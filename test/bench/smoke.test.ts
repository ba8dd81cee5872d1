// Smoke test of the benchmark harness itself (bench/): the byte-scanning MSG counter against frames
// split at every possible point, and short count-bounded load-generator runs against an in-process
// bnats where every published message must be counted exactly once per subscriber.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runConnect } from "../../bench/lib/connect.ts";
import { runLatency } from "../../bench/lib/latency.ts";
import { runConnz, runUnderConnz } from "../../bench/lib/monitor.ts";
import { MsgScanner } from "../../bench/lib/scanner.ts";
import { runThroughput } from "../../bench/lib/throughput.ts";
import { type InProcessServer, startBnats } from "../helpers/bnats.ts";

const enc = new TextEncoder();

describe("MsgScanner", () => {
  // Payloads that contain "MSG " and CRLF themselves: the counter must skip them by size, not scan them.
  const stream = enc.encode(
    "INFO {\"server_id\":\"x\"}\r\n" +
      "MSG a 1 5\r\nhello\r\n" +
      "PING\r\n" +
      "MSG foo.bar 22 _INBOX.r 12\r\nMSG x 1 00\r\n\r\n" +
      "HMSG h 3 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n" +
      "MSG empty 4 0\r\n\r\n" +
      "PONG\r\n" +
      "-ERR 'Unknown Protocol Operation'\r\n" +
      "MSG big 5 300\r\n" +
      "x".repeat(300) +
      "\r\n",
  );

  test("counts frames and control lines whole", () => {
    const s = new MsgScanner();
    let pings = 0;
    let pongs = 0;
    let info = "";
    const errs: string[] = [];
    s.onPing = () => pings++;
    s.onPong = () => pongs++;
    s.onInfo = (j) => (info = j);
    s.onErr = (e) => errs.push(e);
    s.feed(stream);
    expect(s.msgs).toBe(5);
    expect(s.skip).toBe(0);
    expect([pings, pongs]).toEqual([1, 1]);
    expect(info).toBe('{"server_id":"x"}');
    expect(errs).toEqual(["-ERR 'Unknown Protocol Operation'"]);
  });

  test("gives the same counts for every split of the stream into two and into single bytes", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const s = new MsgScanner();
      const lines: string[] = [];
      s.onMsgLine = (b, start, end) => lines.push(new TextDecoder().decode(b.subarray(start, end)));
      s.feed(stream.slice(0, cut));
      s.feed(stream.slice(cut));
      expect(s.msgs).toBe(5);
      expect(s.skip).toBe(0);
      expect(lines[1]).toBe("MSG foo.bar 22 _INBOX.r 12");
    }
    const s = new MsgScanner();
    for (let i = 0; i < stream.length; i++) s.feed(stream.slice(i, i + 1));
    expect(s.msgs).toBe(5);
    expect(s.bytes).toBe(stream.length);
  });
});

describe("load generator against bnats", () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startBnats();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("1 pub -> 1 sub: every published message is received", async () => {
    const r = await runThroughput({
      kind: "throughput",
      port: server.port,
      payload: 16,
      pubSubjects: ["smoke.one"],
      subs: [{ subjects: ["smoke.one"] }],
      fanout: 1,
      durationMs: 0,
      warmupMs: 0,
      maxMsgs: 50_000,
      windowBytes: 256 * 1024,
    });
    expect(r.errors).toEqual([]);
    expect(r.sent).toBe(50_000);
    expect(r.received).toBe(50_000);
    expect(r.perSub).toEqual([50_000]);
    expect(r.complete).toBe(true);
    expect(r.deliverRate).toBeGreaterThan(0);
  });

  test("websocket connections (ws-pub, ws-pubsub): every published message is received", async () => {
    const ws = await startBnats({ config: "websocket { port: -1, no_tls: true }" });
    try {
      const r = await runThroughput({
        kind: "throughput",
        port: ws.port,
        wsPort: ws.server.websocketPort,
        payload: 16,
        pubSubjects: ["smoke.ws"],
        subs: [{ subjects: ["smoke.ws"] }],
        fanout: 1,
        durationMs: 0,
        warmupMs: 0,
        maxMsgs: 50_000,
        windowBytes: 256 * 1024,
      });
      expect(r.errors).toEqual([]);
      expect([r.sent, r.received, r.complete]).toEqual([50_000, 50_000, true]);
      // The connections were websocket clients.
      const conns = [...ws.server.clients.values(), ...ws.server.closed];
      expect(conns.length).toBeGreaterThanOrEqual(2);
      expect(conns.every((c) => c.websocket)).toBe(true);
    } finally {
      await ws.stop();
    }
  });

  test("fan-out, queue group and wildcards add up", async () => {
    const fan = await runThroughput({
      kind: "throughput",
      port: server.port,
      payload: 100,
      pubSubjects: ["smoke.fan"],
      subs: [{ subjects: ["smoke.fan"] }, { subjects: ["smoke.fan"] }, { subjects: ["smoke.*"] }],
      fanout: 3,
      durationMs: 0,
      warmupMs: 0,
      maxMsgs: 10_000,
    });
    expect(fan.perSub).toEqual([10_000, 10_000, 10_000]);
    expect(fan.complete).toBe(true);

    const queue = await runThroughput({
      kind: "throughput",
      port: server.port,
      payload: 16,
      pubSubjects: ["smoke.q"],
      subs: [0, 1, 2, 3].map(() => ({ subjects: ["smoke.q"], queue: "workers" })),
      fanout: 1,
      durationMs: 0,
      warmupMs: 0,
      maxMsgs: 10_000,
    });
    expect(queue.received).toBe(10_000);
    expect(queue.perSub.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(queue.complete).toBe(true);

    // A wrong fan-out figure must be reported as incomplete, not pass silently.
    const wrong = await runThroughput({
      kind: "throughput",
      port: server.port,
      payload: 16,
      pubSubjects: ["smoke.w.1", "smoke.w.2"],
      subs: [{ subjects: ["smoke.w.1", "smoke.w.*", "smoke.>"] }],
      fanout: 2,
      durationMs: 0,
      warmupMs: 0,
      maxMsgs: 1_000,
    });
    // smoke.w.1 hits three subscriptions, smoke.w.2 two: 2,500 deliveries, not 2,000.
    expect(wrong.received).toBe(2_500);
    expect(wrong.complete).toBe(false);
  });

  test("pub only and request/reply run to completion", async () => {
    const pub = await runThroughput({
      kind: "throughput",
      port: server.port,
      payload: 4096,
      pubSubjects: ["smoke.pub"],
      subs: [],
      fanout: 0,
      durationMs: 0,
      warmupMs: 0,
      maxMsgs: 2_000,
    });
    expect(pub.sent).toBe(2_000);
    expect(pub.errors).toEqual([]);
    expect(pub.pubRate).toBeGreaterThan(0);

    const lat = await runLatency({ kind: "latency", port: server.port, payload: 16, durationMs: 0, warmupMs: 0, maxReqs: 200 });
    expect(lat.errors).toEqual([]);
    expect(lat.count).toBe(200);
    expect(lat.p50Us).toBeGreaterThan(0);
    expect(lat.p99Us).toBeGreaterThanOrEqual(lat.p50Us);

    const conn = await runConnect({ kind: "connect", port: server.port, tls: false, concurrency: 4, durationMs: 0, warmupMs: 0, maxConns: 40 });
    expect(conn.errors).toEqual([]);
    expect(conn.count).toBe(40);
  });
});

describe("monitoring workloads against bnats", () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startBnats({ options: { httpPort: -1 } });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const monitorPort = (): number => {
    if (server.httpPort === undefined) throw new Error("no monitoring port");
    return server.httpPort;
  };

  test("connz: every path is timed, and a bad answer is an error rather than a figure", async () => {
    const base = { kind: "connz", port: server.port, monitorPort: monitorPort(), conns: 40, batch: 20, minReqs: 2, maxReqs: 2, budgetMs: 0 } as const;
    const r = await runConnz({ ...base, paths: ["/connz", "/connz?subs=1&limit=10", "/varz"] });
    expect(r.errors).toEqual([]);
    expect(r.conns).toBe(40);
    expect(r.paths.map((p) => [p.path, p.count])).toEqual([
      ["/connz", 2],
      ["/connz?subs=1&limit=10", 2],
      ["/varz", 2],
    ]);
    for (const p of r.paths) expect(p.medianMs).toBeGreaterThan(0);

    const bad = await runConnz({ ...base, paths: ["/no-such-endpoint"] });
    expect(bad.paths).toEqual([]);
    expect(bad.errors.join()).toContain("HTTP 404");
  });

  test("under-connz: both runs complete while another process polls /connz", async () => {
    const r = await runUnderConnz({
      kind: "under-connz",
      port: server.port,
      monitorPort: monitorPort(),
      idleConns: 20,
      path: "/connz",
      payload: 16,
      durationMs: 300,
      warmupMs: 50,
    });
    expect(r.errors).toEqual([]);
    expect(r.quiet.complete).toBe(true);
    expect(r.loaded.complete).toBe(true);
    expect(r.hammer.count).toBeGreaterThanOrEqual(2);
    expect(r.keptPct).toBeGreaterThan(0);
  });
});
