// Leafnode topologies beyond the basic spoke: credentials (right, wrong, from a creds file), deny lists,
// two leafs on one hub, a loop, and monitoring (/leafz, /varz leaf) beside the reference's.
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { hasReference } from "../helpers/ref.ts";
import { leafz, pollUntil, startHub, startLeaf, startServer, waitLeafs, waitLeafSub, type Impl, type TopoServer } from "../helpers/topology.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

function track<T extends { stop(): Promise<unknown> } | NatsConnection>(x: T): T {
  cleanups.push(() => ("close" in x ? x.close() : (x as { stop(): Promise<unknown> }).stop()));
  return x;
}

async function client(s: TopoServer): Promise<NatsConnection> {
  return track(await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false }));
}

const IMPLS: Impl[] = ["reference", "bnats"];

describe.skipIf(!hasReference())("credentials", () => {
  for (const hubImpl of IMPLS) {
    test(`hub ${hubImpl}: a bnats leaf with user:pass in the URL connects; with a wrong password it is refused`, async () => {
      const hub = track(await startHub(hubImpl, { leafExtra: "authorization { user: leaf, password: s3cr3t }" }));
      const bad = track(await startLeaf("bnats", `nats-leaf://leaf:wrong@127.0.0.1:${hub.leafPort}`, { name: "bad" }));
      await pollUntil(() => bad.logs().includes("Leafnode Error 'Authorization Violation'"), "the refusal in the leaf's log");
      expect((await leafz(hub)).leafnodes).toBe(0);
      expect(bad.logs()).not.toContain("s3cr3t");
      expect(bad.logs()).not.toContain(":wrong@");
      await bad.stop();
      const good = track(await startLeaf("bnats", `nats-leaf://leaf:s3cr3t@127.0.0.1:${hub.leafPort}`, { name: "good" }));
      await waitLeafs(hub);
      await waitLeafs(good);
    }, 20_000);
  }

  test("hub bnats: a nats-server leaf with a wrong password is refused, the right one accepted", async () => {
    const hub = track(await startHub("bnats", { leafExtra: "authorization { users: [ {user: a, password: pa} ] }" }));
    const bad = track(await startLeaf("reference", `nats-leaf://a:nope@127.0.0.1:${hub.leafPort}`, { name: "refbad" }));
    await pollUntil(() => bad.logs().includes("Authorization Violation"), "the refusal in nats-server's log");
    expect((await leafz(hub)).leafnodes).toBe(0);
    await bad.stop();
    const good = track(await startLeaf("reference", `nats-leaf://a:pa@127.0.0.1:${hub.leafPort}`, { name: "refgood" }));
    await waitLeafs(hub);
    await waitLeafs(good);
  }, 20_000);

  test("a client on the leafnode port is told so", async () => {
    const hub = track(await startHub("bnats"));
    let got = "";
    await new Promise<void>((resolve) => {
      void Bun.connect({
        hostname: "127.0.0.1",
        port: hub.leafPort,
        socket: {
          open(s) {
            s.write('CONNECT {"lang":"go","verbose":false}\r\n');
          },
          data(s, chunk) {
            got += chunk.toString();
            if (got.includes("-ERR")) {
              s.end();
              resolve();
            }
          },
        },
      });
    });
    expect(got).toStartWith("INFO ");
    expect(got).toContain("-ERR 'attempted to connect to leaf node port'");
  }, 20_000);
});

