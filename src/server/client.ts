// One client connection: protocol handling and subscriptions, in the manner of nats-server's client.go.
// A PUB is checked here, then routed by route.ts on the publisher's read path, which fills the
// subscribers' outbound buffers (outbound.ts) that the server flushes once at the end of the read.
import { Parser, type ParserHandler } from "../protocol/parser.ts";
import {
  ClosedReason,
  Err,
  permissionsViolationPublish,
  permissionsViolationSubscription,
} from "../protocol/errors.ts";
import { encodeInfo } from "../protocol/info.ts";
import { isValidLiteralSubject } from "../subjects/subject.ts";
import { SublistError } from "../subjects/sublist.ts";
import { Outbound } from "./outbound.ts";
import { Subscription } from "./subscription.ts";
import type { Transport } from "./transport.ts";
import type { Server } from "./server.ts";
import { defaultConnectOptions, parseConnect, type ConnectOptions } from "./connect.ts";
import { MatchCache, routeMsg } from "./route.ts";
import { SYS_GROUP } from "../auth/permissions.ts";
import type { ConnectCredentials } from "../auth/authenticator.ts";

const PONG = new TextEncoder().encode("PONG\r\n");
const PING = new TextEncoder().encode("PING\r\n");
const OK = new TextEncoder().encode("+OK\r\n");

/** First PING after CONNECT comes early to measure RTT (server.go firstClientPingInterval). */
const FIRST_CLIENT_PING_INTERVAL = 2000;

/** What the permission checks need; src/auth provides the implementation. */
export interface ClientPermissions {
  canPublish(subject: string): boolean;
  canSubscribe(subject: string, queue?: string): boolean;
  /** Deny-on-delivery for wildcard subscriptions wider than a deny clause (client.go checkDenySub). */
  denyDelivery?(subject: string): boolean;
  /** allow_responses: the reply subject of a delivered request becomes publishable for a while. */
  trackReply?(reply: string): void;
}

export class Client implements ParserHandler {
  readonly parser: Parser;
  readonly outbound: Outbound = new Outbound(this);
  readonly subs = new Map<string, Subscription>();
  readonly start = new Date();
  lastActivity = this.start;
  stop?: Date;
  closeReason?: string;
  closed = false;

  // CONNECT options (nats-server defaultOpts: verbose, pedantic and echo are on until CONNECT says otherwise).
  connectReceived = false;
  verbose = true;
  pedantic = true;
  echo = true;
  headers = false;
  noResponders = false;
  name = "";
  lang = "";
  version = "";
  protocol = 0;

  // Counters (connz in_msgs/out_msgs/in_bytes/out_bytes).
  inMsgs = 0;
  outMsgs = 0;
  inBytes = 0;
  outBytes = 0;

  /** Round-trip time in ms; 0 until measured. */
  rtt = 0;
  private rttStart = 0;
  pingsOut = 0;
  private lastPingReceived = 0;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private authTimer: ReturnType<typeof setTimeout> | undefined;

  /** Authenticated user name (connz authorized_user) and account. */
  user = "";
  account = "$G";
  perms: ClientPermissions | undefined;
  /** The CONNECT's credentials, judged again when a config reload changes authorization (reload.go). */
  credentials: ConnectCredentials | undefined;
  /** nonce sent in INFO, when nkey users are configured. */
  nonce = "";
  /** What authViolation logs (auth.go: the user or nkey that failed, never a secret). */
  authError = "authentication error";

  private readonly matchCache = new MatchCache();

  /** Queued for flushing at the end of the current read (the reference's pcd). */
  flushQueued = false;

  readonly ip: string;
  readonly port: number;
  /** The ip:port - cid:N prefix of this client's log lines. */
  readonly logPrefix: string;

