// Config reload (SIGHUP) of the cluster block, as reload.go: routes added are dialed and routes removed are
// closed for good ("Reloaded: cluster routes"); the listen address cannot change.
import { afterAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { writeFileSync } from "node:fs";
import { hasBnatsBinary, startBnatsBinary } from "../helpers/bnats.ts";
import { connect } from "@nats-io/transport-node";
import { routez, startNode, until, type ClusterNode } from "../helpers/cluster.ts";
import type { ProcessServer } from "../helpers/proc.ts";
import { hasReference } from "../helpers/ref.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((s) => s()));
});

async function routeCount(p: ProcessServer): Promise<number> {
  return ((await (await fetch(`http://127.0.0.1:${p.httpPort}/routez`)).json()) as { num_routes: number }).num_routes;
}

describe.if(hasReference() && hasBnatsBinary())("cluster reload", () => {
  test("routes added and removed by a reload; the cluster port cannot change", async () => {
    const r: ClusterNode = await startNode({ kind: "reference", name: "RR", cluster: "RL" });
    stops.push(() => r.stop());
    const conf = (routes: string[], port = "127.0.0.1:-1") =>
      `server_name: RX\nhttp: "127.0.0.1:-1"\ncluster { name: RL, listen: "${port}", routes: [${routes.map((u) => `"${u}"`).join(", ")}] }\n`;
    const x = await startBnatsBinary({ config: conf([]) });
    stops.push(() => x.stop());
    const listen = /Listening for route connections on ([^\s]+)/.exec(await x.waitForLog(/Listening for route connections on [^\s]+/))![1]!;
    expect(await routeCount(x)).toBe(0);

    writeFileSync(x.configFile!, conf([r.routeURL], listen));
    x.signal("SIGHUP");
    await x.waitForLog("Reloaded: cluster routes");
    await until(async () => (await routeCount(x)) === 1, "the added route");
    expect((await routez(r)).num_routes).toBe(1);

    writeFileSync(x.configFile!, conf([], listen));
    x.signal("SIGHUP");
    await x.waitForLog(`Removed route ${r.routeURL}`);
    await until(async () => (await routez(r)).num_routes === 0, "the removed route gone on both sides");
    expect(await routeCount(x)).toBe(0);

    writeFileSync(x.configFile!, conf([], "127.0.0.1:1"));
    x.signal("SIGHUP");
    await x.waitForLog("config reload not supported for cluster");
  }, 30_000);

  test("route permissions reloaded: the peer is told of interest now importable, and of what no longer is", async () => {
    const r: ClusterNode = await startNode({ kind: "reference", name: "PRR", cluster: "RP" });
    stops.push(() => r.stop());
    const conf = (imports: string[]) =>
      `server_name: PRX\nhttp: "127.0.0.1:-1"\ncluster { name: RP, listen: "127.0.0.1:-1", routes: ["${r.routeURL}"], permissions { import: [${imports.map((i) => `"${i}"`).join(", ")}] } }\n`;
    const x = await startBnatsBinary({ config: conf(["a.>"]) });
    stops.push(() => x.stop());
    await until(async () => (await routeCount(x)) === 1, "the route");
    const nc = await connect({ servers: `127.0.0.1:${x.port}`, reconnect: false });
    nc.subscribe("a.x");
    nc.subscribe("b.x");
    await nc.flush();
    const subsAtR = async () => (await routez(r, "?subs=1")).routes[0]?.subscriptions_list ?? [];
    await until(async () => (await subsAtR()).includes("a.x"), "a.x at the peer");
    expect(await subsAtR()).not.toContain("b.x");
    writeFileSync(x.configFile!, conf(["a.>", "b.>"]));
    x.signal("SIGHUP");
    await x.waitForLog("Reloaded: cluster");
    await until(async () => (await subsAtR()).includes("b.x"), "b.x at the peer after the reload");
    writeFileSync(x.configFile!, conf(["b.>"]));
    x.signal("SIGHUP");
    await until(async () => !(await subsAtR()).includes("a.x"), "a.x withdrawn");
    expect(await subsAtR()).toContain("b.x");
    await nc.close();
  }, 30_000);
});