describe.skipIf(!hasReference())("deny lists on the remote", () => {
  for (const hubImpl of IMPLS) {
    test(`hub ${hubImpl}, leaf bnats: deny_exports keeps messages in, deny_imports keeps interest in`, async () => {
      const hub = track(await startHub(hubImpl));
      const leaf = track(await startLeaf("bnats", hub, { name: "deny", remoteExtra: 'deny_exports: ["secret.>"], deny_imports: ["private.>"]' }));
      await waitLeafs(hub, 1, [leaf]);
      await waitLeafs(leaf);
      const onHub = await client(hub);
      const onLeaf = await client(leaf);
      const atHub: string[] = [];
      onHub.subscribe("secret.x", { callback: (_e, m) => void atHub.push(m.string()) });
      onHub.subscribe("open.x", { callback: (_e, m) => void atHub.push(m.string()) });
      await onHub.flush();
      await waitLeafSub(leaf, "open.x");
      onLeaf.publish("secret.x", "no");
      onLeaf.publish("open.x", "yes");
      await pollUntil(() => atHub.includes("yes"), "open.x at the hub");
      expect(atHub).toEqual(["yes"]);

      onLeaf.subscribe("private.y", { callback: () => {} });
      onLeaf.subscribe("public.y", { callback: () => {} });
      await onLeaf.flush();
      await waitLeafSub(hub, "public.y");
      const z = await leafz(hub, "?subs=1");
      expect(z.leafs![0]!.subscriptions_list).not.toContain("private.y");
    }, 20_000);
  }
});

describe.skipIf(!hasReference())("two bnats leafs on one hub", () => {
  for (const hubImpl of IMPLS) {
    test(`hub ${hubImpl}: clients on different leafs talk through the hub, requests included`, async () => {
      const hub = track(await startHub(hubImpl));
      const a = track(await startLeaf("bnats", hub, { name: "leaf-a" }));
      const b = track(await startLeaf("bnats", hub, { name: "leaf-b" }));
      await waitLeafs(hub, 2);
      const ca = await client(a);
      const cb = await client(b);
      cb.subscribe("svc.b", { callback: (_e, m) => void m.respond(`b:${m.string()}`) });
      await cb.flush();
      await waitLeafSub(a, "svc.b");
      expect((await ca.request("svc.b", "hi", { timeout: 3000 })).string()).toBe("b:hi");
      // A queue group with a member on each leaf: a publisher on leaf a is served by a's member.
      const byA: string[] = [];
      const byB: string[] = [];
      ca.subscribe("q", { queue: "g", callback: (_e, m) => void byA.push(m.string()) });
      cb.subscribe("q", { queue: "g", callback: (_e, m) => void byB.push(m.string()) });
      await ca.flush();
      await cb.flush();
      await waitLeafSub(hub, "q");
      for (let i = 0; i < 10; i++) ca.publish("q", String(i));
      await ca.request("svc.b", "sync", { timeout: 3000 });
      expect(byA.length).toBe(10);
      expect(byB.length).toBe(0);
    }, 20_000);
  }
});

/** A port that was free a moment ago (for two servers that must name each other's port up front). */
function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

describe.skipIf(!hasReference())("a loop", () => {
  for (const other of IMPLS) {
    test(`bnats and ${other} soliciting each other: the loop is detected ($LDS) and the dialing side backs off`, async () => {
      const px = freePort();
      const py = freePort();
      const x = track(await startServer("bnats", `server_name: lx\nleafnodes {\n  listen: "127.0.0.1:${px}"\n  remotes: [ { url: "nats-leaf://127.0.0.1:${py}" } ]\n}`));
      const y = track(await startServer(other, `server_name: ly\nleafnodes {\n  listen: "127.0.0.1:${py}"\n  remotes: [ { url: "nats-leaf://127.0.0.1:${px}" } ]\n}`));
      await pollUntil(() => x.logs().includes("Loop detected for leafnode account=\"$G\"") || y.logs().includes("Loop detected for leafnode account=\"$G\""), "a loop to be detected");
      const both = x.logs() + y.logs();
      expect(both).toContain("Delaying attempt to reconnect for 30s");
    }, 20_000);
  }
});

