// Leafs over the websocket port (`/leafnode`, websocket.go): a nats-server leaf with a ws:// remote joins
// a bnats hub through its websocket listener; interest and messages flow both ways.
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { hasReference } from "../helpers/ref.ts";
import { startHub, startLeaf, waitLeafs, waitLeafSub } from "../helpers/topology.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe.skipIf(!hasReference())("leafs over websocket", () => {
  test("a nats-server leaf dialing ws://.../leafnode on a bnats hub", async () => {
    const hub = await startHub("bnats", { name: "ws-hub", extra: "websocket { listen: 127.0.0.1:-1, no_tls: true }" });
    cleanups.push(() => hub.stop());
    const wsPort = hub.bnats!.server.websocketPort;
    const leaf = await startLeaf("reference", `ws://127.0.0.1:${wsPort}`, { name: "ws-leaf" });
    cleanups.push(() => leaf.stop());
    await waitLeafs(hub, 1, [leaf]);
    const nh: NatsConnection = await connect({ servers: `127.0.0.1:${hub.port}`, reconnect: false });
    const nl: NatsConnection = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
    cleanups.push(() => nh.close(), () => nl.close());
    nl.subscribe("ws.svc", { callback: (_e, m) => void m.respond(`leaf:${m.string()}`) });
    await nl.flush();
    await waitLeafSub(hub, "ws.svc");
    expect((await nh.request("ws.svc", "a", { timeout: 3000 })).string()).toBe("leaf:a");
    nh.subscribe("ws.hub", { callback: (_e, m) => void m.respond(`hub:${m.string()}`) });
    await nh.flush();
    await waitLeafSub(leaf, "ws.hub");
    expect((await nl.request("ws.hub", "b", { timeout: 3000 })).string()).toBe("hub:b");
  }, 20_000);
});

describe.skipIf(!hasReference())("a bnats leaf with a ws:// remote", () => {
  for (const hubImpl of ["reference", "bnats"] as const) {
    test(`dials ${hubImpl}'s websocket port at /leafnode; traffic both ways`, async () => {
      const hub = await startHub(hubImpl, { name: `wsh-${hubImpl}`, extra: "websocket { listen: 127.0.0.1:-1, no_tls: true }" });
      cleanups.push(() => hub.stop());
      const wsPort =
        hubImpl === "bnats" ? hub.bnats!.server.websocketPort : Number(/Listening for websocket clients on ws:\/\/[^:]+:(\d+)/.exec(hub.logs())![1]);
      const leaf = await startLeaf("bnats", `ws://127.0.0.1:${wsPort}`, { name: `wsl-${hubImpl}` });
      cleanups.push(() => leaf.stop());
      await waitLeafs(hub, 1, [leaf]);
      const nh: NatsConnection = await connect({ servers: `127.0.0.1:${hub.port}`, reconnect: false });
      const nl: NatsConnection = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
      cleanups.push(() => nh.close(), () => nl.close());
      nh.subscribe("wsr.hub", { callback: (_e, m) => void m.respond(`hub:${m.string()}`) });
      await nh.flush();
      await waitLeafSub(leaf, "wsr.hub");
      expect((await nl.request("wsr.hub", "c", { timeout: 3000 })).string()).toBe("hub:c");
      nl.subscribe("wsr.leaf", { callback: (_e, m) => void m.respond(`leaf:${m.string()}`) });
      await nl.flush();
      await waitLeafSub(hub, "wsr.leaf");
      expect((await nh.request("wsr.leaf", "d", { timeout: 3000 })).string()).toBe("leaf:d");
    }, 20_000);
  }
});
