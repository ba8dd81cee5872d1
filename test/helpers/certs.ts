// Test certificates, generated at test time with openssl (no key material in the repository), once per
// test run (the bun test process) into a temp dir that is removed at exit.
// Covers what TLS tests need: a CA, a server cert for localhost/127.0.0.1, client certs whose
// identities exercise every verify_and_map source (email SAN, DNS SAN, URI SAN, full subject DN, DN with
// domain components), a client cert from a foreign CA, and an expired client cert.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OPENSSL = process.env.OPENSSL_BIN ?? "/usr/bin/openssl";

export interface CertPair {
  cert: string;
  key: string;
}

export interface TestCerts {
  dir: string;
  /** The test CA (signs the server and the good client certs). */
  ca: CertPair;
  /** CN=localhost; SAN DNS:localhost, IP:127.0.0.1, IP:::1. */
  server: CertPair;
  /** CN=client, no SANs. */
  client: CertPair;
  /** CN=route; SAN DNS:localhost, IP:127.0.0.1; server and client use (a route's certificate serves both ways). */
  route: CertPair;
  /** CN=alice; SAN email:alice@example.com. verify_and_map user: "alice@example.com". */
  email: CertPair & { user: string };
  /** CN=bob; SAN DNS:bob.example.com. verify_and_map user: "bob.example.com". */
  dns: CertPair & { user: string };
  /** CN=carol; SAN URI:spiffe://example.com/carol. verify_and_map user: that URI. */
  uri: CertPair & { user: string };
  /** Full subject, no SANs. verify_and_map user: the RFC 2253 DN string. */
  dn: CertPair & { user: string };
  /** Subject with domain components. verify_and_map user: nats-server's "RDN,DC=..,DC=.." form. */
  dc: CertPair & { user: string };
  /** A second, unrelated CA and a client cert it signed (rejected by the test CA). */
  foreignCa: CertPair;
  foreignClient: CertPair;
  /** Signed by the test CA but valid only in 2020. */
  expiredClient: CertPair;
}

