// End to end with the official NATS JS client against an in-process bnats.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";

let srv: InProcessServer;
const conns: NatsConnection[] = [];
async function client(opts: Record<string, unknown> = {}): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${srv.port}`, ...opts });
  conns.push(nc);
  return nc;
}

beforeAll(async () => {
  srv = await startBnats();
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  await srv.stop();
});

function collect(nc: NatsConnection, subject: string, n: number, opts: Record<string, unknown> = {}) {
  const sub = nc.subscribe(subject, opts);
  const got: { subject: string; data: string; reply?: string }[] = [];
  const done = (async () => {
    for await (const m of sub) {
      got.push({ subject: m.subject, data: m.string(), reply: m.reply });
      if (got.length === n) break;
    }
    return got;
  })();
  return { sub, done };
}

describe("core pub/sub with the official client", () => {
  test("wildcards * and > deliver what they match, and only that", async () => {
    const nc = await client();
    const star = collect(nc, "a.*.c", 2);
    const gt = collect(nc, "a.>", 3);
    await nc.flush();
    for (const s of ["a.b.c", "a.x.c", "a.b", "b.b.c"]) nc.publish(s, s);
    nc.publish("a.b.c.d", "deep");
    expect((await star.done).map((m) => m.subject)).toEqual(["a.b.c", "a.x.c"]);
    expect((await gt.done).map((m) => m.subject)).toEqual(["a.b.c", "a.x.c", "a.b"]);
  });

  test("queue group: each message to exactly one member, plus every plain subscriber", async () => {
    const nc = await client();
    const counts = [0, 0, 0, 0];
    const subs = counts.map((_, i) => nc.subscribe("work", { queue: "q", callback: () => void counts[i]!++ }));
    const plain = collect(nc, "work", 200);
    await nc.flush();
    for (let i = 0; i < 200; i++) nc.publish("work", String(i));
    await plain.done;
    await nc.flush();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1); // random member, not always the same
    subs.forEach((s) => s.unsubscribe());
  });

  test("request/reply and no responders", async () => {
    const nc = await client();
    nc.subscribe("svc.echo", { callback: (_e, m) => void m.respond(`echo:${m.string()}`) });
    await nc.flush();
    const r = await nc.request("svc.echo", "hi", { timeout: 2000 });
    expect(r.string()).toBe("echo:hi");
    await expect(nc.request("svc.none", "x", { timeout: 2000 })).rejects.toThrow(/no responders/);
  });

  test("headers round-trip as HMSG", async () => {
    const nc = await client();
    const sub = nc.subscribe("h.test", { max: 1 });
    await nc.flush();
    const h = natsHeaders();
    h.set("X-Id", "42");
    nc.publish("h.test", "body", { headers: h });
    for await (const m of sub) {
      expect(m.headers?.get("X-Id")).toBe("42");
      expect(m.string()).toBe("body");
    }
  });

  test("auto-unsubscribe after max messages", async () => {
    const nc = await client();
    const got: string[] = [];
    const sub = nc.subscribe("auto", { max: 3, callback: (_e, m) => void got.push(m.string()) });
    await nc.flush();
    for (let i = 0; i < 10; i++) nc.publish("auto", String(i));
    await nc.flush();
    await sub.closed;
    expect(got).toEqual(["0", "1", "2"]);
    expect(srv.server.sublist.count()).toBeGreaterThanOrEqual(0);
  });

  test("echo false: a client does not receive its own messages", async () => {
    const a = await client({ noEcho: true });
    const b = await client();
    const own: string[] = [];
    a.subscribe("echo.t", { callback: (_e, m) => void own.push(m.string()) });
    const other = collect(b, "echo.t", 2);
    await a.flush();
    await b.flush();
    a.publish("echo.t", "from-a");
    b.publish("echo.t", "from-b");
    expect((await other.done).map((m) => m.data)).toEqual(["from-a", "from-b"]);
    await a.flush();
    expect(own).toEqual(["from-b"]);
  });

  test("large payloads that span reads and partial socket writes arrive intact", async () => {
    const nc = await client();
    const big = new Uint8Array(1024 * 1024 - 100);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const sub = nc.subscribe("big", { max: 20 });
    await nc.flush();
    for (let i = 0; i < 20; i++) nc.publish("big", big);
    let n = 0;
    for await (const m of sub) {
      expect(m.data.length).toBe(big.length);
      expect(m.data[12345]).toBe(big[12345]!);
      expect(m.data[big.length - 1]).toBe(big[big.length - 1]!);
      n++;
    }
    expect(n).toBe(20);
  });

  test("counters move with traffic", async () => {
    const before = srv.server.stats.inMsgs;
    const nc = await client();
    nc.publish("count.me", "12345");
    await nc.flush();
    expect(srv.server.stats.inMsgs).toBe(before + 1);
  });
});