  constructor(
    readonly server: Server,
    readonly cid: number,
    public transport: Transport,
  ) {
    this.parser = new Parser(this);
    const opts = server.opts;
    this.parser.maxControlLine = opts.maxControlLine;
    this.parser.maxPayload = opts.maxPayload;
    this.ip = transport.remoteAddress;
    this.port = transport.remotePort;
    this.logPrefix = `${this.ip}:${this.port} - cid:${cid}`;
  }

  // ---- monitoring (/connz)

  /** Bytes owed to the socket (connz pending_bytes, the reference's out.pb). */
  get pendingBytes(): number {
    return this.outbound.pending;
  }
  get tlsVersion(): string | undefined {
    return this.transport.tls?.version;
  }
  get tlsCipher(): string | undefined {
    return this.transport.tls?.cipher;
  }

  /**
   * sendRTTPingLocked: /connz asks for an RTT measurement when none exists yet. As the reference, only
   * once the client has done its CONNECT (its first PONG is out) and not while closing.
   */
  sendRTTPing(): void {
    if (this.closed || !this.connectReceived) return;
    this.sendPing();
  }

  // ---- reads

  /**
   * Reads are paused for several independent reasons (a consumer stalling this producer, a login
   * being decided, the read budget of an event-loop turn); the transport resumes when none is left.
   */
  private readPauses = 0;

  pauseReads(): void {
    if (this.readPauses++ === 0) this.transport.pause();
  }

  resumeReads(): void {
    if (this.readPauses > 0 && --this.readPauses === 0 && !this.closed) this.transport.resume();
  }

