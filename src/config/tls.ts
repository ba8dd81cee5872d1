// The client `tls {}` block: nats-server's parseTLS and GenTLSConfig checks (opts.go, v2.9.10), plus
// `handshake_first` and `min_version` as nats-server 2.10 reads them.

import { DEFAULT_TLS_TIMEOUT, OptionsError, type TLSOptions } from "../options.ts";
import { loadTLSContext } from "../transport/tls/context.ts";
import type { Token } from "./parser.ts";
import { parseGoDuration } from "../go/duration.ts";
import { CIPHER_SUITES, CURVE_PREFERENCES } from "../transport/tls/ciphers.ts";
import { describe, type LoadContext } from "./values.ts";

/** nats-server 2.10 DEFAULT_TLS_HANDSHAKE_FIRST_FALLBACK_DELAY ("auto"). */
export const DEFAULT_TLS_HANDSHAKE_FIRST_FALLBACK_DELAY = 50;

const TLS_VERSIONS: Record<string, number> = { "1.0": 10, "1.1": 11, "1.2": 12, "1.3": 13 };

/** Parses a client tls block; one error stops it (as the reference's parseTLS returns at the first). */
export function parseTLS(ctx: LoadContext, tk: Token): TLSOptions | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `error parsing tls config: expected a map, got ${describe(tk)}`);
    return undefined;
  }
  const tc: TLSOptions = {
    certFile: "",
    keyFile: "",
    verify: false,
    map: false,
    timeout: 0,
    handshakeFirst: 0,
    connectionRateLimit: 0,
  };
  const fail = (at: Token, reason: string): undefined => {
    ctx.error(at, reason);
    return undefined;
  };
  for (const [mk, mv] of tk.value) {
    const key = mk.toLowerCase();
    switch (key) {
      case "cert_file":
      case "key_file":
      case "ca_file": {
        if (mv.kind !== "string") return fail(mv, `error parsing tls config, expected '${key}' to be filename`);
        if (key === "cert_file") tc.certFile = mv.value;
        else if (key === "key_file") tc.keyFile = mv.value;
        else tc.caFile = mv.value;
        break;
      }
      case "insecure":
        // Only meaningful for outbound connections; accepted and ignored here, as the reference.
        if (mv.kind !== "bool") return fail(mv, "error parsing tls config, expected 'insecure' to be a boolean");
        break;
      case "verify":
        if (mv.kind !== "bool") return fail(mv, "error parsing tls config, expected 'verify' to be a boolean");
        tc.verify = mv.value;
        break;
      case "verify_and_map":
        if (mv.kind !== "bool") return fail(mv, "error parsing tls config, expected 'verify_and_map' to be a boolean");
        if (mv.value) tc.verify = true;
        tc.map = mv.value;
        break;
      case "verify_cert_and_check_known_urls":
        if (mv.kind !== "bool") {
          return fail(mv, "error parsing tls config, expected 'verify_cert_and_check_known_urls' to be a boolean");
        }
        if (mv.value) return fail(mv, "verify_cert_and_check_known_urls not supported in this context");
        break;
      case "cipher_suites":
      case "curve_preferences": {
        const known = key === "cipher_suites" ? CIPHER_SUITES : CURVE_PREFERENCES;
        if (mv.kind !== "array") return fail(mv, `error parsing tls config, '${key}' should be an array of names`);
        if (mv.value.length === 0) return fail(mv, `error parsing tls config, '${key}' cannot be empty`);
        const names: string[] = [];
        for (const r of mv.value) {
          if (r.kind !== "string") return fail(r, `error parsing tls config, '${key}' should be an array of names`);
          if (!known.includes(r.value)) {
            return fail(r, key === "cipher_suites" ? `unrecognized cipher ${r.value}` : `unrecognized curve preference ${r.value}`);
          }
          names.push(r.value);
        }
        if (key === "cipher_suites") tc.cipherSuites = names;
        else tc.curvePreferences = names;
        break;
      }
      case "timeout":
        // Seconds (fractions allowed) or a duration string.
        if (mv.kind === "integer" || mv.kind === "float") tc.timeout = mv.value * 1000;
        else if (mv.kind === "string") {
          try {
            tc.timeout = parseGoDuration(mv.value);
          } catch (e) {
            return fail(mv, `error parsing tls config, 'timeout' ${(e as Error).message}`);
          }
        } else return fail(mv, "error parsing tls config, 'timeout' wrong type");
        break;
      case "connection_rate_limit":
        if (mv.kind !== "integer") return fail(mv, "error parsing tls config, 'connection_rate_limit' wrong type");
        tc.connectionRateLimit = mv.value;
        break;
      case "pinned_certs": {
        const bad = "error parsing tls config, expected 'pinned_certs' to be a list of hex-encoded sha256 of DER encoded SubjectPublicKeyInfo";
        if (mv.kind !== "array") return fail(mv, bad);
        if (mv.value.length === 0) break;
        const set = new Set<string>();
        for (const r of mv.value) {
          if (r.kind !== "string") return fail(r, bad);
          const entry = r.value.toLowerCase();
          if (!/^[a-f0-9]{64}$/.test(entry)) {
            return fail(
              r,
              `error parsing tls config, 'pinned_certs' key ${entry} does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo`,
            );
          }
          set.add(entry);
        }
        tc.pinnedCerts = [...set];
        break;
      }
      case "handshake_first":
      case "first":
      case "immediate": {
        // As nats-server 2.10: true/false, "auto" (50ms fallback), or a fallback duration.
        if (mv.kind === "bool") tc.handshakeFirst = mv.value ? -1 : 0;
        else if (mv.kind === "string") {
          const s = mv.value.toLowerCase();
          if (s === "true" || s === "on") tc.handshakeFirst = -1;
          else if (s === "false" || s === "off") tc.handshakeFirst = 0;
          else if (s === "auto" || s === "auto_fallback") tc.handshakeFirst = DEFAULT_TLS_HANDSHAKE_FIRST_FALLBACK_DELAY;
          else {
            let d: number;
            try {
              d = parseGoDuration(mv.value);
            } catch {
              return fail(mv, `field ${JSON.stringify(mk)}'s value ${JSON.stringify(mv.value)} is invalid`);
            }
            tc.handshakeFirst = d > 0 ? d : -1;
          }
        } else return fail(mv, `field ${JSON.stringify(mk)} should be a boolean or a string, got ${describe(mv)}`);
        break;
      }
      case "min_version": {
        // As nats-server 2.10 (parseTLSVersion): "1.2" or "1.3".
        if (mv.kind !== "string") return fail(mv, `error parsing tls config: 'min_version' wrong type: ${describe(mv)}`);
        const v = TLS_VERSIONS[mv.value];
        if (v === undefined) return fail(mv, `error parsing tls config: unknown version: ${mv.value}`);
        if (v < 12) return fail(mv, `error parsing tls config: unsupported TLS version: TLS ${mv.value}`);
        tc.minVersion = mv.value;
        break;
      }
      default:
        return fail(mv, `error parsing tls config, unknown field [${JSON.stringify(mk)}]`);
    }
  }
  // GenTLSConfig's checks, reported at the tls key as the reference.
  if (tc.certFile !== "" && tc.keyFile === "") return fail(tk, "missing 'key_file' in TLS configuration");
  if (tc.certFile === "" && tc.keyFile !== "") return fail(tk, "missing 'cert_file' in TLS configuration");
  // As the reference's `tls` case (opts.go: GenTLSConfig right after parseTLS): the certificate, key and
  // CA files are loaded now, so `-t`, a start and a reload all report a bad file as a config error at
  // the tls key ("file:3:1: error parsing X509 certificate/key pair: ...").
  if (tc.certFile !== "") {
    try {
      loadTLSContext(tc);
    } catch (e) {
      if (e instanceof OptionsError) return fail(tk, e.message);
      throw e;
    }
  }
  // As setBaselineOptions: a zero timeout is the 2s default.
  if (tc.timeout === 0) tc.timeout = DEFAULT_TLS_TIMEOUT;
  return tc;
}
