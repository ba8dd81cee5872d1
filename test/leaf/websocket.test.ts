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
