// The server: lifecycle and registries (server.go): the client listener and accept, connections by
// kind, the accounts, shared counters, TLS configuration. The message path lives in src/conn; the
// composition root (src/main.ts) attaches services such as the monitor (the server does not know it).
import { listenDualStack, unmapIPv4 } from "../transport/address.ts";
import type { Socket, TCPSocketListener } from "bun";
import { GO_VERSION, PROTO, VERSION, type Options } from "../options.ts";
import type { Logger } from "../log.ts";
import type { ServerInfo } from "../protocol/info.ts";
import { ClosedReason, Err } from "../protocol/errors.ts";
import type { ConnectOptions } from "../protocol/connect.ts";
import { Accounts } from "../accounts/registry.ts";
import { GLOBAL_ACCOUNT, SYSTEM_ACCOUNT } from "../accounts/account.ts";
import { configureAccounts } from "../accounts/setup.ts";
import { addServiceImportSubs, removeServiceImportSubs } from "../conn/service-import.ts";
import type { Connection, ConnAccount, Subscription } from "../conn/connection.ts";
import { ReadLoop } from "../conn/readloop.ts";
import { Kind } from "../conn/kind.ts";
import { ServerStats } from "../conn/stats.ts";
import { BunSocketTransport } from "../transport/tcp.ts";
import { ClientConnection, type ClientHost } from "./client.ts";
import { newServerId } from "./id.ts";
import { Authenticator, generateNonce } from "../auth/authenticator.ts";
import { login, loginNoAuthUser, type LoginOutcome } from "../auth/login.ts";
import { loadTLSContext } from "../transport/tls/context.ts";
import { TLSConnection, type NegotiationConfig } from "../transport/tls/negotiate.ts";
import { RateCounter } from "../transport/tls/ratelimit.ts";
import { ClientTLSHost } from "./tls-host.ts";
import { Cluster, joinHostPort, type ClusterHost } from "../cluster/cluster.ts";
import { RouteSubscription } from "../cluster/route.ts";
import { encodeInfo } from "../protocol/encode.ts";
import type * as NodeOs from "node:os";
import { LeafNodes } from "../leaf/leafnodes.ts";
import type { WebsocketTransport } from "../transport/websocket/transport.ts";
import type { WebsocketClients } from "./websocket.ts";

/** How often idle connections' outbound buffers are released (Outbound.sweepIdle). */
const IDLE_SWEEP_INTERVAL = 5000;

/** Per-socket data of the client listener: the connection that owns the socket (set right after accept). */
export interface SocketData {
  client: ClientConnection | null;
  /** Set when the listener has TLS: raw socket events go to the negotiation (src/transport/tls/negotiate.ts). */
  tls?: TLSConnection;
}

/**
 * A service the composition root runs beside the server (the monitoring listener): started once the
 * TLS files are loaded and before the client listener binds (the reference starts monitoring first, to
 * watch the startup), told when a reload loaded new certificates, stopped at the end of shutdown.
 */
export interface ServerService {
  start?(): void | Promise<void>;
  /** Shutdown began, before any connection is closed (the system account's SHUTDOWN event goes first). */
  beforeShutdown?(): void;
  /** A reload changed what STATSZ reports (reload.go sendStatszUpdate). */
  statszChanged?(): void;
  reloadTLS?(): void;
  stop?(): Promise<void> | void;
}

/**
 * What the server tells about its clients (events.go: the system account's events, composed by the entry
 * points): a login accepted (accountConnectEvent), refused (sendAuthErrorEvent), a connection closed
 * (saveClosedClient -> accountDisconnectEvent).
 */
export interface ClientEvents {
  connected?(client: ClientConnection): void;
  authFailed?(client: ClientConnection): void;
  closed?(client: ClientConnection): void;
}

