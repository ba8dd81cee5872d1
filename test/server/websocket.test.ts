// Websocket clients end to end (issue 12): the official client's wsconnect (Bun's global WebSocket)
// against bnats with a `websocket {}` block, and raw frames where the exact bytes matter.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { wsconnect, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { MemoryLogger, startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { defaultWebsocketOptions, mergeOptions } from "../../src/options.ts";
import { Server } from "../../src/server/server.ts";
import { lameDuckMode } from "../../src/server/lameduck.ts";
import { clientFrame, rawUpgrade, readClose, readDataUntil, readFrame } from "../helpers/ws.ts";

function wsPort(s: InProcessServer): number {
  const p = s.server.websocketPort;
  if (p === 0) throw new Error("no websocket listener");
  return p;
}

const enc = new TextEncoder();

describe("wsconnect end to end", () => {
  let srv: InProcessServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    srv = await startBnats({ config: "websocket { port: -1, no_tls: true }\nhttp: -1" });
    nc = await wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}` });
  });
  afterAll(async () => {
    await nc?.close();
    await srv?.stop();
  });

  test("INFO, pub/sub and request/reply", async () => {
    expect(nc.info?.max_payload).toBe(1024 * 1024);
    const sub = nc.subscribe("ws.echo");
    (async () => {
      for await (const m of sub) m.respond(enc.encode(`re:${m.string()}`));
    })();
    const r = await nc.request("ws.echo", "hi", { timeout: 2000 });
    expect(r.string()).toBe("re:hi");
    sub.unsubscribe();
  });

  test("a 1 MiB payload both ways", async () => {
    const big = new Uint8Array(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const sub = nc.subscribe("ws.big", { max: 1 });
    nc.publish("ws.big", big);
    for await (const m of sub) {
      expect(m.data.length).toBe(big.length);
      expect(Buffer.compare(Buffer.from(m.data), Buffer.from(big))).toBe(0);
    }
  });

  test("10,000 messages arrive in order", async () => {
    const n = 10_000;
    const sub = nc.subscribe("ws.seq", { max: n });
    for (let i = 0; i < n; i++) nc.publish("ws.seq", String(i));
    let next = 0;
    for await (const m of sub) {
      expect(m.string()).toBe(String(next));
      next++;
    }
    expect(next).toBe(n);
  });

  test("a websocket client and a TCP client exchange messages", async () => {
    const tcp = await connect({ port: srv.port });
    try {
      const fromWs = tcp.subscribe("to.tcp", { max: 1 });
      const fromTcp = nc.subscribe("to.ws", { max: 1 });
      await tcp.flush();
      await nc.flush();
      nc.publish("to.tcp", "from ws");
      tcp.publish("to.ws", "from tcp");
      for await (const m of fromWs) expect(m.string()).toBe("from ws");
      for await (const m of fromTcp) expect(m.string()).toBe("from tcp");
      // Request/reply across the two kinds of transport.
      const svc = tcp.subscribe("svc");
      (async () => {
        for await (const m of svc) m.respond(enc.encode("tcp answers"));
      })();
      await tcp.flush();
      expect((await nc.request("svc", "q", { timeout: 2000 })).string()).toBe("tcp answers");
    } finally {
      await tcp.close();
    }
  });

  test("monitoring: connz type websocket, varz websocket block", async () => {
    const connz = (await (await fetch(`http://127.0.0.1:${srv.httpPort}/connz`)).json()) as { connections: { type?: string; ip: string }[] };
    expect(connz.connections.some((c) => c.type === "websocket" && c.ip === "127.0.0.1")).toBe(true);
    const varz = (await (await fetch(`http://127.0.0.1:${srv.httpPort}/varz`)).json()) as { websocket: Record<string, unknown> };
    expect(varz.websocket).toEqual({ host: "0.0.0.0", port: wsPort(srv), no_tls: true });
  });
});

