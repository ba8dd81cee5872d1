// Client-certificate verification and pinning, in the native (mode 2) and replay (mixed mode) paths.
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { RawClient } from "../helpers/raw.ts";
import { testCerts, type CertPair } from "../helpers/certs.ts";
import { spkiSha256 } from "../../src/transport/tls/pinned.ts";
import { X509Certificate } from "node:crypto";
import { cleanUp, startHarness, track, type Harness } from "./harness.ts";

const certs = testCerts();
const ca = readFileSync(certs.ca.cert);
const pair = (p: CertPair) => ({ cert: readFileSync(p.cert), key: readFileSync(p.key) });

let h: Harness | undefined;
afterEach(cleanUp);

/** Connects in the harness's mode (plaintext INFO first), upgrades, and PINGs. Returns the outcome. */
async function attempt(harness: Harness, cert?: CertPair): Promise<{ ok: boolean; failure?: string; logs: string[] }> {
  const c = track(await RawClient.connect(harness.port));
  await c.readInfo();
  const conn = await harness.nextConn();
  let ok = false;
  try {
    await c.startTLS({ ca, ...(cert ? pair(cert) : {}) });
    // TLS 1.3: the client finishes before the server has checked its certificate; a PING tells.
    c.send("PING\r\n");
    await c.expect("PONG\r\n", 1500);
    ok = true;
  } catch {
    ok = false;
  }
  if (!ok) await conn.waitClosed();
  return { ok, failure: conn.failure, logs: conn.logs };
}

for (const mixed of [false, true]) {
  const path = mixed ? "replay path (allow_non_tls)" : "native path";
  describe(`verify, ${path}`, () => {
    test("the right certificate is accepted and visible to the server", async () => {
      h = startHarness({ verify: true }, mixed);
      const r = await attempt(h, certs.client);
      expect(r.ok).toBe(true);
      const conn = h.conns[0]!;
      expect(conn.conn.tls?.authorized).toBe(true);
      const peer = conn.conn.tls?.peerCertificate;
      expect(peer).toBeDefined();
      expect(new X509Certificate(peer!).subject).toContain("CN=client");
    });

    test("no certificate: TLS Handshake Failure", async () => {
      h = startHarness({ verify: true }, mixed);
      const r = await attempt(h);
      expect(r.ok).toBe(false);
      expect(r.failure).toBe("TLS Handshake Failure");
      expect(r.logs).toContain("[ERR] TLS handshake error: tls: client didn't provide a certificate");
    });

    test("a certificate from a foreign CA: TLS Handshake Failure", async () => {
      h = startHarness({ verify: true }, mixed);
      const r = await attempt(h, certs.foreignClient);
      expect(r.ok).toBe(false);
      expect(r.failure).toBe("TLS Handshake Failure");
      expect(r.logs.join("\n")).toContain("TLS handshake error: tls: failed to verify client certificate");
    });

    test("an expired certificate: TLS Handshake Failure", async () => {
      h = startHarness({ verify: true }, mixed);
      const r = await attempt(h, certs.expiredClient);
      expect(r.ok).toBe(false);
      expect(r.failure).toBe("TLS Handshake Failure");
      expect(r.logs.join("\n")).toContain("x509: certificate has expired or is not yet valid");
    });

    test("without verify, no certificate is asked for", async () => {
      h = startHarness({}, mixed);
      const r = await attempt(h);
      expect(r.ok).toBe(true);
      expect(h.conns[0]!.conn.tls?.peerCertificate).toBeUndefined();
    });
  });

  describe(`pinned_certs, ${path}`, () => {
    const pinOf = (p: CertPair) => spkiSha256(new X509Certificate(readFileSync(p.cert)).raw);

    test("a pinned key is accepted", async () => {
      h = startHarness({ verify: true, pinnedCerts: [pinOf(certs.client).toUpperCase()] }, mixed);
      expect((await attempt(h, certs.client)).ok).toBe(true);
    });

    test("another key is rejected, even from the right CA", async () => {
      h = startHarness({ verify: true, pinnedCerts: [pinOf(certs.email)] }, mixed);
      const r = await attempt(h, certs.client);
      expect(r.ok).toBe(false);
      expect(r.failure).toBe("TLS Handshake Failure");
      expect(r.logs).toContain("[ERR] TLS handshake error: certificate not pinned");
    });

    test("pinning without verify and no client certificate: rejected", async () => {
      h = startHarness({ pinnedCerts: [pinOf(certs.client)] }, mixed);
      const r = await attempt(h);
      expect(r.ok).toBe(false);
      expect(r.failure).toBe("TLS Handshake Failure");
    });
  });
}

test("the pin is the SHA-256 of the SubjectPublicKeyInfo (as openssl computes it)", () => {
  const pem = readFileSync(certs.client.cert, "utf8");
  const spki = Bun.spawnSync(["sh", "-c", `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum`], {
    stdin: new TextEncoder().encode(pem),
  });
  const expected = spki.stdout.toString().split(" ")[0];
  expect(spkiSha256(new X509Certificate(pem).raw)).toBe(expected!);
});