export class Server implements ClientHost, ClusterHost {
  /** Observers of client logins and closes (src/process/system.ts). */
  readonly clientEvents: ClientEvents[] = [];
  /** Accounts by name, `$G` from the start; every connection's subject space is its account's. */
  readonly accounts = new Accounts<Subscription, Connection>();
  /** Open client connections by cid. */
  readonly clients = new Map<number, ClientConnection>();
  /** Closed clients, oldest first, bounded by max_closed_clients (connz state=closed). */
  readonly closed: ClientConnection[] = [];
  readonly stats = new ServerStats();
  /** The read budget and flush queue shared by every connection. */
  readonly loop = new ReadLoop();
  readonly id: string;
  readonly name: string;
  /** When the server started, and when its configuration was (re)loaded. */
  readonly startTime = new Date();
  configTime = new Date();
  /** A consumer with more pending bytes than this pauses the producers feeding it (client.go stalls at mp/2). */
  stallThreshold: number;
  /** Set while shutting down or in lame duck mode: no new clients. */
  shuttingDown = false;
  /** Lame duck mode (src/server/lameduck.ts): no new clients, the others closed over time; /healthz 503. */
  lameDuckMode = false;
  /** Users, tokens, nkeys and permissions, built from opts (src/auth). */
  auth: Authenticator;
  /** The loaded `tls {}` block (src/tls), when TLS is configured; rebuilt by reloadTLS. */
  tls: NegotiationConfig | undefined;
  /** Leaf node links: the accept listener, the remotes, interest across links (src/leaf). */
  readonly leafnodes: LeafNodes;

  /** The cluster (routes), when cluster { port } or --cluster is set. */
  readonly cluster: Cluster | undefined;
  /** Websocket clients (the `websocket {}` block), when its port is set. */
  websocket: WebsocketClients | undefined;

  private listener: TCPSocketListener<SocketData> | undefined;
  private gcid = 0;
  private readonly services: ServerService[] = [];
  /** Releases idle connections' outbound buffers (Outbound.sweepIdle). */
  private idleSweep: ReturnType<typeof setInterval> | undefined;

  constructor(
    public opts: Options,
    public log: Logger,
  ) {
    this.id = newServerId();
    this.name = opts.serverName || this.id;
    this.stallThreshold = Math.floor(opts.maxPending / 2);
    this.configureAccounts(opts);
    this.auth = new Authenticator(opts);
    this.cluster = opts.clusterPort !== 0 ? new Cluster(this) : undefined;
    this.leafnodes = new LeafNodes(this);
    // Service import subscriptions once interest can be propagated (addAllServiceImportSubs).
    for (const acc of this.accounts.all()) addServiceImportSubs(this, acc);
  }

  /** A new connection id, shared by every kind (server.go gcid). */
  nextCid(): number {
    return ++this.gcid;
  }

  /** The bound route port; 0 without clustering. */
  get clusterPort(): number {
    return this.cluster?.port ?? 0;
  }

  /**
   * getClientConnectURLs: client_advertise, or every global unicast address when listening on all
   * interfaces, else the listen host; with this server's client port.
   */
  clientConnectURLs(): string[] {
    const [advHost, advPort] = this.advertised();
    if (this.opts.clientAdvertise !== "") return [joinHostPort(advHost, advPort)];
    const host = this.opts.host;
    if (host === "0.0.0.0" || host === "::") {
      const out: string[] = [];
      for (const addrs of Object.values((require("node:os") as typeof NodeOs).networkInterfaces())) {
        for (const a of addrs ?? []) {
          if (a.internal || a.address.startsWith("fe80:") || a.address.startsWith("169.254.")) continue;
          out.push(joinHostPort(a.address, this.port));
        }
      }
      if (out.length > 0) return out;
    }
    return [joinHostPort(host, this.port)];
  }

  /** This server's websocket client URLs (for the route INFO ws_connect_urls). */
  websocketConnectURLs(): string[] {
    return this.websocket?.connectURLs() ?? [];
  }

