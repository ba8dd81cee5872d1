// The leafnode side of a server (leafnode.go's Server methods): the accept listener and its INFO, the
// remotes solicited with their reconnect loop, the registry of links with duplicate eviction, the
// JetStream API deny every link gets, and interest: the initial smap of a link and every later change
// forwarded to the links that should hear of it (initLeafNodeSmapAndSendSubs, updateLeafNodes,
// updateSmap). It is the ConnHost of its links; the server is reached through LeafServer.
import type { Socket, TCPSocketListener } from "bun";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import type { Authenticator } from "../auth/authenticator.ts";
import { generateNonce } from "../auth/authenticator.ts";
import type { Connection, ConnAccount, Subscription } from "../conn/connection.ts";
import type { ConnHost } from "../conn/host.ts";
import type { ReadLoop } from "../conn/readloop.ts";
import type { ServerStats } from "../conn/stats.ts";
import type { Logger } from "../log.ts";
import { GO_VERSION, VERSION, type Options } from "../options.ts";
import { ClosedReason, Err } from "../protocol/errors.ts";
import { BunSocketTransport } from "../transport/tcp.ts";
import type { Transport } from "../transport/transport.ts";
import { leafWebsocketURL, WebsocketClientTransport } from "./wsclient.ts";
import { LDS_PREFIX, LeafConnection, type LeafAuth, type LeafHost } from "./connection.ts";
import type { LeafInfo } from "./info.ts";
import type { readLeafConnect } from "./info.ts";
import { hostPort, LeafRemote, type LeafURL } from "./remote.ts";
import { forwardInterest, initialInterest, nuid } from "./interest.ts";
import { upgradeClientTLS, upgradeServerTLS, type AcceptTLS, type LeafSocketData, type LeafSocketHandlers } from "./tls.ts";

/** What the leafnode side needs from the server. */
export interface LeafServer extends ConnHost<Connection> {
  readonly id: string;
  readonly name: string;
  readonly shuttingDown: boolean;
  readonly auth: Authenticator;
  readonly accounts: { lookup(name: string): ConnAccount | undefined; register(name: string): ConnAccount; readonly global: ConnAccount };
  nextCid(): number;
}


/** jetstream_api.go denyAllClientJs: the API a leaf link never carries without a domain. */
const DENY_ALL_CLIENT_JS = ["$JS.API.>", "$KV.>", "$OBJ.>"];
/** DEFAULT_LEAFNODE_INFO_WAIT: the hub's INFO must come within 1 s of the dial. */
const LEAF_INFO_WAIT = 1000;
const CONNECT_ERROR_REPORTS = 3600;
const RECONNECT_ERROR_REPORTS = 1;

export class LeafNodes implements LeafHost {
  /** Links that are up (s.leafs), by cid. */
  readonly leafs = new Map<number, LeafConnection>();
  /** Links being set up (temp clients): closed at shutdown too. */
  private readonly pending = new Set<LeafConnection>();
  readonly remotes: LeafRemote[] = [];
  private listener: TCPSocketListener<LeafSocketData> | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly ldsByAccount = new Map<string, string>();
  private stopped = false;
  /** The accepting side's TLS material, when leafnodes has tls {}. */
  private acceptTLS: AcceptTLS | undefined;

  constructor(readonly server: LeafServer) {}

  // ---- ConnHost for the links (the server's, except removal)

  get opts(): Options {
    return this.server.opts;
  }
  get stats(): ServerStats {
    return this.server.stats;
  }
  get log(): Logger {
    return this.server.log;
  }
  get stallThreshold(): number {
    return this.server.stallThreshold;
  }
  get loop(): ReadLoop {
    return this.server.loop;
  }

  get serverId(): string {
    return this.server.id;
  }
  get serverName(): string {
    return this.server.name;
  }
  get version(): string {
    return VERSION;
  }

  /** The cluster name sent in CONNECT: a leaf with remotes and no cluster uses its server name (NewServer). */
  get clusterName(): string {
    const o = this.opts as Options & { clusterName?: string; clusterPort?: number };
    if (o.clusterName) return o.clusterName;
    if (this.opts.leafnodes.remotes.length > 0 && !o.clusterPort) return this.opts.serverName;
    return "";
  }

  /** The bound leafnode port (0 when not accepting). */
  get port(): number {
    return this.listener?.port ?? 0;
  }

  removeConnection(conn: Connection): void {
    const leaf = conn as LeafConnection;
    this.pending.delete(leaf);
    if (this.leafs.get(conn.cid) === leaf) this.leafs.delete(conn.cid);
  }

