// Clusters of bnats alone, and the handshake's refusals against real nats-server peers: three bnats meshed
// through one seed by gossip, a cluster name mismatch, route authentication, a client on the route port,
// dynamic cluster names, and what clients learn (connect_urls, async INFO, reconnect to another member).
import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { hasReference } from "../helpers/ref.ts";
import {
  awaitInterest,
  client,
  collect,
  routez,
  startNode,
  until,
  waitForMesh,
  waitForRoutes,
  type ClusterNode,
  type NodeKind,
} from "../helpers/cluster.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

/** A port free right now (for members that must know each other's route ports up front). */
function freePort(): number {
  const srv = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = srv.port;
  srv.stop(true);
  return port;
}

const started: ClusterNode[] = [];
async function node(kind: NodeKind, name: string, cluster: string | undefined, routes: string[] = [], clusterExtra = "") {
  const n = await startNode({ kind, name, cluster, routes, clusterExtra });
  started.push(n);
  return n;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

/** Raw TCP: the first line the route port answers after `send`. */
async function rawExchange(port: number, send: string): Promise<string> {
  let got = "";
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, d) => {
        got += d.toString();
        if (/-ERR[^\n]*\n/.test(got)) done();
      },
      close: () => done(),
      error: () => done(),
    },
  });
  sock.write(send);
  await Promise.race([finished, Bun.sleep(3000)]);
  sock.end();
  return got;
}

describe("bnats clusters", () => {
  test("three bnats: one seed, the others mesh by gossip; a message crosses exactly once", async () => {
    const s = await node("bnats", "S1", "BC");
    const t = await node("bnats", "S2", "BC", [s.routeURL]);
    const u = await node("bnats", "S3", "BC", [s.routeURL]);
    await waitForMesh([s, t, u]);
    const sub = await client(t);
    const pub = await client(u);
    const got = collect(sub.subscribe("three"));
    await sub.flush();
    await awaitInterest(pub, "three", got.probed);
    pub.publish("three", "once");
    await pub.flush();
    await until(() => got.msgs.length === 1, "message");
    await sub.flush();
    expect(got.msgs).toEqual(["once"]);
    const queue: string[] = [];
    for (const [nm, n] of [["S1", s], ["S2", t], ["S3", u]] as const) {
      const nc = await client(n);
      nc.subscribe("q3", { queue: "W", callback: (_e, m) => {
          if (m.string() !== "__probe__") queue.push(nm);
        },
      });
      await nc.flush();
    }
    for (const n of [s, t, u]) {
      await until(async () => {
        const rz = await routez(n, "?subs=1");
        return rz.routes.filter((r) => (r.subscriptions_list ?? []).includes("q3")).length === 2;
      }, "queue members known");
    }
    for (let i = 0; i < 150; i++) pub.publish("q3", `${i}`);
    await pub.flush();
    await until(() => queue.length >= 150, "queue messages");
    await pub.flush();
    expect(queue.length).toBe(150);
    expect(new Set(queue).size).toBe(3);
    await Promise.all([sub.close(), pub.close()]);
  }, 30_000);

  test("the StatefulSet layout: every member lists every member, itself included", async () => {
    const ports = [freePort(), freePort(), freePort()];
    const routes = ports.map((p) => `nats://127.0.0.1:${p}`);
    const members = await Promise.all(
      ports.map((clusterPort, i) => startNode({ kind: "bnats", name: `ss-${i}`, cluster: "SS", routes, clusterPort })),
    );
    started.push(...members);
    await waitForMesh(members);
    // The route to itself was recognised and is not retried: still two routes each a moment later.
    await Bun.sleep(1500);
    for (const m of members) expect((await routez(m)).num_routes).toBe(2);
  }, 20_000);

  test("dynamic names: a bnats without a name adopts the configured one of its peer", async () => {
    const s = await node("bnats", "D1", "NAMED");
    const t = await node("bnats", "D2", undefined, [s.routeURL]);
    await waitForMesh([s, t]);
    expect(t.inProcess!.server.cluster!.name).toBe("NAMED");
  });
});

