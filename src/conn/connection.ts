// A connection of any kind (client, route, leaf, ...), as the kind-agnostic half of nats-server's
// client.go: the transport and parser feed, the outbound buffer, the subscriptions and the account they
// live in, counters, pings and stale detection, reads paused for several reasons, close, log lines.
// The protocol of a kind (what its verbs do, how it receives a message) is the subclass's.
// Subscription is declared here, beside the connection it points to, so that the two types need no
// import cycle; src/conn/subscription.ts is its public path.
import type { Account } from "../accounts/account.ts";
import { shadowMatches, type StreamImport } from "../accounts/imports.ts";
import type { Logger } from "../log.ts";
import { encodeErr, PING } from "../protocol/encode.ts";
import { ClosedReason, Err } from "../protocol/errors.ts";
import { Parser, type ParserHandler } from "../protocol/parser.ts";
import type { Transport } from "../transport/transport.ts";
import type { MsgFrame } from "./deliver.ts";
import type { ConnHost } from "./host.ts";
import type { Kind } from "./kind.ts";
import { Outbound } from "./outbound.ts";

/** The account type of the message path: an Account of these subscriptions and connections. */
export type ConnAccount = Account<Subscription, Connection>;

/** The empty prefix a subscription starts with (nothing written for it yet). */
const NO_PREFIX = new Uint8Array(0);

/** One subscription, as nats-server's `subscription` struct; the sid's bytes are kept for delivery. */
export class Subscription {
  /** Messages delivered so far (nm). */
  delivered = 0;
  /** Auto-unsubscribe after this many messages; 0 = no limit. */
  max = 0;
  closed = false;
  readonly sidBytes: Uint8Array;
  /** The MSG/HMSG line last written for it (src/conn/deliver.ts PrefixHolder). */
  pfx: Uint8Array = NO_PREFIX;
  pfxLen = 0;
  pfxKey = 0;
  /**
   * Set on a shadow subscription (sub.im): it sits in an exporter's account for a stream import of its
   * connection's account, and delivery rewrites the subject to the importer's (client.go processMsgResults).
   */
  im: StreamImport<ConnAccount> | undefined = undefined;
  /** The leaf cluster this interest comes from (sub.origin: LS+ over a route); "" otherwise. */
  origin = "";
  /** The shadow subscriptions this one made in exporters' accounts (sub.shadow). */
  shadow: Subscription[] | undefined = undefined;

  constructor(
    /** The connection that subscribed: delivery is its method (conn.deliverMsg). */
    readonly conn: Connection,
    /** latin1 binary string, as received. */
    readonly subject: string,
    readonly queue: string | undefined,
    readonly sid: string,
    /** Queue weight: 1 for a local subscription; a remote queue subscription carries its peer's count. */
    public qw = 1,
  ) {
    const b = new Uint8Array(sid.length);
    for (let i = 0; i < sid.length; i++) b[i] = sid.charCodeAt(i);
    this.sidBytes = b;
  }
}

export abstract class Connection implements ParserHandler {
  abstract readonly kind: Kind;
  readonly parser: Parser;
  readonly outbound: Outbound = new Outbound(this);
  readonly subs = new Map<string, Subscription>();
  readonly start = new Date();
  /** ms since the epoch of the last read (a number: set per chunk, a Date would be an allocation each time). */
  lastActivityMs = this.start.getTime();
  /** connz last_activity. */
  get lastActivity(): Date {
    return new Date(this.lastActivityMs);
  }
  stop?: Date;
  closeReason?: string;
  closed = false;
  /** CONNECT received (for a client: its options are known and it counts as a slow consumer). */
  connectReceived = false;
  /** Whether messages this connection publishes come back to its own subscriptions (CONNECT echo). */
  echo = true;
  /** LEAF, ROUTER: the peer's cluster name (leaf.remoteCluster: origin suppression); "" otherwise. */
  remoteCluster = "";
  /** LEAF: a spoke link (we solicited without `hub`, or the peer declared itself the hub). */
  isSpoke = false;

