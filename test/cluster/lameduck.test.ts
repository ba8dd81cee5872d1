// Lame duck mode in a cluster: the member in lame duck mode tells its routes (INFO "ldm"), so the other
// members stop advertising it to their clients (async INFO without its URL); its own clients are told
// to go and the official client moves to another member, keeping its subscriptions.
import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { lameDuckMode } from "../../src/server/lameduck.ts";
import { hasReference } from "../helpers/ref.ts";
import { client, collect, startNode, until, waitForMesh, type ClusterNode } from "../helpers/cluster.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

const started: ClusterNode[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

describe.if(hasReference())("lame duck mode in a cluster", () => {
  test("nats-server drops the member from its clients' connect_urls; bnats's clients move", async () => {
    const r = await startNode({ kind: "reference", name: "LR", cluster: "LD" });
    started.push(r);
    const x = await startNode({
      kind: "bnats",
      name: "LX",
      cluster: "LD",
      routes: [r.routeURL],
      extra: "lame_duck_duration: 30s\nlame_duck_grace_period: 200ms",
    });
    started.push(x);
    await waitForMesh([r, x]);
    const xURL = `127.0.0.1:${x.port}`;
    const onR = await connect({ servers: r.url, reconnect: false });
    await until(() => onR.info?.connect_urls?.includes(xURL) === true, "nats-server advertises bnats");
    const onX = await connect({ servers: x.url, reconnectTimeWait: 50, maxReconnectAttempts: -1 });
    await until(() => onX.info?.connect_urls?.includes(`127.0.0.1:${r.port}`) === true, "bnats advertises nats-server");
    const got = collect(onX.subscribe("ldm.moved"));
    await onX.flush();
    void lameDuckMode(x.inProcess!.server);
    await until(() => onR.info?.connect_urls?.includes(xURL) === false, "nats-server stops advertising bnats");
    await until(() => onX.getServer() === r.url, "the client moved to nats-server", 15_000);
    const pub = await client(r);
    await until(async () => {
      pub.publish("ldm.moved", "still here");
      await pub.flush();
      return got.msgs.length > 0;
    }, "the moved client's subscription works");
    expect(got.msgs[0]).toBe("still here");
    await Promise.all([onR.close(), onX.close(), pub.close()]);
  }, 30_000);
});
