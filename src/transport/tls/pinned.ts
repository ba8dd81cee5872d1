// pinned_certs: as nats-server (auth.go matchesPinnedCert, opts.go parseTLS), an entry is the lower-case hex
// SHA-256 of the peer certificate's DER-encoded SubjectPublicKeyInfo (not of the whole certificate: pinning
// the key survives re-issuing the certificate). A peer without a certificate or with another key fails.
import type * as NodeCrypto from "node:crypto";
// Node built-ins are required on first use: loading one costs a few MB of resident memory (issue 15).
const nodeCrypto = (): typeof NodeCrypto => require("node:crypto") as typeof NodeCrypto;
import { OptionsError } from "../../options.ts";

const HEX64 = /^[A-Fa-f0-9]{64}$/;

/** Validates and normalizes the configured entries (opts.go: same check, same words). */
export function parsePinnedCerts(entries: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const raw of entries) {
    const entry = raw.toLowerCase();
    if (!HEX64.test(entry)) {
      throw new OptionsError(
        `error parsing tls config, 'pinned_certs' key ${entry} does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo`,
      );
    }
    set.add(entry);
  }
  return set;
}

/** Hex SHA-256 of the SubjectPublicKeyInfo of a DER certificate (monitor.go subject_pk_sha256). */
export function spkiSha256(certDer: Uint8Array): string {
  const spki = new (nodeCrypto().X509Certificate)(certDer).publicKey.export({ type: "spki", format: "der" });
  return nodeCrypto().createHash("sha256").update(spki).digest("hex");
}

/** Hex SHA-256 of the whole DER certificate (monitor.go cert_sha256). */
export function certSha256(certDer: Uint8Array): string {
  return nodeCrypto().createHash("sha256").update(certDer).digest("hex");
}

/** auth.go matchesPinnedCert: true when pinning is off or the peer's key is pinned. */
export function matchesPinnedCert(pinned: ReadonlySet<string> | undefined, peerCertDer: Uint8Array | undefined): boolean {
  if (!pinned) return true;
  if (!peerCertDer || peerCertDer.length === 0) return false;
  return pinned.has(spkiSha256(peerCertDer));
}
