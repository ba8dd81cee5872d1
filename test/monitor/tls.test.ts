// Monitoring of a TLS server, with real TLS clients: /connz tls_version, tls_cipher_suite, tls_peer_certs
// (auth=1), tls_first (2.10); /varz tls_required, tls_verify, tls_timeout, tls_cert_not_after (2.10);
// /metrics; the https listener's certificate. Side by side with nats-server 2.9.10 where it is installed.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { X509Certificate, createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as net from "node:net";
import * as tls from "node:tls";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Options, TLSOptions } from "../../src/options.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { OPENSSL, testCerts, type CertPair } from "../helpers/certs.ts";
import { hasReference, startReference, type ProcessServer } from "../helpers/ref.ts";
import { CERT_FILE, KEY_FILE, request } from "./scenario.ts";
import { tlsOptions } from "../tls/harness.ts";

const certs = testCerts();
const pem = (path: string): string => readFileSync(path, "utf8");
const ca = pem(certs.ca.cert);
const withCert = (pair: CertPair): { ca: string; cert: string; key: string } => ({ ca, cert: pem(pair.cert), key: pem(pair.key) });
const dir = mkdtempSync(join(tmpdir(), "monitor-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A client certificate with an e-mail address in its subject (an attribute Go's pkix.Name has no field for). */
const emailSubject: CertPair = (() => {
  const key = join(dir, "mail-key.pem");
  const csr = join(dir, "mail.csr");
  const cert = join(dir, "mail-cert.pem");
  const run = (args: string[]): void => {
    const r = Bun.spawnSync([OPENSSL, ...args], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  };
  run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
  run(["req", "-new", "-key", key, "-out", csr, "-subj", "/O=bnats test/CN=mail/emailAddress=mail@example.com"]);
  const ext = join(dir, "mail.ext");
  writeFileSync(ext, "extendedKeyUsage=clientAuth\n");
  run(["x509", "-req", "-in", csr, "-CA", certs.ca.cert, "-CAkey", certs.ca.key, "-CAcreateserial", "-out", cert, "-days", "30", "-extfile", ext]);
  return { cert, key };
})();


let srv: InProcessServer | undefined;
const conns: NatsConnection[] = [];
const sockets: tls.TLSSocket[] = [];
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close().catch(() => undefined)));
  for (const s of sockets.splice(0)) s.destroy();
  await srv?.stop();
  srv = undefined;
});

async function start(over: Partial<TLSOptions> = {}, extra: Partial<Options> = {}): Promise<InProcessServer> {
  srv = await startBnats({ options: { tls: tlsOptions(over), httpsPort: -1, ...extra } });
  return srv;
}

async function client(port: number, tlsOptions: Record<string, unknown>, name: string): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, name, tls: tlsOptions });
  conns.push(nc);
  await nc.flush();
  return nc;
}

/** A raw client: reads the plaintext INFO, upgrades with node:tls (e.g. TLS 1.2 only), CONNECT + PING until PONG. */
function rawClient(port: number, opts: tls.ConnectionOptions, name: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const plain = net.createConnection({ host: "127.0.0.1", port });
    plain.on("error", reject);
    plain.once("data", () => {
      const s = tls.connect({ socket: plain, servername: "localhost", ...opts }, () => {
        s.write(`CONNECT {"verbose":false,"name":"${name}","lang":"raw"}\r\nPING\r\n`);
      });
      sockets.push(s);
      let text = "";
      s.on("data", (b: Buffer) => {
        text += b.toString();
        if (text.includes("PONG")) resolve(s);
      });
      s.on("error", reject);
    });
  });
}

interface Conn {
  cid: number;
  name?: string;
  tls_version?: string;
  tls_cipher_suite?: string;
  tls_peer_certs?: { subject?: string; spki_sha256?: string; cert_sha256?: string }[];
  tls_first?: boolean;
  authorized_user?: string;
}
interface ConnzBody {
  connections: Conn[];
}

async function getJSON<T>(httpsPort: number, path: string): Promise<T> {
  const r = await request({ httpsPort }, { path, https: true });
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as T;
}

const byName = (c: ConnzBody, name: string): Conn => {
  const conn = c.connections.find((x) => x.name === name);
  if (!conn) throw new Error(`no connection named ${name} in ${JSON.stringify(c)}`);
  return conn;
};

