// The cluster: the route listener, the routes we solicit, the registry of routes by server id, gossip
// of new members, the interest we announce (route.go), and the client URLs of the other members
// (server.go connect_urls). The server owns one when clustering is configured and runs it beside itself.
import type { Socket, TCPSocketListener } from "bun";
import type { Accounts } from "../accounts/registry.ts";
import type { ConnHost } from "../conn/host.ts";
import type { Connection, ConnAccount, Subscription } from "../conn/connection.ts";
import { comparePasswords } from "../auth/compare.ts";
import { GO_VERSION, VERSION } from "../options.ts";
import { ClosedReason } from "../protocol/errors.ts";
import { BunSocketTransport } from "../transport/tcp.ts";
import { loadTLSContext, type TLSContext } from "../transport/tls/context.ts";
import { matchesPinnedCert } from "../transport/tls/pinned.ts";
import { mapCertToUser, peerCertInfoFromDER } from "../auth/tlsmap.ts";
import { GoURLError, parseGoURL, urlHostPort, type GoURL } from "../go/url.ts";
import type { RouteInfo } from "./info.ts";
import { RouteInterest } from "./interest.ts";
import { ConnectURLs } from "./urls.ts";
import {
  describeDialError,
  generateName,
  joinHostPort,
  localIPs,
  nonce,
  nonEmpty,
  parseHostPort,
  peerCertificateDer,
  redacted,
} from "./net.ts";

export { joinHostPort } from "./net.ts";
import { RouteConnection, RouteType, type RouteOwner } from "./route.ts";
import type { RoutePermissions } from "../options.ts";
import { CompiledPermissions } from "../auth/permissions.ts";

/** The import test of a set of route permissions (the old ones, during a reload). */
class RouteConnectionPermissions {
  private readonly perms: CompiledPermissions | undefined;
  constructor(p: RoutePermissions | undefined) {
    this.perms = p !== undefined ? new CompiledPermissions({ publish: p.import, subscribe: p.export }) : undefined;
  }
  canImport(subject: string): boolean {
    return this.perms === undefined || this.perms.staticPubAllowed(subject, false);
  }
}

export type { RouteInfo } from "./info.ts";

/** route.go DEFAULT_ROUTE_RECONNECT, DEFAULT_ROUTE_CONNECT (routeConnectDelay), DEFAULT_ROUTE_DIAL. */
const ROUTE_RECONNECT = 1000;
const ROUTE_CONNECT_DELAY = 1000;
const ROUTE_DIAL_TIMEOUT = 1000;
/** opts.go DEFAULT_CONNECT_ERROR_REPORTS / DEFAULT_RECONNECT_ERROR_REPORTS. */
const CONNECT_ERROR_REPORTS = 3600;
const RECONNECT_ERROR_REPORTS = 60;
/** server.go firstPingInterval (routes, gateways, leafs). */
const FIRST_PING_INTERVAL = 1000;
/** route.go RouteProtoV2. */
const ROUTE_PROTO = 2;

/** What the cluster needs from the server (the server implements it; cluster/ never imports server/). */
export interface ClusterHost extends ConnHost<Connection> {
  readonly id: string;
  readonly name: string;
  readonly accounts: Accounts<Subscription, Connection>;
  readonly shuttingDown: boolean;
  /** A new connection id (routes share the counter with clients, as the reference's gcid). */
  nextCid(): number;
  /** This server's client URLs (getClientConnectURLs). */
  clientConnectURLs(): string[];
  /** This server's websocket client URLs (s.websocket.connectURLs); empty without a websocket listener. */
  websocketConnectURLs(): string[];
  /** The cluster's client URLs changed: async INFO to the clients that take it. */
  connectURLsChanged(): void;
}

interface SocketData {
  route: RouteConnection | null;
}