  /** Bytes from the transport (plaintext after any TLS layer). */
  feed(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = new Date();
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

  // ---- ParserHandler

  processConnect(arg: Buffer): void {
    const server = this.server;
    this.clearAuthTimer();
    this.lastActivity = new Date();
    if (server.log.traceEnabled) this.trace(`<<- [CONNECT ${redactConnect(arg.toString("utf8"))}]`);
    let opts: ConnectOptions;
    try {
      opts = parseConnect(arg, this.connectOpts);
    } catch (e) {
      // As the reference: a CONNECT that does not unmarshal closes with Protocol Violation, no -ERR.
      // JSON.parse quotes the offending token, which may be an unquoted password: never log it.
      const msg = (e as Error).message;
      this.error(e instanceof SyntaxError ? msg.replace(/"[^"]*"/g, '"[REDACTED]"') : msg);
      this.closeConnection(ClosedReason.protocolViolation);
      return;
    }
    this.connectReceived = true;
    this.connectOpts = opts;
    this.rtt = Math.max(Date.now() - this.start.getTime(), 0.001);
    this.verbose = opts.verbose;
    this.pedantic = opts.pedantic;
    this.echo = opts.echo;
    this.name = opts.name;
    this.lang = opts.lang;
    this.version = opts.version;
    this.protocol = opts.protocol;
    this.headers = !server.opts.noHeaderSupport && opts.headers;
    this.noResponders = opts.noResponders;
    this.parser.headers = this.headers;

    const authorized = server.checkAuthentication(this, opts);
    if (typeof authorized === "boolean") {
      this.finishConnect(opts, authorized);
      return;
    }
    // A bcrypt comparison runs off the event loop: hold this client's input until it is decided,
    // so one login cannot stall every other connection (the reference runs it on the client's goroutine).
    this.parser.suspend();
    this.pauseReads();
    authorized
      .then(
        (ok) => this.finishConnect(opts, ok),
        () => this.finishConnect(opts, false),
      )
      .finally(() => this.resumeInput());
  }

  /** The rest of CONNECT once authentication is decided (processConnect after checkAuthentication). */
  private finishConnect(opts: ConnectOptions, authorized: boolean): void {
    if (this.closed) return;
    const server = this.server;
    if (!authorized || opts.account !== "" || opts.newAccount) {
      this.authViolation();
      return;
    }
    this.parser.awaitingAuth = false;
    if (opts.protocol < 0 || opts.protocol > 1) {
      this.sendErr(Err.badClientProtocol);
      this.closeConnection(ClosedReason.badClientProtocolVersion);
      return;
    }
    if (opts.noResponders && !this.headers) {
      this.sendErr(Err.noRespondersRequiresHeaders);
      this.closeConnection(ClosedReason.noRespondersRequiresHeaders);
      return;
    }
    if (this.verbose) this.enqueue(OK);
    this.setPingTimer(Math.min(server.opts.pingInterval, FIRST_CLIENT_PING_INTERVAL), true);
  }

  /** The options of the CONNECTs so far: a later CONNECT only overrides the fields it sends. */
  private connectOpts: ConnectOptions = defaultConnectOptions();

  /** Input that arrived while the parser was suspended, replayed once it resumes. */
  private heldInput: Buffer | undefined;

  private resumeInput(): void {
    this.parser.resume();
    const held = this.heldInput;
    this.heldInput = undefined;
    if (this.closed) return;
    this.resumeReads();
    if (held !== undefined) this.server.feed(this, held);
  }

  processInfo(arg: Buffer): void {
    // Ignored from clients, but it must unmarshal (client.go processInfo returns the JSON error).
    try {
      const v: unknown = JSON.parse(arg.toString("utf8"));
      if (v !== null && (typeof v !== "object" || Array.isArray(v))) throw new Error("json: cannot unmarshal into Info");
    } catch (e) {
      this.error((e as Error).message);
      this.closeConnection(ClosedReason.protocolViolation);
    }
  }

  processMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    const server = this.server;
    const size = end - start - 2;
    this.inMsgs++;
    this.inBytes += size;
    server.stats.inMsgs++;
    server.stats.inBytes += size;
    if (server.log.traceEnabled) this.traceMsgIn(subject, reply, hdr, buf, start, end);
    if (this.perms !== undefined && !this.perms.canPublish(subject)) {
      this.sendErr(permissionsViolationPublish(subject));
      this.log().error(`${this.logPrefix} - Publish Violation - ${this.userLabel()}, Subject "${subject}"`);
      return;
    }
    if (this.verbose) this.enqueue(OK);

    const frame = server.frame;
    frame.reset(subject, reply, hdr, buf, start, end, this.parser.sizeText, this.parser.hdrText);
    const delivered = routeMsg(this, this.matchCache.lookup(server.sublist, subject), frame);
    if (!delivered && reply.length > 0 && this.noResponders) this.sendNoResponders(reply);
  }

  processSub(subject: string, queue: string | undefined, sid: string): void {
    if (this.server.log.traceEnabled) this.trace(`<<- [SUB ${subject}${queue === undefined ? "" : " " + queue} ${sid}]`);
    // The reserved "_sys_" queue is refused to every client, with or without permissions (processSub).
    if (this.perms !== undefined ? !this.perms.canSubscribe(subject, queue) : queue === SYS_GROUP) {
      this.sendErr(permissionsViolationSubscription(subject, queue));
      this.log().error(
        `${this.logPrefix} - Subscription Violation - ${this.userLabel()}, Subject "${subject}"` +
          (queue === undefined ? "" : `, Queue: "${queue}"`) + `, SID ${sid}`,
      );
      return;
    }
    const maxSubs = this.server.opts.maxSubscriptions;
    if (maxSubs > 0 && this.subs.size >= maxSubs) {
      this.error(Err.maxSubscriptions);
      this.sendErr(Err.maxSubscriptions);
      return;
    }
    if (!this.subs.has(sid)) {
      const sub = new Subscription(this, subject, queue, sid);
      try {
        this.server.sublist.insert(sub);
      } catch (e) {
        if (!(e instanceof SublistError)) throw e;
        this.sendErr(Err.invalidSubject);
        return;
      }
      this.subs.set(sid, sub);
    }
    if (this.verbose) this.enqueue(OK);
  }

  processUnsub(sid: string, max: number): void {
    if (this.server.log.traceEnabled) this.trace(`<<- [UNSUB ${sid}${max >= 0 ? " " + max : ""}]`);
    const sub = this.subs.get(sid);
    let remove = false;
    if (sub !== undefined) {
      if (max > 0 && max > sub.delivered) sub.max = max;
      else remove = true;
    }
    if (this.verbose) this.enqueue(OK);
    if (remove) this.unsubscribe(sub!);
  }

  processPing(): void {
    if (this.server.log.traceEnabled) this.trace("<<- [PING]");
    this.enqueue(PONG);
    this.lastPingReceived = Date.now();
  }

  processPong(): void {
    if (this.server.log.traceEnabled) this.trace("<<- [PONG]");
    this.pingsOut = 0;
    if (this.rttStart > 0) this.rtt = Math.max(performance.now() - this.rttStart, 0.001);
  }

  processErr(text: string): void {
    this.error(`Client Error ${text}`);
    this.closeConnection(ClosedReason.parseError);
  }

  processPreConnectOp(): boolean {
    // parser.go: with no_auth_user, non-CONNECT first ops are allowed (telnet demos).
    if (this.server.authenticateNoAuthUser(this)) {
      this.clearAuthTimer();
      this.connectReceived = true;
      this.parser.awaitingAuth = false;
      return true;
    }
    this.authViolation();
    return false;
  }

  protocolError(sendErr: boolean, detail: string): void {
    if (sendErr) this.sendErr(Err.unknownProtocol);
    this.error(detail);
    this.closeConnection(ClosedReason.protocolViolation);
  }

  maxControlLineExceeded(len: number): void {
    this.error(`${Err.maxControlLine}: max_control_line ${this.parser.maxControlLine}, Buffer len ${len}`);
    this.sendErr(Err.maxControlLine);
    this.closeConnection(ClosedReason.maxControlLineExceeded);
  }

  pubArgsParsed(subject: string): void {
    // client.go processPub: the pedantic check answers the PUB line (and does not drop the message).
    if (this.pedantic && !isValidLiteralSubject(subject)) this.sendErr(Err.invalidPublishSubject);
  }

  maxPayloadExceeded(size: number): void {
    this.error(`maximum payload exceeded: ${size} vs ${this.parser.maxPayload}`);
    this.sendErr(Err.maxPayload);
    this.closeConnection(ClosedReason.maxPayloadExceeded);
  }

  // ---- delivery

  /** client.go: a requester with no_responders gets an empty 503 HMSG on its reply subscription. */
  private sendNoResponders(reply: string): void {
    const r = this.server.sublist.match(reply);
    for (const sub of r.psubs) {
      if (sub.client === this) {
        this.enqueue(new TextEncoder().encode(`HMSG ${reply} ${sub.sid} 16 16\r\nNATS/1.0 503\r\n\r\n\r\n`));
        return;
      }
    }
  }

  unsubscribe(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub.sid);
    this.server.sublist.remove(sub);
  }

