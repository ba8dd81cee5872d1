// One client connection: the client protocol (CONNECT, PUB/HPUB, SUB, UNSUB, PING/PONG) as a kind of
// Connection, in the manner of nats-server's client.go. A PUB is checked here, then fanned out by
// src/conn/fanout.ts on the publisher's read path, which fills the subscribers' outbound buffers that the
// read loop flushes once at the end of the read.
import { goQuote } from "../go/quote.ts";
import { Connection, type ConnAccount } from "../conn/connection.ts";
import { writeMsg, type MsgFrame } from "../conn/deliver.ts";
import { MatchCache } from "../conn/fanout.ts";
import { processInboundMsg } from "../conn/inbound.ts";
import { isReservedReply } from "../accounts/imports.ts";
import type { ConnHost } from "../conn/host.ts";
import { Kind } from "../conn/kind.ts";
import { Subscription } from "../conn/subscription.ts";
import { defaultConnectOptions, parseConnect, type ConnectOptions } from "../protocol/connect.ts";
import { encodeInfo, encodeNoResponders, OK, PONG } from "../protocol/encode.ts";
import {
  ClosedReason,
  Err,
  permissionsViolationPublish,
  permissionsViolationReply,
  permissionsViolationSubscription,
} from "../protocol/errors.ts";
import type { ServerInfo } from "../protocol/info.ts";
import { isValidLiteralSubject } from "../subjects/subject.ts";
import { SublistError } from "../subjects/sublist.ts";
import type { Transport } from "../transport/transport.ts";
import { SYS_GROUP } from "../auth/permissions.ts";
import type { ConnectCredentials } from "../auth/authenticator.ts";
import type { Login } from "../auth/login.ts";

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

/** What a client needs from the server beyond any connection's needs: its INFO and the login decision. */
export interface ClientHost extends ConnHost<Connection> {
  clientInfo(client: ClientConnection): ServerInfo;
  /** Whether the CONNECT's credentials are accepted; sets user, account and permissions when they are. */
  checkAuthentication(client: ClientConnection, connect: ConnectOptions): boolean | Promise<boolean>;
  /** parser.go: with no_auth_user set, a first op other than CONNECT logs in as that user. */
  authenticateNoAuthUser(client: ClientConnection): boolean;
  /** A login was refused (the system account's CLIENT.AUTH.ERR event). */
  clientAuthFailed?(client: ClientConnection): void;
}

export class ClientConnection extends Connection {
  readonly kind = Kind.CLIENT;

  // CONNECT options (nats-server defaultOpts: verbose, pedantic and echo are on until CONNECT says otherwise).
  verbose = true;
  pedantic = true;
  headers = false;
  noResponders = false;
  name = "";
  lang = "";
  version = "";
  protocol = 0;

  private authTimer: ReturnType<typeof setTimeout> | undefined;

  /** Authenticated user name (connz authorized_user). */
  user = "";
  perms: ClientPermissions | undefined;
  /** The CONNECT's credentials, judged again when a config reload changes authorization (reload.go). */
  credentials: ConnectCredentials | undefined;
  /** nonce sent in INFO, when nkey users are configured. */
  nonce = "";
  /** What authViolation logs (auth.go: the user or nkey that failed, never a secret). */
  authError = "authentication error";

  private readonly matchCache = new MatchCache();
  /** The read loop's scratch frame (one message is routed at a time). */
  private readonly frame: MsgFrame;

  constructor(
    readonly server: ClientHost,
    cid: number,
    transport: Transport,
    account: ConnAccount,
  ) {
    super(server, cid, transport, account);
    this.frame = server.loop.frame;
  }

  /** A websocket client (connz type "websocket", "wid:" in the log, the websocket block's logins). */
  get websocket(): boolean {
    return this.transport.websocket === true;
  }