  /** The cluster's client URLs changed: an async INFO to the clients that take one (sendAsyncInfoToClients). */
  connectURLsChanged(): void {
    if (this.shuttingDown) return;
    for (const c of this.clients.values()) {
      if (c.closed || !c.connectReceived || c.protocol < 1) continue;
      const info = this.baseInfo();
      info.client_id = c.cid;
      info.client_ip = c.ip;
      info.max_payload = c.parser.maxPayload;
      if (c.websocket) info.connect_urls = this.cluster?.clientWsConnectURLs();
      c.enqueue(encodeInfo(info));
    }
    this.flushClients();
  }

  /** The bound leafnode port (0 when not accepting leaf connections). */
  get leafPort(): number {
    return this.leafnodes.port;
  }

  /** A subscription changed in an account: leaf links forward interest (updateLeafNodes). */
  interestChanged(conn: Connection, sub: Subscription, delta: number): void {
    // A shadow subscription (stream import) is interest in the exporter's account; a route's carries its
    // own account (a route serves every account).
    const account = sub.im !== undefined ? sub.im.acc : sub instanceof RouteSubscription ? sub.account : conn.account;
    this.leafnodes.updateLeafNodes(account, sub, delta);
  }

  /** The user name made for `$G` when only the system account has users (sysAccOnlyNoAuthUser). */
  private sysAccOnlyNoAuthUser = "";

  /**
   * server.go configureAccounts: the configured accounts with their exports, imports and mappings, the
   * system account, and the service import subscriptions. When the configuration defines only the
   * system account (to give it users), clients without credentials still land in `$G`: a no_auth_user
   * is made for it, as the reference does.
   */
  private configureAccounts(opts: Options): void {
    configureAccounts(this.accounts, opts);
    this.adjustAccountOptions(opts);
  }

  /**
   * The options as the running server holds them: the no_auth_user made for `$G` when only the system
   * account is configured (a reload compares and applies options adjusted the same way).
   */
  adjustAccountOptions(opts: Options): void {
    const sys = opts.systemAccount || (opts.accounts.some((a) => a.name === SYSTEM_ACCOUNT) ? SYSTEM_ACCOUNT : opts.noSystemAccount ? "" : SYSTEM_ACCOUNT);
    const defined = opts.accounts.filter((a) => a.name !== GLOBAL_ACCOUNT);
    const explicitSys = opts.systemAccount !== "" || defined.some((a) => a.name === SYSTEM_ACCOUNT);
    if (explicitSys && sys !== "" && defined.length === 1 && defined[0]!.name === sys && opts.noAuthUser === "") {
      if (this.sysAccOnlyNoAuthUser === "") this.sysAccOnlyNoAuthUser = `nats-${randomBase62(8)}`;
      const uname = this.sysAccOnlyNoAuthUser;
      if (!opts.users.some((u) => u.username === uname)) opts.users.push({ username: uname, password: uname.slice(6) });
      opts.noAuthUser = uname;
    }
  }

  /**
   * reload.go reloadAuthorization for configured accounts: exports, imports and mappings are wired
   * again from the new options, an account no longer configured loses them (its clients' users are
   * gone or moved, so they are closed by the re-check), service import subscriptions are made anew, and
   * the clients of accounts whose stream imports changed get their shadow subscriptions again.
   */
  reloadAccounts(opts: Options): void {
    const importsOf = (a: ConnAccount): string => JSON.stringify(a.streamImports.map((i) => [i.acc.name, i.from, i.to]));
    const before = new Map<ConnAccount, string>();
    for (const acc of this.accounts.all()) {
      before.set(acc, importsOf(acc));
      removeServiceImportSubs(acc);
    }
    const configured = new Set(opts.accounts.map((a) => a.name));
    for (const acc of this.accounts.all()) {
      if (configured.has(acc.name) || acc === this.accounts.system) continue;
      acc.mappings.clear();
      acc.streamExports.clear();
      acc.serviceExports.clear();
      acc.streamImports.length = 0;
      acc.serviceImports.clear();
    }
    configureAccounts(this.accounts, opts);
    for (const acc of this.accounts.all()) {
      addServiceImportSubs(this, acc);
      if (before.get(acc) === importsOf(acc)) continue;
      for (const conn of acc.conns) conn.refreshShadows();
    }
  }