  // Counters (connz in_msgs/out_msgs/in_bytes/out_bytes).
  inMsgs = 0;
  outMsgs = 0;
  inBytes = 0;
  outBytes = 0;

  /** Round-trip time in ms; 0 until measured. */
  rtt = 0;
  protected rttStart = 0;
  pingsOut = 0;
  protected lastPingReceived = 0;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;

  /** Queued for flushing at the end of the current read (the reference's pcd). */
  flushQueued = false;

  readonly ip: string;
  readonly port: number;
  /** The ip:port - cid:N prefix of this connection's log lines (a client's CONNECT appends its tag). */
  logPrefix: string;

  /**
   * Reads are paused for several independent reasons (a consumer stalling this producer, a login
   * being decided, the read budget of an event-loop turn); the transport resumes when none is left.
   */
  private readPauses = 0;
  /** Input that arrived while the parser was suspended, replayed once it resumes. */
  private heldInput: Buffer | undefined;

  constructor(
    readonly host: ConnHost<Connection>,
    readonly cid: number,
    public transport: Transport,
    /** The account whose subject space this connection publishes and subscribes in. */
    public account: ConnAccount,
  ) {
    this.parser = new Parser(this);
    const opts = host.opts;
    this.parser.maxControlLine = opts.maxControlLine;
    this.parser.maxPayload = opts.maxPayload;
    this.ip = transport.remoteAddress;
    this.port = transport.remotePort;
    // client.go initClient: websocket clients are "wid:N", behind their X-Forwarded-For when given.
    const fwd = transport.forwardedFor;
    const via = fwd ? `${fwd.includes(":") ? `[${fwd}]` : fwd}/` : "";
    this.logPrefix = `${via}${this.ip}:${this.port} - ${transport.websocket === true ? "wid" : this.logTag()}:${cid}`;
    account.addConnection(this);
  }

  /** The id's tag in log lines: "cid" for clients, "rid" for routes, "lid" for leafs (client.go). */
  protected logTag(): string {
    return "cid";
  }

  // ---- the kind's protocol (ParserHandler) and delivery

  abstract processConnect(arg: Buffer): void;
  abstract processInfo(arg: Buffer): void;
  abstract processMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void;
  abstract processSub(subject: string, queue: string | undefined, sid: string): void;
  abstract processUnsub(sid: string, max: number): void;
  abstract processPing(): void;
  abstract processPong(): void;
  abstract processErr(text: string): void;
  abstract processPreConnectOp(): boolean;
  abstract protocolError(sendErr: boolean, detail: string): void;
  abstract maxControlLineExceeded(len: number): void;
  abstract maxPayloadExceeded(size: number): void;
  abstract pubArgsParsed(subject: string): void;

  /**
   * Deliver `frame` to `sub` (a subscription of this connection), as client.go deliverMsg: each kind
   * writes its own frame (MSG/HMSG, RMSG, LMSG) so fan-out never asks what kind a target is. False when
   * the message was not delivered (echo, closed, max reached, permissions, slow consumer).
   */
  abstract deliverMsg(sub: Subscription, frame: MsgFrame, publisher: Connection): boolean;

  // ---- reads

  pauseReads(): void {
    if (this.readPauses++ === 0) this.transport.pause();
  }

  resumeReads(): void {
    if (this.readPauses > 0 && --this.readPauses === 0 && !this.closed) this.transport.resume();
  }

  /** Bytes from the transport (plaintext after any TLS layer); called by the read loop. */
  feed(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivityMs = Date.now();
    if (this.parser.suspended) {
      this.holdInput(chunk, 0);
      return;
    }
    const n = this.parser.parse(chunk);
    if (n < chunk.length) this.holdInput(chunk, n);
  }

  /** Keep chunk[from:] (the chunk is only valid during the read callback). */
  private holdInput(chunk: Buffer, from: number): void {
    const rest = chunk.subarray(from);
    this.heldInput = this.heldInput === undefined ? Buffer.from(rest) : Buffer.concat([this.heldInput, rest]);
  }

