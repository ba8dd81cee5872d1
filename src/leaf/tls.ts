// TLS on leaf links over TCP (leafnode.go doTLSServerHandshake / doTLSClientHandshake): INFO goes in
// clear, then the socket is upgraded in place with Bun's upgradeTLS. The raw socket's handlers keep
// seeing ciphertext after the upgrade, so they are detached from the connection (BUN-NOTES); the
// connection's transport writes to the secure socket from then on.
import type { Socket } from "bun";
import { readFileSync } from "node:fs";
import { ClosedReason } from "../protocol/errors.ts";
import type { BunSocketTransport } from "../transport/tcp.ts";
import type { LeafConnection } from "./connection.ts";
import type { LeafRemote, LeafURL } from "./remote.ts";

export interface LeafSocketData {
  conn: LeafConnection | null;
  remote?: LeafRemote;
  url?: LeafURL;
}

export type LeafSocketHandlers = Parameters<typeof Bun.listen<LeafSocketData>>[0]["socket"];

/** The accepting side's certificate material (leafnodes { tls {} }), read once. */
export interface AcceptTLS {
  cert: string;
  key: string;
  ca?: string;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

/** The server side: called right after the plaintext INFO, before the leaf's ClientHello can arrive. */
export function upgradeServerTLS(conn: LeafConnection, socket: Socket<LeafSocketData>, tls: AcceptTLS, timeoutMs: number, handlers: LeafSocketHandlers): void {
  const transport = conn.transport as BunSocketTransport<LeafSocketData>;
  let handshaken = false;
  const timeout = setTimeout(() => {
    if (!handshaken && !conn.closed) {
      conn.error("TLS handshake timeout");
      conn.closeConnection(ClosedReason.tlsHandshakeError);
    }
  }, timeoutMs);
  timeout.unref?.();
  socket.data = { conn: null };
  const [, secure] = socket.upgradeTLS<LeafSocketData>({
    data: { conn },
    tls,
    socket: {
      ...handlers,
      handshake: (_s, success, authErr) => {
        handshaken = true;
        clearTimeout(timeout);
        if (!success || (tls.rejectUnauthorized && authErr !== null)) {
          conn.error(`TLS handshake error: ${authErr?.message ?? "handshake failed"}`);
          conn.closeConnection(ClosedReason.tlsHandshakeError);
        }
      },
    },
  });
  transport.socket = secure;
}

/**
 * The client side on a solicited link, after the hub's INFO: verified against the remote's CA for the
 * host name dialed (unless insecure); `done` gets an error text on failure.
 */
export function upgradeClientTLS(conn: LeafConnection, handlers: LeafSocketHandlers, done: (err?: string) => void): void {
  const transport = conn.transport as BunSocketTransport<LeafSocketData>;
  const raw = transport.socket;
  const remote = conn.remote!;
  const t = remote.opts.tls;
  const url = conn.url!;
  let settled = false;
  const finish = (err?: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done(err);
  };
  const timer = setTimeout(() => finish("TLS handshake timeout"), t?.timeout ?? 2000);
  timer.unref?.();
  let tlsOpts: Record<string, unknown>;
  try {
    tlsOpts = {
      serverName: remote.tlsName || url.host,
      rejectUnauthorized: !remote.opts.tlsInsecure,
      ca: t?.caFile ? readFileSync(t.caFile, "utf8") : undefined,
      cert: t?.certFile ? readFileSync(t.certFile, "utf8") : undefined,
      key: t?.keyFile ? readFileSync(t.keyFile, "utf8") : undefined,
    };
  } catch (e) {
    finish((e as Error).message);
    return;
  }
  raw.data = { conn: null };
  raw.upgradeTLS<LeafSocketData>({
    data: { conn },
    tls: tlsOpts,
    socket: {
      ...handlers,
      handshake: (s, success, authErr) => {
        if (!success || (authErr !== null && !remote.opts.tlsInsecure)) {
          finish(authErr?.message ?? "handshake failed");
          return;
        }
        transport.socket = s;
        finish();
      },
    },
  });
}
