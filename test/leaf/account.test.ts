// A leaf link bound to one account on each side (remotes[].account, leafnodes users[].account): clients
// of that account on both sides exchange messages; other accounts do not see them.
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { hasReference } from "../helpers/ref.ts";
import { pollUntil, startHub, startLeaf, waitLeafs, waitLeafSub, type Impl } from "../helpers/topology.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

const ACCOUNTS = "accounts {\n  A: { users: [ {user: a, password: a} ] }\n  B: { users: [ {user: b, password: b} ] }\n}";

for (const hubImpl of ["reference", "bnats"] as Impl[]) {
  describe.skipIf(!hasReference())(`hub ${hubImpl}, leaf bnats`, () => {
    test("the link binds account A on both sides", async () => {
      const hub = await startHub(hubImpl, { extra: ACCOUNTS, leafExtra: "authorization { users: [ {user: la, password: la, account: A} ] }" });
      cleanups.push(() => hub.stop());
      const leaf = await startLeaf("bnats", `nats-leaf://la:la@127.0.0.1:${hub.leafPort}`, { name: "acc-leaf", remoteExtra: "account: A", extra: ACCOUNTS });
      cleanups.push(() => leaf.stop());
      await waitLeafs(hub, 1, [leaf]);
      const opts = (s: { port: number }, user: string) => ({ servers: `127.0.0.1:${s.port}`, user, pass: user, reconnect: false });
      const hubA: NatsConnection = await connect(opts(hub, "a"));
      const hubB: NatsConnection = await connect(opts(hub, "b"));
      const leafA: NatsConnection = await connect(opts(leaf, "a"));
      cleanups.push(() => hubA.close(), () => hubB.close(), () => leafA.close());
      const gotA: string[] = [];
      const gotB: string[] = [];
      hubA.subscribe("acc.x", { callback: (_e, m) => void gotA.push(m.string()) });
      hubB.subscribe("acc.x", { callback: (_e, m) => void gotB.push(m.string()) });
      await hubA.flush();
      await hubB.flush();
      await waitLeafSub(leaf, "acc.x");
      leafA.publish("acc.x", "to A");
      await pollUntil(() => gotA.length === 1, "the message in account A at the hub");
      await hubB.flush();
      expect(gotA).toEqual(["to A"]);
      expect(gotB).toEqual([]);
    }, 20_000);
  });
}

for (const hubImpl of ["reference", "bnats"] as Impl[]) {
  describe.skipIf(!hasReference())(`hub ${hubImpl} with a mapping, leaf bnats`, () => {
    test("the mapping's source is interest on the link: a leaf publish is mapped at the hub", async () => {
      const hub = await startHub(hubImpl, { name: `map-hub-${hubImpl}`, extra: 'mappings { "old.x": "new.x" }' });
      cleanups.push(() => hub.stop());
      const leaf = await startLeaf("bnats", hub, { name: `map-leaf-${hubImpl}` });
      cleanups.push(() => leaf.stop());
      await waitLeafs(hub, 1, [leaf]);
      await waitLeafSub(leaf, "old.x");
      const nh = await connect({ servers: `127.0.0.1:${hub.port}`, reconnect: false });
      const nl = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
      cleanups.push(() => nh.close(), () => nl.close());
      const got: string[] = [];
      nh.subscribe("new.x", { callback: (_e, m) => void got.push(`${m.subject}:${m.string()}`) });
      await nh.flush();
      nl.publish("old.x", "mapped");
      await pollUntil(() => got.length === 1, "the mapped message at the hub");
      expect(got).toEqual(["new.x:mapped"]);
    }, 20_000);
  });
}