  // ---- writes

  /** Queue protocol bytes; flushed at the end of the current read or in a microtask. */
  enqueue(bytes: Uint8Array): void {
    if (this.closed) return;
    if (!this.outbound.checkPending(bytes.length)) return;
    this.outbound.append(bytes);
    this.server.queueFlush(this);
  }

  sendErr(text: string): void {
    if (this.server.log.traceEnabled) this.trace(`->> [-ERR ${text}]`);
    this.enqueue(new TextEncoder().encode(`-ERR '${text}'\r\n`));
  }

  sendInfo(): void {
    this.enqueue(encodeInfo(this.server.clientInfo(this)));
  }

  /** Write what is owed; called once per touched client at the end of a read. */
  flush(): void {
    this.flushQueued = false;
    this.outbound.flush();
  }

  /** The transport can take more bytes. */
  onTransportDrain(): void {
    this.outbound.onDrain();
  }

  // ---- timers

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
    const interval = this.server.opts.pingInterval;
    const now = Date.now();
    const needRTT = this.rtt === 0;
    let sendPing = true;
    if (!needRTT && (now - this.lastActivity.getTime() < interval || now - this.lastPingReceived < interval)) {
      sendPing = false;
    }
    if (sendPing) {
      if (this.pingsOut + 1 > this.server.opts.pingMax) {
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
    if (this.server.log.traceEnabled) this.trace("->> [PING]");
    this.enqueue(PING);
  }

  setAuthTimer(ms: number): void {
    this.authTimer = setTimeout(() => {
      this.authTimer = undefined;
      if (this.closed || this.connectReceived) return;
      this.sendErr(Err.authenticationTimeout);
      this.closeConnection(ClosedReason.authenticationTimeout);
    }, ms);
  }

  private clearAuthTimer(): void {
    if (this.authTimer !== undefined) {
      clearTimeout(this.authTimer);
      this.authTimer = undefined;
    }
  }

  authViolation(): void {
    this.sendErr(Err.authorizationViolation);
    this.error(this.authError);
    this.closeConnection(ClosedReason.authenticationViolation);
  }

  // ---- close

  /**
   * Close once: stop parsing, drop subscriptions at once (deliveries into dead connections are waste),
   * flush what the client is owed (an -ERR, typically) unless it is a slow consumer, then end.
   */
  closeConnection(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.stop = new Date();
    this.closeReason = reason;
    this.parser.halt();
    if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    this.clearAuthTimer();
    for (const sub of this.subs.values()) sub.closed = true;
    this.server.sublist.removeBatch(this.subs.values());
    this.server.removeClient(this);
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

  // ---- logging

  private log() {
    return this.server.log;
  }
  private userLabel(): string {
    return this.user === "" ? "" : `User "${this.user}"`;
  }
  notice(msg: string): void {
    this.server.log.notice(`${this.logPrefix} - ${msg}`);
  }
  error(msg: string): void {
    this.server.log.error(`${this.logPrefix} - ${msg}`);
  }
  debug(msg: string): void {
    if (this.server.log.debugEnabled) this.server.log.debug(`${this.logPrefix} - ${msg}`);
  }
  trace(msg: string): void {
    this.server.log.trace(`${this.logPrefix} - ${msg}`);
  }
  private traceMsgIn(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    const verb = hdr >= 0 ? "HPUB" : "PUB";
    const size = end - start - 2;
    this.trace(`<<- [${verb} ${subject}${reply ? " " + reply : ""} ${hdr >= 0 ? `${hdr} ${size}` : size}]`);
    this.trace(`<<- MSG_PAYLOAD: [${JSON.stringify(buf.toString("latin1", start, start + Math.min(size, 512)))}]`);
  }
}

/** Mask passwords, tokens and signatures in a traced CONNECT (client.go removePassFromTrace). */
function redactConnect(json: string): string {
  const out = json.replace(/("(?:pass|auth_token|sig)"\s*:\s*")((?:[^"\\]|\\.)*)"/g, '$1[REDACTED]"');
  // A key spelled with escapes ("p\u0061ss") still means "pass" to JSON.parse: redact structurally then.
  // So is a secret that is not a JSON string (`"pass":12345`, or broken JSON `"pass":hunter2`).
  if (!out.includes("\\") && !/"(?:pass|auth_token|sig)"\s*:\s*[^"\s]/.test(out)) return out;
  try {
    const o = JSON.parse(out) as unknown;
    if (o === null || typeof o !== "object" || Array.isArray(o)) return out;
    const r = o as Record<string, unknown>;
    for (const k of ["pass", "auth_token", "sig"]) if (Object.prototype.hasOwnProperty.call(r, k)) r[k] = "[REDACTED]";
    return JSON.stringify(r);
  } catch {
    return "[REDACTED]";
  }
}
