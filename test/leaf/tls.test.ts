// TLS on a solicited link: a bnats leaf dials a nats-server hub whose leafnodes port requires TLS; the
// INFO comes in clear, then the handshake (verified with the remote's CA), then CONNECT and traffic.
import { afterAll, describe, expect, test } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { testCerts } from "../helpers/certs.ts";
import { hasReference } from "../helpers/ref.ts";
import { pollUntil, startHub, startLeaf, waitLeafs, waitLeafSub, type TopoServer } from "../helpers/topology.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe.skipIf(!hasReference())("TLS on the link", () => {
  test("a bnats leaf on a nats-server hub with leafnodes tls: verified handshake, messages both ways", async () => {
    const c = testCerts();
    const hub = await startHub("reference", { leafExtra: `tls { cert_file: "${c.server.cert}", key_file: "${c.server.key}", ca_file: "${c.ca.cert}" }` });
    cleanups.push(() => hub.stop());
    const leaf = await startLeaf("bnats", `tls://localhost:${hub.leafPort}`, { name: "tls-leaf", remoteExtra: `tls { ca_file: "${c.ca.cert}" }` });
    cleanups.push(() => leaf.stop());
    await waitLeafs(hub, 1, [leaf]);
    await waitLeafs(leaf);
    const nh = await connect({ servers: `127.0.0.1:${hub.port}`, reconnect: false });
    const nl = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
    cleanups.push(() => nh.close(), () => nl.close());
    nl.subscribe("tls.svc", { callback: (_e, m) => void m.respond(`tls:${m.string()}`) });
    await nl.flush();
    await waitLeafSub(hub, "tls.svc");
    expect((await nh.request("tls.svc", "x", { timeout: 3000 })).string()).toBe("tls:x");
  }, 20_000);

  test("a hub certificate the leaf's CA did not sign fails the handshake, and the leaf keeps trying", async () => {
    const c = testCerts();
    const hub: TopoServer = await startHub("reference", { leafExtra: `tls { cert_file: "${c.server.cert}", key_file: "${c.server.key}" }` });
    cleanups.push(() => hub.stop());
    const leaf = await startLeaf("bnats", `nats-leaf://localhost:${hub.leafPort}`, { name: "tls-bad", remoteExtra: `tls { ca_file: "${c.foreignCa.cert}" }` });
    cleanups.push(() => leaf.stop());
    await pollUntil(() => leaf.logs().includes("TLS handshake error"), "the handshake failure in the leaf's log");
    expect(leaf.logs()).toContain("Leafnode connection closed: TLS Handshake Failure");
  }, 20_000);
});

describe.skipIf(!hasReference())("TLS on a bnats hub's leafnode port", () => {
  for (const leafImpl of ["reference", "bnats"] as const) {
    test(`a ${leafImpl} leaf: INFO in clear, then TLS, then the link`, async () => {
      const c = testCerts();
      const hub = await startHub("bnats", { leafExtra: `tls { cert_file: "${c.server.cert}", key_file: "${c.server.key}" }` });
      cleanups.push(() => hub.stop());
      const leaf = await startLeaf(leafImpl, `nats-leaf://localhost:${hub.leafPort}`, { name: `tls-${leafImpl}`, remoteExtra: `tls { ca_file: "${c.ca.cert}" }` });
      cleanups.push(() => leaf.stop());
      await waitLeafs(hub, 1, [leaf]);
      const nh = await connect({ servers: `127.0.0.1:${hub.port}`, reconnect: false });
      const nl = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
      cleanups.push(() => nh.close(), () => nl.close());
      nh.subscribe("tlshub.svc", { callback: (_e, m) => void m.respond(`hub:${m.string()}`) });
      await nh.flush();
      await waitLeafSub(leaf, "tlshub.svc");
      expect((await nl.request("tlshub.svc", "y", { timeout: 3000 })).string()).toBe("hub:y");
    }, 20_000);
  }
});
