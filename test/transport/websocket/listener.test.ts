// The websocket listener alone, with a stand-in host that echoes: the reference's upgrade answers
// (websocket.go wsUpgrade, checked against nats-server 2.9.10 by hand: 405/400/403 with
// Sec-Websocket-Version and the status text), compression negotiation, text frames as bytes,
// X-Forwarded-For, and the close frames per closed reason.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { defaultWebsocketOptions, type WebsocketOptions } from "../../../src/options.ts";
import { ClosedReason } from "../../../src/protocol/errors.ts";
import { WebsocketListener } from "../../../src/transport/websocket/listener.ts";
import type { WebsocketTransport } from "../../../src/transport/websocket/transport.ts";
import { clientFrame, rawUpgrade, readClose, readDataUntil, readFrame, WS_ACCEPT } from "../../helpers/ws.ts";

interface Echo {
  listener: WebsocketListener;
  logs: string[];
  transports: WebsocketTransport[];
}

function startEcho(o: Partial<WebsocketOptions>): Echo {
  const logs: string[] = [];
  const transports: WebsocketTransport[] = [];
  const log = { notice: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const listener = new WebsocketListener(
    { opts: { ...defaultWebsocketOptions(), host: "127.0.0.1", port: -1, noTLS: true, ...o }, maxMessage: 1024 * 1024 },
    {
      log,
      accept(t) {
        transports.push(t);
        t.write(Buffer.from(`HELLO ${t.forwardedFor}/${t.remoteAddress}\r\n`));
        return {
          data(chunk) {
            const s = chunk.toString("latin1");
            if (s.startsWith("CLOSE ")) {
              t.closing(s.slice(6).trim());
              t.end();
              return;
            }
            t.write(chunk);
          },
          drain() {},
          closed() {},
        };
      },
    },
  );
  listener.start();
  return { listener, logs, transports };
}

let plain: Echo;
let deflate: Echo;
let origin: Echo;
beforeAll(() => {
  plain = startEcho({});
  deflate = startEcho({ compression: true });
  origin = startEcho({ sameOrigin: true, allowedOrigins: ["http://127.0.0.1", "https://app.example.com"] });
});
afterAll(() => {
  for (const e of [plain, deflate, origin]) e.listener.stop();
});

describe("upgrade answers", () => {
  const refused = [
    ["POST", {}, 405, "request method must be GET"],
    ["GET", { Upgrade: null }, 400, "invalid value for header 'Upgrade'"],
    ["GET", { Upgrade: "h2c" }, 400, "invalid value for header 'Upgrade'"],
    ["GET", { Connection: "keep-alive" }, 400, "invalid value for header 'Connection'"],
    ["GET", { "Sec-WebSocket-Key": null }, 400, "key missing"],
    ["GET", { "Sec-WebSocket-Version": "12" }, 400, "invalid version"],
  ] as const;
  test.each(refused)("%s %o -> %d", async (method, headers, status, reason) => {
    const { c, answer } = await rawUpgrade(plain.listener.port, headers, method);
    c.close();
    const text = status === 405 ? "Method Not Allowed\n" : "Bad Request\n";
    expect(answer).toMatchObject({ status, body: text });
    expect(answer.headers).toMatchObject({
      "content-type": "text/plain; charset=utf-8",
      "sec-websocket-version": "13",
      "x-content-type-options": "nosniff",
    });
    expect(plain.logs.some((l) => l.endsWith(`- websocket handshake error: ${reason}`))).toBe(true);
  });

  test("tokens of Connection and Upgrade in any case, among others", async () => {
    const { c, answer } = await rawUpgrade(plain.listener.port, { Connection: "keep-alive, UPGRADE", Upgrade: "WebSocket" });
    expect(answer.status).toBe(101);
    expect(answer.headers["sec-websocket-accept"]).toBe(WS_ACCEPT);
    expect(answer.headers["sec-websocket-extensions"]).toBeUndefined();
    c.close();
  });

  test("origin: same_origin and allowed_origins; no Origin is accepted", async () => {
    const port = origin.listener.port;
    const cases: [Record<string, string>, number, string?][] = [
      [{}, 101],
      [{ Origin: "http://127.0.0.1" }, 101],
      [{ Origin: "http://127.0.0.1:80", Host: "127.0.0.1:80" }, 101],
      [{ Origin: "http://other.example.com" }, 403, "origin not allowed: not same origin"],
      [{ Origin: "https://app.example.com" }, 403, "origin not allowed: not same origin"],
      [{ Origin: "https://app.example.com", Host: "app.example.com:443" }, 101],
      [{ Origin: "http://evil.com", Host: "evil.com" }, 403, "origin not allowed: not in the allowed list"],
      [{ Origin: "https://127.0.0.1" }, 403, "origin not allowed: not same origin"],
      [{ "Sec-WebSocket-Origin": "http://evil" }, 403, "origin not allowed: not same origin"],
    ];
    for (const [headers, status, reason] of cases) {
      const { c, answer } = await rawUpgrade(port, headers);
      c.close();
      expect({ headers, status: answer.status }).toEqual({ headers, status });
      if (reason) expect(origin.logs.at(-1)).toEndWith(reason);
      if (status === 403) expect(answer.body).toBe("Forbidden\n");
    }
  });

  test("allowed_origins alone checks scheme and port", async () => {
    const e = startEcho({ allowedOrigins: ["https://app.example.com"] });
    try {
      for (const [o, status] of [
        ["https://app.example.com", 101],
        ["https://app.example.com:443", 101],
        ["http://app.example.com", 403],
        ["https://app.example.com:8443", 403],
        ["https://other.example.com", 403],
      ] as const) {
        const { c, answer } = await rawUpgrade(e.listener.port, { Origin: o });
        c.close();
        expect({ o, status: answer.status }).toEqual({ o, status });
      }
      expect(e.logs.at(-1)).toEndWith("origin not allowed: not in the allowed list");
    } finally {
      e.listener.stop();
    }
  });
});

describe("frames", () => {
  test("binary and text messages are stream bytes; output is binary", async () => {
    const { c, answer } = await rawUpgrade(plain.listener.port);
    expect(answer.status).toBe(101);
    expect(await readDataUntil(c, "HELLO /127.0.0.1\r\n")).toBe("HELLO /127.0.0.1\r\n");
    c.send(clientFrame("PING\r\n", 1));
    const f = await readFrame(c);
    expect(f).toMatchObject({ opcode: 2, fin: true, compressed: false, payload: "PING\r\n" });
    c.send(clientFrame("PONG\r\n", 2));
    expect((await readFrame(c)).payload).toBe("PONG\r\n");
    c.close();
  });

  test("X-Forwarded-For (an IP) is kept for the log prefix; the address stays the peer's", async () => {
    const { c } = await rawUpgrade(plain.listener.port, { "X-Forwarded-For": "203.0.113.7" });
    expect(await readDataUntil(c, "\r\n")).toBe("HELLO 203.0.113.7/127.0.0.1\r\n");
    c.close();
    const bad = await rawUpgrade(plain.listener.port, { "X-Forwarded-For": "not-an-ip" });
    expect(await readDataUntil(bad.c, "\r\n")).toBe("HELLO /127.0.0.1\r\n");
    bad.c.close();
  });

  test("compression: negotiated when configured and offered; frames over 64 bytes compressed", async () => {
    const { c, answer } = await rawUpgrade(deflate.listener.port, { "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" });
    expect(answer.status).toBe(101);
    const ext = (answer.headers["sec-websocket-extensions"] ?? "").split(";").map((s) => s.trim()).sort();
    expect(ext).toEqual(["client_no_context_takeover", "permessage-deflate", "server_no_context_takeover"]);
    await readDataUntil(c, "\r\n");
    const big = "PUB x 100\r\n" + "y".repeat(100) + "\r\n";
    c.send(clientFrame(big));
    expect(await readFrame(c)).toMatchObject({ compressed: true, payload: big });
    c.send(clientFrame("PING\r\n"));
    expect(await readFrame(c)).toMatchObject({ compressed: false, payload: "PING\r\n" });
    c.close();
    // Not offered: no extension, nothing compressed.
    const n = await rawUpgrade(deflate.listener.port);
    expect(n.answer.headers["sec-websocket-extensions"]).toBeUndefined();
    n.c.close();
    // Offered but not configured.
    const p = await rawUpgrade(plain.listener.port, { "Sec-WebSocket-Extensions": "permessage-deflate" });
    expect(p.answer.headers["sec-websocket-extensions"]).toBeUndefined();
    p.c.close();
  });
});

test("a browser (User-Agent Mozilla/...) gets messages of at most 4 KB, others up to 256 KB", async () => {
  const big = Buffer.alloc(20_000, 0x61);
  for (const [ua, max] of [["Mozilla/5.0 (X11; Linux x86_64)", 4096], ["nats.js", 256 * 1024]] as const) {
    const { c } = await rawUpgrade(plain.listener.port, { "User-Agent": ua });
    await readDataUntil(c, "\r\n");
    plain.transports.at(-1)!.write(big);
    let total = 0;
    let largest = 0;
    while (total < big.length) {
      const f = await readFrame(c);
      total += f.payload.length;
      largest = Math.max(largest, f.payload.length);
    }
    expect({ ua, largest }).toEqual({ ua, largest: Math.min(max, big.length) });
    c.close();
  }
});

describe("close frames per closed reason (wsEnqueueCloseMessage)", () => {
  const cases: [string, number][] = [
    [ClosedReason.authenticationViolation, 1008],
    [ClosedReason.authenticationTimeout, 1008],
    [ClosedReason.maxPayloadExceeded, 1009],
    [ClosedReason.protocolViolation, 1002],
    [ClosedReason.parseError, 1002],
    [ClosedReason.serverShutdown, 1001],
    [ClosedReason.maxConnectionsExceeded, 1008],
    [ClosedReason.noRespondersRequiresHeaders, 1011],
  ];
  test.each(cases)("%s -> %d", async (reason, code) => {
    const { c } = await rawUpgrade(plain.listener.port);
    await readDataUntil(c, "\r\n");
    c.send(clientFrame(`CLOSE ${reason}`));
    const f = await readClose(c);
    expect({ code: f.code, reason: f.reason }).toEqual({ code, reason });
    expect(await c.waitClosed()).toBe(true);
  });

  test("slow consumers and read errors are dropped without a close frame (skipFlush)", async () => {
    const { c } = await rawUpgrade(plain.listener.port);
    await readDataUntil(c, "\r\n");
    c.send(clientFrame(`CLOSE ${ClosedReason.slowConsumerPendingBytes}`));
    expect(await c.waitClosed()).toBe(true);
    expect(c.unread).toBe("");
  });
});
