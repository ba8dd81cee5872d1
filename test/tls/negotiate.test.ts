// The four TLS modes on real sockets, with node:tls clients for exact bytes (src/tls/negotiate.ts).
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { RawClient } from "../helpers/raw.ts";
import { testCerts } from "../helpers/certs.ts";
import { cleanUp, startHarness, track, type Harness } from "./harness.ts";

const certs = testCerts();
const ca = readFileSync(certs.ca.cert);
const clientCert = { cert: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) };

let h: Harness | undefined;
afterEach(cleanUp);

describe("mode 2: TLS required (plaintext INFO, native upgrade)", () => {
  test("INFO says tls_required, then TLS carries the protocol", async () => {
    h = startHarness();
    const c = track(await RawClient.connect(h.port));
    const info = await c.readInfo();
    expect(info.tls_required).toBe(true);
    expect(info.tls_available).toBeUndefined();
    const secure = await c.startTLS({ ca });
    expect(secure.getProtocol()).toBe("TLSv1.3");
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
    const conn = await h.nextConn();
    expect(conn.conn.tls?.version).toBe("1.3");
    expect(conn.conn.tls?.cipher).toMatch(/^TLS_AES_|^TLS_CHACHA20/);
    expect(conn.conn.tls?.first).toBe(false);
    expect(conn.logs).toContain("[DBG] TLS handshake complete");
  });

  test("a client that sends plaintext is closed without a word: TLS Handshake Failure", async () => {
    h = startHarness();
    const c = track(await RawClient.connect(h.port));
    await c.readInfo();
    c.send("CONNECT {}\r\nPING\r\n");
    expect(await c.waitClosed()).toBe(true);
    expect(c.unread).toBe("");
    const conn = await h.nextConn();
    await conn.waitClosed();
    expect(conn.failure).toBe("TLS Handshake Failure");
    expect(conn.logs).toContain("[ERR] TLS handshake error: tls: first record does not look like a TLS handshake");
  });

  test("a client that never starts the handshake is dropped after tls.timeout", async () => {
    h = startHarness({ timeout: 300 });
    const t0 = performance.now();
    const c = track(await RawClient.connect(h.port));
    await c.readInfo();
    expect(await c.waitClosed(3000)).toBe(true);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1500);
    expect(c.unread).toBe(""); // the reference's queued -ERR never reaches the wire
    const conn = await h.nextConn();
    await conn.waitClosed();
    expect(conn.failure).toBe("TLS Handshake Failure");
    expect(conn.logs).toContain("[ERR] TLS handshake timeout");
  });

  test("min_version 1.3 refuses a TLS 1.2 client; 1.2 accepted by default", async () => {
    h = startHarness({ minVersion: "1.3" });
    const c = track(await RawClient.connect(h.port));
    await c.readInfo();
    await expect(c.startTLS({ ca, maxVersion: "TLSv1.2" })).rejects.toThrow();
    h.stop();
    h = startHarness();
    const d = track(await RawClient.connect(h.port));
    await d.readInfo();
    const s = await d.startTLS({ ca, maxVersion: "TLSv1.2" });
    expect(s.getProtocol()).toBe("TLSv1.2");
    d.send("PING\r\n");
    await d.expect("PONG\r\n");
    const conn = await h.nextConn();
    expect(conn.conn.tls?.version).toBe("1.2");
    // default suites are nats-server's (ECDHE + AEAD), reported with Go's names
    expect(conn.conn.tls?.cipher).toMatch(/^TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305)$/);
  });

  test("cipher_suites restricts TLS 1.2 suites", async () => {
    h = startHarness({ cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] });
    const c = track(await RawClient.connect(h.port));
    await c.readInfo();
    const s = await c.startTLS({ ca, maxVersion: "TLSv1.2" });
    expect(s.getCipher().name).toBe("ECDHE-ECDSA-AES256-GCM-SHA384");
    const conn = await h.nextConn();
    expect(conn.conn.tls?.cipher).toBe("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    const d = track(await RawClient.connect(h.port));
    await d.readInfo();
    await expect(d.startTLS({ ca, maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" })).rejects.toThrow();
  });
});

describe("mode 3: handshake_first", () => {
  test("no plaintext at all: the handshake comes first, INFO over TLS", async () => {
    h = startHarness({ handshakeFirst: -1 });
    const c = track(await RawClient.connectTLS(h.port, { ca }));
    const info = await c.readInfo();
    expect(info.tls_required).toBe(true);
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
    const conn = await h.nextConn();
    expect(conn.conn.tls?.first).toBe(true);
  });

  test("without a fallback, a plaintext client gets nothing and is dropped", async () => {
    h = startHarness({ handshakeFirst: -1, timeout: 300 });
    const c = track(await RawClient.connect(h.port));
    expect(await c.waitClosed(2000)).toBe(true);
    expect(c.unread).toBe("");
    const conn = await h.nextConn();
    expect(conn.failure).toBe("TLS Handshake Failure");
  });

  test("with a fallback: a TLS-first client is served through the replay path", async () => {
    h = startHarness({ handshakeFirst: 200 });
    const t0 = performance.now();
    const c = track(await RawClient.connectTLS(h.port, { ca }));
    const info = await c.readInfo();
    expect(info.tls_required).toBe(true);
    expect(performance.now() - t0).toBeLessThan(180); // no waiting for the fallback delay
    c.send("PING\r\nhello\r\n");
    await c.expect("PONG\r\nECHO hello\r\n");
    const conn = await h.nextConn();
    expect(conn.conn.tls?.first).toBe(true);
  });

  test("with a fallback: a silent client gets the plaintext INFO after the delay, then mode 2", async () => {
    h = startHarness({ handshakeFirst: 150 });
    const t0 = performance.now();
    const c = track(await RawClient.connect(h.port));
    const info = await c.readInfo();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1000);
    expect(info.tls_required).toBe(true);
    await c.startTLS({ ca });
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
    const conn = await h.nextConn();
    expect(conn.conn.tls?.first).toBe(false);
  });
});