  /** Stop parsing (and reading) until resumeInput: a decision is pending (e.g. a bcrypt login). */
  protected suspendInput(): void {
    this.parser.suspend();
    this.pauseReads();
  }

  /** Parse again, starting with what arrived meanwhile. */
  protected resumeInput(): void {
    this.parser.resume();
    const held = this.heldInput;
    this.heldInput = undefined;
    if (this.closed) return;
    this.resumeReads();
    if (held !== undefined) this.host.loop.read(this, held);
  }

  // ---- subscriptions (always in the connection's account)

  /** Bind the connection to `account` (the login decided it): its subscriptions move along. */
  bindAccount(account: ConnAccount): void {
    const old = this.account;
    if (old === account) return;
    old.removeConnection(this);
    this.account = account;
    if (this.subs.size > 0) {
      old.sublist.removeBatch(this.subs.values());
      for (const sub of this.subs.values()) {
        this.removeShadows(sub);
        account.sublist.insert(sub);
        this.addShadowSubscriptions(sub);
      }
    }
    account.addConnection(this);
  }

  /**
   * addShadowSubscriptions (client.go): when the account imports streams matching `sub`, a shadow
   * subscription goes into each exporter's account, delivering to this connection under the imported
   * subject. Call after inserting `sub` into the account's sublist (clients, leafs, routes alike).
   */
  addShadowSubscriptions(sub: Subscription): void {
    const imports = this.account.streamImports;
    if (imports.length === 0) return;
    for (const m of shadowMatches(imports, sub.subject)) {
      const nsub = new Subscription(this, m.subject, sub.queue, sub.sid, sub.qw);
      nsub.im = m.im;
      if (this.host.log.debugEnabled) this.debug(`Creating import subscription on "${m.subject}" from account "${m.im.acc.name}"`);
      try {
        m.im.acc.sublist.insert(nsub);
      } catch {
        this.debug(`Could not add shadow import subscription for account "${m.im.acc.name}"`);
        continue;
      }
      (sub.shadow ??= []).push(nsub);
      this.host.interestChanged?.(this, nsub, 1);
    }
  }

  /** The account's stream imports changed (a reload): the shadows of every subscription are made again. */
  refreshShadows(): void {
    for (const sub of this.subs.values()) {
      this.removeShadows(sub);
      this.addShadowSubscriptions(sub);
    }
  }

  /** The shadow subscriptions of `sub` leave the exporters' accounts (client.go unsubscribe). */
  protected removeShadows(sub: Subscription): void {
    const shadow = sub.shadow;
    if (shadow === undefined) return;
    sub.shadow = undefined;
    for (const nsub of shadow) {
      nsub.closed = true;
      if (nsub.im!.acc.sublist.remove(nsub)) this.host.interestChanged?.(this, nsub, -1);
    }
  }

