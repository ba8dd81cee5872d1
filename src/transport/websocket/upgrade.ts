// The checks of the HTTP upgrade request, in websocket.go wsUpgrade's order (v2.9.10), made in
// Bun.serve's `fetch` before `server.upgrade()`, so the answers are the reference's: 405 for a method
// other than GET, 400 for a bad Upgrade/Connection/key/version header, 403 for a refused Origin, each
// with `Sec-Websocket-Version: 13` and http.Error's body (the status text). The reason only goes to
// the log ("<addr> - websocket handshake error: <reason>"). A missing Host is answered 400 by Bun
// itself before `fetch` runs.
import { isIP } from "node:net";
import type { OriginChecker } from "./origin.ts";

/** What the accepted upgrade tells the connection. */
export interface UpgradeInfo {
  /** permessage-deflate was configured and offered: outgoing frames over 64 bytes are compressed. */
  compress: boolean;
  /** X-Forwarded-For, when it is an IP: shown in the connection's log prefix (client.go initClient). */
  clientIP: string;
  /** User-Agent starts with "Mozilla/". */
  browser: boolean;
  /** The request path ("/leafnode" and "/mqtt" select other kinds in the reference). */
  path: string;
}

export interface UpgradeRefusal {
  status: 400 | 403 | 405;
  reason: string;
}

const STATUS_TEXT = { 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed" } as const;

/** wsHeaderContains: one of the comma-separated tokens of the header equals `value` (any case). */
export function headerContains(headers: Headers, name: string, value: string): boolean {
  const v = headers.get(name);
  if (v === null) return false;
  const want = value.toLowerCase();
  for (const t of v.split(",")) if (t.trim().toLowerCase() === want) return true;
  return false;
}

/** wsPMCExtensionSupport(checkPMCOnly): the client offered permessage-deflate. */
export function offersDeflate(headers: Headers): boolean {
  const v = headers.get("sec-websocket-extensions");
  if (v === null) return false;
  for (const ext of v.split(",")) {
    for (const p of ext.split(";")) if (p.trim().toLowerCase() === "permessage-deflate") return true;
  }
  return false;
}

export function checkUpgrade(
  req: Request,
  origins: OriginChecker,
  opts: { compression: boolean; tls: boolean },
): UpgradeInfo | UpgradeRefusal {
  const h = req.headers;
  if (req.method !== "GET") return { status: 405, reason: "request method must be GET" };
  const host = h.get("host");
  if (host === null || host === "") return { status: 400, reason: "'Host' missing in request" };
  if (!headerContains(h, "upgrade", "websocket")) return { status: 400, reason: "invalid value for header 'Upgrade'" };
  if (!headerContains(h, "connection", "upgrade")) return { status: 400, reason: "invalid value for header 'Connection'" };
  if ((h.get("sec-websocket-key") ?? "") === "") return { status: 400, reason: "key missing" };
  if (!headerContains(h, "sec-websocket-version", "13")) return { status: 400, reason: "invalid version" };
  const origin = h.get("origin") || h.get("sec-websocket-origin");
  const bad = origins.check(origin, host, opts.tls);
  if (bad !== null) return { status: 403, reason: `origin not allowed: ${bad}` };
  const xff = h.get("x-forwarded-for") ?? "";
  const ua = h.get("user-agent") ?? "";
  return {
    compress: opts.compression && offersDeflate(h),
    clientIP: xff !== "" && isIP(xff) !== 0 ? xff : "",
    browser: ua.startsWith("Mozilla/"),
    path: new URL(req.url).pathname,
  };
}

export function isRefusal(r: UpgradeInfo | UpgradeRefusal): r is UpgradeRefusal {
  return "status" in r;
}

/** wsReturnHTTPError: http.Error's answer plus the version header. */
export function refusalResponse(r: UpgradeRefusal): Response {
  return new Response(STATUS_TEXT[r.status] + "\n", {
    status: r.status,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Sec-Websocket-Version": "13",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