describe.if(hasReference())("handshake refusals against nats-server", () => {
  test("mismatched cluster names: no route, either way round", async () => {
    const a = await node("reference", "RA", "ONE");
    const x = await node("bnats", "BX", "TWO", [a.routeURL]);
    await until(() => /Cluster Name Conflict|does not match/.test(a.logs() + x.logs()), "a refusal in the logs");
    expect((await routez(x)).num_routes).toBe(0);
    expect((await routez(a)).num_routes).toBe(0);
    const b = await node("reference", "RB", "TWO", [x.routeURL]);
    await waitForRoutes(x, 1);
    const y = await node("bnats", "BY", "THREE");
    const c = await node("reference", "RC", "FOUR", [y.routeURL]);
    await until(() => y.logs().includes('Rejecting connection, cluster name "FOUR" does not match "THREE"'), "bnats refusal");
    expect((await routez(y)).num_routes).toBe(0);
    void b;
    void c;
  }, 20_000);

  test("route authentication: right credentials join, wrong ones are refused", async () => {
    const auth = "authorization { user: ru, password: rp }";
    const a = await node("reference", "AA", "AUTH", [], auth);
    const x = await node("bnats", "AX", "AUTH", [`nats-route://ru:rp@127.0.0.1:${a.clusterPort}`], auth);
    await waitForMesh([a, x]);
    // bnats accepting: a nats-server peer with the wrong password is refused.
    const bad = await node("reference", "AB", "AUTH", [`nats-route://ru:wrong@127.0.0.1:${x.clusterPort}`], auth);
    await until(() => x.logs().includes("Authorization Violation"), "bnats refuses bad credentials", 15_000);
    // nats-server accepting: bnats with the wrong password is refused.
    const y = await node("bnats", "AY", "AUTH", [`nats-route://ru:nope@127.0.0.1:${a.clusterPort}`], auth);
    // The -ERR may be lost when the close wins the race: a's side of the refusal counts too (a retry
    // comes every second anyway).
    await until(
      () => y.logs().includes("Authorization Violation") || /Authorization Violation|Authentication/.test(a.logs()),
      "nats-server refuses bnats",
      15_000,
    );
    expect((await routez(y)).routes.filter((r) => r.did_solicit).length).toBe(0);
    void bad;
  }, 20_000);

  test("a client on the route port gets -ERR 'attempted to connect to route port', as from nats-server", async () => {
    const a = await node("reference", "CA", "P");
    const x = await node("bnats", "CX", "P");
    const send = 'CONNECT {"lang":"go","version":"1.0","verbose":false}\r\nPING\r\n';
    const ref = await rawExchange(a.clusterPort, send);
    const got = await rawExchange(x.clusterPort, send);
    const err = (s: string) => /-ERR[^\r\n]*/.exec(s)?.[0];
    expect(err(got)).toBe("-ERR 'attempted to connect to route port'");
    expect(err(got)).toBe(err(ref));
    // Both start with the route INFO (cluster name, proto 2).
    expect(got).toStartWith("INFO ");
    const info = JSON.parse(got.slice(5, got.indexOf("\r\n"))) as Record<string, unknown>;
    expect(info.proto).toBe(2);
    expect(info.cluster).toBe("P");
  });
});

describe("what clients learn", () => {
  test("connect_urls, an async INFO when a member comes, and a reconnect to another member", async () => {
    const s = await node("bnats", "U1", "CU");
    const nc = await connect({ servers: s.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    const t = await node("bnats", "U2", "CU", [s.routeURL]);
    await waitForMesh([s, t]);
    const want = `127.0.0.1:${t.port}`;
    await until(() => nc.info?.connect_urls?.includes(want) === true, "async INFO with the new member");
    expect(nc.info?.connect_urls).toContain(`127.0.0.1:${s.port}`);
    // The official client learnt the member from INFO: it moves there when its server goes.
    const sub = nc.subscribe("after.move");
    const got: string[] = [];
    void (async () => {
      for await (const m of sub) got.push(m.string());
    })();
    await s.stop();
    started.splice(started.indexOf(s), 1);
    await until(() => nc.getServer() === want, "reconnected to the other member", 10_000);
    const pub = await client(t);
    await until(async () => {
      pub.publish("after.move", "hi");
      await pub.flush();
      return got.length > 0;
    }, "subscription restored on the other member");
    expect(got[0]).toBe("hi");
    await Promise.all([nc.close(), pub.close()]);
  }, 20_000);

  test("no_advertise: clients hear of no other member", async () => {
    const s = await node("bnats", "N1", "NA", [], "no_advertise: true");
    const t = await node("bnats", "N2", "NA", [s.routeURL], "no_advertise: true");
    await waitForMesh([s, t]);
    const nc = await client(s);
    expect(nc.info?.connect_urls ?? []).not.toContain(`127.0.0.1:${t.port}`);
    await nc.close();
  });
});
