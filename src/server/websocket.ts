// Websocket clients as client connections (websocket.go startWebsocketServer and createWSClient,
// v2.9.10): the listener (src/transport/websocket) hands each upgraded connection here, where it becomes
// a ClientConnection of kind CLIENT with a websocket transport, registered and started like a TCP
// client. Its logins use the websocket block's authentication when that block sets one (auth.go
// authOverride; src/auth/websocket.ts).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { Authenticator } from "../auth/authenticator.ts";
import { websocketAuthOptions, websocketAuthOverride, websocketAuthTimeout } from "../auth/websocket.ts";
import type { Logger } from "../log.ts";
import type { Options, TLSOptions } from "../options.ts";
import { loadTLSContext, type TLSContext } from "../transport/tls/context.ts";
import { WebsocketListener } from "../transport/websocket/listener.ts";
import type { WebsocketConnHandler, WebsocketTransport } from "../transport/websocket/transport.ts";
import type { Connection } from "../conn/connection.ts";
import type { ClientConnection } from "./client.ts";

/** What the websocket side needs from the server. */
export interface WebsocketServer {
  readonly opts: Options;
  readonly log: Logger;
  /** A new client over this transport, registered (INFO sent) and started like a TCP one. */
  acceptClient(transport: WebsocketTransport): ClientConnection;
  /** Whether the server's own authentication requires credentials (s.info.AuthRequired). */
  authRequired(): boolean;
  /** Leaf links over `/leafnode` (src/leaf). */
  readonly leafnodes: { acceptWebsocket(transport: WebsocketTransport): Connection };
}

/** websocket.go leafNodeWSPath and mqttWSPath. */
const LEAF_PATH = "/leafnode";
const MQTT_PATH = "/mqtt";

/** The events of a connection that was dropped at once. */
const IGNORED: WebsocketConnHandler = { data() {}, drain() {}, closed() {} };

export class WebsocketClients {
  private listener: WebsocketListener | undefined;
  /** What the loaded websocket certificates were built from (options and file contents). */
  private tlsDigest = "";
  /** Logins of websocket clients (the block's override, or the server's users). */
  auth: Authenticator;
  /** websocket.go wsConfigAuth: the block sets a user, a token or a no_auth_user. */
  authOverride: boolean;

  constructor(private readonly server: WebsocketServer) {
    this.auth = new Authenticator(websocketAuthOptions(server.opts));
    this.authOverride = websocketAuthOverride(server.opts);
  }

  /** The bound port (0 when not listening). */
  get port(): number {
    return this.listener?.listening ? this.listener.port : 0;
  }

  get secure(): boolean {
    return this.listener?.secure ?? false;
  }

  /** createWSClient: auth_required in the INFO of a websocket client, and whether its auth timer runs. */
  authRequired(): boolean {
    return this.server.authRequired() || this.authOverride;
  }

  /** The auth timeout of a websocket client (ms). */
  authTimeout(): number {
    return websocketAuthTimeout(this.server.opts);
  }

  /** Config reload: the logins follow the new users. */
  reloadAuth(): void {
    this.auth = new Authenticator(websocketAuthOptions(this.server.opts));
    this.authOverride = websocketAuthOverride(this.server.opts);
  }

  /**
   * startWebsocketServer: listens (a failure is fatal, as the reference's "Unable to listen for
   * websocket connections") and logs the reference's lines.
   */
  start(): void {
    const opts = this.server.opts;
    const wo = opts.websocket;
    const log = this.server.log;
    const tls = wo.tls !== undefined ? loadTLSContext(wo.tls) : undefined;
    const listener = this.newListener(tls, wo.port);
    if (wo.tls !== undefined) this.tlsDigest = tlsFilesDigest(wo.tls);
    try {
      listener.start();
    } catch (e) {
      // Go's net.Listen text for the common case (Bun says "Failed to start server. Is port N in use?").
      const err = e as Error & { code?: string };
      const why =
        err.code === "EADDRINUSE" || /in use/i.test(err.message)
          ? `listen tcp ${joinHostPort(wo.host, wo.port)}: bind: address already in use`
          : err.message;
      const msg = `Unable to listen for websocket connections: ${why}`;
      log.fatal(msg);
      throw new Error(msg);
    }
    this.listener = listener;
    const scheme = tls !== undefined ? "wss" : "ws";
    log.notice(`Listening for websocket clients on ${scheme}://${wo.host}:${listener.port}`);
    if (tls === undefined) log.warn("Websocket not configured with TLS. DO NOT USE IN PRODUCTION!");
  }

