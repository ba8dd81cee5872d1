// The monitoring listener of a real bnats server: counters moving with JS-client traffic, paging over many
// real connections, the closed-connections ring bounded by max_closed_clients, https with the server's
// certificate, and the log line and startup errors of the reference.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Monitor, MonitorError } from "../../src/monitor/monitor.ts";
import { defaultOptions } from "../../src/options.ts";
import { MemoryLogger, startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { CERT_FILE, KEY_FILE, request } from "./scenario.ts";
import { fakeServer } from "./fake.ts";

interface Json {
  [k: string]: unknown;
}

async function getJSON(s: InProcessServer, path: string): Promise<Json> {
  const r = await request({ httpPort: s.httpPort }, { path });
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as Json;
}

describe("counters after real traffic", () => {
  let s: InProcessServer;
  let sub: NatsConnection;
  let pub: NatsConnection;
  beforeAll(async () => {
    s = await startBnats({ options: { httpPort: -1 } });
    sub = await connect({ servers: `127.0.0.1:${s.port}`, name: "sub" });
    pub = await connect({ servers: `127.0.0.1:${s.port}`, name: "pub" });
  });
  afterAll(async () => {
    await sub.close();
    await pub.close();
    await s.stop();
  });

  test("the log line and the bound port", () => {
    expect(s.httpPort).toBeGreaterThan(0);
    expect(s.logs()).toContain(`[INF] Starting http monitor on 0.0.0.0:${s.httpPort}`);
  });

  test("varz, connz and subsz move with messages", async () => {
    const before = await getJSON(s, "/varz");
    let got = 0;
    let done: () => void = () => undefined;
    const all = new Promise<void>((r) => (done = r));
    sub.subscribe("t.>", {
      callback: () => {
        if (++got === 25) done();
      },
    });
    await sub.flush();
    for (let i = 0; i < 25; i++) pub.publish(`t.${i}`, "0123456789");
    await pub.flush();
    await all;
    const after = await getJSON(s, "/varz");
    expect((after.in_msgs as number) - (before.in_msgs as number)).toBe(25);
    expect((after.out_msgs as number) - (before.out_msgs as number)).toBe(25);
    expect((after.in_bytes as number) - (before.in_bytes as number)).toBe(250);
    expect(after.connections).toBe(2);
    expect(after.subscriptions).toBeGreaterThanOrEqual(1);
    expect(typeof after.cpu).toBe("number");
    expect(after.mem as number).toBeGreaterThan(1_000_000);

    const conns = (await getJSON(s, "/connz?subs=1")).connections as Json[];
    const subConn = conns.find((c) => c.name === "sub") as Json;
    const pubConn = conns.find((c) => c.name === "pub") as Json;
    expect(subConn.out_msgs).toBe(25);
    expect(subConn.subscriptions_list).toContain("t.>");
    expect(pubConn.in_msgs).toBe(25);
    expect(pubConn.lang).toBe("nats.js");
    expect(pubConn.rtt).toMatch(/^[\d.]+(ns|µs|ms|s)$/);

    const subs = await getJSON(s, "/subsz");
    expect(subs.num_matches as number).toBeGreaterThanOrEqual(25);
  });

  test("metrics follow the same counters", async () => {
    const r = await request({ httpPort: s.httpPort }, { path: "/metrics" });
    expect(r.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(r.body).toMatch(/^gnatsd_varz_connections\{server_id="N[A-Z0-9]+"\} 2$/m);
    expect(r.body).toMatch(/^gnatsd_varz_in_msgs\{server_id="N[A-Z0-9]+"\} \d+$/m);
  });
});

describe("many connections", () => {
  test("paging by cid and by msgs_from over 300 connections; the closed ring keeps the last 50", async () => {
    const s = await startBnats({ options: { httpPort: -1, maxClosedClients: 50 } });
    const conns: NatsConnection[] = [];
    try {
      for (let i = 0; i < 300; i++) conns.push(await connect({ servers: `127.0.0.1:${s.port}`, name: `n${i}` }));
      // Connection i publishes i % 17 messages, so msgs_from orders them.
      for (let i = 0; i < conns.length; i++) for (let k = 0; k < i % 17; k++) conns[i]!.publish("x", "");
      await Promise.all(conns.map((c) => c.flush()));

      const seen: number[] = [];
      for (let offset = 0; offset < 300; offset += 64) {
        const page = await getJSON(s, `/connz?offset=${offset}&limit=64`);
        expect(page.total).toBe(300);
        seen.push(...(page.connections as Json[]).map((c) => c.cid as number));
      }
      expect(seen.length).toBe(300);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);

      // 17 connections (i % 17 === 16) sent 16 messages each; they lead, then those that sent 15.
      const top = (await getJSON(s, "/connz?sort=msgs_from&limit=18")).connections as Json[];
      expect(top.map((c) => c.in_msgs)).toEqual([...Array(17).fill(16), 15]);

      // Close 120; the ring holds the last 50, oldest dropped first.
      const closing = conns.splice(0, 120);
      await Promise.all(closing.map((c) => c.close()));
      for (let i = 0; i < 200; i++) {
        const v = await getJSON(s, "/varz");
        if (v.connections === 180) break;
        await Bun.sleep(10);
      }
      const closed = await getJSON(s, "/connz?state=closed&limit=1000");
      expect(closed.total).toBe(50);
      expect((closed.connections as Json[]).every((c) => c.reason === "Client Closed" && typeof c.stop === "string")).toBe(true);
      const any = await getJSON(s, "/connz?state=any&limit=1");
      expect(any.total).toBe(230);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
      await s.stop();
    }
  }, 30_000);
});

describe("https, base path and startup errors", () => {
  test("https_port serves the same endpoints with the tls certificate", async () => {
    const s = await startBnats({
      options: {
        httpsPort: -1,
        tls: { certFile: CERT_FILE, keyFile: KEY_FILE, verify: false, map: false, timeout: 2000, handshakeFirst: 0, connectionRateLimit: 0 },
      },
    });
    try {
      const port = s.monitor.httpsPort;
      expect(s.logs()).toContain(`[INF] Starting https monitor on 0.0.0.0:${port}`);
      const r = await request({ httpsPort: port }, { path: "/varz", https: true });
      expect(r.status).toBe(200);
      expect((JSON.parse(r.body) as Json).https_port).toBe(-1);
    } finally {
      await s.stop();
    }
  });

  test("http_base_path prefixes every route", async () => {
    const s = await startBnats({ options: { httpPort: -1, httpBasePath: "/nats" } });
    try {
      expect((await request({ httpPort: s.httpPort }, { path: "/nats/varz" })).status).toBe(200);
      expect((await request({ httpPort: s.httpPort }, { path: "/varz" })).status).toBe(404);
    } finally {
      await s.stop();
    }
  });

  test("the reference's startup errors", () => {
    const log = new MemoryLogger();
    const both = fakeServer([], [], { ...defaultOptions(), httpPort: 8222, httpsPort: 8223 });
    expect(() => new Monitor(both, () => log).start()).toThrow(new MonitorError("can't specify both HTTP (8222) and HTTPs (8223) ports"));
    const noTLS = fakeServer([], [], { httpsPort: -1 });
    expect(() => new Monitor(noTLS, () => log).start()).toThrow("TLS cert and key required for HTTPS");
  });
});