describe("compression", () => {
  test.each([true, false])("compression: %p", async (compression) => {
    const srv = await startBnats({ config: `websocket { port: -1, no_tls: true, compression: ${compression} }` });
    try {
      // Raw: the extension answer and a compressed INFO (over 64 bytes) when on.
      const { c, answer } = await rawUpgrade(wsPort(srv), { "Sec-WebSocket-Extensions": "permessage-deflate" });
      expect(answer.headers["sec-websocket-extensions"] !== undefined).toBe(compression);
      const info = await readFrame(c);
      expect(info.payload).toStartWith("INFO {");
      // The INFO (over 64 bytes) goes out compressed when negotiated (wsCompressThreshold).
      expect(info.compressed).toBe(compression);
      // A compressed client frame (RSV1) is accepted when negotiated.
      if (compression) {
        c.send(clientFrame('CONNECT {"verbose":false}\r\nSUB q 1\r\nPUB q 100\r\n' + "z".repeat(100) + "\r\nPING\r\n", 2, true, true));
        expect(await readDataUntil(c, "PONG\r\n")).toBe(`MSG q 1 100\r\n${"z".repeat(100)}\r\nPONG\r\n`);
      }
      c.close();
      // The official client (Bun's WebSocket offers permessage-deflate).
      const nc = await wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}` });
      const payload = "x".repeat(10_000);
      const sub = nc.subscribe("z", { max: 1 });
      nc.publish("z", payload);
      for await (const m of sub) expect(m.string()).toBe(payload);
      await nc.close();
    } finally {
      await srv.stop();
    }
  });
});

describe("authentication", () => {
  test("the websocket block's user overrides the server's (none): TCP stays open, websocket requires it", async () => {
    const srv = await startBnats({ config: "websocket { port: -1, no_tls: true, authorization { user: wsu, password: wsp } }" });
    try {
      const tcp = await connect({ port: srv.port });
      expect(tcp.info?.auth_required).toBeUndefined();
      await tcp.close();
      const ok = await wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}`, user: "wsu", pass: "wsp" });
      expect(ok.info?.auth_required).toBe(true);
      await ok.close();
      await expect(wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}`, reconnect: false })).rejects.toThrow();
      // Raw: -ERR first, then close 1008 "Authentication Failure".
      const { c } = await rawUpgrade(wsPort(srv));
      await readDataUntil(c, "\r\n");
      c.send(clientFrame('CONNECT {"verbose":false,"user":"wsu","pass":"bad"}\r\nPING\r\n'));
      expect(await readDataUntil(c, "\r\n")).toBe("-ERR 'Authorization Violation'\r\n");
      const f = await readClose(c);
      expect({ code: f.code, reason: f.reason }).toEqual({ code: 1008, reason: "Authentication Failure" });
    } finally {
      await srv.stop();
    }
  });

  test("without its own auth the websocket block uses the server's users; no_auth_user of the block", async () => {
    const srv = await startBnats({
      config: `authorization { users: [ {user: a, password: pa}, {user: b, password: pb} ] }
websocket { port: -1, no_tls: true, no_auth_user: b }`,
    });
    try {
      // The block's no_auth_user: a websocket client without credentials is b.
      const anon = await wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}` });
      await anon.close();
      const a = await wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}`, user: "a", pass: "pa" });
      await a.close();
      // TCP clients still need credentials (no global no_auth_user).
      await expect(connect({ port: srv.port, reconnect: false })).rejects.toThrow();
    } finally {
      await srv.stop();
    }
  });
});

test("the block's authorization timeout: -ERR 'Authentication Timeout', then close 1008", async () => {
  const srv = await startBnats({ config: "websocket { port: -1, no_tls: true, authorization { token: t, timeout: 0.3 } }" });
  try {
    const { c } = await rawUpgrade(wsPort(srv));
    const info = await readDataUntil(c, "\r\n");
    expect(info).toContain('"auth_required":true');
    const t0 = Date.now();
    expect(await readDataUntil(c, "\r\n", 3000)).toBe("-ERR 'Authentication Timeout'\r\n");
    expect(Date.now() - t0).toBeLessThan(1500);
    const f = await readClose(c);
    expect({ code: f.code, reason: f.reason }).toEqual({ code: 1008, reason: "Authentication Timeout" });
  } finally {
    await srv.stop();
  }
});

test("allowed_connection_types: WEBSOCKET users only over websocket, STANDARD ones only over TCP", async () => {
  const srv = await startBnats({
    config: `authorization { users: [
  {user: web, password: w, allowed_connection_types: ["WEBSOCKET"]}
  {user: tcp, password: t, allowed_connection_types: ["STANDARD"]}
] }
websocket { port: -1, no_tls: true }`,
  });
  try {
    const ws = `ws://127.0.0.1:${wsPort(srv)}`;
    await (await wsconnect({ servers: ws, user: "web", pass: "w" })).close();
    await expect(wsconnect({ servers: ws, user: "tcp", pass: "t", reconnect: false })).rejects.toThrow();
    await (await connect({ port: srv.port, user: "tcp", pass: "t" })).close();
    await expect(connect({ port: srv.port, user: "web", pass: "w", reconnect: false })).rejects.toThrow();
  } finally {
    await srv.stop();
  }
});

