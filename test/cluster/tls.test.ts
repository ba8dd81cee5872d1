// Route TLS (cluster { tls {} }): TLS from the first byte, verified both ways with the cluster CA, against
// nats-server and between bnats servers; a member with a certificate from another CA is refused.
import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { readFileSync } from "node:fs";
import { spkiSha256 } from "../../src/transport/tls/pinned.ts";
import { testCerts } from "../helpers/certs.ts";
import { hasReference } from "../helpers/ref.ts";
import { awaitInterest, client, collect, routez, startNode, until, waitForMesh, type ClusterNode, type NodeKind } from "../helpers/cluster.ts";

// Several servers per test: more than bun's 5 s default on a loaded machine.
setDefaultTimeout(20_000);

const certs = testCerts();
const tlsBlock = (cert = certs.route, ca = certs.ca) =>
  `tls { cert_file: "${cert.cert}", key_file: "${cert.key}", ca_file: "${ca.cert}", timeout: 2 }`;

const started: ClusterNode[] = [];
async function node(kind: NodeKind, name: string, routes: string[] = [], tls = tlsBlock()) {
  const n = await startNode({ kind, name, cluster: "TLS", routes, clusterExtra: tls });
  started.push(n);
  return n;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

async function crosses(from: ClusterNode, to: ClusterNode, subject: string): Promise<void> {
  const sub = await client(to);
  const pub = await client(from);
  const got = collect(sub.subscribe(subject));
  await sub.flush();
  await awaitInterest(pub, subject, got.probed);
  pub.publish(subject, "secret");
  await until(() => got.msgs.length === 1, subject);
  expect(got.msgs).toEqual(["secret"]);
  await Promise.all([sub.close(), pub.close()]);
}

describe("route TLS", () => {
  test("two bnats over TLS", async () => {
    const a = await node("bnats", "T1");
    const b = await node("bnats", "T2", [a.routeURL]);
    await waitForMesh([a, b]);
    await crosses(a, b, "tls.bb");
  });

  test.if(hasReference())("bnats and nats-server over TLS, both directions of dialing", async () => {
    const r = await node("reference", "TR");
    const x = await node("bnats", "TX", [r.routeURL]);
    await waitForMesh([r, x]);
    await crosses(x, r, "tls.xr");
    await crosses(r, x, "tls.rx");
    const y = await node("bnats", "TY");
    const r2 = await node("reference", "TR2", [y.routeURL]);
    await waitForMesh([y, r2]);
    await crosses(r2, y, "tls.ry");
  }, 20_000);

  test.if(hasReference())("a member whose certificate another CA signed is refused", async () => {
    const x = await node("bnats", "TV");
    const bad = await node("reference", "TB", [x.routeURL], tlsBlock(certs.foreignClient, certs.foreignCa));
    await until(() => /TLS/.test(x.logs()) && /error|Error/.test(bad.logs()), "a TLS refusal");
    expect((await routez(x)).num_routes).toBe(0);
  }, 15_000);
});

describe("route TLS: pinned certificates and the handshake timeout", () => {
  const pinOf = (pem: string) => {
    const der = Buffer.from(
      readFileSync(pem, "utf8").replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""),
      "base64",
    );
    return spkiSha256(der);
  };
  const pinned = (pins: string[]) =>
    `tls { cert_file: "${certs.route.cert}", key_file: "${certs.route.key}", ca_file: "${certs.ca.cert}", pinned_certs: [${pins.map((p) => `"${p}"`).join(", ")}] }`;

  test("a peer whose key is pinned joins; with another pin it is refused", async () => {
    const good = await node("bnats", "P1", [], pinned([pinOf(certs.route.cert)]));
    const peer = await node("bnats", "P2", [good.routeURL]);
    await waitForMesh([good, peer]);
    const strict = await node("bnats", "P3", [], pinned([pinOf(certs.server.cert)]));
    const other = await node("bnats", "P4", [strict.routeURL]);
    await until(() => strict.logs().includes("certificate not pinned"), "pinning refusal");
    expect((await routez(strict)).num_routes).toBe(0);
    void other;
  }, 20_000);

  test("a connection that never starts its handshake is closed after the tls timeout", async () => {
    const n = await node(
      "bnats",
      "P5",
      [],
      `tls { cert_file: "${certs.route.cert}", key_file: "${certs.route.key}", ca_file: "${certs.ca.cert}", timeout: 0.3 }`,
    );
    let closed = false;
    await Bun.connect({ hostname: "127.0.0.1", port: n.clusterPort, socket: { data() {}, close: () => void (closed = true) } });
    await until(() => closed, "closed by the server", 5000);
    expect(n.logs()).toContain("TLS handshake timeout");
  });
});

describe("route TLS: verify_and_map", () => {
  const mapped = (user: string) =>
    `tls { cert_file: "${certs.route.cert}", key_file: "${certs.route.key}", ca_file: "${certs.ca.cert}", verify_and_map: true }\n  authorization { user: "${user}", password: "unused" }`;

  test("the peer certificate must name the cluster user (its DNS name here); the password is not asked", async () => {
    const ok = await node("bnats", "M1", [], mapped("localhost"));
    const peer = await node("bnats", "M2", [ok.routeURL]);
    await waitForMesh([ok, peer]);
    const strict = await node("bnats", "M3", [], mapped("nobody"));
    const other = await node("bnats", "M4", [strict.routeURL]);
    await until(() => strict.logs().includes("Authorization Violation"), "mapping refusal");
    expect((await routez(strict)).num_routes).toBe(0);
    void other;
  }, 20_000);

  test.if(hasReference())("nats-server agrees: it accepts bnats under the same mapping", async () => {
    const r = await node("reference", "MR", [], mapped("localhost"));
    const x = await node("bnats", "MX", [r.routeURL]);
    await waitForMesh([r, x]);
  }, 20_000);
});