  /** allowed_connection_types vocabulary (jwt.ConnectionType*). */
  get connectionType(): string {
    return this.websocket ? "WEBSOCKET" : "STANDARD";
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

  // ---- ParserHandler

  processConnect(arg: Buffer): void {
    const server = this.server;
    this.clearAuthTimer();
    this.lastActivityMs = Date.now();
    if (this.log.traceEnabled) this.trace(`<<- [CONNECT ${redactConnect(arg.toString("utf8"))}]`);
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
    // client.go processConnect: from here the log prefix names the client, "v<version>:<lang>:<name>"
    // (the parts it has), Go-quoted after the current prefix (a later CONNECT appends again, as there).
    const tag = connectTag(opts);
    if (tag !== "") this.logPrefix = `${this.logPrefix} - ${goQuote(tag)}`;
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
    this.suspendInput();
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
    if (this.verbose) this.sendOK();
    this.setPingTimer(Math.min(server.opts.pingInterval, FIRST_CLIENT_PING_INTERVAL), true);
  }

  /** The options of the CONNECTs so far: a later CONNECT only overrides the fields it sends. */
  private connectOpts: ConnectOptions = defaultConnectOptions();

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
    if (this.log.traceEnabled) this.traceMsgIn(subject, reply, hdr, buf, start, end);
    if (this.perms !== undefined && !this.perms.canPublish(subject)) {
      this.sendErr(permissionsViolationPublish(subject));
      this.log.error(`${this.logPrefix} - Publish Violation - ${this.userLabel()}, Subject "${subject}"`);
      return;
    }
    // Replies reserved for service imports and gateways may not be set by a client (isReservedReply).
    if (reply.length > 0 && isReservedReply(reply)) {
      this.sendErr(permissionsViolationReply(reply));
      this.log.error(`${this.logPrefix} - Publish Violation - ${this.userLabel()}, Reply "${reply}"`);
      return;
    }
    if (this.verbose) this.sendOK();

    const acc = this.account;
    acc.stats.inMsgs++;
    acc.stats.inBytes += size;
    if (acc.mappings.size === 0) {
      // Nobody interested (pub-only load): skip the frame and the fan-out (processInboundMsg would
      // find the same empty match through the same cache).
      const r = this.matchCache.lookup(acc.sublist, subject);
      if (r.psubs.length === 0 && r.qsubs.length === 0) {
        if (reply.length > 0 && this.noResponders) this.sendNoResponders(reply);
        return;
      }
    }
    const frame = this.frame;
    frame.reset(subject, reply, hdr, buf, start, end, this.parser.sizeText, this.parser.hdrText);
    const delivered = processInboundMsg(this, frame, this.matchCache);
    if (!delivered && reply.length > 0 && this.noResponders) this.sendNoResponders(reply);
  }

  processSub(subject: string, queue: string | undefined, sid: string): void {
    if (this.log.traceEnabled) this.trace(`<<- [SUB ${subject}${queue === undefined ? "" : " " + queue} ${sid}]`);
    // The reserved "_sys_" queue is refused to every client, with or without permissions (processSub).
    if (this.perms !== undefined ? !this.perms.canSubscribe(subject, queue) : queue === SYS_GROUP) {
      this.sendErr(permissionsViolationSubscription(subject, queue));
      this.log.error(
        `${this.logPrefix} - Subscription Violation - ${this.userLabel()}, Subject "${subject}"` +
          (queue === undefined ? "" : `, Queue: "${queue}"`) + `, SID ${sid}`,
      );
      return;
    }
    // The smaller of the server's max_subscriptions and the account's limit (applyAccountLimits).
    const serverMax = this.server.opts.maxSubscriptions;
    const accMax = this.account.limits?.maxSubscriptions ?? -1;
    let maxSubs = serverMax > 0 ? serverMax : -1;
    if (accMax >= 0 && (maxSubs < 0 || accMax < maxSubs)) maxSubs = accMax;
    if (maxSubs >= 0 && this.subs.size >= maxSubs) {
      this.error(Err.maxSubscriptions);
      this.sendErr(Err.maxSubscriptions);
      return;
    }
    if (!this.subs.has(sid)) {
      const sub = new Subscription(this, subject, queue, sid);
      try {
        this.account.sublist.insert(sub);
      } catch (e) {
        if (!(e instanceof SublistError)) throw e;
        this.sendErr(Err.invalidSubject);
        return;
      }
      this.subs.set(sid, sub);
      this.server.interestChanged?.(this, sub, 1);
      if (this.verbose) this.sendOK();
      this.addShadowSubscriptions(sub);
      return;
    }
    if (this.verbose) this.sendOK();
  }

  processUnsub(sid: string, max: number): void {
    if (this.log.traceEnabled) this.trace(`<<- [UNSUB ${sid}${max >= 0 ? " " + max : ""}]`);
    const sub = this.subs.get(sid);
    let remove = false;
    if (sub !== undefined) {
      if (max > 0 && max > sub.delivered) sub.max = max;
      else remove = true;
    }
    if (this.verbose) this.sendOK();
    if (remove) this.unsubscribe(sub!);
  }

  processPing(): void {
    if (this.log.traceEnabled) {
      this.trace("<<- [PING]");
      this.trace("->> [PONG]"); // client.go sendPong
    }
    this.enqueue(PONG);
    this.lastPingReceived = Date.now();
    // client.go processPing: after the first PONG to a client that takes async INFO, a max_payload
    // lowered by its account's limits is announced in a new INFO.
    if (this.firstPongSent || !this.connectReceived) return;
    this.firstPongSent = true;
    if (this.protocol >= 1 && this.parser.maxPayload !== this.server.opts.maxPayload) this.sendInfo();
  }