/** What makePeerCerts gives for a certificate, computed here with node:crypto directly. */
function expectedPeer(pair: CertPair, subject: string): { subject: string; spki_sha256: string; cert_sha256: string } {
  const x = new X509Certificate(pem(pair.cert));
  const spki = x.publicKey.export({ type: "spki", format: "der" });
  return {
    subject,
    spki_sha256: createHash("sha256").update(spki).digest("hex"),
    cert_sha256: createHash("sha256").update(x.raw).digest("hex"),
  };
}

/** Go's time.Time JSON of a certificate's NotAfter (whole seconds, UTC). */
const goNotAfter = (file: string): string => new X509Certificate(pem(file)).validToDate.toISOString().replace(".000Z", "Z");

describe("/connz of TLS connections", () => {
  test("tls_version and Go's cipher suite names: TLS 1.3 and TLS 1.2 (ECDSA and RSA certificates)", async () => {
    const s = await start();
    await client(s.port, { ca }, "v13");
    await rawClient(s.port, { ca, maxVersion: "TLSv1.2" }, "v12");
    const c = await getJSON<ConnzBody>(s.httpsPort!, "/connz");
    expect(byName(c, "v13").tls_version).toBe("1.3");
    expect(byName(c, "v13").tls_cipher_suite).toMatch(/^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
    expect(byName(c, "v12").tls_version).toBe("1.2");
    // The test server certificate is EC (P-256): an ECDHE_ECDSA suite, in Go's (IANA) words.
    expect(byName(c, "v12").tls_cipher_suite).toMatch(/^TLS_ECDHE_ECDSA_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
    await srv!.stop();

    // The fixture certificate is RSA.
    srv = await startBnats({
      options: { tls: tlsOptions({ certFile: CERT_FILE, keyFile: KEY_FILE, caFile: undefined }), httpsPort: -1 },
    });
    await rawClient(srv.port, { ca: pem(CERT_FILE), maxVersion: "TLSv1.2" }, "rsa12");
    const r = await getJSON<ConnzBody>(srv.httpsPort!, "/connz");
    expect(byName(r, "rsa12").tls_cipher_suite).toMatch(/^TLS_ECDHE_RSA_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
  });

  test("tls_peer_certs only with auth=1, never for a closed connection", async () => {
    const s = await start({ verify: true });
    await client(s.port, withCert(certs.client), "with-cert");
    const plain = await getJSON<ConnzBody>(s.httpsPort!, "/connz");
    expect(byName(plain, "with-cert").tls_peer_certs).toBeUndefined();
    const auth = await getJSON<ConnzBody>(s.httpsPort!, "/connz?auth=1");
    // bnats knows the leaf only (the reference lists every certificate the client sent, see below).
    expect(byName(auth, "with-cert").tls_peer_certs).toEqual([expectedPeer(certs.client, "CN=client,O=bnats test")]);
    // Key order as the reference's ConnInfo: ... tls_version, tls_cipher_suite, tls_peer_certs, (tls_first,) authorized_user.
    const keys = Object.keys(byName(auth, "with-cert"));
    expect(keys.slice(keys.indexOf("tls_version"))).toEqual(["tls_version", "tls_cipher_suite", "tls_peer_certs"]);

    await conns.shift()!.close();
    for (let i = 0; i < 200; i++) {
      const closed = await getJSON<ConnzBody>(s.httpsPort!, "/connz?state=closed&auth=1");
      if (closed.connections.length > 0) {
        expect(byName(closed, "with-cert").tls_version).toBe("1.3");
        expect(byName(closed, "with-cert").tls_peer_certs).toBeUndefined();
        return;
      }
      await Bun.sleep(10);
    }
    throw new Error("the closed connection never showed");
  });

  test("without verify no client certificate is asked for, so none is listed (as ClientAuth NoClientCert)", async () => {
    const s = await start();
    await client(s.port, withCert(certs.client), "offers-cert");
    const auth = await getJSON<ConnzBody>(s.httpsPort!, "/connz?auth=1");
    expect(byName(auth, "offers-cert").tls_version).toBe("1.3");
    expect(byName(auth, "offers-cert").tls_peer_certs).toBeUndefined();
  });

  test("subject as Go's pkix.Name.String(): full DN, domain components and e-mail as OIDs", async () => {
    const s = await start({ verify: true });
    await client(s.port, withCert(certs.dn), "dn");
    await client(s.port, withCert(certs.dc), "dc");
    await client(s.port, withCert(emailSubject), "mail");
    const c = await getJSON<ConnzBody>(s.httpsPort!, "/connz?auth=true");
    expect(byName(c, "dn").tls_peer_certs).toEqual([expectedPeer(certs.dn, certs.dn.user)]);
    // DC=org, DC=example are not pkix.Name fields: printed last as "<oid>=#<DER>" (PrintableString 0x13).
    const dc = "0.9.2342.19200300.100.1.25";
    expect(byName(c, "dc").tls_peer_certs?.[0]?.subject).toBe(
      `CN=erin,O=Synadia,${dc}=#13076578616d706c65,${dc}=#13036f7267`,
    );
    // "@" is not PrintableString: Go re-marshals the value as a UTF8String (0x0c), length 16 (0x10).
    expect(byName(c, "mail").tls_peer_certs?.[0]?.subject).toBe(
      `CN=mail,O=bnats test,1.2.840.113549.1.9.1=#0c10${Buffer.from("mail@example.com").toString("hex")}`,
    );
  });

  test("tls_first (2.10) for a handshake_first connection only", async () => {
    const s = await start({ handshakeFirst: 50 });
    await client(s.port, { ca, handshakeFirst: true }, "first");
    await client(s.port, { ca }, "after-info");
    const c = await getJSON<ConnzBody>(s.httpsPort!, "/connz");
    expect(byName(c, "first").tls_first).toBe(true);
    expect(byName(c, "after-info").tls_first).toBeUndefined();
    // The fallback window means the first bytes were read before TLS: the replay (node:tls) path, which
    // reports the version and suite in the same words as the native one.
    for (const n of ["first", "after-info"]) {
      expect(byName(c, n).tls_version).toBe("1.3");
      expect(byName(c, n).tls_cipher_suite).toMatch(/^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
    }
    const keys = Object.keys(byName(c, "first"));
    expect(keys.slice(keys.indexOf("tls_version"))).toEqual(["tls_version", "tls_cipher_suite", "tls_first"]);
  });
});

describe("/varz and /metrics of a TLS server", () => {
  test("tls_required, tls_verify, tls_timeout, tls_cert_not_after", async () => {
    const s = await start({ verify: true, timeout: 1500 });
    const v = await getJSON<Record<string, unknown>>(s.httpsPort!, "/varz");
    expect(v.tls_required).toBe(true);
    expect(v.tls_verify).toBe(true);
    expect(v.tls_timeout).toBe(1.5);
    expect(v.tls_cert_not_after).toBe(goNotAfter(certs.server.cert));
    expect(Object.keys(v).at(-1)).toBe("tls_cert_not_after");
    const m = await request({ httpsPort: s.httpsPort }, { path: "/metrics", https: true });
    expect(m.body).toContain(`gnatsd_varz_tls_timeout{server_id="${s.server.id}"} 1.5\n`);
  });

  test("allow_non_tls: no tls_required (the reference's INFO says tls_available)", async () => {
    const s = await start({}, { allowNonTLS: true });
    const v = await getJSON<Record<string, unknown>>(s.httpsPort!, "/varz");
    expect(v.tls_required).toBeUndefined();
    expect(v.tls_verify).toBeUndefined();
    expect(v.tls_cert_not_after).toBe(goNotAfter(certs.server.cert));
  });

  test("without TLS: no tls_* flags, no tls_cert_not_after, tls_timeout 2", async () => {
    srv = await startBnats({ options: { httpPort: -1 } });
    const r = await request({ httpPort: srv.httpPort }, { path: "/varz" });
    const v = JSON.parse(r.body) as Record<string, unknown>;
    expect(v.tls_required).toBeUndefined();
    expect(v.tls_cert_not_after).toBeUndefined();
    expect(v.tls_timeout).toBe(2);
  });
});

describe("https monitoring", () => {
  test("serves the server's loaded certificate and asks no client certificate, even with verify", async () => {
    const s = await start({ verify: true });
    const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const sock = tls.connect({ host: "127.0.0.1", port: s.httpsPort!, ca, servername: "localhost" }, () => {
        resolve(sock.getPeerCertificate());
        sock.end();
      });
      sock.on("error", reject);
    });
    expect(peer.fingerprint256).toBe(new X509Certificate(pem(certs.server.cert)).fingerprint256);
    // No client certificate offered, and the request is answered.
    const r = await request({ httpsPort: s.httpsPort }, { path: "/healthz", https: true });
    expect(r.status).toBe(200);
  });
});

describe("https monitoring after a certificate reload", () => {
  test("the new certificate is served, /varz tls_cert_not_after follows, the port stays", async () => {
    const s = await start();
    const fingerprint = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const sock = tls.connect({ host: "127.0.0.1", port: s.httpsPort!, rejectUnauthorized: false }, () => {
          resolve(sock.getPeerCertificate().fingerprint256);
          sock.end();
        });
        sock.on("error", reject);
      });
    expect(await fingerprint()).toBe(new X509Certificate(pem(certs.server.cert)).fingerprint256);
    // What the reload does once the new files are loaded (src/server/reload.ts -> Server.reloadTLS).
    s.server.opts = { ...s.server.opts, tls: tlsOptions({ certFile: CERT_FILE, keyFile: KEY_FILE }) };
    s.server.reloadTLS(s.server.opts);
    expect(s.monitor.httpsPort).toBe(s.httpsPort!);
    expect(await fingerprint()).toBe(new X509Certificate(pem(CERT_FILE)).fingerprint256);
    const v = await getJSON<Record<string, unknown>>(s.httpsPort!, "/varz");
    expect(v.tls_cert_not_after).toBe(goNotAfter(CERT_FILE));
  });
});

