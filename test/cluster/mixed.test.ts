// bnats as a member of a nats-server cluster: it joins a two-node nats-server cluster through one seed route
// and learns the other member by gossip; messages, headers, requests and queue groups cross in both
// directions exactly once; a member killed and restarted takes its interest away and brings it back.
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { hasReference, startReference } from "../helpers/ref.ts";
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
} from "../helpers/cluster.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

describe.if(hasReference())("bnats in a nats-server cluster", () => {
  let a: ClusterNode; // nats-server, the seed
  let b: ClusterNode; // nats-server, routes to a
  let x: ClusterNode; // bnats, routes to a only
  const conns: NatsConnection[] = [];
  const open = async (n: ClusterNode) => {
    const nc = await client(n);
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    a = await startNode({ kind: "reference", name: "A", cluster: "C" });
    b = await startNode({ kind: "reference", name: "B", cluster: "C", routes: [a.routeURL] });
    await waitForMesh([a, b]);
    x = await startNode({ kind: "bnats", name: "X", cluster: "C", routes: [a.routeURL] });
    await waitForMesh([a, b, x]);
  }, 30_000);

  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => {});
    await Promise.all([x?.stop(), b?.stop(), a?.stop()]);
  });

  test("gossip: bnats has routes to both, one solicited (the seed) and one learned", async () => {
    const rz = await routez(x);
    expect(rz.num_routes).toBe(2);
    const solicited = rz.routes.filter((r) => r.did_solicit);
    expect(solicited.length).toBeGreaterThanOrEqual(1);
  });

  test("messages both ways between every pair, exactly once", async () => {
    const nodes = [a, b, x];
    for (const from of nodes) {
      for (const to of nodes) {
        if (from === to) continue;
        const subj = `m.${from.spec.name}.${to.spec.name}`;
        const subc = await open(to);
        const pubc = await open(from);
        const got = collect(subc.subscribe(subj));
        await subc.flush();
        await awaitInterest(pubc, subj, got.probed);
        for (let i = 0; i < 10; i++) pubc.publish(subj, `${i}`);
        await pubc.flush();
        await until(() => got.msgs.length >= 10, `${subj} x10`);
        // A round trip on both ends: anything duplicated would have arrived by now.
        await pubc.flush();
        await subc.flush();
        expect(got.msgs).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      }
    }
  });

  test("headers and requests across nodes both ways", async () => {
    for (const [from, to] of [
      [a, x],
      [x, b],
    ] as const) {
      const svc = await open(to);
      const subj = `svc.${to.spec.name}`;
      let probe = false;
      svc.subscribe(subj, {
        callback: (_e, m) => {
          if (m.string() === "__probe__") {
            probe = true;
            return;
          }
          const h = natsHeaders();
          h.set("X-From", to.spec.name);
          h.set("X-Echo", m.headers?.get("X-Ask") ?? "none");
          m.respond(`re:${m.string()}`, { headers: h });
        },
      });
      await svc.flush();
      const req = await open(from);
      await awaitInterest(req, subj, () => probe);
      const h = natsHeaders();
      h.set("X-Ask", "yes");
      const r = await req.request(subj, "q", { timeout: 2000, headers: h });
      expect(r.string()).toBe("re:q");
      expect(r.headers?.get("X-From")).toBe(to.spec.name);
      expect(r.headers?.get("X-Echo")).toBe("yes");
    }
  });

  test("a queue group across three nodes: each message once, members on every node used", async () => {
    const counts = new Map<string, number>();
    let probes = 0;
    for (const n of [a, b, x]) {
      const nc = await open(n);
      nc.subscribe("work", {
        queue: "Q",
        callback: (_e, m) => {
          if (m.string() === "__probe__") probes++;
          else counts.set(n.spec.name, (counts.get(n.spec.name) ?? 0) + 1);
        },
      });
      await nc.flush();
    }
    const pub = await open(x);
    // Every node must know every member before counting: each node's /routez shows the others' Q members.
    for (const n of [a, b, x]) {
      await until(async () => {
        const rz = await routez(n, "?subs=1");
        return rz.routes.filter((r) => (r.subscriptions_list ?? []).includes("work")).length === 2;
      }, `${n.spec.name} sees the other members`);
    }
    await awaitInterest(pub, "work", () => probes > 0);
    counts.clear();
    const before = [...counts.values()].reduce((s, v) => s + v, 0);
    expect(before).toBe(0);
    const N = 300;
    for (let i = 0; i < N; i++) pub.publish("work", `${i}`);
    await pub.flush();
    await until(() => [...counts.values()].reduce((s, v) => s + v, 0) >= N, "all queue messages");
    await pub.flush();
    expect([...counts.values()].reduce((s, v) => s + v, 0)).toBe(N);
    // Weighted random over the three members: each gets some (a miss has probability ~3 * (2/3)^300).
    expect([...counts.keys()].sort()).toEqual(["A", "B", "X"]);
  });

  test("a member killed and restarted: interest dropped, then restored", async () => {
    // A subscriber on b (nats-server); bnats publishes.
    const pub = await open(x);
    const port = b.port;
    const clusterPort = b.clusterPort;
    await b.stop();
    await waitForRoutes(x, 1);
    b = await startNode({ kind: "reference", name: "B", cluster: "C", routes: [a.routeURL], port, clusterPort });
    await waitForRoutes(x, 2);
    const subc = await open(b);
    const got = collect(subc.subscribe("after.restart"));
    await subc.flush();
    await awaitInterest(pub, "after.restart", got.probed);
    pub.publish("after.restart", "hello");
    await pub.flush();
    await until(() => got.msgs.length === 1, "message after restart");
    expect(got.msgs).toEqual(["hello"]);
  });
});

