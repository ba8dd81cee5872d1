// Loading the tls {} options: the reference's error words plus the file at fault; expiry; cipher mapping.
import { describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OptionsError } from "../../src/options.ts";
import { loadTLSContext } from "../../src/transport/tls/context.ts";
import { opensslCiphers, tlsCipherName, tlsVersionName } from "../../src/transport/tls/ciphers.ts";
import { RateCounter } from "../../src/transport/tls/ratelimit.ts";
import { testCerts } from "../helpers/certs.ts";
import { tlsOptions } from "./harness.ts";

const certs = testCerts();
const dir = mkdtempSync(join(tmpdir(), "bnats-tls-ctx-"));
const garbage = join(dir, "garbage.pem");
writeFileSync(garbage, "not a pem file\n");

function loadError(over: Parameters<typeof tlsOptions>[0]): string {
  try {
    loadTLSContext(tlsOptions(over));
  } catch (err) {
    expect(err).toBeInstanceOf(OptionsError);
    return (err as Error).message;
  }
  throw new Error("expected an OptionsError");
}

describe("loadTLSContext errors", () => {
  test("missing cert file names it, in Go's words", () => {
    const f = join(dir, "nope.pem");
    expect(loadError({ certFile: f })).toBe(`error parsing X509 certificate/key pair: open ${f}: no such file or directory`);
  });
  test("missing key file", () => {
    const f = join(dir, "nope-key.pem");
    expect(loadError({ keyFile: f })).toBe(`error parsing X509 certificate/key pair: open ${f}: no such file or directory`);
  });
  test("not PEM", () => {
    expect(loadError({ certFile: garbage })).toContain("tls: failed to find any PEM data in certificate input");
    expect(loadError({ certFile: garbage })).toContain(garbage);
    expect(loadError({ keyFile: garbage })).toContain("tls: failed to find any PEM data in key input");
  });
  test("a key that does not match the certificate names both files", () => {
    const msg = loadError({ keyFile: certs.client.key });
    expect(msg).toStartWith("error parsing X509 certificate/key pair: tls: private key does not match public key");
    expect(msg).toContain(certs.server.cert);
    expect(msg).toContain(certs.client.key);
  });
  test("cert without key and key without cert", () => {
    expect(loadError({ keyFile: "" })).toBe("missing 'key_file' in TLS configuration");
    expect(loadError({ certFile: "" })).toBe("missing 'cert_file' in TLS configuration");
  });
  test("CA file: unreadable, unparsable", () => {
    const f = join(dir, "no-ca.pem");
    expect(loadError({ caFile: f })).toContain(`open ${f}: no such file or directory`);
    expect(loadError({ caFile: garbage })).toBe(`failed to parse root ca certificate (ca_file ${JSON.stringify(garbage)})`);
  });
  test("unknown cipher, curve, version, pin", () => {
    expect(loadError({ cipherSuites: ["BOGUS"] })).toBe("unrecognized cipher BOGUS");
    expect(loadError({ curvePreferences: ["BOGUS"] })).toBe("unrecognized curve preference BOGUS");
    expect(loadError({ minVersion: "1.1" })).toBe("error parsing tls config: unsupported TLS version: 1.1");
    expect(loadError({ pinnedCerts: ["abc"] })).toContain("'pinned_certs' key abc does not look like hex-encoded sha256");
  });
});

describe("loadTLSContext", () => {
  test("expiry of the server certificate, verify flags, Bun options", () => {
    const ctx = loadTLSContext(tlsOptions({ verify: true }));
    const expected = new X509Certificate(readFileSync(certs.server.cert)).validToDate;
    expect(ctx.certNotAfter.getTime()).toBe(expected.getTime());
    expect(ctx.verify).toBe(true);
    expect(ctx.bun.requestCert).toBe(true);
    expect(ctx.bun.rejectUnauthorized).toBe(true);
    expect(ctx.bun.ciphers).toContain("ECDHE-ECDSA-AES128-GCM-SHA256");
    expect(ctx.bun.ecdhCurve).toBe("X25519:P-256:P-384:P-521");
  });
  test("verify_and_map implies verify", () => {
    expect(loadTLSContext(tlsOptions({ map: true })).verify).toBe(true);
  });
  test("ciphers BoringSSL lacks are warned about, not fatal", () => {
    const ctx = loadTLSContext(tlsOptions({ cipherSuites: ["TLS_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] }));
    expect(ctx.warnings.join()).toContain("TLS_RSA_WITH_RC4_128_SHA");
    expect(() => loadTLSContext(tlsOptions({ cipherSuites: ["TLS_RSA_WITH_RC4_128_SHA"] }))).toThrow(OptionsError);
  });
  test("reload reads the files again", () => {
    const d = mkdtempSync(join(tmpdir(), "bnats-tls-reload-"));
    const cert = join(d, "cert.pem");
    const key = join(d, "key.pem");
    writeFileSync(cert, readFileSync(certs.server.cert));
    writeFileSync(key, readFileSync(certs.server.key));
    const a = loadTLSContext(tlsOptions({ certFile: cert, keyFile: key }));
    writeFileSync(cert, readFileSync(certs.client.cert));
    writeFileSync(key, readFileSync(certs.client.key));
    const b = loadTLSContext(tlsOptions({ certFile: cert, keyFile: key }));
    expect(a.bun.cert).not.toBe(b.bun.cert);
  });
});

describe("names", () => {
  test("Go names of versions and suites", () => {
    expect(tlsVersionName("TLSv1.3")).toBe("1.3");
    expect(tlsVersionName("TLSv1.2")).toBe("1.2");
    expect(tlsCipherName("TLS_AES_256_GCM_SHA384")).toBe("TLS_AES_256_GCM_SHA384");
    expect(tlsCipherName("ECDHE-RSA-CHACHA20-POLY1305")).toBe("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305");
    expect(opensslCiphers(["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]).ciphers).toBe("ECDHE-RSA-AES128-GCM-SHA256");
  });
});

describe("RateCounter (rate_counter.go)", () => {
  test("limit per window, blocked count, new window", () => {
    let now = 1000;
    const rc = new RateCounter(3, 1000, () => now);
    expect([rc.allow(), rc.allow(), rc.allow(), rc.allow(), rc.allow()]).toEqual([true, true, true, false, false]);
    expect(rc.countBlocked()).toBe(2);
    expect(rc.countBlocked()).toBe(0);
    now += 1001;
    expect(rc.allow()).toBe(true);
  });
});