  /** The system account's name (`/varz system_account`), "" with no_system_account. */
  get systemAccount(): string {
    return this.accounts.system?.name ?? "";
  }

  /** Run `service` beside the server: started by start(), told of TLS reloads, stopped by shutdown(). */
  attach(service: ServerService): void {
    this.services.push(service);
  }

  /** The global account's subject index (monitoring of `$G`). */
  get sublist(): ConnAccount["sublist"] {
    return this.accounts.global.sublist;
  }

  /**
   * The bound client port (differs from opts.port when that was -1 or 0); still that port once the
   * listener closed (lame duck mode: INFO and connect_urls keep naming it, as the reference's s.info).
   */
  get port(): number {
    return this.listener?.port ?? this.boundPort ?? this.opts.port;
  }
  private boundPort: number | undefined;

  get host(): string {
    return this.opts.host;
  }

  /** The bound websocket port (0 when there is no websocket listener). */
  get websocketPort(): number {
    return this.websocket?.port ?? 0;
  }

  /** The websocket listener has a tls {} block (wss://; websocket.go s.websocket.tls). */
  get websocketSecure(): boolean {
    return this.websocket?.secure ?? false;
  }

  /** The INFO fields shared by every client (server.go s.info). */
  baseInfo(): ServerInfo {
    const opts = this.opts;
    const [host, port] = this.advertised();
    return {
      server_id: this.id,
      server_name: this.name,
      version: VERSION,
      proto: PROTO,
      go: GO_VERSION,
      host,
      port,
      headers: !opts.noHeaderSupport,
      auth_required: this.authRequired() || undefined,
      // server.go NewServer: required unless allow_non_tls, which makes it "available" instead.
      tls_required: (opts.tls !== undefined && !opts.allowNonTLS) || undefined,
      tls_verify: (opts.tls !== undefined && (opts.tls.verify || opts.tls.map)) || undefined,
      tls_available: (opts.tls !== undefined && opts.allowNonTLS) || undefined,
      max_payload: opts.maxPayload,
      cluster: this.cluster?.name,
      connect_urls: this.cluster?.clientConnectURLs(),
    };
  }

  /** The host and port INFO announces: client_advertise when set (server.go setInfoHostPort). */
  private advertised(): [string, number] {
    const adv = this.opts.clientAdvertise;
    if (adv === "") return [this.opts.host, this.port];
    const colon = adv.lastIndexOf(":");
    if (colon < 0 || adv.endsWith("]")) return [adv.replace(/^\[|\]$/g, ""), this.port];
    const port = Number(adv.slice(colon + 1));
    return [adv.slice(0, colon).replace(/^\[|\]$/g, ""), Number.isInteger(port) && port > 0 ? port : this.port];
  }

  /** INFO for one client: the shared fields plus its id, ip and nonce. */
  clientInfo(client: ClientConnection): ServerInfo {
    const info = this.baseInfo();
    info.client_id = client.cid;
    info.client_ip = client.ip;
    // generateClientInfoJSON: the client's own max payload (its account's limit may be lower).
    info.max_payload = client.parser.maxPayload;
    if (client.nonce !== "") info.nonce = client.nonce;
    // With no_auth_user a client may connect without credentials: INFO says so (createClient).
    // createWSClient has no such exception, and adds the websocket block's own authentication.
    const ws = client.websocket ? this.websocket : undefined;
    info.auth_required = (ws !== undefined ? ws.authRequired() : this.auth.infoAuthRequired()) || undefined;
    // generateClientInfoJSON: a websocket client's connect_urls are the websocket ones (clustered only).
    if (ws !== undefined) info.connect_urls = this.cluster?.clientWsConnectURLs();
    return info;
  }

