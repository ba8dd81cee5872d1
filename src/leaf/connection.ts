// One leafnode link, either side: the kind LEAF of Connection, as leafnode.go. The soliciting side reads
// the hub's INFO (wrong-port check, nonce, permissions), sends CONNECT and waits for the INFO that
// answers it; the accepting side checks the CONNECT (auth, wrong port, cluster name, minimum version),
// swaps the permissions and answers with an INFO. Both then exchange interest (LS+/LS-, kept in the
// smap) and messages (LMSG/HMSG, queue names included). The registry, the interest bookkeeping across
// links and the reconnect loop are LeafNodes' (src/leaf/leafnodes.ts).
import { Connection, Subscription, type ConnAccount } from "../conn/connection.ts";
import type { MsgFrame } from "../conn/deliver.ts";
import { MatchCache, processMsgResults } from "../conn/fanout.ts";
import { processInboundMsg } from "../conn/inbound.ts";
import { Kind } from "../conn/kind.ts";
import { CompiledPermissions, PermissionChecker } from "../auth/permissions.ts";
import type { Permissions } from "../options.ts";
import { encodeInfo, PONG } from "../protocol/encode.ts";
import { goQuote } from "../go/quote.ts";
import { ClosedReason, Err, leafGatewayOnLeafPort, leafLoopDetected, leafMinimumVersion } from "../protocol/errors.ts";
import { subjectIsLiteral } from "../subjects/subject.ts";
import { SublistError } from "../subjects/sublist.ts";
import type { Transport } from "../transport/transport.ts";
import { signWithCredsFile } from "./creds.ts";
import { writeLeafMsg } from "./deliver.ts";
import { parseJSONObject, readLeafConnect, type LeafConnectInfo, type LeafInfo } from "./info.ts";
import type { ConnHost } from "../conn/host.ts";
import type { LeafRemote, LeafURL } from "./remote.ts";

/** leafnode.go: the waits after a loop, a permission violation, a clashing cluster name. */
export const LEAF_RECONNECT_DELAY_AFTER_LOOP = 30_000;
export const LEAF_RECONNECT_DELAY_AFTER_PERM_VIOLATION = 30_000;
export const LEAF_RECONNECT_DELAY_AFTER_CLUSTER_NAME_SAME = 30_000;
/** connectProcessTimeout: the INFO answering our CONNECT must come within 2 s. */
const CONNECT_PROCESS_TIMEOUT = 2000;
/** leafNodeWaitBeforeClose: a CONNECT below min_version is closed after 5 s. */
const LEAF_WAIT_BEFORE_CLOSE = 5000;
/** Leafnode connections ping sooner at first (server.go firstPingInterval). */
const FIRST_PING_INTERVAL = 1000;

/** A link's account, user and permissions once its CONNECT is accepted. */
export interface LeafAuth {
  account: ConnAccount;
  user: string;
  permissions?: Permissions;
}

/** What a link needs from the leafnode side of the server (src/leaf/leafnodes.ts LeafNodes). */
export interface LeafHost extends ConnHost<Connection> {
  readonly version: string;
  readonly serverId: string;
  readonly serverName: string;
  readonly clusterName: string;
  /** The account's loop detection subject. */
  lds(account: ConnAccount): string;
  authorize(conn: LeafConnection, connect: ReturnType<typeof readLeafConnect>): LeafAuth | null;
  addLeafConnection(conn: LeafConnection, srvName: string, cluster: string, checkDup: boolean): void;
  sendPermsAndAccountInfo(conn: LeafConnection): void;
  initSmapAndSendSubs(conn: LeafConnection): void;
  interestChanged(conn: Connection, sub: Subscription, delta: number): void;
  onLeafClosed(conn: LeafConnection): void;
  /** The client side of TLS on a solicited link; `done` gets an error text on failure. */
  startClientTLS(conn: LeafConnection, done: (err?: string) => void): void;
}

export const LDS_PREFIX = "$LDS.";
/** jsAckPre: JetStream ack replies, which may carry the delivered message's subject after an '@'. */
const JS_ACK_PREFIX = "$JS.ACK.";
const GR_PREFIX = "$GR.";
const OLD_GR_PREFIX = "_GR_.";


