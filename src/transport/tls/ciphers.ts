// nats-server's TLS vocabulary (ciphersuites.go, server.go tlsVersion/tlsCipher) mapped to what Bun's TLS
// library (BoringSSL) accepts and reports.
//
// - cipher_suites take Go's (IANA) names; BoringSSL wants OpenSSL names. As in Go, the list only governs
//   TLS 1.0-1.2: TLS 1.3 suites are not configurable (Go ignores Config.CipherSuites for 1.3, BoringSSL has
//   no knob), so TLS 1.3 names are accepted and have no effect.
// - Some suites Go knows are gone from BoringSSL (RC4, a few CBC ones): `null` below.
// - curve_preferences take Go's names (X25519, CurveP256, ...); BoringSSL wants "X25519", "P-256", ...

/** Go cipher-suite name -> OpenSSL name (null: not available in BoringSSL; "": TLS 1.3, not configurable). */
export const CIPHER_MAP: Readonly<Record<string, string | null>> = {
  TLS_RSA_WITH_RC4_128_SHA: null,
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: "DES-CBC3-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA: "AES128-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA256: null,
  TLS_RSA_WITH_AES_256_CBC_SHA: "AES256-SHA",
  TLS_RSA_WITH_AES_256_GCM_SHA384: "AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: null,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "ECDHE-ECDSA-AES128-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "ECDHE-ECDSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: null,
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: null,
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "ECDHE-RSA-AES128-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: "ECDHE-RSA-AES128-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: "ECDHE-ECDSA-AES128-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "ECDHE-RSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: "ECDHE-ECDSA-CHACHA20-POLY1305",
  TLS_AES_128_GCM_SHA256: "",
  TLS_AES_256_GCM_SHA384: "",
  TLS_CHACHA20_POLY1305_SHA256: "",
};

/** Every cipher-suite name nats-server knows (cipherMap's keys), for config checks and `--help_tls`. */
export const CIPHER_SUITES: readonly string[] = Object.keys(CIPHER_MAP);

/** ciphersuites.go defaultCipherSuites(): only ECDHE with AEAD, used when cipher_suites is not given. */
export const DEFAULT_CIPHER_SUITES: readonly string[] = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
];

/** Go curve name -> BoringSSL group name (ciphersuites.go curvePreferenceMap). */
export const CURVE_MAP: Readonly<Record<string, string>> = {
  X25519: "X25519",
  CurveP256: "P-256",
  CurveP384: "P-384",
  CurveP521: "P-521",
};

/** Every curve name nats-server knows (curvePreferenceMap's keys). */
export const CURVE_PREFERENCES: readonly string[] = Object.keys(CURVE_MAP);

/** ciphersuites.go defaultCurvePreferences(). */
export const DEFAULT_CURVE_PREFERENCES: readonly string[] = ["X25519", "CurveP256", "CurveP384", "CurveP521"];

/** OpenSSL name -> Go name, for /connz tls_cipher_suite. */
const GO_NAME_BY_OPENSSL: ReadonlyMap<string, string> = new Map(
  Object.entries(CIPHER_MAP)
    .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")
    .map(([go, ossl]) => [ossl, go]),
);

/** The reference's config error for an unknown suite (opts.go parseCipher), or null when known. */
export function checkCipherName(name: string): string | null {
  return Object.hasOwn(CIPHER_MAP, name) ? null : `unrecognized cipher ${name}`;
}

/** The reference's config error for an unknown curve (opts.go parseCurvePreferences), or null when known. */
export function checkCurveName(name: string): string | null {
  return Object.hasOwn(CURVE_MAP, name) ? null : `unrecognized curve preference ${name}`;
}

/**
 * The OpenSSL cipher string for a list of Go names; unavailable ones are returned apart so the caller can
 * warn. An empty `ciphers` means only TLS 1.3 suites were listed.
 */
export function opensslCiphers(goNames: readonly string[]): { ciphers: string; unavailable: string[] } {
  const out: string[] = [];
  const unavailable: string[] = [];
  for (const name of goNames) {
    const ossl = Object.hasOwn(CIPHER_MAP, name) ? CIPHER_MAP[name] : undefined;
    if (ossl === undefined || ossl === null) unavailable.push(name);
    else if (ossl !== "") out.push(ossl);
  }
  return { ciphers: out.join(":"), unavailable };
}

/** The BoringSSL group list ("X25519:P-256") for Go curve names. */
export function opensslCurves(goNames: readonly string[]): string {
  return goNames
    .map((n) => (Object.hasOwn(CURVE_MAP, n) ? CURVE_MAP[n] : undefined))
    .filter((n): n is string => n !== undefined)
    .join(":");
}

/** server.go tlsVersion(): "TLSv1.3" (OpenSSL) -> "1.3". */
export function tlsVersionName(opensslVersion: string | null | undefined): string {
  switch (opensslVersion) {
    case "TLSv1":
      return "1.0";
    case "TLSv1.1":
      return "1.1";
    case "TLSv1.2":
      return "1.2";
    case "TLSv1.3":
      return "1.3";
    default:
      return `Unknown [${opensslVersion ?? ""}]`;
  }
}

/** server.go tlsCipher(): the Go (IANA) name of the negotiated suite, from its OpenSSL name. */
export function tlsCipherName(opensslName: string | null | undefined): string {
  if (!opensslName) return "Unknown []";
  if (opensslName.startsWith("TLS_")) return opensslName; // TLS 1.3 names are the same in both worlds
  return GO_NAME_BY_OPENSSL.get(opensslName) ?? `Unknown [${opensslName}]`;
}