describe.if(hasReference())("a nats-server leaf behind a nats-server member", () => {
  test("leaf interest and messages reach bnats over the route (as LS+/LMSG with the leaf's cluster as origin)", async () => {
    const a = await startNode({ kind: "reference", name: "LA", cluster: "LC", extra: 'leafnodes { listen: "127.0.0.1:-1" }' });
    const x = await startNode({ kind: "bnats", name: "LX", cluster: "LC", routes: [a.routeURL] });
    const LEAF_RE = /Listening for leafnode connections on [^\s]+:(\d+)/;
    await a.process!.waitForLog(LEAF_RE);
    const leafPort = Number(LEAF_RE.exec(a.logs())![1]);
    // A named leaf: its cluster name (the server name) is the origin of its interest and messages.
    const leaf = await startReference({
      config: `server_name: LEAF1\nleafnodes { remotes: [ { url: "nats://127.0.0.1:${leafPort}" } ] }`,
    });
    try {
      await waitForRoutes(x, 1);
      await leaf.waitForLog(/Leafnode connection created/);
      const lc = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
      const xc = await client(x);
      const got = collect(lc.subscribe("to.leaf"));
      await lc.flush();
      await awaitInterest(xc, "to.leaf", got.probed);
      xc.publish("to.leaf", "from bnats");
      await until(() => got.msgs.length === 1, "bnats -> leaf");
      const back = collect(xc.subscribe("from.leaf"));
      await xc.flush();
      await awaitInterest(lc, "from.leaf", back.probed);
      lc.publish("from.leaf", "from the leaf");
      await until(() => back.msgs.length === 1, "leaf -> bnats");
      expect([got.msgs, back.msgs]).toEqual([["from bnats"], ["from the leaf"]]);
      await Promise.all([lc.close(), xc.close()]);
    } finally {
      await Promise.all([leaf.stop(), x.stop(), a.stop()]);
    }
  }, 30_000);
});