export class Cluster implements RouteOwner {
  name: string;
  /** No name configured: the first peer's name is adopted (isClusterNameDynamic). */
  dynamic: boolean;
  /** Registered routes by rid, and by the peer's server id (s.routes, s.remotes). */
  readonly routes = new Map<number, RouteConnection>();
  readonly remotes = new Map<string, RouteConnection>();
  /** Routes connected but not registered yet (handshake in progress). */
  private readonly pending = new Set<RouteConnection>();
  /** The local interest announced to the routes (acc.rm). */
  private readonly interest: RouteInterest;
  /** The other members' client URLs (connect_urls). */
  private readonly urls: ConnectURLs;
  /** Addresses of this server's own route listener (routesToSelf). */
  private readonly selfAddrs = new Set<string>();
  private listener: TCPSocketListener<SocketData> | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  /** cluster_advertise, parsed at start (setRouteInfoHostPortAndIP). */
  private advertised: { host: string; port: number } | undefined;
  /**
   * Route TLS (cluster { tls {} }): from the first byte, both ways, always verified (getTLSConfig forces
   * RequireAndVerifyClientCert and uses the CA for both sides); the certificate serves as client and server.
   */
  private readonly tls: TLSContext | undefined;

  constructor(readonly host: ClusterHost) {
    this.interest = new RouteInterest(host, this.routes);
    this.urls = new ConnectURLs(host);
    const t = host.opts.clusterTLS;
    this.tls = t !== undefined ? loadTLSContext({ ...t, verify: true }) : undefined;
    this.name = host.opts.clusterName;
    this.dynamic = this.name === "";
    if (this.dynamic) this.name = generateName();
  }

  get accounts(): Accounts<Subscription, Connection> {
    return this.host.accounts;
  }

  /** The bound route port. */
  get port(): number {
    return this.listener?.port ?? this.host.opts.clusterPort;
  }

  private get log() {
    return this.host.log;
  }

  // ---- start and stop

  start(): void {
    const opts = this.host.opts;
    for (const acc of this.accounts.all()) this.watchAccount(acc);
    this.accounts.onRegister = (acc) => this.watchAccount(acc);
    this.log.notice(`Cluster name is ${this.name}`);
    if (this.dynamic) this.log.warn("Cluster name was dynamically generated, consider setting one");
    try {
      this.listener = this.listen();
    } catch (e) {
      // Go's net.Listen text for the common case (Bun says "Failed to listen at <host>").
      const err = e as Error & { code?: string };
      const hp = joinHostPort(opts.clusterHost, opts.clusterPort < 0 ? 0 : opts.clusterPort);
      const why = err.code === "EADDRINUSE" || /in use|Failed to listen/i.test(err.message) ? `listen tcp ${hp}: bind: address already in use` : err.message;
      const msg = `Error listening on router port: ${opts.clusterPort} - ${why}`;
      this.log.fatal(msg);
      throw new Error(msg);
    }
    this.log.notice(`Listening for route connections on ${joinHostPort(opts.clusterHost, this.port)}`);
    // setRouteInfoHostPortAndIP: a cluster_advertise that does not parse stops the server.
    if (opts.clusterAdvertise !== "") {
      try {
        this.advertised = parseHostPort(opts.clusterAdvertise, this.port);
      } catch (e) {
        const msg = `Error setting route INFO with Cluster.Advertise value of ${opts.clusterAdvertise}, err=${(e as Error).message}`;
        this.log.fatal(msg);
        throw new Error(msg);
      }
    }
    for (const ip of localIPs()) this.selfAddrs.add(joinHostPort(ip, this.port));
    for (const r of opts.routes) this.solicit(r, true);
  }

  /** A route socket's reads, drains, closes and errors, the same for accepted and dialed routes. */
  private readonly routeSocketEvents = {
    data: (socket: Socket<SocketData>, chunk: Buffer): void => {
      const r = socket.data.route;
      if (r !== null) this.host.loop.read(r, chunk);
    },
    drain: (socket: Socket<SocketData>): void => socket.data.route?.onTransportDrain(),
    close: (socket: Socket<SocketData>): void => socket.data.route?.closeConnection(ClosedReason.clientClosed),
    error: (socket: Socket<SocketData>, err: Error): void => {
      const r = socket.data.route;
      if (r === null) return;
      r.debug(`Socket error: ${err.message}`);
      r.closeConnection(ClosedReason.readError);
    },
  };

