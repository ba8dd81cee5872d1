// /varz `websocket`: nats-server's WebsocketOptsVarz (monitor.go, v2.9.10), every field omitempty, so
// a server without a websocket listener shows `{}`. The port is the bound one (startWebsocketServer
// stores the random port back into the options).
import type { MonitoredServer } from "./types.ts";

const NS_PER_MS = 1_000_000;

export interface WebsocketVarz {
  host?: string;
  port?: number;
  advertise?: string;
  no_auth_user?: string;
  jwt_cookie?: string;
  /** Nanoseconds. */
  handshake_timeout?: number;
  /** Seconds (float64). */
  auth_timeout?: number;
  no_tls?: boolean;
  tls_map?: boolean;
  tls_pinned_certs?: string[];
  same_origin?: boolean;
  allowed_origins?: string[];
  compression?: boolean;
}

export function websocketVarz(s: MonitoredServer): WebsocketVarz {
  const wo = s.opts.websocket;
  const port = s.websocketPort || wo.port;
  // Literal in the reference's field order; undefined drops the key as Go's omitempty.
  return {
    host: wo.host || undefined,
    port: port !== 0 ? port : undefined,
    advertise: wo.advertise || undefined,
    no_auth_user: wo.noAuthUser || undefined,
    jwt_cookie: wo.jwtCookie || undefined,
    handshake_timeout: wo.handshakeTimeout !== 0 ? wo.handshakeTimeout * NS_PER_MS : undefined,
    auth_timeout: wo.authTimeout !== 0 ? wo.authTimeout / 1000 : undefined,
    no_tls: wo.noTLS || undefined,
    tls_map: wo.tls?.map || undefined,
    tls_pinned_certs: wo.tls?.pinnedCerts?.length ? [...wo.tls.pinnedCerts] : undefined,
    same_origin: wo.sameOrigin || undefined,
    allowed_origins: wo.allowedOrigins.length > 0 ? [...wo.allowedOrigins] : undefined,
    compression: wo.compression || undefined,
  };
}