  /** A link's subscription changed: the server tells every interested party (other links, routes). */
  interestChanged(conn: Connection, sub: Subscription, delta: number): void {
    this.server.interestChanged?.(conn, sub, delta);
  }

  // ---- lifecycle

  /** A reload changed the TLS files: new links use them (the accepting side's are read again). */
  reloadTLS(): void {
    const t = this.opts.leafnodes.tls;
    if (t === undefined || this.acceptTLS === undefined) return;
    try {
      this.acceptTLS = { ...this.acceptTLS, cert: readFileSync(t.certFile, "utf8"), key: readFileSync(t.keyFile, "utf8"), ca: t.caFile ? readFileSync(t.caFile, "utf8") : undefined };
    } catch (e) {
      this.log.error(`Error reloading leafnode TLS files: ${(e as Error).message}`);
    }
  }

  /** startLeafNodeAcceptLoop, when leafnodes has a port. */
  listenIfConfigured(): void {
    if (this.opts.leafnodes.port !== 0) this.listen();
  }

  /** solicitLeafNodeRemotes: dial every remote (after the server is ready, as the reference). */
  solicitRemotes(): void {
    for (const r of this.opts.leafnodes.remotes) {
      const remote = new LeafRemote(r);
      this.remotes.push(remote);
      if (remote.urls.length === 0) {
        this.log.debug("Empty remote leafnode definition, nothing to connect");
        continue;
      }
      this.connectToRemote(remote, true, 0);
    }
  }

  /** Stop accepting and soliciting (lame duck, shutdown). */
  stopAccepting(): void {
    this.listener?.stop(false);
    this.listener = undefined;
  }