  /** The first PONG after CONNECT went out (client.go firstPongSent). */
  private firstPongSent = false;

  processPong(): void {
    if (this.log.traceEnabled) this.trace("<<- [PONG]");
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

  /** client.go sendOK (verbose mode). */
  private sendOK(): void {
    if (this.log.traceEnabled) this.trace("->> [OK]");
    this.enqueue(OK);
  }

  /** client.go deliverMsg for a client target: echo, deny filter, auto-unsubscribe, MSG/HMSG, counters, stalls. */
  deliverMsg(sub: Subscription, frame: MsgFrame, publisher: Connection): boolean {
    if (sub.closed || this.closed) return false;
    if (this === publisher && !this.echo) return false;
    const perms = this.perms;
    if (perms?.denyDelivery?.(frame.subject) === true) return false;
    sub.delivered++;
    if (sub.max > 0) {
      if (sub.delivered > sub.max) {
        this.unsubscribe(sub);
        return false;
      }
      if (sub.delivered === sub.max) this.unsubscribe(sub);
    }
    const size = writeMsg(this.outbound, sub, frame, this.headers);
    if (size < 0) return false; // closed as a slow consumer
    if (this.log.traceEnabled) this.traceMsgOut(sub, frame, size);
    const host = this.server;
    host.loop.queueFlush(this);
    this.outMsgs++;
    this.outBytes += size;
    const stats = host.stats;
    stats.outMsgs++;
    stats.outBytes += size;
    const accStats = (frame.statsAccount ?? this.account).stats;
    accStats.outMsgs++;
    accStats.outBytes += size;
    if (frame.reply.length > 0 && perms?.trackReply !== undefined) perms.trackReply(frame.reply);
    if (this.outbound.pending > host.stallThreshold && this !== publisher) this.outbound.stallProducer(publisher);
    return true;
  }

  /** client.go deliverMsg's trace of the MSG/HMSG line: "->> [MSG subject sid [reply] size]". */
  private traceMsgOut(sub: Subscription, frame: MsgFrame, size: number): void {
    const hmsg = frame.hdr > 0 && this.headers;
    const reply = frame.reply.length > 0 ? ` ${frame.reply}` : "";
    this.trace(`->> [${hmsg ? `HMSG ${frame.subject} ${sub.sid}${reply} ${frame.hdr} ${size}` : `MSG ${frame.subject} ${sub.sid}${reply} ${size}`}]`);
  }

  /** client.go: a requester with no_responders gets an empty 503 HMSG on its reply subscription. */
  private sendNoResponders(reply: string): void {
    const r = this.account.sublist.match(reply);
    for (const sub of r.psubs) {
      if (sub.conn === this) {
        this.enqueue(encodeNoResponders(reply, sub.sid));
        return;
      }
    }
  }

  /** The login decision (src/auth/login.ts) applied: identity, permissions, and the account when given. */
  applyLogin(login: Login, account?: ConnAccount): void {
    this.user = login.user;
    this.perms = login.perms;
    if (account !== undefined) {
      this.bindAccount(account);
      // applyAccountLimits: the account's max_payload when lower than the server's.
      const mpay = account.limits?.maxPayload ?? -1;
      if (mpay >= 0 && mpay < this.parser.maxPayload) this.parser.maxPayload = mpay;
    }
  }

  /** maxAccountConnExceeded: the account's max_connections was reached by this login. */
  maxAccountConnExceeded(): void {
    this.sendErr(Err.maxAccountConnections);
    this.error(Err.maxAccountConnections);
    this.closeConnection(ClosedReason.maxAccountConnectionsExceeded);
  }

  sendInfo(): void {
    this.enqueue(encodeInfo(this.server.clientInfo(this)));
  }

  // ---- timers

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
    this.server.clientAuthFailed?.(this);
  }

  // ---- close

  protected override onClose(): void {
    this.clearAuthTimer();
  }


  // ---- logging

  private userLabel(): string {
    return this.user === "" ? "" : `User "${this.user}"`;
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

/** client.go processConnect's ncs: "v<version>", ":<lang>", ":<name>", each when set. */
export function connectTag(o: { version: string; lang: string; name: string }): string {
  const parts: string[] = [];
  if (o.version !== "") parts.push(`v${o.version}`);
  if (o.lang !== "") parts.push(o.lang);
  if (o.name !== "") parts.push(o.name);
  return parts.join(":");
}
