// Loads and validates the `tls {}` options into what the two TLS paths need:
//  - `bun`: the options object for Bun's native `socket.upgradeTLS({ tls })` (the fast path);
//  - `secureContext`: a node:tls SecureContext for the replay path (bytes already read, see negotiate.ts).
// As nats-server's GenTLSConfig (opts.go): cert + key required together, the key must match the cert, the CA
// file must parse, verify = require and verify a client certificate. Errors are OptionsError with the
// reference's words plus the file they are about. Pure function of the options: a reload just calls it again.
import type * as NodeCrypto from "node:crypto";
import { readFileSync } from "node:fs";
import type * as tls from "node:tls";
// Node built-ins are required on first use: loading node:tls and node:crypto costs several MB of resident
// memory, which a server without TLS does not need to pay (issue 15).
const nodeTls = (): typeof tls => require("node:tls") as typeof tls;
const nodeCrypto = (): typeof NodeCrypto => require("node:crypto") as typeof NodeCrypto;
import type { TLSOptions as BunTLSOptions } from "bun";
import { OptionsError, type TLSOptions } from "../../options.ts";
import { DEFAULT_CIPHER_SUITES, DEFAULT_CURVE_PREFERENCES, checkCipherName, checkCurveName, opensslCiphers, opensslCurves } from "./ciphers.ts";
import { parsePinnedCerts } from "./pinned.ts";

/** Bun's TLS options plus the ones Bun accepts without declaring them (checked on Bun 1.4.4). */
export type BunServerTLSOptions = BunTLSOptions & { ecdhCurve?: string };

export interface TLSContext {
  readonly opts: TLSOptions;
  /** For `socket.upgradeTLS({ tls: ctx.bun, socket })`. */
  readonly bun: BunServerTLSOptions;
  /** For `new tls.TLSSocket(duplex, { isServer: true, secureContext, requestCert, rejectUnauthorized })`. */
  readonly secureContext: tls.SecureContext;
  /** verify or verify_and_map: a client certificate is required and checked against the CA. */
  readonly verify: boolean;
  /** verify_and_map. */
  readonly map: boolean;
  /** Handshake timeout in ms. */
  readonly timeout: number;
  /** Lower-case hex SHA-256 of the allowed peers' SubjectPublicKeyInfo DER, when pinning is on. */
  readonly pinned?: ReadonlySet<string>;
  /** Expiry of the server certificate (/varz tls_cert_not_after). */
  readonly certNotAfter: Date;
  /** Things worth a warning at start-up (e.g. a cipher suite BoringSSL does not implement). */
  readonly warnings: readonly string[];
}

/**
 * Go's os.PathError text for a failed read ("open /x: no such file or directory"; a directory opens and
 * then fails to read: "read /x: is a directory"), as os.ReadFile reports it.
 */
function readError(file: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === "ENOENT" ? "no such file or directory"
    : e.code === "EACCES" ? "permission denied"
    : e.code === "EISDIR" ? "is a directory"
    : e.message;
  const op = e.code === "EISDIR" || e.syscall === "read" ? "read" : "open";
  return `${op} ${file}: ${why}`;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    // opts.go GenTLSConfig: the key pair's read error is prefixed, the CA's is Go's bare PathError.
    throw new OptionsError(what ? `${what}: ${readError(file, err)}` : readError(file, err));
  }
}

/** The types of the PEM blocks in a text, in order (what Go's pem.Decode loop sees). */
function pemBlockTypes(pem: string): string[] {
  const types: string[] = [];
  for (const m of pem.matchAll(/-----BEGIN ([^-\r\n]*)-----[\s\S]*?-----END \1-----/g)) types.push(m[1] as string);
  return types;
}

/** Go's []string formatting with %v: "[A B]". */
function goList(items: readonly string[]): string {
  return `[${items.join(" ")}]`;
}

/** crypto/tls X509KeyPair's complaint about the certificate input, or null when it has a certificate. */
function certPemError(types: readonly string[]): string | null {
  if (types.includes("CERTIFICATE")) return null;
  if (types.length === 0) return "tls: failed to find any PEM data in certificate input";
  if (types.length === 1 && types[0]!.endsWith("PRIVATE KEY")) {
    return "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched";
  }
  return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: ${goList(types)}`;
}

/** crypto/tls X509KeyPair's complaint about the key input, or null when it has a private key. */
function keyPemError(types: readonly string[]): string | null {
  if (types.some((t) => t === "PRIVATE KEY" || t.endsWith(" PRIVATE KEY"))) return null;
  if (types.length === 0) return "tls: failed to find any PEM data in key input";
  if (types.length === 1 && types[0] === "CERTIFICATE") return "tls: found a certificate rather than a key in the PEM for the private key";
  return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: ${goList(types)}`;
}

const PAIR = "error parsing X509 certificate/key pair";

