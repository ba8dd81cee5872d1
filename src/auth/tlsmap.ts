// verify_and_map: map a verified client certificate to a configured user, as nats-server v2.9.10
// auth.go checkClientTLSCertSubject (with internal/ldap/dn.go for the DN comparison).
//
// The candidates are tried in the reference's order: e-mail SANs, DNS SANs, URI SANs, the subject
// DN compared as a DN (exact order, then any order), the Go RDN string with the domain components
// appended, then the Go RDN string alone.

import type * as NodeCrypto from "node:crypto";
// Node built-ins are required on first use: loading one costs a few MB of resident memory (issue 15).
const nodeCrypto = (): typeof NodeCrypto => require("node:crypto") as typeof NodeCrypto;

/** One subject attribute: a short name (CN, O, OU, C, ST, L, STREET, POSTALCODE, SERIALNUMBER, DC) or a dotted OID. */
export interface CertAttribute {
  readonly type: string;
  readonly value: string;
}

/** What the mapping needs from the peer certificate (the TLS layer builds it, e.g. peerCertInfoFromDER). */
export interface PeerCertInfo {
  readonly emailAddresses: readonly string[];
  readonly dnsNames: readonly string[];
  readonly uris: readonly string[];
  /** The subject's RDNs in certificate (DER) order, each one or more attributes. */
  readonly subject: readonly (readonly CertAttribute[])[];
}

/** Short names of internal/ldap attributeTypeNames (and Go's pkix attributeTypeNames, plus DC). */
const OID_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "SERIALNUMBER",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.17": "POSTALCODE",
  "0.9.2342.19200300.100.1.25": "DC",
};

/**
 * pkix.Name.ToRDNSequence order: the attributes Go keeps in pkix.Name fields, one RDN per value.
 * Anything else (emailAddress, DC, UID, ...) is dropped, since parsed certificates have no ExtraNames.
 */
const PKIX_ORDER = ["C", "ST", "L", "STREET", "POSTALCODE", "O", "OU", "CN", "SERIALNUMBER"] as const;

/** Go's AttributeTypeAndValue escaping in RDNSequence.String(). */
function goEscape(s: string): string {
  let out = "";
  const chars = Array.from(s);
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    let esc = false;
    switch (c) {
      case ",":
      case "+":
      case '"':
      case "\\":
      case "<":
      case ">":
      case ";":
        esc = true;
        break;
      case " ":
        esc = k === 0 || k === chars.length - 1;
        break;
      case "#":
        esc = k === 0;
        break;
    }
    out += esc ? "\\" + c : c;
  }
  return out;
}

/** cert.Subject.ToRDNSequence().String(): e.g. "CN=alice,OU=eng,O=Acme,C=US". */
export function goSubjectString(info: PeerCertInfo): string {
  const byType = new Map<string, string[]>();
  for (const rdn of info.subject) {
    for (const a of rdn) {
      let list = byType.get(a.type);
      if (list === undefined) byType.set(a.type, (list = []));
      list.push(a.value);
    }
  }
  const seq: string[] = [];
  for (const t of PKIX_ORDER) {
    const vals = byType.get(t);
    if (t === "CN" || t === "SERIALNUMBER") {
      // pkix.Name keeps a single CommonName / SerialNumber: the last one seen.
      if (vals && vals.length > 0) seq.push(`${t}=${goEscape(vals[vals.length - 1]!)}`);
    } else if (vals) {
      for (const v of vals) seq.push(`${t}=${goEscape(v)}`);
    }
  }
  return seq.reverse().join(",");
}

/** getTLSAuthDCs: "DC=example,DC=com" in certificate order. */
function domainComponents(info: PeerCertInfo): string {
  const dcs: string[] = [];
  for (const rdn of info.subject) for (const a of rdn) if (a.type === "DC") dcs.push("DC=" + a.value);
  return dcs.join(",");
}

type DN = CertAttribute[][];

