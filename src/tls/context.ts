// Loads and validates the `tls {}` options into what the two TLS paths need:
//  - `bun`: the options object for Bun's native `socket.upgradeTLS({ tls })` (the fast path);
//  - `secureContext`: a node:tls SecureContext for the replay path (bytes already read, see negotiate.ts).
// As nats-server's GenTLSConfig (opts.go): cert + key required together, the key must match the cert, the CA
// file must parse, verify = require and verify a client certificate. Errors are OptionsError with the
// reference's words plus the file they are about. Pure function of the options: a reload just calls it again.
import { X509Certificate, createPrivateKey, constants as cryptoConstants } from "node:crypto";
import { readFileSync } from "node:fs";
import * as tls from "node:tls";
import type { TLSOptions as BunTLSOptions } from "bun";
import { OptionsError, type TLSOptions } from "../options.ts";
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

/** Go's os.PathError text for a failed open ("open /x: no such file or directory"). */
function openError(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT" ? "no such file or directory"
    : code === "EACCES" ? "permission denied"
    : code === "EISDIR" ? "is a directory"
    : (err as Error).message;
  return `open ${file}: ${why}`;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    // opts.go GenTLSConfig: the key pair's read error is prefixed, the CA's is Go's bare PathError.
    throw new OptionsError(what ? `${what}: ${openError(file, err)}` : openError(file, err));
  }
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
  if (!certPem.includes("-----BEGIN")) {
    throw new OptionsError(`${PAIR}: tls: failed to find any PEM data in certificate input (cert_file ${JSON.stringify(opts.certFile)})`);
  }
  if (!keyPem.includes("-----BEGIN")) {
    throw new OptionsError(`${PAIR}: tls: failed to find any PEM data in key input (key_file ${JSON.stringify(opts.keyFile)})`);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch (err) {
    throw new OptionsError(`${PAIR}: ${(err as Error).message} (cert_file ${JSON.stringify(opts.certFile)})`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new OptionsError(`${PAIR}: ${(err as Error).message} (key_file ${JSON.stringify(opts.keyFile)})`);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new OptionsError(
      `${PAIR}: tls: private key does not match public key (cert_file ${JSON.stringify(opts.certFile)}, key_file ${JSON.stringify(opts.keyFile)})`,
    );
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
  if (caPem !== undefined) bun.ca = caPem;

  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext({
      cert: certPem,
      key: keyPem,
      ca: caPem,
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
      new X509Certificate(block);
      return true;
    } catch {
      // keep looking, as AppendCertsFromPEM skips bad blocks
    }
  }
  return false;
}