test("max_connections counts websocket clients: -ERR, then close 1008", async () => {
  const srv = await startBnats({ config: "max_connections: 1\nwebsocket { port: -1, no_tls: true }" });
  try {
    const tcp = await connect({ port: srv.port });
    const { c } = await rawUpgrade(wsPort(srv));
    const data = await readDataUntil(c, "-ERR");
    expect(data).toContain("-ERR 'maximum connections exceeded'\r\n");
    const f = await readClose(c);
    expect({ code: f.code, reason: f.reason }).toEqual({ code: 1008, reason: "Maximum Connections Exceeded" });
    await tcp.close();
  } finally {
    await srv.stop();
  }
});

test("log names: wid:N, behind the X-Forwarded-For address (client.go initClient)", async () => {
  const srv = await startBnats({ config: "websocket { port: -1, no_tls: true }", debug: true });
  try {
    const { c } = await rawUpgrade(wsPort(srv), { "X-Forwarded-For": "203.0.113.7" });
    await readDataUntil(c, "\r\n");
    c.send(clientFrame('CONNECT {"verbose":false}\r\nPING\r\n'));
    await readDataUntil(c, "PONG\r\n");
    c.close();
    expect(srv.logs()).toMatch(/\[DBG\] 203\.0\.113\.7\/127\.0\.0\.1:\d+ - wid:\d+ - Client connection created/);
    const tcp = await connect({ port: srv.port });
    await tcp.close();
    expect(srv.logs()).toMatch(/\[DBG\] 127\.0\.0\.1:\d+ - cid:\d+ - Client connection created/);
  } finally {
    await srv.stop();
  }
});

describe("origin", () => {
  test("same_origin refuses another origin with 403 and accepts none", async () => {
    const srv = await startBnats({ config: "websocket { port: -1, no_tls: true, same_origin: true }" });
    try {
      const bad = await rawUpgrade(wsPort(srv), { Origin: "http://evil.example.com" });
      expect(bad.answer.status).toBe(403);
      bad.c.close();
      expect(srv.logs()).toContain("websocket handshake error: origin not allowed: not same origin");
      const ok = await wsconnect({ servers: `ws://127.0.0.1:${wsPort(srv)}` });
      await ok.close();
    } finally {
      await srv.stop();
    }
  });
});

