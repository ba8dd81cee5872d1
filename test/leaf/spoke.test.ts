// The sidecar story: a leaf (the spoke) soliciting a hub, bound to $G. The same scenarios run for every
// pairing of implementations (reference nats-server or bnats in each role), with the official client on
// both sides: messages, headers and requests both ways, interest made before and after the link, queue
// groups served local-first, and the hub restarted (the leaf reconnects, interest comes back).
import { afterAll, describe, expect, test } from "bun:test";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { hasReference } from "../helpers/ref.ts";
import { startHub, startLeaf, waitLeafs, waitLeafSub, type Impl, type TopoServer } from "../helpers/topology.ts";

const PAIRINGS: [hub: Impl, leaf: Impl][] = (process.env.BNATS_LEAF_PAIRINGS ?? "reference/reference,reference/bnats,bnats/reference,bnats/bnats")
  .split(",")
  .map((p) => p.split("/") as [Impl, Impl]);

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function client(s: TopoServer): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false });
  cleanups.push(() => nc.close());
  return nc;
}

/** Resolves with the next message's data on `subject`. */
function next(nc: NatsConnection, subject: string, queue?: string): Promise<string> {
  return new Promise((resolve) => {
    nc.subscribe(subject, { queue, max: 1, callback: (_e, m) => resolve(m.string()) });
  });
}

for (const [hubImpl, leafImpl] of PAIRINGS) {
  describe.skipIf(!hasReference())(`hub ${hubImpl}, leaf ${leafImpl}`, () => {
    let hub: TopoServer;
    let leaf: TopoServer;
    let onHub: NatsConnection;
    let onLeaf: NatsConnection;

    test("the link comes up; interest made before it is sent", async () => {
      hub = await startHub(hubImpl);
      cleanups.push(() => hub.stop());
      onHub = await client(hub);
      const early = next(onHub, "early.x");
      await onHub.flush();
      leaf = await startLeaf(leafImpl, hub);
      cleanups.push(() => leaf.stop());
      await waitLeafs(hub, 1, [leaf]);
      await waitLeafs(leaf, 1, [hub]);
      onLeaf = await client(leaf);
      await waitLeafSub(leaf, "early.x");
      onLeaf.publish("early.x", "hello");
      expect(await early).toBe("hello");
    }, 20_000);

    test("messages both ways, made after the link", async () => {
      const atLeaf = next(onLeaf, "to.leaf");
      await onLeaf.flush();
      await waitLeafSub(hub, "to.leaf");
      onHub.publish("to.leaf", "from hub");
      expect(await atLeaf).toBe("from hub");

      const atHub = next(onHub, "to.hub");
      await onHub.flush();
      await waitLeafSub(leaf, "to.hub");
      onLeaf.publish("to.hub", "from leaf");
      expect(await atHub).toBe("from leaf");
    }, 20_000);

    test("headers both ways", async () => {
      const got = new Promise<string>((resolve) => {
        onLeaf.subscribe("hdr.leaf", { max: 1, callback: (_e, m) => resolve(`${m.headers?.get("X-Test")}|${m.string()}`) });
      });
      await onLeaf.flush();
      await waitLeafSub(hub, "hdr.leaf");
      const h = headers();
      h.set("X-Test", "v1");
      onHub.publish("hdr.leaf", "body", { headers: h });
      expect(await got).toBe("v1|body");

      const got2 = new Promise<string>((resolve) => {
        onHub.subscribe("hdr.hub", { max: 1, callback: (_e, m) => resolve(`${m.headers?.get("X-Test")}|${m.string()}`) });
      });
      await onHub.flush();
      await waitLeafSub(leaf, "hdr.hub");
      const h2 = headers();
      h2.set("X-Test", "v2");
      onLeaf.publish("hdr.hub", "body2", { headers: h2 });
      expect(await got2).toBe("v2|body2");
    }, 20_000);

    test("requests both ways", async () => {
      onHub.subscribe("svc.hub", { callback: (_e, m) => void m.respond(`hub:${m.string()}`) });
      await onHub.flush();
      await waitLeafSub(leaf, "svc.hub");
      expect((await onLeaf.request("svc.hub", "q1", { timeout: 3000 })).string()).toBe("hub:q1");

      onLeaf.subscribe("svc.leaf", { callback: (_e, m) => void m.respond(`leaf:${m.string()}`) });
      await onLeaf.flush();
      await waitLeafSub(hub, "svc.leaf");
      expect((await onHub.request("svc.leaf", "q2", { timeout: 3000 })).string()).toBe("leaf:q2");
    }, 20_000);

    test("queue groups: local members first, a remote one when there is none", async () => {
      const byLeaf: string[] = [];
      const byHub: string[] = [];
      const subLeaf = onLeaf.subscribe("work", { queue: "workers", callback: (_e, m) => void byLeaf.push(m.string()) });
      onHub.subscribe("work", { queue: "workers", callback: (_e, m) => void byHub.push(m.string()) });
      await onLeaf.flush();
      await onHub.flush();
      await waitLeafSub(hub, "work");
      await waitLeafSub(leaf, "work");
      for (let i = 0; i < 20; i++) onLeaf.publish("work", `l${i}`);
      for (let i = 0; i < 20; i++) onHub.publish("work", `h${i}`);
      await onLeaf.flush();
      await onHub.flush();
      // A round trip through each side makes sure all were routed.
      await onLeaf.request("svc.hub", "sync", { timeout: 3000 });
      await onHub.request("svc.leaf", "sync", { timeout: 3000 });
      expect(byLeaf.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `l${i}`).sort());
      expect(byHub.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `h${i}`).sort());

      // Without a local member, the leaf's publishes go to the hub's member.
      subLeaf.unsubscribe();
      await onLeaf.flush();
      const before = byHub.length;
      const got = new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (byHub.includes("after")) {
            clearInterval(t);
            resolve();
          } else onLeaf.publish("work", "after");
        }, 50);
      });
      await got;
      expect(byHub.length).toBeGreaterThan(before);
    }, 20_000);

    test("the hub restarts: the leaf reconnects and interest is restored", async () => {
      const port = hub.leafPort;
      const atLeaf: string[] = [];
      onLeaf.subscribe("after.restart", { callback: (_e, m) => void atLeaf.push(m.string()) });
      await onLeaf.flush();
      await waitLeafSub(hub, "after.restart");
      await hub.stop();
      hub = await startHub(hubImpl, { leafPort: port });
      cleanups.push(() => hub.stop());
      await waitLeafs(hub);
      await waitLeafSub(hub, "after.restart");
      const nc = await client(hub);
      nc.publish("after.restart", "again");
      await nc.flush();
      await onLeaf.flush();
      const deadline = Date.now() + 3000;
      while (atLeaf.length === 0 && Date.now() < deadline) await onLeaf.flush();
      expect(atLeaf).toEqual(["again"]);
    }, 20_000);
  });
}