  async start(): Promise<void> {
    const opts = this.opts;
    const log = this.log;
    log.notice(`Starting nats-server`);
    log.notice(`  Version:  ${VERSION}`);
    log.notice(`  Git:      [not set]`);
    // A configured or generated cluster name; a leaf with remotes and no cluster uses its server name (Start).
    const clusterName = this.cluster?.name ?? this.leafnodes.clusterName;
    if (clusterName !== "") log.notice(`  Cluster:  ${clusterName}`);
    log.notice(`  Name:     ${this.name}`);
    log.notice(`  ID:       ${this.id}`);
    // Check for insecure configurations (checkAuthforWarnings).
    if (this.auth.hasPlaintextPasswords()) log.warn("Plaintext passwords detected, use nkeys or bcrypt");
    if (opts.configFile) log.notice(`Using configuration file: ${opts.configFile}`);
    // Certificate files are read (and their errors reported) before anything listens.
    this.configureTLS(opts);
    // The websocket subsystem (and the node:crypto/os/net it uses) is loaded only when configured (issue 15).
    if (opts.websocket.port !== 0) this.websocket = new (await import("./websocket.ts")).WebsocketClients(this);
    // As the reference: monitoring starts before the client listener, to watch the startup.
    for (const svc of this.services) await svc.start?.();
    // As the reference: the websocket listener starts before the client listener.
    this.websocket?.start();
    // As the reference's Start: the leafnode listener comes up before the client one.
    this.leafnodes.listenIfConfigured();
    // As Go's listener on 0.0.0.0: dual-stack (src/transport/address.ts).
    this.listener = listenDualStack(opts.host, (hostname) => Bun.listen<SocketData>({
      hostname,
      port: opts.port < 0 ? 0 : opts.port,
      data: { client: null },
      socket: {
        open: (socket) => this.accept(socket),
        data: (socket, chunk) => {
          const tls = socket.data.tls;
          if (tls === undefined) {
            const client = socket.data.client;
            if (client !== null) this.loop.read(client, chunk);
          } else tls.rawData(chunk);
        },
        drain: (socket) => {
          const tls = socket.data.tls;
          if (tls === undefined) socket.data.client?.onTransportDrain();
          else tls.rawDrain();
        },
        close: (socket) => {
          const tls = socket.data.tls;
          if (tls === undefined) socket.data.client?.onTransportClose();
          else tls.rawClose();
        },
        error: (socket, err) => {
          const tls = socket.data.tls;
          if (tls !== undefined) {
            tls.onSocketError(err);
            return;
          }
          const client = socket.data.client;
          if (client === null) return;
          client.debug(`Socket error: ${err.message}`);
          client.closeConnection(ClosedReason.readError);
        },
      },
    }));
    this.boundPort = this.listener.port;
    log.notice(`Listening for client connections on ${hostPort(opts.host, this.port)}`);
    // 2.9.10 says "required" even with allow_non_tls (server.go AcceptLoop).
    if (this.tls) log.notice("TLS required for client connections");

    this.idleSweep = setInterval(() => {
      for (const client of this.clients.values()) client.outbound.sweepIdle();
    }, IDLE_SWEEP_INTERVAL);
    this.idleSweep.unref?.();
    log.notice(`Server is ready`);
    // As the reference: routing starts once clients can connect (StartRouting waits for the listener).
    this.cluster?.start();
    // Remotes are solicited once ready (solicitLeafNodeRemotes).
    this.leafnodes.solicitRemotes();
  }

  private accept(socket: Socket<SocketData>): void {
    // nats-server knows the peer's address from accept (createClient -> initClient); Bun reads it with
    // getpeername, which fails once the peer has already reset the connection: the socket is gone
    // before it became a client. Drop it, without a log line that would not know its address.
    // Address and port are separate look-ups: either may fail on such a socket (seen: address, no port).
    // Read once: each read is a getpeername that may fail the next time (the client keeps these values).
    const address = unmapIPv4(socket.remoteAddress);
    const port = socket.remotePort;
    if (!address || !port) {
      socket.terminate();
      return;
    }
    const tls = this.tls;
    if (tls !== undefined) {
      // src/tls decides the mode per connection; it sends INFO and starts the client when negotiated.
      const host = new ClientTLSHost(this);
      const conn = new TLSConnection(socket as Socket<unknown>, tls, host);
      const client = new ClientConnection(this, this.nextCid(), conn, this.accounts.global);
      host.client = client;
      socket.data = { client, tls: conn };
      this.register(client, conn);
      return;
    }
    const client = new ClientConnection(this, this.nextCid(), new BunSocketTransport(socket, address, port), this.accounts.global);
    socket.data = { client };
    this.register(client);
  }