describe("limits and close codes", () => {
  let srv: InProcessServer;
  beforeAll(async () => {
    srv = await startBnats({ config: "websocket { port: -1, no_tls: true }\nmax_payload: 1KB\nmax_pending: 256KB\nhttp: -1" });
  });
  afterAll(() => srv?.stop());

  test("max payload: -ERR then close 1009", async () => {
    const { c } = await rawUpgrade(wsPort(srv));
    await readDataUntil(c, "\r\n");
    c.send(clientFrame('CONNECT {"verbose":false}\r\nPUB x 2000\r\n'));
    expect(await readDataUntil(c, "\r\n")).toBe("-ERR 'Maximum Payload Violation'\r\n");
    const f = await readClose(c);
    expect({ code: f.code, reason: f.reason }).toEqual({ code: 1009, reason: "Maximum Message Payload Exceeded" });
  });

  test("protocol error: -ERR then close 1002", async () => {
    const { c } = await rawUpgrade(wsPort(srv));
    await readDataUntil(c, "\r\n");
    c.send(clientFrame("FOO\r\n"));
    expect(await readDataUntil(c, "\r\n")).toBe("-ERR 'Unknown Protocol Operation'\r\n");
    expect((await readClose(c)).code).toBe(1002);
  });

  test("an operation split across frames, and frames carrying many", async () => {
    const { c } = await rawUpgrade(wsPort(srv));
    await readDataUntil(c, "\r\n");
    c.send(clientFrame('CONNECT {"verbose":false}\r\nSUB s 1\r\nPUB s 5\r\nhe'));
    c.send(clientFrame("llo\r\nPI"));
    c.send(clientFrame("NG\r\n", 1));
    expect(await readDataUntil(c, "PONG\r\n")).toBe("MSG s 1 5\r\nhello\r\nPONG\r\n");
    c.close();
  });

  test("a websocket client that stops reading becomes a slow consumer", async () => {
    const { c } = await rawUpgrade(wsPort(srv));
    await readDataUntil(c, "\r\n");
    c.send(clientFrame('CONNECT {"verbose":false}\r\nSUB slow 1\r\nPING\r\n'));
    await readDataUntil(c, "PONG\r\n");
    c.pause();
    const before = ((await (await fetch(`http://127.0.0.1:${srv.httpPort}/varz`)).json()) as { slow_consumers: number }).slow_consumers;
    const tcp = await connect({ port: srv.port });
    const chunk = new Uint8Array(1000);
    // Far more than max_pending plus what the kernel buffers.
    for (let i = 0; i < 50_000 && !c.closed; i++) {
      tcp.publish("slow", chunk);
      if (i % 1000 === 0) await tcp.flush();
    }
    await tcp.flush();
    await tcp.close();
    const varz = (await (await fetch(`http://127.0.0.1:${srv.httpPort}/varz`)).json()) as { slow_consumers: number };
    expect(varz.slow_consumers).toBe(before + 1);
    c.close();
  });
});

describe("lame duck and shutdown", () => {
  test("shutdown closes a websocket client with 1001 Server Shutdown", async () => {
    const srv = await startBnats({ config: "websocket { port: -1, no_tls: true }" });
    const { c } = await rawUpgrade(wsPort(srv));
    await readDataUntil(c, "\r\n");
    c.send(clientFrame('CONNECT {"verbose":false}\r\nPING\r\n'));
    await readDataUntil(c, "PONG\r\n");
    const stopped = srv.stop();
    const f = await readClose(c);
    expect({ code: f.code, reason: f.reason }).toEqual({ code: 1001, reason: "Server Shutdown" });
    await stopped;
  });

  test("lame duck: the websocket listener stops accepting, its clients get the ldm INFO, then 1001", async () => {
    const srv = await startBnats({
      config: 'websocket { port: -1, no_tls: true }\nlame_duck_duration: "30s"\nlame_duck_grace_period: "200ms"',
    });
    const port = wsPort(srv);
    const { c } = await rawUpgrade(port);
    await readDataUntil(c, "\r\n");
    c.send(clientFrame('CONNECT {"verbose":false,"protocol":1}\r\nPING\r\n'));
    await readDataUntil(c, "PONG\r\n");
    const done = lameDuckMode(srv.server);
    expect(await readDataUntil(c, "\r\n")).toContain('"ldm":true');
    await expect(rawUpgrade(port)).rejects.toThrow();
    const f = await readClose(c);
    expect(f.code).toBe(1001);
    await done;
  });
});

test("a websocket port in use is fatal at start, with Go's text", async () => {
  const busy = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  try {
    const log = new MemoryLogger();
    const server = new Server(mergeOptions({ websocket: { ...defaultWebsocketOptions(), port: busy.port, noTLS: true } }, { port: -1 }), log);
    await expect(server.start()).rejects.toThrow("Unable to listen for websocket connections");
    expect(log.lines).toContain(`[FTL] Unable to listen for websocket connections: listen tcp 0.0.0.0:${busy.port}: bind: address already in use`);
    await server.shutdown();
  } finally {
    busy.stop(true);
  }
});
