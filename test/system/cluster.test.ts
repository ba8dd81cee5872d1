// The system account across a cluster of nats-server and bnats (both with the same accounts): a ping is
// answered by every server (what `nats server list` counts), a server is reached by its id from any
// node, and each server's STATSZ heartbeat reaches the system users of the others.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNode, until, waitForMesh, type ClusterNode } from "../helpers/cluster.ts";
import { hasReference } from "../helpers/ref.ts";
import { diffShapes, shapeOf } from "../monitor/shape.ts";
import { requestAll } from "./harness.ts";

const ACCOUNTS = `
accounts {
  SYS { users: [{user: sys, password: sys}] }
  A { users: [{user: a, password: a}] }
}
system_account: SYS
`;

describe.if(hasReference())("system account in a nats-server + bnats cluster", () => {
  let ref: ClusterNode;
  let ours: ClusterNode;
  const conns: NatsConnection[] = [];
  const sysUser = async (n: ClusterNode): Promise<NatsConnection> => {
    const nc = await connect({ servers: n.url, user: "sys", pass: "sys", name: `sys-${n.spec.name}`, reconnect: false });
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    ref = await startNode({ kind: "reference", name: "R", cluster: "C", extra: ACCOUNTS });
    ours = await startNode({ kind: "bnats", name: "B", cluster: "C", routes: [ref.routeURL], extra: ACCOUNTS });
    await waitForMesh([ref, ours]);
  }, 30_000);

  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => undefined);
    await Promise.all([ours?.stop(), ref?.stop()]);
  });

  test("$SYS.REQ.SERVER.PING is answered by both servers, from either side", async () => {
    for (const n of [ref, ours]) {
      const nc = await sysUser(n);
      let names: string[] = [];
      // Interest crosses the route asynchronously: ask until both have answered.
      await until(async () => {
        const answers = (await requestAll(nc, "$SYS.REQ.SERVER.PING", "", 500, 2)) as { server: { name: string } }[];
        names = answers.map((a) => a.server.name).sort();
        if (process.env.SYS_DEBUG) console.log(n.spec.name, names);
        return names.length === 2;
      }, `two answers on ${n.spec.name}`, 10_000);
      expect(names).toEqual(["B", "R"]);
    }
  }, 25_000);

  test("a server is reached by its id from the other side", async () => {
    const nc = await sysUser(ref);
    const id = ours.inProcess!.server.id;
    const [r] = (await requestAll(nc, `$SYS.REQ.SERVER.${id}.VARZ`, "", 2000, 1)) as { server: { id: string }; data: { server_name: string } }[];
    expect(r?.server.id).toBe(id);
    expect(r?.data.server_name).toBe("B");
  });

  test("each counts the other in active_servers once it heard its STATSZ", async () => {
    const nc = await sysUser(ours);
    await until(async () => {
      const answers = (await requestAll(nc, "$SYS.REQ.SERVER.PING", "", 500, 2)) as { server: { name: string }; statsz: { active_servers: number } }[];
      return answers.length === 2 && answers.every((a) => a.statsz.active_servers === 2);
    }, "active_servers 2 on both", 10_000);
  }, 15_000);

  test("both STATSZ answers have the same shape: the cluster name in server, the route in routes", async () => {
    const nc = await sysUser(ref);
    const answers = (await requestAll(nc, "$SYS.REQ.SERVER.PING", "", 1000, 2)) as { server: { name: string; cluster?: string } }[];
    const byName = new Map(answers.map((a) => [a.server.name, a]));
    const [r, b] = [byName.get("R"), byName.get("B")];
    expect(b?.server.cluster).toBe("C");
    expect(diffShapes(shapeOf(r), shapeOf(b))).toEqual([]);
  });

  test("bnats's STATSZ heartbeat reaches a system user on nats-server", async () => {
    const nc = await sysUser(ref);
    const id = ours.inProcess!.server.id;
    const sub = nc.subscribe(`$SYS.SERVER.${id}.STATSZ`, { max: 1 });
    // A STATSZ request without a reply makes bnats publish on its STATSZ subject at once.
    const b = await sysUser(ours);
    b.publish("$SYS.REQ.SERVER.PING.STATSZ");
    for await (const m of sub) expect(m.json<{ server: { name: string } }>().server.name).toBe("B");
  });
});

describe("system account in a bnats-only cluster", () => {
  test("both answer the ping from either side and count each other", async () => {
    const one = await startNode({ kind: "bnats", name: "B1", cluster: "C2", extra: ACCOUNTS });
    const two = await startNode({ kind: "bnats", name: "B2", cluster: "C2", routes: [one.routeURL], extra: ACCOUNTS });
    const conns: NatsConnection[] = [];
    try {
      await waitForMesh([one, two]);
      for (const n of [one, two]) {
        const nc = await connect({ servers: n.url, user: "sys", pass: "sys", reconnect: false });
        conns.push(nc);
        await until(async () => {
          const answers = (await requestAll(nc, "$SYS.REQ.SERVER.PING", "", 500, 2)) as { server: { name: string }; statsz: { active_servers: number } }[];
          return answers.length === 2 && answers.every((a) => a.statsz.active_servers === 2);
        }, `both answer on ${n.spec.name}`, 10_000);
      }
    } finally {
      for (const nc of conns) await nc.close().catch(() => undefined);
      await Promise.all([two.stop(), one.stop()]);
    }
  }, 30_000);
});