  /**
   * server.go getConnectURLs for the websocket listener (s.websocket.connectURLs): `advertise`, or every
   * global unicast address when listening on all interfaces, else the listen host; with the bound port.
   */
  connectURLs(): string[] {
    const wo = this.server.opts.websocket;
    const port = this.port || wo.port;
    if (wo.advertise !== "") {
      const i = wo.advertise.lastIndexOf(":");
      const bracketed = wo.advertise.endsWith("]");
      if (i < 0 || bracketed) return [joinHostPort(wo.advertise.replace(/^\[|\]$/g, ""), port)];
      return [joinHostPort(wo.advertise.slice(0, i).replace(/^\[|\]$/g, ""), Number(wo.advertise.slice(i + 1)) || port)];
    }
    if (wo.host === "0.0.0.0" || wo.host === "::") {
      const out: string[] = [];
      for (const addrs of Object.values(networkInterfaces())) {
        for (const a of addrs ?? []) {
          if (a.internal || a.address.startsWith("fe80:") || a.address.startsWith("169.254.")) continue;
          out.push(joinHostPort(a.address, port));
        }
      }
      if (out.length > 0) return out;
    }
    return [joinHostPort(wo.host, port)];
  }

  /**
   * Config reload: when the websocket certificates changed (the files are read again), the listener is
   * started again on its port with them; open connections stay (Bun.serve stop(false) keeps them). The
   * reference gets the same from tls.Config.GetConfigForClient (wsGetTLSConfig).
   */
  reloadTLS(): void {
    const wo = this.server.opts.websocket;
    const old = this.listener;
    if (old === undefined || !old.secure || wo.tls === undefined) return;
    const digest = tlsFilesDigest(wo.tls);
    if (digest === this.tlsDigest) return;
    let tls: TLSContext;
    try {
      tls = loadTLSContext(wo.tls);
    } catch (e) {
      this.server.log.error(`Can't reload the websocket certificate: ${(e as Error).message}`);
      return;
    }
    const port = old.port;
    old.stop();
    const listener = this.newListener(tls, port);
    try {
      listener.start();
    } catch (e) {
      this.listener = undefined;
      this.server.log.error(`Can't restart the websocket listener with the new certificate: ${(e as Error).message}`);
      return;
    }
    this.listener = listener;
    this.tlsDigest = digest;
  }

  private newListener(tls: TLSContext | undefined, port: number): WebsocketListener {
    const opts = this.server.opts;
    return new WebsocketListener(
      // A message may carry many operations (clients batch their writes, the reference reads frames as a
      // stream): allow up to max_pending, and never less than one maximal PUB.
      { opts: { ...opts.websocket, port }, tls, maxMessage: Math.max(opts.maxPending, opts.maxPayload + opts.maxControlLine) },
      { log: this.server.log, accept: (t) => this.accept(t) },
    );
  }

  /** Stop accepting; the connections stay until closed as clients (lame duck mode, shutdown). */
  stop(): void {
    this.listener?.stop();
    this.listener = undefined;
  }

  private accept(transport: WebsocketTransport): WebsocketConnHandler {
    // startWebsocketServer routes by path: "/leafnode" is a leaf node connection, "/mqtt" an MQTT
    // client. bnats takes neither over websocket: closed as the reference closes a leaf connection
    // without a leafnodes port (silently, after the log line).
    const path = transport.info.path;
    if (path.startsWith(LEAF_PATH) && this.server.opts.leafnodes.port !== 0) {
      const leaf = this.server.leafnodes.acceptWebsocket(transport);
      return {
        data: (chunk) => leaf.host.loop.read(leaf, chunk),
        drain: () => leaf.onTransportDrain(),
        closed: () => leaf.onTransportClose(),
      };
    }
    if (path.startsWith(LEAF_PATH) || path.startsWith(MQTT_PATH)) {
      const log = this.server.log;
      if (path.startsWith(LEAF_PATH) && this.server.opts.leafnodes.port === 0) log.error("Not configured to accept leaf node connections");
      else log.error(`${transport.remoteAddress}:${transport.remotePort} - websocket ${path.startsWith(LEAF_PATH) ? "leaf node" : "MQTT"} connections are not supported by bnats`);
      transport.drop();
      return IGNORED;
    }
    const client = this.server.acceptClient(transport);
    return {
      data: (chunk) => client.host.loop.read(client, chunk),
      drain: () => client.onTransportDrain(),
      closed: () => client.onTransportClose(),
    };
  }
}

function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The TLS settings and the bytes of the files they name: a change means new certificates to serve. */
function tlsFilesDigest(tls: TLSOptions): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(tls));
  for (const f of [tls.certFile, tls.keyFile, tls.caFile]) {
    if (!f) continue;
    try {
      h.update(readFileSync(f));
    } catch {
      h.update(`unreadable:${f}`);
    }
  }
  return h.digest("hex");
}
