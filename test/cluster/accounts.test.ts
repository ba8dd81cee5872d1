// Accounts across routes: interest (RS+ <account> ...) and messages (RMSG <account> ...) carry the account,
// so a subject of account A on one member reaches A on another and never B; a stream import works across
// members. bnats beside nats-server with the same accounts.
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { hasReference } from "../helpers/ref.ts";
import { awaitInterest, collect, routez, startNode, until, waitForMesh, type ClusterNode } from "../helpers/cluster.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

const ACCOUNTS = `accounts {
  A: { users: [ {user: a, password: a} ], exports: [ {stream: "feed.>"}, {service: "svc.>"} ] }
  B: {
    users: [ {user: b, password: b} ]
    imports: [ {stream: {account: A, subject: "feed.>"}}, {service: {account: A, subject: "svc.>"}} ]
  }
}`;

describe.if(hasReference())("accounts across routes", () => {
  let r: ClusterNode;
  let x: ClusterNode;
  const conns: NatsConnection[] = [];
  const as = async (n: ClusterNode, user: string) => {
    const nc = await connect({ servers: n.url, user, pass: user, reconnect: false });
    conns.push(nc);
    return nc;
  };
  beforeAll(async () => {
    r = await startNode({ kind: "reference", name: "AR", cluster: "ACC", extra: ACCOUNTS });
    x = await startNode({ kind: "bnats", name: "AX", cluster: "ACC", routes: [r.routeURL], extra: ACCOUNTS });
    await waitForMesh([r, x]);
  }, 20_000);
  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => {});
    await Promise.all([x?.stop(), r?.stop()]);
  });

  test("a subject of A crosses to A only, both ways", async () => {
    for (const [from, to] of [
      [x, r],
      [r, x],
    ] as const) {
      const subA = await as(to, "a");
      const subB = await as(to, "b");
      const inA = collect(subA.subscribe("acc.x"));
      const inB = collect(subB.subscribe("acc.x"));
      await Promise.all([subA.flush(), subB.flush()]);
      const pubA = await as(from, "a");
      await awaitInterest(pubA, "acc.x", inA.probed);
      pubA.publish("acc.x", "for A");
      await until(() => inA.msgs.length === 1, "A's message");
      // B's subscription must have heard nothing, not even the probes.
      const pubB = await as(from, "b");
      await awaitInterest(pubB, "acc.x", inB.probed);
      await subA.flush();
      expect(inA.msgs).toEqual(["for A"]);
      expect(inB.msgs).toEqual([]);
    }
    const rz = await routez(x, "?subs=detail");
    expect(rz.num_routes).toBe(1);
  });

  test("a stream import across members: B on one member gets A's feed published on the other", async () => {
    const subB = await as(x, "b");
    const got = collect(subB.subscribe("feed.news"));
    await subB.flush();
    const pubA = await as(r, "a");
    await awaitInterest(pubA, "feed.news", got.probed);
    pubA.publish("feed.news", "extra");
    await until(() => got.msgs.length === 1, "the imported stream");
    expect(got.msgs).toEqual(["extra"]);
  });

  test("a service import across members, both placements of requester and responder", { timeout: 20_000 }, async () => {
    for (const [resp, req] of [
      [r, x],
      [x, r],
    ] as const) {
      const svc = await as(resp, "a");
      const subject = `svc.${resp.spec.name}`;
      let probe = false;
      svc.subscribe(subject, {
        callback: (_e, m) => {
          if (m.string() === "__probe__") probe = true;
          else m.respond(`served by ${resp.spec.name}: ${m.string()}`);
        },
      });
      await svc.flush();
      const cli = await as(req, "b");
      await awaitInterest(cli, subject, () => probe);
      const answer = await cli.request(subject, "hi", { timeout: 3000 });
      expect(answer.string()).toBe(`served by ${resp.spec.name}: hi`);
    }
  });
});
