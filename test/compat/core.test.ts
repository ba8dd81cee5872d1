// Scenarios from nats.js core/tests (drain_test, mrequest_test, reconnect_test) run with the official client
// against the compiled dist/bnats, started as nats.js's test launcher starts nats-server (a `-c` config,
// the ports file). They cover what test/server and test/diff do not: the client-side drain handshake,
// request-many strategies, and a real server restart on the same port (resubscribe).
import { afterEach, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { BNATS_BINARY, hasBnatsBinary, type ProcessServer } from "../helpers/bnats.ts";
import { startProcess } from "../helpers/proc.ts";

// COMPAT_BIN=/usr/sbin/nats-server runs the same scenarios against the reference.
const BINARY = process.env.COMPAT_BIN ?? BNATS_BINARY;

const servers: ProcessServer[] = [];
const conns: NatsConnection[] = [];
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(config = "port: -1\n", fixedPort = false): Promise<ProcessServer> {
  const s = await startProcess(BINARY, BINARY === BNATS_BINARY ? "bnats-binary" : "reference", { config, fixedPort });
  servers.push(s);
  return s;
}

async function client(port: number, opts: Record<string, unknown> = {}): Promise<NatsConnection> {
  const nc = await connect({ port, ...opts });
  conns.push(nc);
  return nc;
}

describe.skipIf(!process.env.COMPAT_BIN && !hasBnatsBinary())("nats.js core scenarios against dist/bnats", () => {
  test("drain: messages published before nc.drain() are all delivered, then the connection closes", async () => {
    // drain_test "connection drain"
    const srv = await start();
    const pub = await client(srv.port);
    const nc = await client(srv.port);
    let got = 0;
    nc.subscribe("d.>", { callback: () => {
        got++;
      } });
    await nc.flush();
    for (let i = 0; i < 5000; i++) pub.publish(`d.${i % 10}`);
    await pub.flush();
    await nc.drain();
    expect(got).toBe(5000);
    expect(nc.isClosed()).toBe(true);
  });

  test("drain: sub.drain() unsubscribes after what was in flight; queue members share the load", async () => {
    // drain_test "subscription drain"
    const srv = await start();
    const nc = await client(srv.port);
    let a = 0;
    let b = 0;
    const s1 = nc.subscribe("q", { queue: "g", callback: () => {
        a++;
      } });
    nc.subscribe("q", { queue: "g", callback: () => {
        b++;
      } });
    await nc.flush();
    for (let i = 0; i < 2000; i++) nc.publish("q");
    await s1.drain();
    expect(s1.isClosed()).toBe(true);
    for (let i = 0; i < 100; i++) nc.publish("q");
    await nc.flush();
    expect(a + b).toBe(2100);
    expect(a).toBeLessThan(2000);
  });

  test("request many: count, stall and sentinel strategies", async () => {
    // mrequest_test "mreq - count", "mreq - stall", "mreq - sentinel"
    const srv = await start();
    const nc = await client(srv.port);
    for (let i = 0; i < 3; i++) {
      nc.subscribe("svc", { callback: (_e, m) => {
          m.respond(`r${i}`);
        } });
    }
    nc.subscribe("seq", {
      callback: (_e, m) => {
        for (const p of ["a", "b", "c", ""]) m.respond(p);
      },
    });
    await nc.flush();
    const count = await nc.requestMany("svc", "", { strategy: "count", maxMessages: 3, maxWait: 2000 });
    const byCount: string[] = [];
    for await (const m of count) byCount.push(m.string());
    expect(byCount.sort()).toEqual(["r0", "r1", "r2"]);

    const stall = await nc.requestMany("svc", "", { strategy: "stall", stall: 250, maxWait: 5000 });
    let stalled = 0;
    for await (const _ of stall) stalled++;
    expect(stalled).toBe(3);

    // the empty message ends the iteration at once (it is yielded too), long before maxWait
    const began = Date.now();
    const sentinel = await nc.requestMany("seq", "", { strategy: "sentinel", maxWait: 2000 });
    const parts: string[] = [];
    for await (const m of sentinel) parts.push(m.string());
    expect(parts).toEqual(["a", "b", "c", ""]);
    expect(Date.now() - began).toBeLessThan(500);
  });

  test("reconnect after a restart on the same port: the subscription comes back", async () => {
    // reconnect_test "reconnect - internal disconnect forces reconnect" / "resub" with a real restart
    const first = await start();
    const port = first.port;
    const nc = await client(port, { reconnectTimeWait: 50, maxReconnectAttempts: -1 });
    const got: string[] = [];
    const all = new Promise<void>((resolve) => {
      nc.subscribe("r.>", {
        callback: (_e, m) => {
          got.push(m.string());
          if (got.length === 2) resolve();
        },
      });
    });
    nc.publish("r.1", "before");
    await nc.flush();
    const reconnected = (async () => {
      for await (const s of nc.status()) {
        if (s.type === "reconnect") return;
      }
    })();
    await first.stop();
    servers.splice(servers.indexOf(first), 1);
    await start(`port: ${port}\n`, true);
    await reconnected;
    nc.publish("r.3", "after");
    await all;
    expect(got).toEqual(["before", "after"]);
  });
});