export class LeafConnection extends Connection {
  readonly kind = Kind.LEAF;
  /** The remote this link was solicited for (undefined on the accepting side). */
  readonly remote: LeafRemote | undefined;
  /** The URL dialed (soliciting side). */
  readonly url: LeafURL | undefined;
  /** The peer's server name (or id). */
  remoteServer = "";
  remoteDomain = "";
  headers = false;
  /** The interest we told the peer about; undefined until the link is up (initLeafNodeSmapAndSendSubs). */
  smap: import("./smap.ts").Smap | undefined;
  /** Permissions on this link (hub: the leaf user's, swapped; spoke: the hub's import/export + deny lists). */
  perms: PermissionChecker | undefined;
  private permsSource: Permissions | undefined;
  /** The nonce of the accepting side's INFO (sent or received). */
  nonce = "";
  /** The leafnodes user the accepting side bound this link to. */
  user = "";
  /**
   * The hub's copy of the leaf user's permissions as configured (c.opts.Import/Export of
   * setPermissions): sent back to the leaf in INFO import (its subscribe) and export (its publish).
   */
  userPerms: Permissions | undefined;
  private infoReceived = false;
  private connectFinished = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly matchCache = new MatchCache();
  private readonly frame: MsgFrame;

  constructor(
    readonly mgr: LeafHost,
    cid: number,
    transport: Transport,
    account: ConnAccount,
    remote?: LeafRemote,
    url?: LeafURL,
  ) {
    super(mgr, cid, transport, account);
    this.remote = remote;
    this.url = url;
    this.frame = mgr.loop.frame;
    // Leaf links have no echo and no control line limit (overMaxControlLineLimit is for clients).
    this.echo = false;
    this.parser.asLeaf(this);
    if (remote !== undefined) {
      this.isSpoke = !remote.opts.hub;
      if (remote.perms !== undefined) this.setPerms(remote.perms);
    }
  }

  protected override logTag(): string {
    return "lid";
  }

  get solicited(): boolean {
    return this.remote !== undefined;
  }

  /** Whether the link is up (interest exchanged). */
  get ready(): boolean {
    return this.smap !== undefined && !this.closed;
  }

  // ---- permissions

  setPerms(p: Permissions | undefined): void {
    this.permsSource = p;
    this.perms = p === undefined ? undefined : new PermissionChecker(new CompiledPermissions(p));
  }

  get permissions(): Permissions | undefined {
    return this.permsSource;
  }

  /** mergeDenyPermissions: more deny subjects on publish and/or subscribe. */
  mergeDeny(pub: readonly string[], sub: readonly string[]): void {
    if (pub.length === 0 && sub.length === 0) return;
    const p: Permissions = structuredClone(this.permsSource ?? {});
    if (pub.length > 0) {
      p.publish ??= {};
      p.publish.deny = [...(p.publish.deny ?? []), ...pub.filter((s) => !(p.publish!.deny ?? []).includes(s))];
    }
    if (sub.length > 0) {
      p.subscribe ??= {};
      p.subscribe.deny = [...(p.subscribe.deny ?? []), ...sub.filter((s) => !(p.subscribe!.deny ?? []).includes(s))];
    }
    this.setPerms(p);
  }

  canSubscribe(subject: string): boolean {
    return this.perms === undefined || this.perms.compiled.subscribeAllowed(subject, undefined);
  }

  canPublish(subject: string): boolean {
    return this.perms === undefined || this.perms.canPublish(subject);
  }

  // ---- soliciting side: INFO, CONNECT, the answering INFO