  private listen(): TCPSocketListener<SocketData> {
    const opts = this.host.opts;
    return Bun.listen<SocketData>({
      hostname: opts.clusterHost,
      port: opts.clusterPort < 0 ? 0 : opts.clusterPort,
      data: { route: null },
      ...(this.tls !== undefined ? { tls: this.tls.bun } : {}),
      socket: {
        open: (socket) => this.accept(socket),
        handshake: (socket, success, err) => this.handshaken(socket, success, err),
        ...this.routeSocketEvents,
      },
    });
  }

  shutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listener?.stop(true);
    this.listener = undefined;
    for (const r of [...this.pending, ...this.routes.values()]) r.closeConnection(ClosedReason.serverShutdown);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  // ---- accepting

  private accept(socket: Socket<SocketData>): void {
    // As the client listener: a socket reset before accept has no readable peer address; drop it.
    if (this.stopped || this.host.shuttingDown || !socket.remoteAddress || !socket.remotePort) {
      socket.terminate();
      return;
    }
    const r = new RouteConnection(this.host, this.host.nextCid(), new BunSocketTransport(socket), this, undefined, "");
    socket.data = { route: r };
    // With TLS nothing is sent before the handshake (createRoute's doTLSHandshake comes first).
    if (this.tls === undefined) this.created(r);
    else this.startTLSTimer(r);
  }

  /** The TLS handshake of a route finished: go on, or close as the reference (TLS route handshake error). */
  private handshaken(socket: Socket<SocketData>, success: boolean, err: Error | null): void {
    const r = socket.data.route;
    if (r === null || r.closed) return;
    r.tlsDone = true;
    r.clearTLSTimer();
    let why = !success || err !== null ? (err?.message ?? "handshake failed") : "";
    r.peerCertDer = peerCertificateDer(socket);
    // pinned_certs: the peer's key must be one of them (matchesPinnedCert, ErrCertNotPinned).
    if (why === "" && !matchesPinnedCert(this.tls?.pinned, r.peerCertDer)) why = "certificate not pinned";
    if (why !== "") {
      r.error(`TLS route handshake error: ${why}`);
      r.closeConnection(ClosedReason.tlsHandshakeError);
      return;
    }
    r.debug("TLS handshake complete");
    this.created(r);
  }

  /** The cluster tls timeout (tlsTimeout): a route that has not finished its handshake by then is closed. */
  private startTLSTimer(r: RouteConnection): void {
    const ms = this.tls?.timeout ?? 2000;
    r.tlsTimer = setTimeout(() => {
      r.tlsTimer = undefined;
      if (r.closed || r.tlsDone) return;
      r.error("TLS handshake timeout");
      r.closeConnection(ClosedReason.tlsHandshakeError);
    }, ms);
    r.tlsTimer.unref?.();
  }

  /** createRoute: CONNECT first when we dialed, then our INFO; the auth timer on the accepting side. */
  private created(r: RouteConnection): void {
    this.pending.add(r);
    const opts = this.host.opts;
    if (r.didSolicit) this.sendConnect(r);
    r.enqueue(new TextEncoder().encode(`INFO ${JSON.stringify(this.routeInfo(true))}\r\n`));
    if (!r.didSolicit && opts.clusterUsername !== "") r.startAuthTimer(opts.clusterAuthTimeout);
    // setFirstPingTimer: a route's first PING after 1s (firstPingInterval), so the RTT is known early.
    r.setPingTimer(Math.min(FIRST_PING_INTERVAL, opts.pingInterval), true);
    r.notice("Route connection created");
    this.host.loop.flushAll();
  }

  private sendConnect(r: RouteConnection): void {
    const u = r.url?.user;
    const connect = {
      echo: true,
      verbose: false,
      pedantic: false,
      user: u?.username || undefined,
      pass: u?.password || undefined,
      tls_required: this.tls !== undefined,
      headers: !this.host.opts.noHeaderSupport,
      name: this.host.id,
      cluster: this.name,
      cluster_dynamic: this.dynamic || undefined,
      // Leaf-origin interest and messages (LS+ <origin> ..., LMSG <origin> ...) are understood.
      lnoc: true,
    };
    if (this.log.traceEnabled) r.trace(`->> [CONNECT ${JSON.stringify({ ...connect, pass: connect.pass && "[REDACTED]" })}]`);
    r.enqueue(new TextEncoder().encode(`CONNECT ${JSON.stringify(connect)}\r\n`));
  }