describe.skipIf(!hasReference())("monitoring beside the reference", () => {
  test("/leafz and /varz leaf have the reference's shape on both sides", async () => {
    const shapes: Record<string, unknown> = {};
    for (const impl of IMPLS) {
      const hub = track(await startHub(impl, { name: `mhub-${impl}` }));
      const leaf = track(await startLeaf(impl, hub, { name: `mleaf-${impl}`, remoteExtra: 'deny_exports: ["a.>"]' }));
      await waitLeafs(hub, 1, [leaf]);
      await waitLeafs(leaf);
      const z = await leafz(hub, "?subs=1");
      const l0 = z.leafs![0]!;
      const varzHub = (await (await fetch(`http://127.0.0.1:${hub.httpPort}/varz`)).json()) as { leaf: Record<string, unknown>; leafnodes: number };
      const varzLeaf = (await (await fetch(`http://127.0.0.1:${leaf.httpPort}/varz`)).json()) as { leaf: { remotes: Record<string, unknown>[] }; leafnodes: number };
      const none = await leafz(hub, "?acc=NOPE");
      shapes[impl] = {
        leafzKeys: Object.keys(z).sort(),
        leafKeys: Object.keys(l0).sort(),
        account: l0.account,
        hubVarzLeaf: { ...varzHub.leaf, port: typeof varzHub.leaf.port },
        hubLeafnodes: varzHub.leafnodes,
        leafVarzRemotes: varzLeaf.leaf.remotes.map((r) => ({ ...r, urls: (r.urls as string[]).map((u) => u.replace(/:\d+$/, ":P")) })),
        leafLeafnodes: varzLeaf.leafnodes,
        filtered: [none.leafnodes, none.leafs],
      };
    }
    expect(shapes.bnats).toEqual(shapes.reference);
  }, 20_000);
});

describe.skipIf(!hasReference())("permissions from the hub", () => {
  const pairs: [Impl, Impl][] = [["bnats", "reference"], ["bnats", "bnats"], ["reference", "bnats"]];
  for (const [hubImpl, leafImpl] of pairs) {
    test(`hub ${hubImpl}, leaf ${leafImpl}: the leaf user's permissions are swapped on the hub and sent to the leaf`, async () => {
      const hub = track(
        await startHub(hubImpl, {
          name: `perm-hub-${hubImpl}-${leafImpl}`,
          extra: 'authorization { users: [ {user: leaf, password: p, permissions: { publish: "up.>", subscribe: "down.>" }}, {user: app, password: a} ] }',
        }),
      );
      const leaf = track(await startLeaf(leafImpl, `nats-leaf://leaf:p@127.0.0.1:${hub.leafPort}`, { name: `perm-leaf-${hubImpl}-${leafImpl}` }));
      await waitLeafs(hub, 1, [leaf]);
      const onHub = track(await connect({ servers: `127.0.0.1:${hub.port}`, user: "app", pass: "a", reconnect: false }));
      const onLeaf = await client(leaf);
      // The leaf may receive down.> only: its interest in other subjects is not sent.
      const got: string[] = [];
      onLeaf.subscribe("down.x", { callback: (_e, m) => void got.push(m.string()) });
      onLeaf.subscribe("side.x", { callback: (_e, m) => void got.push(m.string()) });
      await onLeaf.flush();
      await waitLeafSub(hub, "down.x");
      const z = await leafz(hub, "?subs=1");
      expect(z.leafs![0]!.subscriptions_list).not.toContain("side.x");
      onHub.publish("side.x", "no");
      onHub.publish("down.x", "yes");
      await pollUntil(() => got.includes("yes"), "down.x at the leaf");
      // The leaf may publish up.> only.
      const atHub: string[] = [];
      onHub.subscribe("up.y", { callback: (_e, m) => void atHub.push(m.string()) });
      onHub.subscribe("down.y", { callback: (_e, m) => void atHub.push(m.string()) });
      await onHub.flush();
      await waitLeafSub(leaf, "up.y");
      onLeaf.publish("down.y", "no");
      onLeaf.publish("up.y", "yes");
      await pollUntil(() => atHub.includes("yes"), "up.y at the hub");
      await onHub.flush();
      expect(got).toEqual(["yes"]);
      expect(atHub).toEqual(["yes"]);
    }, 20_000);
  }
});

