// The cluster flags alone, as the official clients' test suites start clusters: `-p -1 -m -1
// --cluster nats://127.0.0.1:-1 --cluster_name C --routes nats://127.0.0.1:<port>`, no config file; the
// compiled bnats and nats-server mesh both ways.
import { afterAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { hasBnatsBinary, startBnatsBinary } from "../helpers/bnats.ts";
import { hasReference, startReference } from "../helpers/ref.ts";
import type { ProcessServer } from "../helpers/proc.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

const ROUTE_RE = /Listening for route connections on [^\s]+:(\d+)/;
const procs: ProcessServer[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
});

async function routeCount(p: ProcessServer): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${p.httpPort}/routez`);
  return ((await r.json()) as { num_routes: number }).num_routes;
}

async function waitRoutes(p: ProcessServer, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await routeCount(p)) !== n) {
    if (Date.now() > deadline) throw new Error(`routes never reached ${n}:\n${p.logs()}`);
    await Bun.sleep(25);
  }
}

describe.if(hasReference() && hasBnatsBinary())("--cluster, --cluster_name, --routes on the command line", () => {
  test("bnats seeded by flags joins nats-server and a second nats-server finds it by gossip", async () => {
    const flags = ["-m", "-1", "--cluster", "nats://127.0.0.1:-1", "--cluster_name", "FLAGS"];
    const seed = await startReference({ args: [...flags] });
    procs.push(seed);
    await seed.waitForLog(ROUTE_RE);
    const seedRoute = `nats://127.0.0.1:${ROUTE_RE.exec(seed.logs())![1]}`;
    const bn = await startBnatsBinary({ args: [...flags, "--routes", seedRoute] });
    procs.push(bn);
    await waitRoutes(bn, 1);
    // The start-up banner names the cluster, as the reference's.
    for (const p of [seed, bn]) expect(p.logs()).toMatch(/\[INF\]   Cluster:  FLAGS\n/);
    const other = await startReference({ args: [...flags, "--routes", seedRoute] });
    procs.push(other);
    await Promise.all([waitRoutes(bn, 2), waitRoutes(seed, 2), waitRoutes(other, 2)]);
    const varz = (await (await fetch(`http://127.0.0.1:${bn.httpPort}/varz`)).json()) as {
      cluster: { name: string; cluster_port: number };
    };
    expect(varz.cluster.name).toBe("FLAGS");
    expect(varz.cluster.cluster_port).toBe(Number(ROUTE_RE.exec(bn.logs())![1]));
  }, 30_000);
});