  /** A websocket connection (upgraded, 101 sent) becomes a client like a TCP one (createWSClient). */
  acceptClient(transport: WebsocketTransport): ClientConnection {
    const client = new ClientConnection(this, this.nextCid(), transport, this.accounts.global);
    this.register(client);
    return client;
  }

  /** Loads the tls {} block (certificate files included); OptionsError names the file at fault. */
  private configureTLS(opts: Options): void {
    this.tls?.rateCounter?.stopLogging();
    if (opts.tls === undefined) {
      this.tls = undefined;
      return;
    }
    const ctx = loadTLSContext(opts.tls);
    for (const w of ctx.warnings) this.log.warn(w);
    // The rate counter lives as long as the server (connection_rate_limit cannot be reloaded).
    const rateCounter =
      this.tls?.rateCounter ?? (opts.tls.connectionRateLimit > 0 ? new RateCounter(opts.tls.connectionRateLimit) : undefined);
    rateCounter?.startLogging(() => this.log);
    this.tls = { ctx, allowNonTLS: opts.allowNonTLS, rateCounter };
  }

  /** Config reload: new certificates (re-read from disk) for new connections. */
  reloadTLS(opts: Options): void {
    this.configureTLS(opts);
    // https monitoring uses the server's TLS configuration too (getMonitoringTLSConfig).
    for (const svc of this.services) svc.reloadTLS?.();
  }

  /**
   * A new connection with its transport ready for INFO: register it, send INFO, then enforce
   * max_connections the way createClient does (INFO first, then the -ERR and close).
   */
  register(client: ClientConnection, tls?: TLSConnection): void {
    if (this.shuttingDown) {
      client.transport.end();
      return;
    }
    this.clients.set(client.cid, client);
    this.stats.totalConnections++;
    if (this.log.debugEnabled) client.debug("Client connection created");
    if (this.auth.needsNonce()) client.nonce = generateNonce();
    if (tls !== undefined) {
      // INFO, admitClient and, once negotiated, startClient come from the TLS negotiation.
      tls.start();
      return;
    }
    client.sendInfo();
    if (!this.admitClient(client)) return;
    this.startClient(client);
  }

  /** max_connections, checked right after INFO (createClient); false when the client was refused. */
  admitClient(client: ClientConnection): boolean {
    if (this.clients.size > this.opts.maxConnections) {
      client.sendErr(Err.maxConnections);
      client.error(Err.maxConnections);
      client.closeConnection(ClosedReason.maxConnectionsExceeded);
      this.flushClients();
      return false;
    }
    return true;
  }

  /** The client may speak: auth and ping timers (after the TLS handshake, as createClient). */
  startClient(client: ClientConnection): void {
    if (client.closed) return;
    const ws = client.websocket ? this.websocket : undefined;
    if (ws !== undefined ? ws.authRequired() : this.authRequired()) {
      client.parser.awaitingAuth = true;
      // A websocket client's timeout may come from the block's authorization (createWSClient).
      client.setAuthTimer(ws !== undefined ? ws.authTimeout() : this.opts.authTimeout);
    }
    client.setPingTimer(this.opts.pingInterval);
    this.flushClients();
  }

  /** Write what every touched connection is owed (the read loop's flush queue). */
  flushClients(): void {
    this.loop.flushAll();
  }

  /** Called once by Connection.closeConnection. */
  removeConnection(conn: Connection): void {
    const client = this.clients.get(conn.cid);
    if (client === undefined || client !== conn) return;
    this.clients.delete(client.cid);
    const max = this.opts.maxClosedClients;
    if (max > 0) {
      this.closed.push(client);
      if (this.closed.length > max) this.closed.splice(0, this.closed.length - max);
    }
    if (this.log.debugEnabled) client.debug(`Client connection closed: ${client.closeReason}`);
    for (const e of this.clientEvents) e.closed?.(client);
  }

