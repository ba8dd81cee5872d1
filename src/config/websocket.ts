// The `websocket {}` block (alias `ws`): nats-server's parseWebsocket and parseSimpleAuth (opts.go,
// v2.9.10). Cross-field checks (TLS required, origins, auth beside users, jwt_cookie) are the
// reference's validateWebsocketOptions, run at start-up with the other options (src/options.ts).

import { defaultWebsocketOptions, type WebsocketOptions } from "../options.ts";
import { parseGoDuration } from "../go/duration.ts";
import type { Token } from "./parser.ts";
import { parseTLS } from "./tls.ts";
import { checkPort, describe, getBool, getInt, getListen, getString, getStringArray, type LoadContext } from "./values.ts";

export function parseWebsocket(ctx: LoadContext, tk: Token): WebsocketOptions | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `Expected websocket to be a map, got ${describe(tk)}`);
    return undefined;
  }
  const wo = defaultWebsocketOptions();
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "listen": {
        const hp = getListen(ctx, mk, mv);
        if (hp === undefined) break;
        wo.host = hp.host ?? "";
        const p = checkPort(ctx, mk, mv, hp.port);
        if (p !== undefined) wo.port = p;
        break;
      }
      case "port": {
        const n = getInt(ctx, mk, mv);
        const p = n === undefined ? undefined : checkPort(ctx, mk, mv, n);
        if (p !== undefined) wo.port = p;
        break;
      }
      case "host":
      case "net":
        wo.host = getString(ctx, mk, mv) ?? wo.host;
        break;
      case "advertise":
        wo.advertise = getString(ctx, mk, mv) ?? wo.advertise;
        break;
      case "no_tls":
        wo.noTLS = getBool(ctx, mk, mv) ?? wo.noTLS;
        break;
      case "tls": {
        const tc = parseTLS(ctx, mv);
        if (tc !== undefined) wo.tls = tc;
        break;
      }
      case "same_origin":
        wo.sameOrigin = getBool(ctx, mk, mv) ?? wo.sameOrigin;
        break;
      case "allowed_origins":
      case "allowed_origin":
      case "allow_origins":
      case "allow_origin":
      case "origins":
      case "origin":
        wo.allowedOrigins = getStringArray(ctx, "allowed origins", mv) ?? wo.allowedOrigins;
        break;
      case "handshake_timeout":
        // An integer is seconds, a string a Go duration.
        if (mv.kind === "integer") wo.handshakeTimeout = mv.value * 1000;
        else if (mv.kind === "string") {
          try {
            wo.handshakeTimeout = parseGoDuration(mv.value);
          } catch (e) {
            ctx.error(mv, (e as Error).message);
          }
        } else ctx.error(mv, `error parsing handshake timeout: unsupported type ${describe(mv)}`);
        break;
      case "compress":
      case "compression":
        wo.compression = getBool(ctx, mk, mv) ?? wo.compression;
        break;
      case "authorization":
      case "authentication":
        parseSimpleAuth(ctx, mv, wo);
        break;
      case "jwt_cookie":
        wo.jwtCookie = getString(ctx, mk, mv) ?? wo.jwtCookie;
        break;
      case "no_auth_user":
        wo.noAuthUser = getString(ctx, mk, mv) ?? wo.noAuthUser;
        break;
      default:
        ctx.unknown(mv, mk);
    }
  }
  return wo;
}

/**
 * parseSimpleAuth: user, password, token and timeout only. The reference has no `users` here (a
 * websocket `users` list is `unknown field "users"`): websocket clients log in as the server's users.
 */
function parseSimpleAuth(ctx: LoadContext, tk: Token, wo: WebsocketOptions): void {
  if (tk.kind !== "map") {
    ctx.error(tk, `error parsing authorization: expected a map, got ${describe(tk)}`);
    return;
  }
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "user":
      case "username":
        wo.username = getString(ctx, mk, mv) ?? wo.username;
        break;
      case "pass":
      case "password":
        wo.password = getString(ctx, mk, mv) ?? wo.password;
        break;
      case "token":
        wo.token = getString(ctx, mk, mv) ?? wo.token;
        break;
      case "timeout":
        // Seconds, fractions allowed; the reference takes any other type as 1s.
        wo.authTimeout = mv.kind === "integer" || mv.kind === "float" ? mv.value * 1000 : 1000;
        break;
      default:
        ctx.unknown(mv, mk);
    }
  }
}
