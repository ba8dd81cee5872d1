// The Origin check of the upgrade: websocket.go checkOrigin and wsSetOriginOptions (v2.9.10).
// A request without Origin (and without Sec-WebSocket-Origin) is accepted: non-browser clients can
// send any origin anyway (RFC 6455 1.6; nats-server PR #2211).
import { GoURLError, parseGoRequestURI, wsHostAndPort } from "../../go/url.ts";

interface AllowedOrigin {
  scheme: string;
  port: string;
}

export class OriginChecker {
  private readonly sameOrigin: boolean;
  /** host -> scheme and port (one entry per host, the last one listed wins, as the reference's map). */
  private readonly allowed = new Map<string, AllowedOrigin>();

  /** `onError` gets the reference's "error parsing allowed origin: ..." for an entry it skips. */
  constructor(sameOrigin: boolean, allowedOrigins: readonly string[], onError?: (msg: string) => void) {
    this.sameOrigin = sameOrigin;
    for (const ao of allowedOrigins) {
      try {
        const u = parseGoRequestURI(ao);
        const hp = wsHostAndPort(u.scheme === "https", u.host);
        this.allowed.set(hp.host, { scheme: u.scheme, port: hp.port });
      } catch (e) {
        if (!(e instanceof GoURLError)) throw e;
        onError?.(`error parsing allowed origin: ${e.message}`);
      }
    }
  }

  get enabled(): boolean {
    return this.sameOrigin || this.allowed.size > 0;
  }

  /**
   * null when the origin is acceptable, else the reason ("not same origin", "not in the allowed list",
   * or a parse error). `host` is the request's Host header, `tls` whether the listener is wss.
   */
  check(origin: string | null, host: string, tls: boolean): string | null {
    if (!this.enabled) return null;
    if (origin === null || origin === "") return null;
    let scheme: string;
    let oh: string;
    let op: string;
    try {
      const u = parseGoRequestURI(origin);
      scheme = u.scheme;
      ({ host: oh, port: op } = wsHostAndPort(u.scheme === "https", u.host));
    } catch (e) {
      if (e instanceof GoURLError) return e.message;
      throw e;
    }
    if (this.sameOrigin) {
      let rh: string;
      let rp: string;
      try {
        ({ host: rh, port: rp } = wsHostAndPort(tls, host));
      } catch (e) {
        if (e instanceof GoURLError) return e.message;
        throw e;
      }
      if (oh !== rh || op !== rp) return "not same origin";
    }
    if (this.allowed.size > 0) {
      const ao = this.allowed.get(oh);
      if (ao === undefined || scheme !== ao.scheme || op !== ao.port) return "not in the allowed list";
    }
    return null;
  }
}
