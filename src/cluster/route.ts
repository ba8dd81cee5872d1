// A route: the connection to one other server of the cluster (kind ROUTER), as route.go and the ROUTER
// branches of client.go. It carries every account: RS+/RS- name the account of each interest, RMSG/HMSG
// the account of each message. The peer's interest lives in those accounts' sublists as subscriptions of
// this connection (key "account subject[ queue]", queue weight in qw); a message from a route goes to
// local subscribers only (conn/fanout.ts never sends it to another route).
import { Connection, Subscription, type ConnAccount } from "../conn/connection.ts";
import type { MsgFrame } from "../conn/deliver.ts";
import type { ConnHost } from "../conn/host.ts";
import { Kind } from "../conn/kind.ts";
import { MatchCache, processMsgResults } from "../conn/fanout.ts";
import { CompiledPermissions } from "../auth/permissions.ts";
import { ClosedReason, Err, ERR_INVALID_SUBSCRIPTION, routeRejectClusterName, routeRejectGateway } from "../protocol/errors.ts";
import type { RouteParserHandler } from "../protocol/parser.ts";
import type { Transport } from "../transport/transport.ts";
import type { GoURL } from "../go/url.ts";
import { writeRoutedMsg } from "./encode.ts";
import type { Accounts } from "../accounts/registry.ts";
import type { RouteInfo } from "./info.ts";
import type { RoutePermissions, SubjectPermission } from "../options.ts";

/** What a route needs from the cluster that owns it (cluster.ts implements it). */
export interface RouteOwner {
  readonly accounts: Accounts<Subscription, Connection>;
  /** The cluster name of the moment (a dynamic one can change). */
  readonly name: string;
  routeAuthorized(user: string, pass: string, peerCertDer: Uint8Array | undefined): boolean;
  /** A peer with another cluster name: true when ours was dynamic and we took theirs. */
  adoptName(theirs: string, theirsDynamic: boolean, keep: RouteConnection): boolean;
  processRouteInfo(r: RouteConnection, info: RouteInfo): void;
  routeClosed(r: RouteConnection): void;
}

const PONG = new TextEncoder().encode("PONG\r\n");

/**
 * A peer's interest on a route: a subscription that knows its account (RMSG names it; a route carries
 * every account, so the route connection's own account says nothing).
 */
export class RouteSubscription extends Subscription {
  readonly accountName: string;
  constructor(
    conn: Connection,
    subject: string,
    queue: string | undefined,
    sid: string,
    qw: number,
    readonly account: ConnAccount,
  ) {
    super(conn, subject, queue, sid, qw);
    this.accountName = account.name;
  }
}

/** The CONNECT a soliciting server sends (route.go sendRouteConnect / connectInfo). */
export interface RouteConnect {
  echo?: boolean;
  verbose?: boolean;
  pedantic?: boolean;
  user?: string;
  pass?: string;
  tls_required?: boolean;
  headers?: boolean;
  name?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  lnoc?: boolean;
  gateway?: string;
  lang?: string;
}

interface RemoteSub {
  sub: Subscription;
  account: ConnAccount;
}

export const RouteType = { IMPLICIT: 0, EXPLICIT: 1 } as const;
export type RouteType = (typeof RouteType)[keyof typeof RouteType];

export class RouteConnection extends Connection implements RouteParserHandler {
  readonly kind = Kind.ROUTER;
  /** We dialed it (route.didSolicit). */
  readonly didSolicit: boolean;
  /** The URL dialed, or nats-route://host:port/ from the peer's INFO. */
  url: GoURL | undefined;
  urlText = "";
  routeType: RouteType = RouteType.IMPLICIT;
  remoteID = "";
  remoteName = "";
  override remoteCluster = "";
  infoReceived = false;
  /** The peer's client URLs (its INFO connect_urls), added to ours while the route is up. */
  connectURLs: string[] = [];
  /** The peer's websocket client URLs (its INFO ws_connect_urls), for our websocket clients' INFO. */
  wsConnectURLs: string[] = [];
  /** Route TLS: the peer's certificate (DER), for pinning and verify_and_map. */
  peerCertDer: Uint8Array | undefined;
  /** Route TLS: the handshake finished; until then a timer may close the route (tlsTimeout). */
  tlsDone = false;
  tlsTimer: ReturnType<typeof setTimeout> | undefined;