/** Loads the certificate files and builds both TLS contexts; throws OptionsError naming the file. */
export function loadTLSContext(opts: TLSOptions): TLSContext {
  // opts.go GenTLSConfig: both or neither; a server needs both.
  if (opts.certFile && !opts.keyFile) throw new OptionsError("missing 'key_file' in TLS configuration");
  if (!opts.certFile && opts.keyFile) throw new OptionsError("missing 'cert_file' in TLS configuration");
  if (!opts.certFile) throw new OptionsError("missing 'cert_file' in TLS configuration");

  const certPem = readPem(opts.certFile, PAIR);
  const keyPem = readPem(opts.keyFile, PAIR);
  // The reference's crypto/tls words, in its order (X509KeyPair), with the file at fault added.
  const certFile = `cert_file ${JSON.stringify(opts.certFile)}`;
  const keyFile = `key_file ${JSON.stringify(opts.keyFile)}`;
  const certBad = certPemError(pemBlockTypes(certPem));
  if (certBad) throw new OptionsError(`${PAIR}: ${certBad} (${certFile})`);
  const keyBad = keyPemError(pemBlockTypes(keyPem));
  if (keyBad) throw new OptionsError(`${PAIR}: ${keyBad} (${keyFile})`);
  let leaf: NodeCrypto.X509Certificate;
  try {
    leaf = new (nodeCrypto().X509Certificate)(certPem);
  } catch {
    // x509.ParseCertificate's error for any DER it cannot read.
    throw new OptionsError(`${PAIR}: x509: malformed certificate (${certFile})`);
  }
  let key: ReturnType<typeof NodeCrypto.createPrivateKey>;
  try {
    key = nodeCrypto().createPrivateKey(keyPem);
  } catch {
    throw new OptionsError(`${PAIR}: tls: failed to parse private key (${keyFile})`);
  }
  if (leaf.publicKey.asymmetricKeyType !== key.asymmetricKeyType) {
    throw new OptionsError(`${PAIR}: tls: private key type does not match public key type (${certFile}, ${keyFile})`);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new OptionsError(`${PAIR}: tls: private key does not match public key (${certFile}, ${keyFile})`);
  }

  let caPem: string | undefined;
  if (opts.caFile) {
    caPem = readPem(opts.caFile, "");
    if (!hasParsableCert(caPem)) {
      throw new OptionsError(`failed to parse root ca certificate (ca_file ${JSON.stringify(opts.caFile)})`);
    }
  }

  const warnings: string[] = [];
  for (const name of opts.cipherSuites ?? []) {
    const bad = checkCipherName(name);
    if (bad) throw new OptionsError(bad);
  }
  for (const name of opts.curvePreferences ?? []) {
    const bad = checkCurveName(name);
    if (bad) throw new OptionsError(bad);
  }
  const suites = opts.cipherSuites && opts.cipherSuites.length > 0 ? opts.cipherSuites : DEFAULT_CIPHER_SUITES;
  const { ciphers, unavailable } = opensslCiphers(suites);
  for (const name of unavailable) warnings.push(`TLS cipher suite ${name} is not available in this TLS library, ignored`);
  if (unavailable.length === suites.length) {
    throw new OptionsError(`none of the cipher_suites (${suites.join(", ")}) is available`);
  }
  const curves = opensslCurves(
    opts.curvePreferences && opts.curvePreferences.length > 0 ? opts.curvePreferences : DEFAULT_CURVE_PREFERENCES,
  );

  // min_version: Go's default (and floor) is TLS 1.2; "1.3" turns 1.2 off.
  const cryptoConstants = nodeCrypto().constants;
  let secureOptions = cryptoConstants.SSL_OP_NO_TLSv1 | cryptoConstants.SSL_OP_NO_TLSv1_1;
  const minVersion = opts.minVersion ?? "1.2";
  if (minVersion === "1.3") secureOptions |= cryptoConstants.SSL_OP_NO_TLSv1_2;
  else if (minVersion !== "1.2") {
    throw new OptionsError(`error parsing tls config: unsupported TLS version: ${minVersion}`);
  }

  const verify = opts.verify || opts.map;
  const pinned = opts.pinnedCerts && opts.pinnedCerts.length > 0 ? parsePinnedCerts(opts.pinnedCerts) : undefined;

  const bun: BunServerTLSOptions = {
    cert: certPem,
    key: keyPem,
    secureOptions,
    ecdhCurve: curves,
    requestCert: verify,
    // Without verify the reference does not ask for a certificate; when verify is on it must be valid.
    rejectUnauthorized: verify,
  };
  if (ciphers) bun.ciphers = ciphers;
  // The CA is only for checking client certificates (Go's ClientCAs, unused without verify). Given to OpenSSL
  // it also completes the server's chain: the handshake would send the CA after the leaf, which nats-server
  // (only cert_file's blocks) does not, and clients report "self-signed certificate in certificate chain"
  // instead of "unable to verify the first certificate".
  const chainCa = verify ? caPem : undefined;
  if (chainCa !== undefined) bun.ca = chainCa;

  let secureContext: tls.SecureContext;
  try {
    secureContext = nodeTls().createSecureContext({
      cert: certPem,
      key: keyPem,
      ca: chainCa,
      secureOptions,
      ecdhCurve: curves,
      ...(ciphers ? { ciphers } : {}),
    });
  } catch (err) {
    throw new OptionsError(`error building TLS configuration from ${JSON.stringify(opts.certFile)}: ${(err as Error).message}`);
  }

  return {
    opts,
    bun,
    secureContext,
    verify,
    map: opts.map,
    timeout: opts.timeout,
    pinned,
    certNotAfter: leaf.validToDate,
    warnings,
  };
}

/** Whether the PEM text holds at least one certificate that parses (x509.CertPool.AppendCertsFromPEM). */
function hasParsableCert(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const block of blocks) {
    try {
      new (nodeCrypto().X509Certificate)(block);
      return true;
    } catch {
      // keep looking, as AppendCertsFromPEM skips bad blocks
    }
  }
  return false;
}