  shutdown(): void {
    this.stopped = true;
    this.stopAccepting();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of [...this.pending, ...this.leafs.values()]) c.closeConnection(ClosedReason.serverShutdown);
  }

  private schedule(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  // ---- accepting side

  private listen(): void {
    const ln = this.opts.leafnodes;
    if (ln.tls !== undefined) {
      // Read once (a bad file fails the start, as GenTLSConfig fails the config).
      this.acceptTLS = {
        cert: readFileSync(ln.tls.certFile, "utf8"),
        key: readFileSync(ln.tls.keyFile, "utf8"),
        ca: ln.tls.caFile ? readFileSync(ln.tls.caFile, "utf8") : undefined,
        requestCert: ln.tls.verify,
        rejectUnauthorized: ln.tls.verify,
      };
    }
    this.listener = Bun.listen<LeafSocketData>({
      hostname: ln.host,
      port: ln.port < 0 ? 0 : ln.port,
      data: { conn: null },
      socket: this.socketHandlers((s) => this.accept(s)),
    });
    this.log.notice(`Listening for leafnode connections on ${ln.host.includes(":") ? `[${ln.host}]` : ln.host}:${this.listener.port}`);
  }

  private socketHandlers(open: (s: Socket<LeafSocketData>) => void): LeafSocketHandlers {
    return {
      open,
      data: (socket, chunk) => {
        const c = socket.data.conn;
        if (c !== null) this.loop.read(c, chunk);
      },
      drain: (socket) => socket.data.conn?.onTransportDrain(),
      close: (socket) => socket.data.conn?.onTransportClose(),
      error: (socket, err) => {
        const c = socket.data.conn;
        if (c === null) return;
        c.debug(`Socket error: ${err.message}`);
        c.closeConnection(ClosedReason.readError);
      },
    };
  }

  private accept(socket: Socket<LeafSocketData>): void {
    if (!socket.remoteAddress || this.server.shuttingDown) {
      socket.terminate();
      return;
    }
    const conn = new LeafConnection(this, this.server.nextCid(), new BunSocketTransport(socket), this.server.accounts.global);
    // A fresh object: the listener's `data` is shared by every accepted socket until replaced.
    socket.data = { conn };
    this.welcome(conn);
    // INFO in clear, then the server side of the TLS handshake (createLeafNode -> doTLSServerHandshake).
    if (this.acceptTLS !== undefined) this.startServerTLS(conn, socket);
  }

  /**
   * A leaf over the websocket port (`/leafnode`, websocket.go startWebsocketServer): the same accepting
   * side on a websocket transport (its TLS, if any, is the websocket listener's).
   */
  acceptWebsocket(transport: Transport): LeafConnection {
    const conn = new LeafConnection(this, this.server.nextCid(), transport, this.server.accounts.global);
    this.welcome(conn);
    return conn;
  }

  /** createLeafNode for an accepted link: registered as pending, INFO with a nonce, CONNECT awaited. */
  private welcome(conn: LeafConnection): void {
    this.pending.add(conn);
    conn.notice("Leafnode connection created ");
    conn.nonce = generateNonce();
    const info = this.leafInfo();
    info.nonce = conn.nonce;
    info.client_id = conn.cid;
    conn.sendInfo(info);
    this.loop.flushAll();
    conn.parser.awaitingAuth = true;
    conn.setAuthTimer(this.opts.leafnodes.authTimeout);
  }

  /** The upgrade must happen before the leaf's ClientHello reaches the plaintext handlers (BUN-NOTES). */
  private startServerTLS(conn: LeafConnection, socket: Socket<LeafSocketData>): void {
    upgradeServerTLS(conn, socket, this.acceptTLS!, this.opts.leafnodes.tls?.timeout ?? 2000, this.socketHandlers(() => {}));
  }

  /** copyLeafNodeInfo: the accepting side's INFO (auth always required, proto 1, info_on_connect). */
  leafInfo(): LeafInfo {
    const opts = this.opts;
    const ln = opts.leafnodes;
    let host = ln.host;
    let port = this.port;
    if (ln.advertise !== "") {
      const i = ln.advertise.lastIndexOf(":");
      if (i > 0) {
        host = ln.advertise.slice(0, i);
        port = Number(ln.advertise.slice(i + 1)) || port;
      } else host = ln.advertise;
    } else if (host === "0.0.0.0" || host === "::") host = firstNonLocalIP() ?? "127.0.0.1";
    const ip = hostPort({ host, port } as LeafURL);
    return {
      server_id: this.serverId,
      server_name: this.serverName,
      version: VERSION,
      proto: 1,
      go: GO_VERSION,
      host,
      port,
      headers: !opts.noHeaderSupport,
      auth_required: true,
      tls_required: ln.tls !== undefined || undefined,
      tls_verify: (ln.tls !== undefined && ln.tls.verify) || undefined,
      max_payload: opts.maxPayload,
      ip,
      client_id: undefined,
      nonce: undefined,
      cluster: this.clusterName || undefined,
      connect_info: undefined,
      info_on_connect: true,
      // Always our own URL: no_advertise only keeps it out of route gossip (route.go).
      leafnode_urls: [ip],
    };
  }

  /**
   * isLeafNodeAuthorized: the leafnodes user (or users) when configured, bound to their account;
   * otherwise the client authorization of the server, or anyone when there is none.
   */
  authorize(conn: LeafConnection, c: ReturnType<typeof readLeafConnect>): LeafAuth | null {
    const ln = this.opts.leafnodes;
    const accountOf = (name: string): ConnAccount | undefined => (name === "" ? this.server.accounts.global : this.account(name));
    const check = (user: string, pass: string, account: string): LeafAuth | null => {
      if (c.user !== user || c.pass !== pass) return null;
      const acc = accountOf(account);
      if (acc === undefined) return null;
      return { account: acc, user };
    };
    if (ln.username !== "") return check(ln.username, ln.password, ln.account);
    if (ln.users.length > 0) {
      const u = ln.users.find((x) => x.username === c.user);
      return u === undefined ? null : check(u.username, u.password, u.account);
    }
    const auth = this.server.auth;
    if (!auth.requiresAuth()) {
      const acc = accountOf(ln.account);
      return acc === undefined ? null : { account: acc, user: "" };
    }
    const r = auth.authenticate({ connect: { user: c.user, pass: c.pass, jwt: c.jwt, sig: c.sig }, nonce: conn.nonce, connectionType: "LEAFNODE" });
    if (r === null) return null;
    const acc = accountOf(r.account === "$G" ? ln.account : r.account);
    return acc === undefined ? null : { account: acc, user: r.user, permissions: r.permissions };
  }

  /** An account by name: registered, or configured (accounts {}) and registered now. */
  private account(name: string): ConnAccount | undefined {
    const accs = this.server.accounts;
    const found = accs.lookup(name);
    if (found !== undefined) return found;
    const o = this.opts;
    return o.accounts.some((a) => a.name === name) || name === o.systemAccount ? accs.register(name) : undefined;
  }

  // ---- soliciting side

  private connectToRemote(remote: LeafRemote, firstConnect: boolean, attempts: number): void {
    if (this.stopped || this.server.shuttingDown) return;
    if (remote.connectDelay > 0) {
      const d = remote.connectDelay;
      remote.connectDelay = 0;
      this.schedule(d, () => this.connectToRemote(remote, firstConnect, attempts));
      return;
    }
    const url = remote.pickNextURL();
    this.log.debug(`Trying to connect as leafnode to remote server on ${JSON.stringify(hostPort(url))}`);
    const retry = (err: string): void => {
      attempts++;
      const every = firstConnect ? CONNECT_ERROR_REPORTS : RECONNECT_ERROR_REPORTS;
      const msg = `Error trying to connect as leafnode to remote server ${JSON.stringify(hostPort(url))} (attempt ${attempts}): ${err}`;
      if (attempts === 1 || attempts % every === 0) this.log.error(msg);
      else this.log.debug(msg);
      this.schedule(this.opts.leafnodes.reconnectInterval, () => this.connectToRemote(remote, firstConnect, attempts));
    };
    if (url.scheme === "ws" || url.scheme === "wss") {
      this.dialWebsocket(remote, url, retry);
      return;
    }
    let timedOut = false;
    const dial = Bun.connect<LeafSocketData>({
      hostname: url.host,
      port: url.port,
      data: { conn: null, remote, url },
      socket: this.socketHandlers((s) => {
        if (timedOut) s.terminate();
        else this.solicited(s);
      }),
    });
    // DEFAULT_ROUTE_DIAL: a dial that hangs counts as a failed attempt after 1 s.
    const dialTimer = setTimeout(() => {
      timedOut = true;
      retry(`dial tcp ${hostPort(url)}: i/o timeout`);
    }, 1000);
    dial.then(
      () => clearTimeout(dialTimer),
      (e: unknown) => {
        clearTimeout(dialTimer);
        if (!timedOut) retry(dialError(url, e));
      },
    );
  }

  /** A ws:// or wss:// remote: the link rides a websocket to the hub's `/leafnode` path. */
  private dialWebsocket(remote: LeafRemote, url: LeafURL, retry: (err: string) => void): void {
    const target = leafWebsocketURL(url.scheme, hostPort(url), url.raw);
    const t = remote.opts.tls;
    let ws: WebSocket;
    try {
      ws = new WebSocket(target, {
        tls: {
          rejectUnauthorized: !remote.opts.tlsInsecure,
          ca: t?.caFile ? readFileSync(t.caFile, "utf8") : undefined,
          cert: t?.certFile ? readFileSync(t.certFile, "utf8") : undefined,
          key: t?.keyFile ? readFileSync(t.keyFile, "utf8") : undefined,
        },
      } as unknown as string[]);
    } catch (e) {
      retry((e as Error).message);
      return;
    }
    ws.binaryType = "arraybuffer";
    let conn: LeafConnection | undefined;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      if (this.stopped || this.server.shuttingDown) {
        ws.close(1001);
        return;
      }
      const account = this.account(remote.account);
      conn = new LeafConnection(this, this.server.nextCid(), new WebsocketClientTransport(ws, url.host, url.port), account ?? this.server.accounts.global, remote, url);
      this.pending.add(conn);
      if (account === undefined) {
        conn.closeConnection(ClosedReason.missingAccount);
        return;
      }
      conn.notice(`Leafnode connection created for account: ${account.name} `);
    };
    ws.onmessage = (ev: MessageEvent) => {
      const data = ev.data as ArrayBuffer | string;
      if (conn === undefined) return;
      this.loop.read(conn, typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data));
    };
    ws.onclose = () => {
      if (conn !== undefined) conn.onTransportClose();
      else if (!opened) retry(`websocket dial to ${target} failed`);
    };
    ws.onerror = () => {
      if (conn !== undefined) conn.closeConnection(ClosedReason.readError);
    };
  }

  private solicited(socket: Socket<LeafSocketData>): void {
    const remote = socket.data.remote!;
    const url = socket.data.url!;
    if (this.stopped || this.server.shuttingDown) {
      socket.terminate();
      return;
    }
    const account = this.account(remote.account);
    const conn = new LeafConnection(this, this.server.nextCid(), new BunSocketTransport(socket), account ?? this.server.accounts.global, remote, url);
    socket.data = { conn, remote, url };
    this.pending.add(conn);
    if (account === undefined) {
      conn.closeConnection(ClosedReason.missingAccount);
      this.log.error(`Unable to lookup account ${remote.account} for solicited leafnode connection: account not found`);
      return;
    }
    conn.notice(`Leafnode connection created for account: ${account.name} `);
    // The hub's INFO must come soon (the read deadline of createLeafNode).
    const t = setTimeout(() => {
      if (!conn.closed && !conn.ready && conn.nonce === "" && conn.remoteServer === "") {
        conn.error("Leafnode INFO not received in time");
        conn.closeConnection(ClosedReason.readError);
      }
    }, LEAF_INFO_WAIT);
    t.unref?.();
  }

  /**
   * doTLSClientHandshake on a solicited link: the plaintext socket is upgraded in place (Bun's
   * upgradeTLS), verified against the remote's CA (unless insecure) for the host name we dialed.
   */
  startClientTLS(conn: LeafConnection, done: (err?: string) => void): void {
    upgradeClientTLS(conn, this.socketHandlers(() => {}), done);
  }

  /** A link closed: log it and, for a solicited one, dial again after the reconnect interval. */
  onLeafClosed(conn: LeafConnection): void {
    conn.notice(`Leafnode connection closed: ${conn.closeReason} account: ${conn.account.name}`);
    const remote = conn.remote;
    if (remote === undefined || this.stopped || this.server.shuttingDown) return;
    this.schedule(this.opts.leafnodes.reconnectInterval, () => this.connectToRemote(remote, false, 0));
  }

  // ---- registry

  /**
   * addLeafNodeConnection: registered; an accepted link from the same server, cluster and account
   * replaces the old one (a stale link, or a misconfiguration the peers see in their logs); and the
   * JetStream API is denied on the link (bnats has no JetStream, so it never extends a domain).
   */
  addLeafConnection(conn: LeafConnection, srvName: string, cluster: string, checkDup: boolean): void {
    let old: LeafConnection | undefined;
    if (checkDup && srvName !== "") {
      for (const l of this.leafs.values()) {
        if (!l.solicited && l.remoteServer === srvName && l.remoteCluster === cluster && l.account === conn.account) {
          old = l;
          break;
        }
      }
    }
    this.pending.delete(conn);
    this.leafs.set(conn.cid, conn);
    if (old !== undefined) {
      old.sendErrAndErr(Err.leafDuplicate);
      old.closeConnection(ClosedReason.duplicateRemoteLeafnode);
      this.log.warn(`${conn.logPrefix} - Replacing connection from same server`);
    }
    const accName = conn.account.name;
    conn.notice(`JetStream Not Extended, adding deny [${DENY_ALL_CLIENT_JS.join(" ")}] for account ${JSON.stringify(accName)}`);
    conn.mergeDeny(DENY_ALL_CLIENT_JS, DENY_ALL_CLIENT_JS);
  }

  /** sendPermsAndAccountInfo: the INFO answering a CONNECT, with the link's permissions for the leaf. */
  sendPermsAndAccountInfo(conn: LeafConnection): void {
    const info = this.leafInfo();
    info.client_id = conn.cid;
    // The user's permissions as configured, for enforcement on the leaf: import is what it may
    // subscribe to, export what it may publish (the swap applies inside the hub only).
    const p = conn.userPerms;
    if (p?.subscribe !== undefined) info.import = p.subscribe;
    if (p?.publish !== undefined) info.export = p.publish;
    info.remote_account = conn.account.name;
    info.connect_info = true;
    conn.sendInfo(info);
  }

  /** The account's loop detection subject, created once (acc.lds). */
  lds(account: ConnAccount): string {
    let s = this.ldsByAccount.get(account.name);
    if (s === undefined) {
      s = LDS_PREFIX + nuid();
      this.ldsByAccount.set(account.name, s);
    }
    return s;
  }

  /** initLeafNodeSmapAndSendSubs (src/leaf/interest.ts). */
  initSmapAndSendSubs(conn: LeafConnection): void {
    const protos = initialInterest(conn, this.lds(conn.account));
    if (this.log.traceEnabled) for (const l of protos.split("\r\n")) if (l !== "") conn.trace(`->> [${l}]`);
    conn.enqueue(Buffer.from(protos, "latin1"));
  }

  /** updateLeafNodes (src/leaf/interest.ts). */
  updateLeafNodes(account: ConnAccount, sub: Subscription, delta: number): void {
    if (this.leafs.size > 0) forwardInterest(this.leafs.values(), account, sub, delta, this.log.traceEnabled);
  }
}

/** getNonLocalIPsIfHostIsIPAny: the address other servers can reach us at when listening on all interfaces. */
function firstNonLocalIP(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.internal || a.family !== "IPv4" || a.address.startsWith("169.254.")) continue;
      return a.address;
    }
  }
  return undefined;
}

/** The dial error as Go prints it ("dial tcp h:p: connect: connection refused"). */
function dialError(url: LeafURL, e: unknown): string {
  const code = (e as { code?: string }).code;
  const hp = hostPort(url);
  if (code === "ECONNREFUSED") return `dial tcp ${hp}: connect: connection refused`;
  if (code === "ENOTFOUND" || code === "EAI_NONAME") return `dial tcp: lookup ${url.host}: no such host`;
  return `dial tcp ${hp}: ${(e as Error).message ?? String(e)}`;
}

