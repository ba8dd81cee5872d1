// Limits that close or refuse connections, over raw TCP against an in-process bnats with small limits.
import { afterEach, describe, expect, test } from "bun:test";
import net from "node:net";
import { RawClient } from "../helpers/raw.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";

let srv: InProcessServer | undefined;
const raws: RawClient[] = [];
afterEach(async () => {
  raws.splice(0).forEach((r) => r.close());
  await srv?.stop();
  srv = undefined;
});
async function raw(connectJson = '{"verbose":false,"pedantic":false}'): Promise<RawClient> {
  const r = await RawClient.connect(srv!.port);
  raws.push(r);
  await r.readInfo();
  r.send(`CONNECT ${connectJson}\r\nPING\r\n`);
  await r.expect("PONG\r\n");
  return r;
}

describe("limits", () => {
  test("max_connections: INFO, then the -ERR and a close", async () => {
    srv = await startBnats({ options: { maxConnections: 1 } });
    const a = await raw();
    const b = await RawClient.connect(srv.port);
    raws.push(b);
    await b.readInfo();
    await b.expect("-ERR 'maximum connections exceeded'\r\n");
    expect(await b.waitClosed()).toBe(true);
    a.send("PING\r\n");
    await a.expect("PONG\r\n");
    expect(srv.server.closed.at(-1)?.closeReason).toBe("Maximum Connections Exceeded");
  });

  test("max_subscriptions: -ERR, connection stays open", async () => {
    srv = await startBnats({ options: { maxSubscriptions: 2 } });
    const a = await raw();
    a.send("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPING\r\n");
    await a.expect("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
    expect(a.closed).toBe(false);
  });

  test("stale connection: PINGs go unanswered, then -ERR 'Stale Connection' and a close", async () => {
    srv = await startBnats({ options: { pingInterval: 50, pingMax: 2 } });
    const a = await raw();
    await a.readUntil((u) => (u.includes("-ERR 'Stale Connection'") ? u.length : false), 5000, "stale error");
    expect(a.received).toContain("PING\r\nPING\r\n");
    expect(await a.waitClosed()).toBe(true);
    expect(srv.server.closed.at(-1)?.closeReason).toBe("Stale Connection");
  });

  test("a client that answers PINGs is kept", async () => {
    srv = await startBnats({ options: { pingInterval: 30, pingMax: 1 } });
    const a = await raw();
    for (let i = 0; i < 4; i++) {
      await a.expect("PING\r\n", 3000);
      a.send("PONG\r\n");
    }
    expect(a.closed).toBe(false);
  });

  test("slow consumer: a subscriber that stops reading is cut off; publisher and others unaffected", async () => {
    srv = await startBnats({ options: { maxPending: 2 * 1024 * 1024, maxPayload: 64 * 1024 } });
    // A subscriber whose socket is never read: the kernel buffers fill, then pending bytes grow.
    const stuck = net.connect(srv.port, "127.0.0.1");
    await new Promise<void>((r) => stuck.once("connect", () => r()));
    stuck.write('CONNECT {"verbose":false}\r\nSUB flood 1\r\nPING\r\n');
    stuck.pause();
    const good = await raw();
    good.send("SUB flood 9\r\nPING\r\n");
    await good.expect("PONG\r\n");
    const pub = await raw();
    const payload = "x".repeat(32 * 1024);
    const frame = `PUB flood ${payload.length}\r\n${payload}\r\n`;
    await new Promise<void>((r) => setTimeout(r, 50)); // let the stuck client's CONNECT/SUB be read
    for (let i = 0; i < 4000 && srv.server.stats.slowConsumers === 0; i++) {
      pub.send(frame.repeat(2));
      await pub.flushed();
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(srv.server.stats.slowConsumers).toBe(1);
    expect(srv.logger.lines.some((l) => l.includes("Slow Consumer Detected: MaxPending of 2097152 Exceeded"))).toBe(true);
    pub.send("PING\r\n");
    await pub.readUntil((u) => (u.endsWith("PONG\r\n") ? u.length : false), 5000, "PONG");
    expect(pub.closed).toBe(false);
    const closed = srv.server.closed.filter((c) => c.closeReason?.startsWith("Slow Consumer"));
    expect(closed.map((c) => c.closeReason)).toEqual(["Slow Consumer (Pending Bytes)"]);
    expect(good.closed).toBe(false);
    stuck.destroy();
  });

  test("max_payload: INFO advertises it; a bigger PUB gets -ERR and a close", async () => {
    srv = await startBnats({ options: { maxPayload: 100 } });
    const a = await RawClient.connect(srv.port);
    raws.push(a);
    const info = await a.readInfo();
    expect(info.max_payload).toBe(100);
    a.send("CONNECT {}\r\nPUB foo 101\r\n");
    await a.expect("+OK\r\n-ERR 'Maximum Payload Violation'\r\n");
    expect(await a.waitClosed()).toBe(true);
  });
});