  /** The route INFO (startRouteAcceptLoop + setRouteInfoHostPortAndIP); a nonce per connection. */
  routeInfo(withNonce: boolean): RouteInfo {
    const opts = this.host.opts;
    let host = opts.clusterHost;
    let port = this.port;
    let ip: string | undefined;
    if (this.advertised !== undefined) {
      host = this.advertised.host;
      port = this.advertised.port;
      ip = `nats-route://${joinHostPort(host, port)}/`;
    }
    const perms = opts.clusterPermissions;
    return {
      server_id: this.host.id,
      server_name: this.host.name,
      version: VERSION,
      proto: ROUTE_PROTO,
      go: GO_VERSION,
      host,
      port,
      headers: !opts.noHeaderSupport,
      auth_required: opts.clusterUsername !== "" || undefined,
      tls_required: this.tls !== undefined || undefined,
      tls_verify: this.tls !== undefined || undefined,
      max_payload: opts.maxPayload,
      ip,
      nonce: withNonce ? nonce() : undefined,
      cluster: this.name,
      cluster_dynamic: this.dynamic || undefined,
      connect_urls: opts.clusterNoAdvertise ? undefined : this.host.clientConnectURLs(),
      ws_connect_urls: opts.clusterNoAdvertise ? undefined : nonEmpty(this.host.websocketConnectURLs()),
      import: perms?.import,
      export: perms?.export,
      lnoc: true,
    };
  }

  routeAuthorized(user: string, pass: string, peerCertDer: Uint8Array | undefined): boolean {
    const opts = this.host.opts;
    // verify_and_map: the peer certificate names the cluster user (isRouterAuthorized, TLSMap).
    if (opts.clusterTLS?.map === true) {
      if (opts.clusterUsername === "" || peerCertDer === undefined) return false;
      return mapCertToUser(peerCertInfoFromDER(peerCertDer), [opts.clusterUsername]) !== null;
    }
    if (opts.clusterUsername === "") return true;
    return user === opts.clusterUsername && comparePasswords(opts.clusterPassword, pass);
  }

  /**
   * A peer with another name: a dynamic name gives way to a configured one, or to the smaller of two
   * dynamic ones (processRouteConnect / processRouteInfo). True when we adopted it.
   */
  adoptName(theirs: string, theirsDynamic: boolean, keep: RouteConnection): boolean {
    if (!this.dynamic || (theirsDynamic && !(this.name < theirs))) return false;
    this.name = theirs;
    if (!theirsDynamic) this.dynamic = false;
    this.log.notice(`Cluster name updated to ${theirs}`);
    for (const r of [...this.routes.values()]) if (r !== keep) r.closeConnection(ClosedReason.clusterNameConflict);
    return true;
  }

  // ---- soliciting

  /** connectToRoute for a configured route: retried for ever. */
  private solicit(urlText: string, explicit: boolean, firstConnect = true): void {
    let u: GoURL;
    try {
      u = parseGoURL(urlText);
    } catch (e) {
      if (e instanceof GoURLError) this.log.error(`Error parsing route URL ${urlText}: ${e.message}`);
      return;
    }
    void this.connectToRoute(u, urlText, explicit, firstConnect, 0);
  }

  private routeStillValid(urlText: string): boolean {
    return this.host.opts.routes.includes(urlText);
  }