  /** A reload changed the server's tags: the services that report them are told. */
  statszChanged(): void {
    for (const svc of this.services) svc.statszChanged?.();
  }

  /** authViolation: after the -ERR and the close (client.go defers sendAuthErrorEvent). */
  clientAuthFailed(client: ClientConnection): void {
    for (const e of this.clientEvents) e.authFailed?.(client);
  }

  // ---- authentication hooks (implemented by src/auth)

  authRequired(): boolean {
    return this.auth.requiresAuth();
  }

  /** The logins a client is judged by: the websocket ones for a websocket client. */
  authFor(client: ClientConnection): Authenticator {
    return client.websocket && this.websocket !== undefined ? this.websocket.auth : this.auth;
  }

  /** Whether the CONNECT's credentials are accepted (src/auth/login.ts); the client is logged in when they are. */
  checkAuthentication(client: ClientConnection, connect: ConnectOptions): boolean | Promise<boolean> {
    const creds = { user: connect.user, pass: connect.pass, auth_token: connect.authToken, nkey: connect.nkey, sig: connect.sig };
    client.credentials = creds;
    const out = login(this.authFor(client), {
      creds,
      nonce: client.nonce,
      peerCertificate: client.transport.tls?.peerCertificate,
      connectionType: client.connectionType,
    });
    // A bcrypt comparison: the client waits for it alone (its input is suspended meanwhile).
    if (out instanceof Promise) return out.then((o) => this.applyLogin(client, o));
    return this.applyLogin(client, out);
  }

  /** parser.go: with no_auth_user set, a first op other than CONNECT logs in as that user. */
  authenticateNoAuthUser(client: ClientConnection): boolean {
    return this.applyLogin(client, loginNoAuthUser(this.authFor(client)));
  }

  private applyLogin(client: ClientConnection, out: LoginOutcome): boolean {
    if (out.login === undefined) {
      client.authError = out.failure;
      return false;
    }
    const account = this.accounts.lookup(out.login.account) ?? this.accounts.global;
    // registerWithAccount: the account's max_connections counts its clients and leafs.
    const mconns = account.limits?.maxConnections ?? -1;
    if (mconns >= 0 && account !== client.account) {
      let n = 0;
      for (const c of account.conns) if (c.kind === Kind.CLIENT || c.kind === Kind.LEAF) n++;
      if (n >= mconns) {
        client.maxAccountConnExceeded();
        return true;
      }
    }
    client.applyLogin(out.login, account);
    for (const e of this.clientEvents) e.connected?.(client);
    return true;
  }

  // ---- lifecycle

  /** Close the client listener, keeping the connections (lame duck mode, shutdown). */
  stopAccepting(): void {
    this.listener?.stop(false);
    this.listener = undefined;
    this.websocket?.stop();
  }

  /** Stop accepting, close every client (flushing what it is owed), and stop the listener. */
  async shutdown(): Promise<void> {
    if (this.shuttingDown && this.listener === undefined) return;
    // shutdownEventing comes first, while the connections are still there to carry it.
    if (!this.shuttingDown) for (const svc of this.services) svc.beforeShutdown?.();
    this.log.notice("Initiating Shutdown...");
    this.shuttingDown = true;
    // stop(false): stop(true) would drop the sockets before the clients get what they are owed.
    this.stopAccepting();
    this.leafnodes.shutdown();
    this.tls?.rateCounter?.stopLogging();
    clearInterval(this.idleSweep);
    this.cluster?.shutdown();
    for (const client of [...this.clients.values()]) client.closeConnection(ClosedReason.serverShutdown);
    this.flushClients();
    for (const svc of this.services) await svc.stop?.();
    this.log.notice("Server Exiting..");
  }
}

/** accounts.go digits: the reference's base-62 alphabet for generated names. */
function randomBase62(n: number): string {
  const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < n; i++) s += digits[(Math.random() * 62) | 0];
  return s;
}

export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