  processInfo(arg: Buffer): void {
    let info: LeafInfo;
    try {
      info = parseJSONObject<LeafInfo>(arg);
    } catch (e) {
      this.error((e as Error).message);
      this.closeConnection(ClosedReason.protocolViolation);
      return;
    }
    if (this.log.traceEnabled) this.trace(`<<- [INFO ${arg.toString("latin1")}]`);
    const remote = this.remote;
    let first = false;
    if (!this.infoReceived) {
      this.infoReceived = true;
      first = true;
      // Only a leafnode port's INFO has both a client id and leafnode_urls (processLeafnodeInfo).
      if (remote !== undefined && (!info.client_id || info.leafnode_urls === undefined || info.leafnode_urls === null)) {
        this.error(Err.leafWrongPort);
        this.closeConnection(ClosedReason.wrongPort);
        return;
      }
      this.nonce = typeof info.nonce === "string" ? info.nonce : "";
      if (info.tls_required === true && remote !== undefined) remote.tlsRequired = true;
      this.headers = !this.mgr.opts.noHeaderSupport && info.headers === true;
      this.remoteServer = info.server_name || info.server_id || "";
      this.remoteDomain = info.domain ?? "";
      this.remoteCluster = info.cluster ?? "";
    }
    if (remote !== undefined) {
      // updateLeafNodeURLs: a websocket remote learns the hub's websocket URLs, the others its leafnode URLs.
      const ws = remote.configured[0]?.scheme === "ws" || remote.configured[0]?.scheme === "wss";
      const urls = ws ? info.ws_connect_urls : info.leafnode_urls;
      if (Array.isArray(urls) && urls.length > 0) remote.updateURLs(urls);
    }
    if (info.import !== undefined || info.export !== undefined) {
      // The hub's view of our permissions, for local enforcement, plus our own deny lists.
      const perms: Permissions = {};
      if (info.export) perms.publish = { allow: info.export.allow, deny: [...(info.export.deny ?? [])] };
      if (info.import) perms.subscribe = { allow: info.import.allow, deny: [...(info.import.deny ?? [])] };
      if (remote !== undefined) {
        if (remote.opts.denyExports.length > 0) (perms.publish ??= {}).deny = [...(perms.publish.deny ?? []), ...remote.opts.denyExports];
        if (remote.opts.denyImports.length > 0) (perms.subscribe ??= {}).deny = [...(perms.subscribe.deny ?? []), ...remote.opts.denyImports];
      }
      this.setPerms(perms);
    }
    let finish = info.connect_info === true;
    if (first && remote !== undefined) {
      if (!this.resumeConnect()) return;
      if (info.info_on_connect !== true) finish = true;
    }
    if (finish && remote !== undefined) this.finishConnect();
  }

  /** leafNodeResumeConnectProcess: CONNECT, then at most 2 s for the answering INFO. */
  private resumeConnect(): boolean {
    const remote = this.remote!;
    // Over websocket the TLS (wss://) was the WebSocket's own handshake.
    const ws = this.url!.scheme === "ws" || this.url!.scheme === "wss";
    if (remote.tlsRequired && !ws) {
      // The client-side TLS handshake first (doTLSClientHandshake), then CONNECT through it.
      // Nothing else comes before our CONNECT: the parser needs no pause while the handshake runs.
      this.mgr.startClientTLS(this, (err) => {
        if (err !== undefined) {
          this.error(`TLS handshake error: ${err}`);
          this.closeConnection(ClosedReason.tlsHandshakeError);
          return;
        }
        this.sendConnect(true);
      });
      return true;
    }
    return this.sendConnect(ws && this.url!.scheme === "wss");
  }