describe("mode 4: allow_non_tls (mixed)", () => {
  test("INFO has tls_available; plaintext and TLS clients both work", async () => {
    h = startHarness({}, true);
    const plain = track(await RawClient.connect(h.port));
    const info = await plain.readInfo();
    expect(info.tls_available).toBe(true);
    expect(info.tls_required).toBeUndefined();
    plain.send("PING\r\n");
    await plain.expect("PONG\r\n");
    const p = await h.nextConn();
    expect(p.conn.tls).toBeUndefined();

    const secure = track(await RawClient.connect(h.port));
    await secure.readInfo();
    await secure.startTLS({ ca });
    secure.send("PING\r\nsecret\r\n");
    await secure.expect("PONG\r\nECHO secret\r\n");
    const s = await h.nextConn();
    expect(s.conn.tls?.version).toBe("1.3");
    expect(s.conn.tls?.first).toBe(false);
  });

  test("the protocol bytes of the first chunk are not lost on the plaintext side", async () => {
    h = startHarness({}, true);
    const plain = track(await RawClient.connect(h.port));
    await plain.readInfo();
    plain.send("PING\r\none\r\ntwo\r\n");
    await plain.expect("PONG\r\nECHO one\r\nECHO two\r\n");
  });

  test("a silent client is taken as plaintext once the TLS timeout passes", async () => {
    h = startHarness({ timeout: 200 }, true);
    const c = track(await RawClient.connect(h.port));
    await c.readInfo();
    const conn = await h.nextConn();
    expect(conn.readyAt).toBeUndefined();
    const deadline = performance.now() + 2000;
    while (conn.readyAt === undefined && performance.now() < deadline) await Bun.sleep(10);
    expect(conn.readyAt).toBeDefined();
    expect(conn.readyAt! - conn.start).toBeGreaterThanOrEqual(190);
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
    expect(conn.conn.tls).toBeUndefined();
  });

  test("handshake_first with allow_non_tls and a fallback: silence leads to mixed mode", async () => {
    h = startHarness({ handshakeFirst: 100 }, true);
    const c = track(await RawClient.connect(h.port));
    const info = await c.readInfo();
    expect(info.tls_available).toBe(true);
    expect(info.tls_required).toBeUndefined();
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
  });
});

describe("connection_rate_limit", () => {
  test("over the limit: -ERR after INFO, closed as Maximum Connections Exceeded", async () => {
    h = startHarness({ connectionRateLimit: 2 });
    const ok: RawClient[] = [];
    for (let i = 0; i < 2; i++) {
      const c = track(await RawClient.connect(h.port));
      await c.readInfo();
      ok.push(c);
    }
    const over = track(await RawClient.connect(h.port));
    await over.readInfo();
    await over.expect("-ERR 'Connection throttling is active. Please try again later.'\r\n");
    expect(await over.waitClosed()).toBe(true);
    const conns = [await h.nextConn(), await h.nextConn(), await h.nextConn()];
    expect(conns[2]!.failure).toBe("Maximum Connections Exceeded");
    // the allowed ones still handshake
    await ok[0]!.startTLS({ ca });
    ok[0]!.send("PING\r\n");
    await ok[0]!.expect("PONG\r\n");
  });
});

export { clientCert };