/** ldap.FromRawCertSubject: RDNs reversed (most specific first), attributes reversed; unknown types fail. */
function certDN(info: PeerCertInfo): DN | null {
  const dn: DN = [];
  for (let i = info.subject.length - 1; i >= 0; i--) {
    const rdn = info.subject[i]!;
    if (rdn.length === 0) continue;
    const attrs: CertAttribute[] = [];
    for (let j = rdn.length - 1; j >= 0; j--) {
      const a = rdn[j]!;
      if (!Object.values(OID_NAMES).includes(a.type)) return null;
      attrs.push(a);
    }
    dn.push(attrs);
  }
  return dn;
}

/** ldap.ParseDN (RFC 4514), null on error. */
export function parseDN(str: string): DN | null {
  const dn: DN = [];
  let rdn: CertAttribute[] = [];
  let buf: number[] = [];
  let type = "";
  let escaping = false;
  let trailing = 0;
  const bytes = new TextEncoder().encode(str);
  const take = (): string => {
    const s = new TextDecoder().decode(new Uint8Array(buf.slice(0, buf.length - trailing)));
    buf = [];
    trailing = 0;
    return s;
  };
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i]!;
    const c = String.fromCharCode(ch);
    if (escaping) {
      trailing = 0;
      escaping = false;
      if (' "#+,;<=>\\'.includes(c)) {
        buf.push(ch);
        continue;
      }
      if (i + 1 >= bytes.length) return null;
      const hex = String.fromCharCode(ch, bytes[i + 1]!);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      buf.push(parseInt(hex, 16));
      i++;
    } else if (c === "\\") {
      trailing = 0;
      escaping = true;
    } else if (c === "=") {
      type = take();
      if (i + 1 < bytes.length && bytes[i + 1] === 0x23 /* # */) return null;
    } else if (c === "," || c === "+") {
      if (type.length === 0) return null;
      rdn.push({ type, value: take() });
      type = "";
      if (c === ",") {
        dn.push(rdn);
        rdn = [];
      }
    } else if (c === " " && buf.length === 0) {
      continue;
    } else {
      trailing = c === " " ? trailing + 1 : 0;
      buf.push(ch);
    }
  }
  if (buf.length > 0) {
    if (type.length === 0) return null;
    rdn.push({ type, value: take() });
    dn.push(rdn);
  }
  return dn;
}

function attrEqual(a: CertAttribute, b: CertAttribute): boolean {
  return a.type.toLowerCase() === b.type.toLowerCase() && a.value === b.value;
}

function hasAll(r: readonly CertAttribute[], attrs: readonly CertAttribute[]): boolean {
  return attrs.every((a) => r.some((m) => attrEqual(m, a)));
}

function rdnEqual(a: readonly CertAttribute[], b: readonly CertAttribute[]): boolean {
  return a.length === b.length && hasAll(a, b) && hasAll(b, a);
}

/** DN.Equal: same RDNs in the same order. */
function dnEqual(a: DN, b: DN): boolean {
  return a.length === b.length && a.every((r, i) => rdnEqual(r, b[i]!));
}

/** DN.RDNsMatch: same RDNs in any order. */
function dnRDNsMatch(a: DN, b: DN): boolean {
  return a.length === b.length && a.every((r) => b.some((o) => rdnEqual(r, o)));
}

/**
 * checkClientTLSCertSubject with the users-map lookup of processClientOrLeafAuthentication:
 * returns the configured username the certificate maps to, or null. `usernames` are the users
 * eligible for this connection (connection type already checked by the caller).
 */
export function mapCertToUser(info: PeerCertInfo, usernames: readonly string[]): string | null {
  const known = new Set(usernames);
  if (info.emailAddresses.length === 0 && info.subject.length === 0 && info.uris.length === 0) return null;
  // The reference's switch falls through: e-mails, then DNS names, then URIs.
  for (const u of info.emailAddresses) if (known.has(u)) return u;
  for (const u of info.dnsNames) if (known.has(u)) return u;
  for (const u of info.uris) if (known.has(u)) return u;

  const rdn = goSubjectString(info);
  const cdn = certDN(info);
  if (cdn !== null) {
    const parsed: [string, DN][] = [];
    for (const name of usernames) {
      const d = parseDN(name);
      if (d === null) continue;
      if (dnEqual(d, cdn)) return name;
      parsed.push([name, d]);
    }
    for (const [name, d] of parsed) if (dnRDNsMatch(d, cdn)) return name;
  }
  const dcs = domainComponents(info);
  if (dcs.length > 0) {
    const u = rdn + "," + dcs;
    if (known.has(u)) return u;
  }
  if (known.has(rdn)) return rdn;
  return null;
}