  unsubscribe(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub.sid);
    const account = this.account;
    account.sublist.remove(sub);
    this.host.interestChanged?.(this, sub, -1);
    this.removeShadows(sub);
    // A requester that lost interest in a reply no longer needs its response imports (checkForReverseEntry).
    const replies = account.replies;
    if (replies.rrMap.size > 0) replies.dropReverseEntries(sub.subject, (s) => account.sublist.hasInterest(s));
  }

  // ---- writes

  /** Queue protocol bytes; flushed at the end of the current read or in a microtask. */
  enqueue(bytes: Uint8Array): void {
    if (this.closed) return;
    if (!this.outbound.checkPending(bytes.length)) return;
    this.outbound.append(bytes);
    this.host.loop.queueFlush(this);
  }

  /** `-ERR '<text>'` (client.go sendErr). */
  sendErr(text: string): void {
    if (this.host.log.traceEnabled) this.trace(`->> [-ERR ${text}]`);
    this.enqueue(encodeErr(text));
  }

  /** Write what is owed; called once per touched connection at the end of a read. */
  flush(): void {
    this.flushQueued = false;
    this.outbound.flush();
  }

  /** The transport can take more bytes. */
  onTransportDrain(): void {
    this.outbound.onDrain();
  }

  // ---- pings and stale detection

  /** Ping timer (client.go processPingTimer): PING when idle, close as stale after ping_max unanswered. */
  setPingTimer(delay: number, first = false): void {
    if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
    if (this.closed) return;
    // The first one is randomized by up to 20%, as setFirstPingTimer.
    const d = first ? delay + Math.random() * (delay / 5) : delay;
    this.pingTimer = setTimeout(() => this.processPingTimer(), d);
    this.pingTimer.unref?.();
  }

  private processPingTimer(): void {
    this.pingTimer = undefined;
    if (this.closed) return;
    const opts = this.host.opts;
    const interval = opts.pingInterval;
    const now = Date.now();
    const needRTT = this.rtt === 0;
    let sendPing = true;
    if (!needRTT && (now - this.lastActivityMs < interval || now - this.lastPingReceived < interval)) {
      sendPing = false;
    }
    if (sendPing) {
      if (this.pingsOut + 1 > opts.pingMax) {
        this.debug("Stale Client Connection - Closing");
        this.sendErr(Err.staleConnection);
        this.closeConnection(ClosedReason.staleConnection);
        return;
      }
      this.sendPing();
    }
    this.setPingTimer(interval);
  }

  sendPing(): void {
    this.pingsOut++;
    this.rttStart = performance.now();
    if (this.host.log.traceEnabled) this.trace("->> [PING]");
    this.enqueue(PING);
  }

  // ---- close

  /**
   * Close once: stop parsing, drop subscriptions at once (deliveries into dead connections are waste),
   * flush what the peer is owed (an -ERR, typically) unless it is a slow consumer, then end.
   */
  closeConnection(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.stop = new Date();
    this.closeReason = reason;
    this.parser.halt();
    if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    this.onClose();
    for (const sub of this.subs.values()) sub.closed = true;
    const account = this.account;
    account.sublist.removeBatch(this.subs.values());
    const changed = this.host.interestChanged;
    if (changed !== undefined) for (const sub of this.subs.values()) changed.call(this.host, this, sub, -1);
    for (const sub of this.subs.values()) if (sub.shadow !== undefined) this.removeShadows(sub);
    const replies = account.replies;
    if (replies.rrMap.size > 0) {
      for (const sub of this.subs.values()) replies.dropReverseEntries(sub.subject, (s) => account.sublist.hasInterest(s));
    }
    account.removeConnection(this);
    this.host.removeConnection(this);
    this.transport.closing?.(reason);
    // Slow consumers are not flushed (markConnAsClosed); a peer that is gone cannot be.
    this.outbound.close(
      reason === ClosedReason.slowConsumerPendingBytes ||
        reason === ClosedReason.slowConsumerWriteDeadline ||
        reason === ClosedReason.clientClosed ||
        reason === ClosedReason.readError ||
        reason === ClosedReason.writeError,
    );
  }

  /**
   * The socket closed (peer FIN or reset). Closes the connection if it was still open; if it was
   * already closing (server shutdown, an -ERR being flushed), what it still owed can no longer be
   * delivered and is dropped, so no stop waits on it.
   */
  onTransportClose(): void {
    this.closeConnection(ClosedReason.clientClosed);
    this.outbound.discard();
  }

  /** The kind's own clean-up at close (timers), before the subscriptions go. */
  protected onClose(): void {}

  // ---- logging

  protected get log(): Logger {
    return this.host.log;
  }
  notice(msg: string): void {
    this.host.log.notice(`${this.logPrefix} - ${msg}`);
  }
  error(msg: string): void {
    this.host.log.error(`${this.logPrefix} - ${msg}`);
  }
  debug(msg: string): void {
    if (this.host.log.debugEnabled) this.host.log.debug(`${this.logPrefix} - ${msg}`);
  }
  trace(msg: string): void {
    this.host.log.trace(`${this.logPrefix} - ${msg}`);
  }
}
