// /connz tls_peer_certs (nats-server 2.9.10 monitor.go makePeerCerts): for each certificate the client
// presented, Go's Subject.String() and the hex SHA-256 of its SubjectPublicKeyInfo and of its DER.
import { goSubjectString, subjectFromDER, type CertAttribute } from "../auth/tlsmap.ts";
import { certSha256, spkiSha256 } from "../transport/tls/pinned.ts";

/** The reference's TLSPeerCert (all three omitempty). */
export interface TLSPeerCert {
  subject?: string;
  spki_sha256?: string;
  cert_sha256?: string;
}

/** Per certificate, computed once: a connection's certificate does not change. */
const cache = new WeakMap<Uint8Array, TLSPeerCert>();

/** makePeerCerts for the peer certificate bnats keeps (the leaf, DER); [] when it cannot be read. */
export function makePeerCerts(der: Uint8Array): TLSPeerCert[] {
  let pc = cache.get(der);
  if (pc === undefined) {
    try {
      pc = {
        subject: goNameString(subjectFromDER(der)) || undefined,
        spki_sha256: spkiSha256(der),
        cert_sha256: certSha256(der),
      };
    } catch {
      // The handshake accepted it, so this is unlikely; report nothing rather than fail /connz.
      return [];
    }
    cache.set(der, pc);
  }
  return [pc];
}

/** Short names that Go's pkix.Name parses into its own fields (attribute types 2.5.4.{3,5,6,7,8,9,10,11,17}). */
const PKIX_FIELDS = new Set(["CN", "SERIALNUMBER", "C", "L", "ST", "STREET", "O", "OU", "POSTALCODE"]);
/** The one non-pkix short name subjectFromDER gives, back to its OID (RDNSequence.String prints OIDs). */
const OIDS: Record<string, string> = { DC: "0.9.2342.19200300.100.1.25" };

/**
 * Go's pkix.Name.String() of a parsed certificate's subject (Go >= 1.16, the reference's go1.19): the
 * pkix fields as ToRDNSequence().String() (goSubjectString), then every other attribute (domain
 * components, emailAddress, UID, ...) as "<oid>=#<hex of its DER>", those being placed first in the
 * sequence and so printed last, in reverse certificate order (Go issue 39924).
 */
export function goNameString(subject: readonly (readonly CertAttribute[])[]): string {
  const extras: string[] = [];
  for (const rdn of subject) {
    for (const a of rdn) {
      if (PKIX_FIELDS.has(a.type)) continue;
      extras.push(`${OIDS[a.type] ?? a.type}=#${hex(asn1String(a.value))}`);
    }
  }
  const std = goSubjectString({ emailAddresses: [], dnsNames: [], uris: [], subject });
  return [std, ...extras.reverse()].filter((s) => s !== "").join(",");
}

/**
 * encoding/asn1 Marshal of a Go string: a PrintableString when every character allows it, else a
 * UTF8String (the attribute's original string type is not kept by the parse).
 */
function asn1String(value: string): Uint8Array {
  const bytes = new TextEncoder().encode(value);
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
  const tag = printable ? 0x13 : 0x0c;
  const len = bytes.length;
  const head = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}