// ---- Building PeerCertInfo from a certificate -------------------------------------------------

/** A minimal DER reader: enough to walk TBSCertificate to the subject Name. */
interface Tlv {
  tag: number;
  start: number; // content start
  end: number; // content end
}

function readTlv(b: Uint8Array, pos: number): Tlv {
  const tag = b[pos]!;
  let len = b[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  if (p + len > b.length) throw new Error("truncated DER");
  return { tag, start: p, end: p + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = readTlv(b, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function decodeOid(b: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if ((b[i]! & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

function decodeString(b: Uint8Array, t: Tlv): string {
  const bytes = b.subarray(t.start, t.end);
  if (t.tag === 0x1e) {
    // BMPString: UTF-16BE
    let s = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  return new TextDecoder().decode(bytes);
}

/** The subject RDNs of a DER certificate, in certificate order. */
export function subjectFromDER(der: Uint8Array): CertAttribute[][] {
  const cert = readTlv(der, 0);
  const tbs = children(der, cert)[0]!;
  const fields = children(der, tbs);
  // version [0] is optional; then serial, signature, issuer, validity, subject.
  const off = fields[0]!.tag === 0xa0 ? 1 : 0;
  const subject = fields[off + 4]!;
  const rdns: CertAttribute[][] = [];
  for (const set of children(der, subject)) {
    const rdn: CertAttribute[] = [];
    for (const atv of children(der, set)) {
      const [oidT, valT] = children(der, atv);
      const oid = decodeOid(der, oidT!);
      rdn.push({ type: OID_NAMES[oid] ?? oid, value: decodeString(der, valT!) });
    }
    rdns.push(rdn);
  }
  return rdns;
}

/** Parse node's `subjectAltName` string ("DNS:a, email:b, URI:c, IP Address:d"). */
function parseSubjectAltName(san: string | undefined): { emails: string[]; dns: string[]; uris: string[] } {
  const out = { emails: [] as string[], dns: [] as string[], uris: [] as string[] };
  if (!san) return out;
  for (const part of san.split(", ")) {
    const i = part.indexOf(":");
    if (i < 0) continue;
    const kind = part.slice(0, i);
    let value = part.slice(i + 1);
    if (value.startsWith('"') && value.endsWith('"')) value = JSON.parse(value) as string;
    if (kind === "DNS") out.dns.push(value);
    else if (kind === "email") out.emails.push(value);
    else if (kind === "URI") out.uris.push(value);
  }
  return out;
}

/** PeerCertInfo from the peer certificate's DER (Bun/node `getPeerCertificate().raw`). */
export function peerCertInfoFromDER(der: Uint8Array): PeerCertInfo {
  const x = new (nodeCrypto().X509Certificate)(der);
  const san = parseSubjectAltName(x.subjectAltName);
  return { emailAddresses: san.emails, dnsNames: san.dns, uris: san.uris, subject: subjectFromDER(der) };
}

function isPeerCertInfo(x: object): x is PeerCertInfo {
  const o = x as Record<string, unknown>;
  return Array.isArray(o.subject) && Array.isArray(o.emailAddresses) && Array.isArray(o.dnsNames) && Array.isArray(o.uris);
}

/**
 * Whatever the TLS layer recorded as the peer certificate, as PeerCertInfo: a PeerCertInfo
 * already, DER bytes, or node/Bun's `getPeerCertificate()` object (its `raw` DER). Undefined when
 * there is none or it cannot be read (the mapping then fails, as with no certificate).
 */
export function toPeerCertInfo(cert: unknown): PeerCertInfo | undefined {
  try {
    if (cert instanceof Uint8Array) return cert.length > 0 ? peerCertInfoFromDER(cert) : undefined;
    if (cert === null || typeof cert !== "object") return undefined;
    if (isPeerCertInfo(cert)) return cert;
    const raw = (cert as { raw?: unknown }).raw;
    if (raw instanceof Uint8Array && raw.length > 0) return peerCertInfoFromDER(raw);
  } catch {
    // A certificate we cannot parse maps to nobody.
  }
  return undefined;
}