  /** sendLeafConnect, then at most 2 s for the answering INFO. */
  private sendConnect(tls: boolean): boolean {
    const remote = this.remote!;
    const connect: LeafConnectInfo = {
      version: this.mgr.version,
      jwt: undefined,
      sig: undefined,
      user: undefined,
      pass: undefined,
      tls_required: tls,
      server_id: this.mgr.serverId,
      domain: undefined,
      name: this.mgr.serverName,
      is_hub: remote.opts.hub || undefined,
      cluster: this.mgr.clusterName || undefined,
      headers: this.headers || undefined,
      jetstream: undefined,
      deny_pub: remote.opts.denyImports.length > 0 ? remote.opts.denyImports : undefined,
    };
    if (remote.opts.credentials !== "") {
      this.debug(`Authenticating with credentials file ${goQuote(remote.opts.credentials)}`);
      try {
        const signed = signWithCredsFile(remote.opts.credentials, this.nonce);
        connect.jwt = signed.jwt;
        connect.sig = signed.sig;
      } catch (e) {
        this.error((e as Error).message);
        this.closeConnection(ClosedReason.protocolViolation);
        return false;
      }
    } else {
      const up = remote.userFor(this.url!);
      if (up !== undefined) {
        connect.user = up.user;
        connect.pass = up.pass;
      }
    }
    const json = JSON.stringify(connect);
    if (this.log.traceEnabled) this.trace(`->> [CONNECT ${json.replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"')}]`);
    this.enqueue(Buffer.from(`CONNECT ${json}\r\n`, "utf8"));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.connectFinished || this.closed) return;
      this.connectFinished = true;
      this.sendErr(Err.leafStaleConnect);
      this.debug(Err.leafStaleConnect);
      this.closeConnection(ClosedReason.staleConnection);
    }, CONNECT_PROCESS_TIMEOUT);
    this.timer.unref?.();
    this.debug("Remote leafnode connect msg sent");
    this.mgr.loop.flushAll();
    return true;
  }

  /** leafNodeFinishConnectProcess: registered, interest sent, pings started. */
  private finishConnect(): void {
    if (this.connectFinished || this.closed) return;
    this.connectFinished = true;
    // Registered: from now on it counts (slow consumer statistics) as a connected link.
    this.connectReceived = true;
    this.clearTimer();
    this.mgr.addLeafConnection(this, "", "", false);
    if (this.closed) return;
    this.mgr.initSmapAndSendSubs(this);
    this.setPingTimer(FIRST_PING_INTERVAL, true);
  }

  // ---- accepting side: CONNECT

  /** The accepting side's wait for CONNECT (setAuthTimer). */
  setAuthTimer(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.connectReceived || this.closed) return;
      this.sendErr(Err.authenticationTimeout);
      this.error(Err.authenticationTimeout);
      this.closeConnection(ClosedReason.authenticationTimeout);
    }, ms);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  processConnect(arg: Buffer): void {
    if (this.log.traceEnabled) this.trace(`<<- [CONNECT ${arg.toString("latin1").replace(/"pass":"[^"]*"/, '"pass":"[REDACTED]"')}]`);
    if (this.solicited || this.connectReceived) return;
    let raw: LeafConnectInfo;
    try {
      raw = parseJSONObject<LeafConnectInfo>(arg);
    } catch (e) {
      this.error((e as Error).message);
      this.closeConnection(ClosedReason.protocolViolation);
      return;
    }
    const c = readLeafConnect(raw);
    const auth = this.mgr.authorize(this, c);
    if (auth === null) {
      this.authViolation();
      return;
    }
    this.connectReceived = true;
    this.parser.awaitingAuth = false;
    this.clearTimer();
    this.user = auth.user;
    if (auth.account !== this.account) this.bindAccount(auth.account);
    this.userPerms = auth.permissions;
    this.setPerms(auth.permissions);
    // processLeafNodeConnect.
    if (c.lang !== "") {
      this.sendErrAndErr(Err.connectedToLeafPort);
      this.closeConnection(ClosedReason.wrongPort);
      return;
    }
    const cn = this.mgr.clusterName;
    if (cn !== "" && c.cluster !== "" && c.cluster === cn) {
      this.sendErrAndErr(Err.leafSameClusterName);
      this.closeConnection(ClosedReason.clusterNamesIdentical);
      return;
    }
    if (c.gateway !== "") {
      const txt = leafGatewayOnLeafPort(c.gateway);
      this.error(txt);
      this.sendErr(txt);
      this.closeConnection(ClosedReason.wrongGateway);
      return;
    }
    const mv = this.mgr.opts.leafnodes.minVersion;
    if (mv !== "" && !versionAtLeast(c.version, mv)) {
      this.mgr.sendPermsAndAccountInfo(this);
      this.sendErrAndErr(leafMinimumVersion(mv));
      this.pauseReads();
      this.timer = setTimeout(() => this.closeConnection(ClosedReason.minimumVersionRequired), LEAF_WAIT_BEFORE_CLOSE);
      this.timer.unref?.();
      return;
    }
    this.headers = !this.mgr.opts.noHeaderSupport && c.headers;
    this.remoteServer = c.name;
    if (c.hub) this.isSpoke = true;
    if (c.cluster !== "") this.remoteCluster = c.cluster;
    this.remoteDomain = c.domain;
    // The leaf user's permissions are for its side: inside the hub they apply the other way round.
    const p = this.permsSource;
    if (p !== undefined) this.setPerms({ publish: p.subscribe, subscribe: p.publish, response: p.response });
    this.setPingTimer(FIRST_PING_INTERVAL, true);
    this.mergeDeny(c.denyPub, []);
    this.mgr.addLeafConnection(this, c.name, c.cluster, true);
    if (this.closed) return;
    this.mgr.sendPermsAndAccountInfo(this);
    this.mgr.initSmapAndSendSubs(this);
  }

  /** The INFO this side sends (accepting side). */
  sendInfo(info: LeafInfo): void {
    this.enqueue(encodeInfo(info));
  }

  processPreConnectOp(): boolean {
    this.authViolation();
    return false;
  }

  private authViolation(): void {
    this.error(`Authorization Error - User ${goQuote(this.user)}`);
    this.sendErr(Err.authorizationViolation);
    this.closeConnection(ClosedReason.authenticationViolation);
  }

  sendErrAndErr(text: string): void {
    this.sendErr(text);
    this.error(text);
  }

  // ---- interest from the peer

  processLeafSub(subject: string, queue: string | undefined, weight: number, key: string): void {
    if (this.closed) return;
    if (this.log.traceEnabled) this.trace(`<<- [LS+ ${key}${queue !== undefined ? ` ${weight}` : ""}]`);
    const ldsPrefix = subject.startsWith(LDS_PREFIX);
    if (ldsPrefix && subject === this.mgr.lds(this.account)) {
      this.handleLoop(true);
      return;
    }
    const checkPerms = !(ldsPrefix || subject.startsWith(GR_PREFIX) || subject.startsWith(OLD_GR_PREFIX));
    // A hub checks that the leaf may receive (publish, after the swap) what it subscribes to.
    if (checkPerms && this.perms !== undefined && subjectIsLiteral(subject) && !this.perms.canPublish(subject)) {
      this.leafPermViolation(false, subject);
      return;
    }
    const maxSubs = this.mgr.opts.maxSubscriptions;
    if (maxSubs > 0 && this.subs.size >= maxSubs && !this.subs.has(key)) {
      this.error(Err.maxSubscriptions);
      this.sendErr(Err.maxSubscriptions);
      this.closeConnection(ClosedReason.maxSubscriptionsExceeded);
      return;
    }
    const old = this.subs.get(key);
    if (old === undefined) {
      const sub = new Subscription(this, subject, queue, key, queue !== undefined ? weight : 1);
      try {
        this.account.sublist.insert(sub);
      } catch (e) {
        if (!(e instanceof SublistError)) throw e;
        this.error(`Could not insert subscription: ${(e as Error).message}`);
        this.sendErr(Err.invalidSubject);
        return;
      }
      this.subs.set(key, sub);
      this.mgr.interestChanged(this, sub, 1);
    } else if (queue !== undefined) {
      const delta = weight - old.qw;
      old.qw = weight;
      if (delta !== 0) this.mgr.interestChanged(this, old, delta);
    }
  }

  processLeafUnsub(key: string): void {
    if (this.closed) return;
    if (this.log.traceEnabled) this.trace(`<<- [LS- ${key}]`);
    const sub = this.subs.get(key);
    if (sub !== undefined) this.unsubscribe(sub);
  }

  // ---- messages from the peer

  processLeafMsg(subject: string, reply: string, queues: string[] | null, hdr: number, buf: Buffer, start: number, end: number): void {
    const size = end - start - 2;
    this.inMsgs++;
    this.inBytes += size;
    const stats = this.mgr.stats;
    stats.inMsgs++;
    stats.inBytes += size;
    const acc = this.account;
    acc.stats.inMsgs++;
    acc.stats.inBytes += size;
    if (this.log.traceEnabled) {
      const q = queues === null ? (reply !== "" ? ` ${reply}` : "") : ` ${reply !== "" ? `+ ${reply}` : "|"} ${queues.join(" ")}`;
      this.trace(`<<- [${hdr >= 0 ? "HMSG" : "LMSG"} ${subject}${q}${hdr >= 0 ? ` ${hdr}` : ""} ${size}]`);
    }
    const frame = this.frame;
    // A JetStream delivery carries its subject in the ack reply ("$JS.ACK....@orders.1", the hub's
    // msgHeaderForRouteOrLeaf): matched on the LMSG subject (the inbox), shown with the original one
    // (processMsgResults' remapping for non-client producers).
    if (reply.length > 8 && reply.charCodeAt(0) === 0x24 && reply.startsWith(JS_ACK_PREFIX)) {
      const at = reply.lastIndexOf("@");
      if (at !== -1 && at < reply.length - 1) {
        frame.reset(reply.slice(at + 1), reply.slice(0, at), hdr, buf, start, end, "", "");
        processMsgResults(this, this.matchCache.lookup(acc.sublist, subject), frame, queues ?? undefined);
        return;
      }
    }
    // The account's mappings and service imports apply as to a client's publish (processInboundLeafMsg).
    frame.reset(subject, reply, hdr, buf, start, end, "", "");
    processInboundMsg(this, frame, this.matchCache, queues ?? undefined);
  }

  processMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.processLeafMsg(subject, reply, null, hdr, buf, start, end);
  }

  // ---- delivery to the peer

  /**
   * deliverMsg to a leaf: the link's publish permission, then one LMSG/HMSG naming the queue groups
   * the fan-out chose this link for (frame.queues).
   */
  deliverMsg(sub: Subscription, frame: MsgFrame, publisher: Connection): boolean {
    if (this.closed || sub.closed) return false;
    if (this.perms !== undefined && !this.perms.canPublish(frame.subject)) {
      this.debug(`Not permitted to deliver to ${goQuote(frame.subject)}`);
      return false;
    }
    sub.delivered++;
    const queues = frame.queues;
    const size = writeLeafMsg(this.outbound, frame, queues, this.headers);
    if (size < 0) return false;
    const host = this.mgr;
    host.loop.queueFlush(this);
    this.outMsgs++;
    this.outBytes += size;
    host.stats.outMsgs++;
    host.stats.outBytes += size;
    const accStats = this.account.stats;
    accStats.outMsgs++;
    accStats.outBytes += size;
    if (this.log.traceEnabled) this.trace(`->> [${frame.hdr > 0 && this.headers ? "HMSG" : "LMSG"} ${frame.subject}${frame.reply !== "" ? ` ${frame.reply}` : ""}${queues !== null ? ` ${queues.join(" ")}` : ""}]`);
    if (this.outbound.pending > host.stallThreshold && this !== publisher) this.outbound.stallProducer(publisher);
    return true;
  }

  // ---- the rest of the protocol

  processSub(): void {}
  processUnsub(): void {}

  processPing(): void {
    if (this.log.traceEnabled) this.trace("<<- [PING]");
    this.enqueue(PONG);
    this.lastPingReceived = Date.now();
  }

  processPong(): void {
    if (this.log.traceEnabled) this.trace("<<- [PONG]");
    this.pingsOut = 0;
    if (this.rttStart > 0) this.rtt = Math.max(performance.now() - this.rttStart, 0.001);
  }

  /** processErr for a leaf: logged, not closing (the peer closes); loops and name clashes delay the reconnect. */
  processErr(text: string): void {
    this.error(`Leafnode Error ${text}`);
    if (text.includes(Err.leafSameClusterName)) {
      if (this.remote !== undefined) this.remote.connectDelay = LEAF_RECONNECT_DELAY_AFTER_CLUSTER_NAME_SAME;
      this.error("Leafnode connection dropped with same cluster name error. Delaying attempt to reconnect for 30s");
      return;
    }
    if (text.includes("Loop detected")) this.handleLoop(false);
  }

  protocolError(sendErr: boolean, detail: string): void {
    if (sendErr) this.sendErr(Err.unknownProtocol);
    this.error(detail);
    this.closeConnection(ClosedReason.protocolViolation);
  }

  maxControlLineExceeded(): void {}
  maxPayloadExceeded(): void {}
  pubArgsParsed(): void {}

  /** handleLeafNodeLoop: -ERR (when we found it), log, close; a soliciting side waits 30 s. */
  handleLoop(sendErr: boolean): void {
    if (this.remote !== undefined) this.remote.connectDelay = LEAF_RECONNECT_DELAY_AFTER_LOOP;
    const txt = leafLoopDetected(this.account.name);
    if (sendErr) this.sendErr(txt);
    this.error(txt);
    this.closeConnection(ClosedReason.protocolViolation);
  }

  /** leafPermViolation: a hub closes the link (the spoke waits 30 s); a spoke ignores it. */
  private leafPermViolation(pub: boolean, subject: string): void {
    if (this.isSpoke) return;
    if (this.remote !== undefined) this.remote.connectDelay = LEAF_RECONNECT_DELAY_AFTER_PERM_VIOLATION;
    const action = pub ? "Publish" : "Subscription";
    this.sendErr(`Permissions Violation for ${action} to ${goQuote(subject)}`);
    this.error(`${action} Violation on ${goQuote(subject)} - Check other side configuration`);
    this.closeConnection(ClosedReason.protocolViolation);
  }

  protected override onClose(): void {
    this.clearTimer();
    this.mgr.onLeafClosed(this);
  }
}

/** versionAtLeast(version, min): both "major.minor.patch" (a missing or bad version is below any minimum). */
function versionAtLeast(version: string, min: string): boolean {
  const re = /^v?([0-9]+)\.?([0-9]+)?\.?([0-9]+)?/;
  const a = re.exec(version);
  const b = re.exec(min);
  if (a === null || b === null || a[2] === undefined || a[3] === undefined) return false;
  const va = [Number(a[1]), Number(a[2]), Number(a[3])];
  const vb = [Number(b[1]), Number(b[2] ?? 0), Number(b[3] ?? 0)];
  for (let i = 0; i < 3; i++) {
    if (va[i]! > vb[i]!) return true;
    if (va[i]! < vb[i]!) return false;
  }
  return true;
}