  private async connectToRoute(u: GoURL, urlText: string, tryForEver: boolean, firstConnect: boolean, attempts: number): Promise<void> {
    if (this.stopped || this.host.shuttingDown) return;
    if (tryForEver && !this.routeStillValid(urlText)) return;
    const { host, port } = urlHostPort(u, 0);
    if (this.selfAddrs.has(joinHostPort(host, port)) && port === this.port) return; // errNoIPAvail: only ourselves
    this.log.debug(`Trying to connect to route on ${u.host} (${joinHostPort(host, port)})`);
    let route: RouteConnection | undefined;
    // DEFAULT_ROUTE_DIAL: a dial that has not connected within 1 s is given up (and closed if it connects
    // later), so a member whose address no longer answers is retried on time.
    let abandoned = false;
    let dialTimer: ReturnType<typeof setTimeout> | undefined;
    try {
      const dial = Bun.connect<SocketData>({
        hostname: host,
        port,
        data: { route: null },
        ...(this.tls !== undefined
          ? { tls: { cert: this.tls.bun.cert, key: this.tls.bun.key, ca: this.tls.bun.ca, rejectUnauthorized: true } }
          : {}),
        socket: {
          handshake: (socket, success, err) => this.handshaken(socket, success, err),
          open: (socket) => {
            if (abandoned) {
              socket.terminate();
              return;
            }
            route = new RouteConnection(this.host, this.host.nextCid(), new BunSocketTransport(socket), this, u, urlText);
            route.routeType = this.isConfigured(u) ? RouteType.EXPLICIT : RouteType.IMPLICIT;
            socket.data = { route };
          },
          ...this.routeSocketEvents,
          connectError: () => {},
        },
      });
      dial.catch(() => {}); // a dial given up may still fail later
      const timeout = new Promise<never>((_, reject) => {
        dialTimer = setTimeout(() => {
          if (route !== undefined) return;
          abandoned = true;
          reject(Object.assign(new Error("i/o timeout"), { code: "ETIMEDOUT" }));
        }, ROUTE_DIAL_TIMEOUT);
      });
      await Promise.race([dial, timeout]);
    } catch (e) {
      attempts++;
      const msg = `Error trying to connect to route (attempt ${attempts}): ${describeDialError(e, host, port)}`;
      // shouldReportConnectErr: the first attempt, then every connect_error_reports (3600) attempts of a
      // first connect, every reconnect_error_reports (60) of a reconnect.
      const every = firstConnect ? CONNECT_ERROR_REPORTS : RECONNECT_ERROR_REPORTS;
      if (attempts === 1 || attempts % every === 0) this.log.error(msg);
      else this.log.debug(msg);
      if (!tryForEver) {
        const retries = this.host.opts.clusterConnectRetries;
        if (retries <= 0 || attempts > retries) return;
      }
      this.later(ROUTE_CONNECT_DELAY, () => void this.connectToRoute(u, urlText, tryForEver, firstConnect, attempts));
      return;
    } finally {
      clearTimeout(dialTimer);
    }
    if (route === undefined) return;
    if (this.stopped || (tryForEver && !this.routeStillValid(urlText))) {
      route.closeConnection(ClosedReason.serverShutdown);
      return;
    }
    if (this.tls === undefined) this.created(route);
    else if (!route.tlsDone) this.startTLSTimer(route);
  }

  private isConfigured(u: GoURL): boolean {
    const h = u.host.toLowerCase();
    for (const r of this.host.opts.routes) {
      try {
        if (parseGoURL(r).host.toLowerCase() === h) return true;
      } catch {
        // not a URL: cannot match
      }
    }
    return false;
  }

  // ---- INFO and registration