function openssl(dir: string, args: string[]): void {
  const r = Bun.spawnSync([OPENSSL, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) {
    throw new Error(`openssl ${args.join(" ")} failed (${r.exitCode}): ${r.stderr.toString()}`);
  }
}

/** EC P-256 keys: generated instantly, and accepted by Go, Node and Bun alike. */
function newKey(dir: string, name: string): string {
  const key = join(dir, `${name}-key.pem`);
  openssl(dir, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
  return key;
}

function selfSignedCa(dir: string, name: string, subject: string): CertPair {
  const key = newKey(dir, name);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
  openssl(dir, ["req", "-x509", "-new", "-key", key, "-out", cert, "-days", "3650", "-subj", subject, "-extensions", "v3_ca", "-addext", "basicConstraints=critical,CA:TRUE"]);
  return { cert, key };
}

interface LeafSpec {
  name: string;
  subject: string;
  san?: string;
  usage: "server" | "client" | "both";
  ca: CertPair;
  /** Validity in the past: "YYMMDDHHMMSSZ" start and end, through `openssl ca`. */
  expired?: boolean;
}

function leaf(dir: string, spec: LeafSpec): CertPair {
  const key = newKey(dir, spec.name);
  const csr = join(dir, `${spec.name}.csr`);
  const cert = join(dir, `${spec.name}-cert.pem`);
  const ext = join(dir, `${spec.name}.ext`);
  const lines = [
    "basicConstraints=CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    `extendedKeyUsage=${spec.usage === "both" ? "serverAuth,clientAuth" : spec.usage === "server" ? "serverAuth" : "clientAuth"}`,
  ];
  if (spec.san) lines.push(`subjectAltName=${spec.san}`);
  writeFileSync(ext, lines.join("\n") + "\n");
  openssl(dir, ["req", "-new", "-key", key, "-out", csr, "-subj", spec.subject]);
  if (spec.expired) {
    // `openssl x509` (3.0) cannot set dates in the past; `openssl ca` can, given a minimal database.
    const db = join(dir, `${spec.name}.db`);
    writeFileSync(db, "");
    const conf = join(dir, `${spec.name}.cnf`);
    writeFileSync(
      conf,
      [
        "[ca]",
        "default_ca = test",
        "[test]",
        `database = ${db}`,
        `new_certs_dir = ${dir}`,
        "default_md = sha256",
        "policy = any",
        "rand_serial = yes",
        "unique_subject = no",
        "[any]",
        "commonName = supplied",
        "",
      ].join("\n"),
    );
    openssl(dir, [
      "ca", "-batch", "-config", conf, "-cert", spec.ca.cert, "-keyfile", spec.ca.key, "-in", csr, "-out", cert,
      "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-extfile", ext, "-notext",
    ]);
  } else {
    openssl(dir, [
      "x509", "-req", "-in", csr, "-CA", spec.ca.cert, "-CAkey", spec.ca.key, "-CAcreateserial", "-out", cert,
      "-days", "825", "-sha256", "-extfile", ext,
    ]);
  }
  return { cert, key };
}

function generate(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "bnats-certs-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const ca = selfSignedCa(dir, "ca", "/O=bnats test/CN=bnats Test CA");
  const foreignCa = selfSignedCa(dir, "foreign-ca", "/O=Elsewhere/CN=Foreign CA");
  const server = leaf(dir, {
    name: "server",
    subject: "/O=bnats test/CN=localhost",
    san: "DNS:localhost,IP:127.0.0.1,IP:::1",
    usage: "server",
    ca,
  });
  const client = leaf(dir, { name: "client", subject: "/O=bnats test/CN=client", usage: "client", ca });
  const route = leaf(dir, { name: "route", subject: "/O=bnats test/CN=route", san: "DNS:localhost,IP:127.0.0.1", usage: "both", ca });
  const email = leaf(dir, { name: "alice", subject: "/CN=alice", san: "email:alice@example.com", usage: "client", ca });
  const dns = leaf(dir, { name: "bob", subject: "/CN=bob", san: "DNS:bob.example.com", usage: "client", ca });
  const uri = leaf(dir, { name: "carol", subject: "/CN=carol", san: "URI:spiffe://example.com/carol", usage: "client", ca });
  const dn = leaf(dir, {
    name: "dave",
    subject: "/C=US/ST=California/L=Los Angeles/O=Synadia/OU=nats.io/CN=dave",
    usage: "client",
    ca,
  });
  const dc = leaf(dir, { name: "erin", subject: "/DC=org/DC=example/O=Synadia/CN=erin", usage: "client", ca });
  const foreignClient = leaf(dir, { name: "foreign-client", subject: "/CN=client", usage: "client", ca: foreignCa });
  const expiredClient = leaf(dir, {
    name: "expired-client",
    subject: "/O=bnats test/CN=expired",
    usage: "client",
    ca,
    expired: true,
  });
  for (const p of [ca, server, client, foreignClient, expiredClient]) {
    if (!existsSync(p.cert) || !existsSync(p.key)) throw new Error(`certificate generation left out ${p.cert}`);
  }
  return {
    dir,
    ca,
    server,
    client,
    route,
    email: { ...email, user: "alice@example.com" },
    dns: { ...dns, user: "bob.example.com" },
    uri: { ...uri, user: "spiffe://example.com/carol" },
    // Go's pkix RDNSequence.String(): RFC 2253 order (last RDN first).
    dn: { ...dn, user: "CN=dave,OU=nats.io,O=Synadia,L=Los Angeles,ST=California,C=US" },
    // nats-server appends the domain components after the RDN string (auth.go getTLSAuthDCs).
    dc: { ...dc, user: "CN=erin,O=Synadia,DC=example,DC=org" },
    foreignCa,
    foreignClient,
    expiredClient,
  };
}

let cached: TestCerts | undefined;

/** The test certificates, generated on first use and shared by every test file of this run. */
export function testCerts(): TestCerts {
  cached ??= generate();
  return cached;
}