describe.if(hasReference())("a nats-server leaf on a bnats member", () => {
  test.each(["bnats", "reference"] as const)("the hub tells its leaf about interest learned from routes, before and after the leaf connects (other member: %s)", async (otherKind) => {
    const h1 = await startNode({ kind: "bnats", name: "H1", cluster: "HC", extra: 'leafnodes { listen: "127.0.0.1:-1" }' });
    const h2 = await startNode({ kind: otherKind, name: "H2", cluster: "HC", routes: [h1.routeURL] });
    let leaf: Awaited<ReturnType<typeof startReference>> | undefined;
    try {
      await waitForMesh([h1, h2]);
      const onH2 = await client(h2);
      const early = collect(onH2.subscribe("leaf.early"));
      await onH2.flush();
      const onH1 = await client(h1);
      await awaitInterest(onH1, "leaf.early", early.probed); // h1 knows it (from the route)
      // Named: its interest and messages cross the route as LS+/LMSG with origin LEAF2.
      leaf = await startReference({
        config: `server_name: LEAF2\nleafnodes { remotes: [ { url: "nats://127.0.0.1:${h1.inProcess!.server.leafPort}" } ] }`,
      });
      await leaf.waitForLog(/Leafnode connection created/);
      const lc = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
      await awaitInterest(lc, "leaf.early", early.probed);
      const late = collect(onH2.subscribe("leaf.late"));
      await onH2.flush();
      await awaitInterest(lc, "leaf.late", late.probed);
      lc.publish("leaf.early", "1");
      lc.publish("leaf.late", "2");
      await until(() => early.msgs.length === 1 && late.msgs.length === 1, "leaf -> h1 -> route -> h2");
      expect([early.msgs, late.msgs]).toEqual([["1"], ["2"]]);
      // And back: a subscriber on the leaf hears a publisher on the other member (RS+ of the leaf's interest).
      const onLeaf = collect(lc.subscribe("to.the.leaf"));
      await lc.flush();
      await awaitInterest(onH2, "to.the.leaf", onLeaf.probed);
      onH2.publish("to.the.leaf", "3");
      await until(() => onLeaf.msgs.length === 1, "h2 -> route -> h1 -> leaf");
      expect(onLeaf.msgs).toEqual(["3"]);
      await Promise.all([lc.close(), onH1.close(), onH2.close()]);
    } finally {
      await Promise.all([leaf?.stop(), h2.stop(), h1.stop()]);
    }
  }, 30_000);
});

describe.if(hasReference())("a leaf cluster attached to two bnats members", () => {
  test("a message from one leaf member reaches a subscriber on the other exactly once (origin suppression)", async () => {
    const leafListen = 'leafnodes { listen: "127.0.0.1:-1" }';
    const h1 = await startNode({ kind: "bnats", name: "OH1", cluster: "HUB", extra: leafListen });
    const h2 = await startNode({ kind: "bnats", name: "OH2", cluster: "HUB", routes: [h1.routeURL], extra: leafListen });
    await waitForMesh([h1, h2]);
    const remote = (n: ClusterNode) => `leafnodes { remotes: [ { url: "nats://127.0.0.1:${n.inProcess!.server.leafPort}" } ] }`;
    const l1 = await startNode({ kind: "reference", name: "OL1", cluster: "LC", extra: remote(h1) });
    const l2 = await startNode({ kind: "reference", name: "OL2", cluster: "LC", routes: [l1.routeURL], extra: remote(h2) });
    try {
      await waitForMesh([l1, l2]);
      await Promise.all([l1.process!.waitForLog(/Leafnode connection created/), l2.process!.waitForLog(/Leafnode connection created/)]);
      const sub = await client(l2);
      const got = collect(sub.subscribe("origin.once"));
      await sub.flush();
      // Interest must also have reached the hubs (via l2's leaf link and the route) before counting.
      const onH1 = await client(h1);
      await awaitInterest(onH1, "origin.once", got.probed);
      const pub = await client(l1);
      for (let i = 0; i < 20; i++) pub.publish("origin.once", `${i}`);
      await pub.flush();
      await until(() => got.msgs.length >= 20, "20 messages");
      // A round trip through every path a duplicate could take.
      await onH1.flush();
      await pub.flush();
      await sub.flush();
      await Bun.sleep(200);
      expect(got.msgs.length).toBe(20);
      await Promise.all([sub.close(), pub.close(), onH1.close()]);
    } finally {
      await Promise.all([l2.stop(), l1.stop(), h2.stop(), h1.stop()]);
    }
  }, 30_000);
});