  /** processRouteInfo (route.go), called for every INFO a route receives. */
  processRouteInfo(r: RouteConnection, info: RouteInfo): void {
    if (r.closed) return;
    const id = this.host.id;
    if (info.server_id === id) {
      // A route to ourselves.
      r.remoteID = id;
      r.closeConnection(ClosedReason.duplicateRoute);
      return;
    }
    const theirs = info.cluster ?? "";
    if (theirs !== "" && theirs !== this.name && !this.adoptName(theirs, info.cluster_dynamic === true, r)) {
      r.closeConnection(ClosedReason.clusterNameConflict);
      return;
    }
    if (r.infoReceived) {
      // An INFO about another server (gossip): connect to it unless known. Else an update.
      if (r.remoteID !== "" && r.remoteID !== info.server_id) {
        this.processImplicitRoute(info);
        return;
      }
      if (info.ldm === true && !this.host.opts.clusterNoAdvertise) this.removeConnectURLs(r.connectURLs, r.wsConnectURLs);
      return;
    }
    if (!r.didSolicit && info.server_name === this.host.name) {
      r.error(`Remote server has a duplicate name: ${JSON.stringify(info.server_name)}`);
      r.closeConnection(ClosedReason.duplicateServerName);
      return;
    }
    r.infoReceived = true;
    r.headers = !this.host.opts.noHeaderSupport && info.headers === true;
    r.remoteID = info.server_id;
    r.remoteName = info.server_name;
    r.remoteCluster = info.cluster ?? "";
    r.lnoc = info.lnoc === true;
    r.remotePortAdvertised = info.port;
    // The peer's own route permissions, shown by /routez (c.opts.Import/Export).
    r.remoteImport = info.import;
    r.remoteExport = info.export;
    if (r.url === undefined) {
      r.urlText = `nats-route://${joinHostPort(info.host, info.port)}/`;
      r.url = parseGoURL(r.urlText);
    }
    const [added, sendInfo] = this.addRoute(r, info);
    if (!added) {
      r.debug(`Detected duplicate remote route ${JSON.stringify(info.server_id)}`);
      r.closeConnection(ClosedReason.duplicateRoute);
      return;
    }
    r.debug(`Registering remote route ${JSON.stringify(info.server_id)}`);
    this.interest.sendSubsToRoute(r);
    if (sendInfo) {
      const fwd = { ...info };
      if (fwd.ip === undefined || fwd.ip === "") fwd.ip = `nats-route://${joinHostPort(r.ip, info.port)}/`;
      this.forwardNewRouteInfo(fwd);
    }
    if (!this.host.opts.clusterNoAdvertise) this.urls.add(info.connect_urls ?? [], info.ws_connect_urls ?? []);
  }

  /** addRoute: [added, sendInfo]. A second connection to a known server is a duplicate (kept: the first). */
  private addRoute(r: RouteConnection, info: RouteInfo): [boolean, boolean] {
    if (this.stopped) return [false, false];
    const existing = this.remotes.get(info.server_id);
    if (existing !== undefined) {
      // The kept route reconnects if it drops, even if implicit (remote.route.retry).
      existing.retry = true;
      return [false, false];
    }
    this.pending.delete(r);
    this.routes.set(r.cid, r);
    this.remotes.set(info.server_id, r);
    r.connectURLs = info.connect_urls ?? [];
    r.wsConnectURLs = info.ws_connect_urls ?? [];
    return [true, this.routes.size > 1];
  }

  /** forwardNewRouteInfoToKnownServers: the new member's INFO (without nonce) to the other routes. */
  private forwardNewRouteInfo(info: RouteInfo): void {
    const fwd = { ...info, nonce: undefined };
    const bytes = new TextEncoder().encode(`INFO ${JSON.stringify(fwd)}\r\n`);
    for (const r of this.routes.values()) if (r.remoteID !== info.server_id) r.enqueue(bytes);
  }

  /** processImplicitRoute: a member we learned about from another: connect unless known or configured. */
  private processImplicitRoute(info: RouteInfo): void {
    const id = info.server_id;
    if (id === this.host.id || this.remotes.has(id)) return;
    const hp = joinHostPort(info.host, info.port).toLowerCase();
    for (const r of this.host.opts.routes) {
      try {
        if (parseGoURL(r).host.toLowerCase() === hp) return;
      } catch {
        // ignore
      }
    }
    let u: GoURL;
    try {
      u = parseGoURL(info.ip ?? "");
    } catch (e) {
      this.log.error(`Error parsing URL from INFO: ${(e as Error).message}`);
      return;
    }
    if (info.auth_required === true) {
      const opts = this.host.opts;
      u = { ...u, user: { username: opts.clusterUsername, password: opts.clusterPassword } };
    }
    void this.connectToRoute(u, info.ip ?? "", false, true, 0);
  }

