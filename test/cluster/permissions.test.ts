// Route permissions (cluster { permissions { import, export } }) are silent filters, as route.go canImport /
// canExport: `import` limits the interest a member asks its routes for (so what it receives), `export` the
// interest of the routes it accepts (so what it sends). The same scenario runs with nats-server in the
// filtering member's place, and both must agree.
import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { hasReference } from "../helpers/ref.ts";
import type { NatsConnection } from "@nats-io/transport-node";
import { awaitInterest, client, isProbe, routez, startNode, until, waitForMesh, type ClusterNode, type NodeKind } from "../helpers/cluster.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

const started: ClusterNode[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

const PERMS = 'permissions { import: ["imp.>"], export: ["exp.>"] }';

/** One subscription per subject, the messages (probes aside) in arrival order. */
function collectAll(nc: NatsConnection, subjects: string[]): { msgs: string[]; probed: () => boolean } {
  const msgs: string[] = [];
  let probe = false;
  for (const s of subjects) {
    nc.subscribe(s, {
      callback: (_e, m) => {
        if (isProbe(m.data)) probe = true;
        else msgs.push(m.string());
      },
    });
  }
  return { msgs, probed: () => probe };
}

/** What crosses to and from a member with PERMS (of `kind`), beside a plain nats-server member. */
async function scenario(kind: NodeKind): Promise<{ received: string[]; sent: string[]; seenByPeer: unknown; own: unknown }> {
  const r = await startNode({ kind: "reference", name: "PR", cluster: "PERM" });
  started.push(r);
  const f = await startNode({ kind, name: "PF", cluster: "PERM", routes: [r.routeURL], clusterExtra: PERMS });
  started.push(f);
  await waitForMesh([r, f]);
  const onF = await client(f);
  const onR = await client(r);
  // Received by the filtering member: only what it imports.
  const inF = collectAll(onF, ["other.x", "exp.x", "imp.x", "imp.last", "imp.probe"]);
  await onF.flush();
  await awaitInterest(onR, "imp.probe", inF.probed);
  for (const s of ["other.x", "exp.x", "imp.x"]) onR.publish(s, s);
  onR.publish("imp.last", "imp.last");
  await until(() => inF.msgs.includes("imp.last"), "the last import");
  // Sent by the filtering member: only to interest it exports.
  const inR = collectAll(onR, ["other.y", "imp.y", "exp.y", "exp.last", "exp.probe"]);
  await onR.flush();
  await awaitInterest(onF, "exp.probe", inR.probed);
  for (const s of ["other.y", "imp.y", "exp.y"]) onF.publish(s, s);
  onF.publish("exp.last", "exp.last");
  await until(() => inR.msgs.includes("exp.last"), "the last export");
  await Promise.all([onF.close(), onR.close()]);
  // /routez: the plain member shows the filtering one's permissions (from its INFO), which shows its own.
  const rz = (await routez(r)) as unknown as { routes: { import?: unknown; export?: unknown }[] };
  const fz = (await routez(f)) as unknown as { import?: unknown; export?: unknown };
  return {
    received: inF.msgs,
    sent: inR.msgs,
    seenByPeer: { import: rz.routes[0]?.import, export: rz.routes[0]?.export },
    own: { import: fz.import, export: fz.export },
  };
}

describe.if(hasReference())("route permissions", () => {
  test("import/export filter interest silently, as nats-server does", async () => {
    const bn = await scenario("bnats");
    expect({ received: bn.received, sent: bn.sent }).toEqual({ received: ["imp.x", "imp.last"], sent: ["exp.y", "exp.last"] });
    await Promise.all(started.splice(0).map((n) => n.stop()));
    const ref = await scenario("reference");
    expect(bn).toEqual(ref);
  }, 30_000);
});