// ---- side by side with nats-server 2.9.10

const withRef = describe.if(hasReference());

withRef("TLS monitoring vs nats-server", () => {
  const config = `https_port: -1
tls {
  cert_file: "${certs.server.cert}"
  key_file: "${certs.server.key}"
  ca_file: "${certs.ca.cert}"
  verify: true
  timeout: 1.5
}
`;

  /** A client that presents only its leaf certificate (no `ca`: OpenSSL has no chain to add). */
  const leafOnly = (pair: CertPair, over: tls.ConnectionOptions = {}): tls.ConnectionOptions => ({
    cert: pem(pair.cert),
    key: pem(pair.key),
    rejectUnauthorized: false,
    ...over,
  });

  async function observe(port: number, httpsPort: number): Promise<{ varz: Record<string, unknown>; conns: Conn[] }> {
    // The official client, given the CA, sends its certificate with the CA (OpenSSL's auto-chaining).
    await client(port, withCert(certs.client), "client");
    await rawClient(port, leafOnly(certs.dc), "dc");
    await rawClient(port, leafOnly(emailSubject), "mail");
    await rawClient(port, leafOnly(certs.dn, { maxVersion: "TLSv1.2" }), "dn12");
    const varz = await getJSON<Record<string, unknown>>(httpsPort, "/varz");
    const connz = await getJSON<ConnzBody>(httpsPort, "/connz?auth=1");
    const list = ["client", "dc", "mail", "dn12"].map((n) => {
      const c = byName(connz, n);
      // Known difference: the reference lists every certificate the client sent (leaf and CA for the
      // official client); Bun's TLS exposes the leaf only, so compare the leaves.
      const peer = n === "client" ? c.tls_peer_certs?.slice(0, 1) : c.tls_peer_certs;
      return { cid: 0, name: n, tls_version: c.tls_version, tls_cipher_suite: c.tls_cipher_suite, tls_peer_certs: peer };
    });
    return { varz, conns: list };
  }

  test("the same tls_* values in /varz and /connz?auth=1 (certificates, subjects, hashes, versions, suites)", async () => {
    let ref: ProcessServer | undefined;
    let theirs: Awaited<ReturnType<typeof observe>>;
    try {
      ref = await startReference({ config });
      theirs = await observe(ref.port, ref.httpsPort!);
    } finally {
      await Promise.all(conns.splice(0).map((c) => c.close().catch(() => undefined)));
      for (const s of sockets.splice(0)) s.destroy();
      await ref?.stop();
    }
    const s = await start({ verify: true, timeout: 1500 });
    const ours = await observe(s.port, s.httpsPort!);
    for (const k of ["tls_required", "tls_verify", "tls_timeout"]) expect([k, ours.varz[k]]).toEqual([k, theirs.varz[k]]);
    // 2.9.10 has no tls_cert_not_after (a 2.10 field); bnats renders it as Go renders a time.Time.
    expect(theirs.varz.tls_cert_not_after).toBeUndefined();
    expect(ours.varz.tls_cert_not_after).toBe(goNotAfter(certs.server.cert));
    expect(ours.conns).toEqual(theirs.conns);
  });
});