  /** A route closed (client.go closeConnection for ROUTER + removeRoute + the reconnect decision). */
  routeClosed(r: RouteConnection): void {
    this.pending.delete(r);
    const registered = this.routes.get(r.cid) === r;
    this.routes.delete(r.cid);
    if (registered && this.remotes.get(r.remoteID) === r) this.remotes.delete(r.remoteID);
    if (registered && !this.host.opts.clusterNoAdvertise) this.removeConnectURLs(r.connectURLs, r.wsConnectURLs);
    if (this.stopped || this.host.shuttingDown || r.noReconnect) return;
    const retryImplicit = r.retry || (r.didSolicit && r.routeType === RouteType.IMPLICIT);
    if (!r.didSolicit && !retryImplicit) return;
    if (r.remoteID !== "" && this.remotes.has(r.remoteID)) {
      this.log.debug(`Not attempting reconnect for solicited route, already connected to "${r.remoteID}"`);
      return;
    }
    if (r.remoteID === this.host.id) {
      this.log.debug(`Detected route to self, ignoring ${JSON.stringify(redacted(r.urlText))}`);
      return;
    }
    if (r.url === undefined) return;
    if (r.routeType !== RouteType.IMPLICIT || retryImplicit) {
      this.log.debug(`Attempting reconnect for solicited route "${redacted(r.urlText)}"`);
      const explicit = r.routeType === RouteType.EXPLICIT;
      const delay = Math.floor(Math.random() * 100) + (explicit ? ROUTE_RECONNECT : 0);
      const u = r.url;
      this.later(delay, () => void this.connectToRoute(u, r.urlText, explicit, false, 0));
    }
  }

  // ---- interest and client URLs (interest.ts, urls.ts)

  /** Keep track of an account's local interest (the routes are told of it). */
  watchAccount(acc: ConnAccount): void {
    this.interest.watchAccount(acc);
  }

  /** The connect_urls of client INFO: ours and the members', or undefined before any route came. */
  clientConnectURLs(): string[] | undefined {
    return this.urls.clientConnectURLs();
  }

  /** The connect_urls of a websocket client's INFO: the websocket URLs of ours and the members'. */
  clientWsConnectURLs(): string[] | undefined {
    return this.urls.clientWsConnectURLs();
  }

  removeConnectURLs(urls: readonly string[], wsUrls: readonly string[] = []): void {
    this.urls.remove(urls, wsUrls);
  }

  /** A config reload changed cluster settings: a configured name replaces ours (clusterOption.Apply). */
  reloaded(previous: RoutePermissions | undefined): void {
    const opts = this.host.opts;
    const name = opts.clusterName;
    if (name !== "" && name !== this.name) {
      this.name = name;
      this.dynamic = false;
    }
    // reloadClusterPermissions: every route takes the new permissions; interest follows on both sides.
    if (JSON.stringify(previous) !== JSON.stringify(opts.clusterPermissions)) {
      for (const r of this.routes.values()) {
        const old = new RouteConnectionPermissions(previous);
        r.setPermissions(opts.clusterPermissions);
        this.interest.importChanged(r, (s) => old.canImport(s));
        r.dropUnexportable();
      }
      this.host.loop.flushAll();
    }
  }

  /** A config reload changed `routes` (routesOption.Apply): removed ones close for good, new ones are dialed. */
  reloadRoutes(add: readonly string[], remove: readonly string[]): void {
    for (const url of remove) {
      for (const r of [...this.routes.values(), ...this.pending]) {
        if (r.urlText !== url) continue;
        r.noReconnect = true;
        r.closeConnection(ClosedReason.routeRemoved);
        this.log.notice(`Removed route ${redacted(url)}`);
      }
    }
    for (const url of add) this.solicit(url, true);
  }

  /** Lame duck mode: tell the routes (INFO ldm), so their clients stop being sent here. */
  enterLameDuckMode(): void {
    const info = { ...this.routeInfo(false), ldm: true };
    const bytes = new TextEncoder().encode(`INFO ${JSON.stringify(info)}\r\n`);
    for (const r of this.routes.values()) r.enqueue(bytes);
    this.host.loop.flushAll();
  }
}