  clearTLSTimer(): void {
    clearTimeout(this.tlsTimer);
    this.tlsTimer = undefined;
  }

  /** Removed by a config reload: never dialed again (setNoReconnect). */
  noReconnect = false;
  /** A duplicate of this route was refused: reconnect even if implicit (route.retry). */
  retry = false;
  /** The peer supports leaf-origin interest (LS+ over routes). */
  lnoc = false;
  headers = false;
  /** The peer's route permissions, as its INFO gave them (/routez import/export). */
  remoteImport: SubjectPermission | undefined;
  remoteExport: SubjectPermission | undefined;
  /** The peer's advertised route port (INFO port), for gossip. */
  remotePortAdvertised = 0;
  /** cluster permissions: import limits the RS+ we send, export the RS+ we accept (silent filters). */
  private perms: CompiledPermissions | undefined;
  private readonly remoteSubs = new Map<string, RemoteSub>();
  private readonly matchCache = new MatchCache();
  /** The account of the last routed message (the parser hands a repeated name over as the same string). */
  private lastAccountName = "";
  private lastAccount: ConnAccount | undefined;
  private authTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    host: ConnHost<Connection>,
    rid: number,
    transport: Transport,
    readonly cluster: RouteOwner,
    url: GoURL | undefined,
    urlText: string,
  ) {
    super(host, rid, transport, cluster.accounts.global);
    this.didSolicit = url !== undefined;
    this.url = url;
    this.urlText = urlText;
    this.parser.asRoute(this);
    this.setPermissions(host.opts.clusterPermissions);
  }

  /** setRoutePermissions: import is what we may publish to the peer's interest, export what it may subscribe. */
  setPermissions(p: RoutePermissions | undefined): void {
    this.perms = p !== undefined ? new CompiledPermissions({ publish: p.import, subscribe: p.export }) : undefined;
  }

  /**
   * reloadClusterPermissions for this route: the peer's interest we may no longer export is dropped (the
   * local side of the change is the cluster's: RS+/RS- for what we may now or no longer import).
   */
  dropUnexportable(): void {
    for (const [key, rs] of this.remoteSubs) {
      if (this.canExport(rs.sub.subject)) continue;
      this.remoteSubs.delete(key);
      rs.sub.closed = true;
      if (rs.account.sublist.remove(rs.sub)) this.host.interestChanged?.(this, rs.sub, -1);
    }
  }

  protected override logTag(): string {
    return "rid";
  }

  /** Accepted side with cluster auth: the CONNECT must come in time (setAuthTimer). */
  startAuthTimer(ms: number): void {
    this.parser.awaitingAuth = true;
    this.authTimer = setTimeout(() => {
      this.authTimer = undefined;
      if (this.closed || this.connectReceived) return;
      this.sendErr(Err.authenticationTimeout);
      this.error(Err.authenticationTimeout);
      this.closeConnection(ClosedReason.authenticationTimeout);
    }, ms);
    this.authTimer.unref?.();
  }

  canImport(subject: string): boolean {
    return this.perms === undefined || this.perms.staticPubAllowed(subject, false);
  }

  canExport(subject: string): boolean {
    return this.perms === undefined || this.perms.subscribeAllowed(subject, undefined);
  }

  get isConfigured(): boolean {
    return this.routeType === RouteType.EXPLICIT;
  }

  get pendingBytes(): number {
    return this.outbound.pending;
  }

  /** Remote interest on this route, for /routez. */
  remoteSubscriptions(): IterableIterator<RemoteSub> {
    return this.remoteSubs.values();
  }

  get numRemoteSubs(): number {
    return this.remoteSubs.size;
  }

  // ---- handshake

  processConnect(arg: Buffer): void {
    let c: RouteConnect;
    try {
      c = JSON.parse(arg.toString()) as RouteConnect;
    } catch (e) {
      this.error(`${(e as Error).message}`);
      this.closeConnection(ClosedReason.protocolViolation);
      return;
    }
    if (this.host.log.traceEnabled) this.trace(`<<- [CONNECT ${redactPass(arg.toString())}]`);
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    this.parser.awaitingAuth = false;
    // checkAuthentication comes first (client.go processConnect), then processRouteConnect.
    if (!this.cluster.routeAuthorized(c.user ?? "", c.pass ?? "", this.peerCertDer)) {
      this.authViolation();
      return;
    }
    this.connectReceived = true;
    if (c.lang !== undefined && c.lang !== "") {
      this.sendErr(Err.connectedToRoutePort);
      this.error(Err.connectedToRoutePort);
      this.closeConnection(ClosedReason.wrongPort);
      return;
    }
    if (c.gateway !== undefined && c.gateway !== "") {
      const text = routeRejectGateway(c.gateway);
      this.error(text);
      this.sendErr(text);
      this.closeConnection(ClosedReason.wrongGateway);
      return;
    }
    const ours = this.cluster.name;
    const theirs = c.cluster ?? "";
    if (theirs !== ours && !this.cluster.adoptName(theirs, c.cluster_dynamic === true, this)) {
      const text = routeRejectClusterName(theirs, ours);
      this.error(text);
      this.sendErr(text);
      this.closeConnection(ClosedReason.clusterNameConflict);
      return;
    }
    this.remoteID = c.name ?? "";
    this.lnoc = c.lnoc === true;
    this.headers = !this.host.opts.noHeaderSupport && c.headers === true;
  }

  private authViolation(): void {
    this.error(Err.authorizationViolation);
    this.sendErr(Err.authorizationViolation);
    this.closeConnection(ClosedReason.authenticationViolation);
  }

  processInfo(arg: Buffer): void {
    let info: RouteInfo;
    try {
      info = JSON.parse(arg.toString()) as RouteInfo;
    } catch (e) {
      this.error(`${(e as Error).message}`);
      this.closeConnection(ClosedReason.protocolViolation);
      return;
    }
    if (this.host.log.traceEnabled) this.trace(`<<- [INFO ${arg.toString()}]`);
    this.cluster.processRouteInfo(this, info);
  }

  processPreConnectOp(): boolean {
    this.authViolation();
    return false;
  }

  // ---- interest

  processRemoteSub(
    accountName: string,
    subject: string,
    queue: string | undefined,
    weight: number,
    key: string,
    origin: string,
  ): void {
    if (this.host.log.traceEnabled) {
      this.trace(`<<- [${origin !== "" ? `LS+ ${origin} ` : "RS+ "}${key}${queue !== undefined ? ` ${weight}` : ""}]`);
    }
    const account = this.cluster.accounts.lookup(accountName);
    if (account === undefined) {
      // route.go: an error with a static resolver (the members' accounts differ).
      this.error(`Unknown account ${JSON.stringify(accountName)} for remote subject ${JSON.stringify(subject)}`);
      return;
    }
    if (!this.canExport(subject)) {
      this.debug(`Can not export ${JSON.stringify(subject)}, ignoring remote subscription request`);
      return;
    }
    const qw = queue === undefined ? 1 : Math.max(weight, 1);
    const old = this.remoteSubs.get(key);
    if (old !== undefined) {
      if (queue === undefined) return;
      // A weight update (UpdateRemoteQSub); leaf links hear of the difference (updateLeafNodes).
      const delta = qw - old.sub.qw;
      old.sub.qw = qw;
      if (delta !== 0) this.host.interestChanged?.(this, old.sub, delta);
      return;
    }
    const sub = new RouteSubscription(this, subject, queue, key, qw, account);
    sub.origin = origin;
    try {
      account.sublist.insert(sub);
    } catch (e) {
      this.error(`Could not insert subscription: ${(e as Error).message}`);
      this.sendErr(ERR_INVALID_SUBSCRIPTION);
      return;
    }
    this.remoteSubs.set(key, { sub, account });
    // processRemoteSub: updateLeafNodes with 1 for a new subscription, the weight difference on updates.
    this.host.interestChanged?.(this, sub, 1);
  }

  processRemoteUnsub(accountName: string, subject: string, _queue: string | undefined, key: string): void {
    if (this.host.log.traceEnabled) this.trace(`<<- [RS- ${key}]`);
    const account = this.cluster.accounts.lookup(accountName);
    if (account === undefined) {
      this.debug(`Unknown account ${JSON.stringify(accountName)} for subject ${JSON.stringify(subject)}`);
      return;
    }
    const rs = this.remoteSubs.get(key);
    if (rs === undefined) return;
    this.remoteSubs.delete(key);
    rs.sub.closed = true;
    if (rs.account.sublist.remove(rs.sub)) this.host.interestChanged?.(this, rs.sub, -1);
  }

  // ---- messages

  processRoutedMsg(
    accountName: string,
    subject: string,
    reply: string,
    queues: string[] | null,
    hdr: number,
    buf: Buffer,
    start: number,
    end: number,
    origin: string,
  ): void {
    const size = end - start - 2;
    this.inMsgs++;
    this.inBytes += size;
    const stats = this.host.stats;
    stats.inMsgs++;
    stats.inBytes += size;
    let account = this.lastAccount;
    if (accountName !== this.lastAccountName || account === undefined) {
      account = this.cluster.accounts.lookup(accountName);
      this.lastAccountName = accountName;
      this.lastAccount = account;
    }
    if (account === undefined) {
      this.debug(`Unknown account ${JSON.stringify(accountName)} for routed message on subject: ${JSON.stringify(subject)}`);
      return;
    }
    account.stats.inMsgs++;
    account.stats.inBytes += size;
    const frame = this.host.loop.frame;
    frame.reset(subject, reply, hdr, buf, start, end, "", "");
    frame.origin = origin;
    processMsgResults(this, this.matchCache.lookup(account.sublist, subject), frame, queues ?? undefined);
  }

  /** RMSG/HMSG to the peer, with the queue names the fan-out chose this route for (frame.queues). */
  deliverMsg(sub: Subscription, frame: MsgFrame, publisher: Connection): boolean {
    if (this.closed) return false;
    const n = writeRoutedMsg(
      this.outbound,
      // The account whose interest matched (msgHeaderForRouteOrLeaf's acc): not always the publisher's,
      // e.g. a service import delivers in the exporter's account.
      (sub as RouteSubscription).accountName,
      frame.subject,
      frame.reply,
      frame.queues,
      frame.hdr,
      this.headers,
      // From a leaf with a cluster name, to a peer that takes it: LMSG with that origin.
      this.lnoc && publisher.kind === Kind.LEAF ? publisher.remoteCluster : "",
      frame.msg,
      frame.start,
      frame.end,
    );
    if (n < 0) return false;
    const size = frame.end - frame.start - 2;
    this.outMsgs++;
    this.outBytes += size;
    const stats = this.host.stats;
    stats.outMsgs++;
    stats.outBytes += size;
    this.host.loop.queueFlush(this);
    return true;
  }

  // ---- what a route does not do (client verbs)

  processMsg(): void {}
  processSub(): void {}
  processUnsub(): void {}
  pubArgsParsed(): void {}

  processPing(): void {
    if (this.host.log.traceEnabled) this.trace("->> [PONG]");
    this.enqueue(PONG);
  }

  processPong(): void {
    this.pingsOut = 0;
    if (this.rttStart > 0) this.rtt = performance.now() - this.rttStart;
  }

  processErr(text: string): void {
    this.error(`Route Error ${text}`);
    this.closeConnection(ClosedReason.parseError);
  }

  protocolError(sendErr: boolean, detail: string): void {
    if (sendErr) this.sendErr(Err.unknownProtocol);
    this.error(detail);
    this.closeConnection(ClosedReason.protocolViolation);
  }

  maxControlLineExceeded(): void {}
  maxPayloadExceeded(): void {}

  // ---- close

  protected override onClose(): void {
    this.clearTLSTimer();
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    // removeRemoteSubs: the peer's interest goes, per account.
    const byAccount = new Map<ConnAccount, Subscription[]>();
    for (const rs of this.remoteSubs.values()) {
      rs.sub.closed = true;
      let list = byAccount.get(rs.account);
      if (list === undefined) byAccount.set(rs.account, (list = []));
      list.push(rs.sub);
    }
    this.remoteSubs.clear();
    const changed = this.host.interestChanged;
    for (const [account, subs] of byAccount) {
      this.debug(`Removing ${subs.length} subscriptions for account ${JSON.stringify(account.name)}`);
      account.sublist.removeBatch(subs);
      if (changed !== undefined) for (const sub of subs) changed.call(this.host, this, sub, -1);
    }
    this.cluster.routeClosed(this);
  }
}

/** client.go removePassFromTrace for the CONNECT trace line. */
function redactPass(s: string): string {
  return s.replace(/("pass"\s*:\s*")([^"]*)"/, '$1[REDACTED]"');
}