describe.skipIf(!hasReference())("duplicate leaf names", () => {
  test("a second leaf with the same server name replaces the first on the hub, which is told so", async () => {
    const hub = track(await startHub("bnats", { name: "dup-hub" }));
    const a = track(await startLeaf("bnats", hub, { name: "same-name" }));
    await waitLeafs(hub, 1, [a]);
    const b = track(await startLeaf("reference", hub, { name: "same-name" }));
    await pollUntil(() => hub.logs().includes("Replacing connection from same server"), "the eviction in the hub's log");
    await pollUntil(
      () => a.logs().includes("Leafnode Error 'Duplicate Remote LeafNode Connection'") || b.logs().includes("Duplicate Remote LeafNode Connection"),
      "the -ERR at an evicted leaf",
    );
  }, 20_000);
});

describe.skipIf(!hasReference())("the wrong port", () => {
  for (const hubImpl of IMPLS) {
    test(`a bnats remote pointing at ${hubImpl}'s client port is refused as the wrong port, and retried`, async () => {
      const hub = track(await startHub(hubImpl, { name: `wp-hub-${hubImpl}` }));
      const leaf = track(await startLeaf("bnats", `nats-leaf://127.0.0.1:${hub.port}`, { name: `wp-leaf-${hubImpl}` }));
      await pollUntil(() => leaf.logs().split("attempted to connect to wrong port").length > 2, "two refused attempts in the leaf's log");
      expect(leaf.logs()).toContain("Leafnode connection closed: Incorrect Port");
      expect((await leafz(hub)).leafnodes).toBe(0);
    }, 20_000);
  }
});

describe.skipIf(!hasReference())("a remote with hub: true", () => {
  test("bnats solicits nats-server as its spoke: the roles are reversed, traffic flows both ways", async () => {
    const spoke = track(await startHub("reference", { name: "rev-spoke" }));
    const hub = track(await startLeaf("bnats", spoke, { name: "rev-hub", remoteExtra: "hub: true" }));
    await waitLeafs(spoke, 1, [hub]);
    const onSpoke = await client(spoke);
    const onHub = await client(hub);
    onSpoke.subscribe("rev.svc", { callback: (_e, m) => void m.respond(`spoke:${m.string()}`) });
    await onSpoke.flush();
    await waitLeafSub(hub, "rev.svc");
    expect((await onHub.request("rev.svc", "r", { timeout: 3000 })).string()).toBe("spoke:r");
  }, 20_000);
});

describe.skipIf(!hasReference())("refusals on the accepting side", () => {
  test("min_version: a nats-server 2.9.10 leaf is held 5 s and refused by a bnats hub requiring 2.10.0", async () => {
    const hub = track(await startHub("bnats", { name: "mv-hub", leafExtra: 'min_version: "2.10.0"' }));
    const leaf = track(await startLeaf("reference", hub, { name: "mv-leaf" }));
    await pollUntil(() => leaf.logs().includes('connection rejected since minimum version required is "2.10.0"'), "the refusal at the leaf");
    expect((await leafz(hub)).leafnodes).toBe(0);
  }, 20_000);

  for (const leafImpl of IMPLS) {
    test(`the same cluster name: a ${leafImpl} leaf named like the bnats hub's cluster is refused and waits`, async () => {
      const hub = track(await startHub("bnats", { name: `cn-hub-${leafImpl}`, extra: 'cluster { name: "samecn", listen: "127.0.0.1:-1" }' }));
      const leaf = track(await startLeaf(leafImpl, hub, { name: "samecn" }));
      await pollUntil(() => leaf.logs().includes("remote leafnode has same cluster name"), "the refusal at the leaf");
      await pollUntil(() => leaf.logs().includes("Delaying attempt to reconnect for 30s"), "the 30 s delay");
      expect((await leafz(hub)).leafnodes).toBe(0);
    }, 20_000);
  }
});
