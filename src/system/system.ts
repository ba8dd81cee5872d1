// The system account's services and events at run time (events.go setSystemAccount, initEventTracking,
// internalSendLoop, heartbeatStatsz, accountConnectEvent/accountDisconnectEvent, sendAuthErrorEvent,
// sendAccConnsUpdate, sendShutdownEvent). It sits at the composition level: it reads the server through the
// monitoring view and reaches the message path only through an internal connection of the system account,
// whose subscriptions call the handlers here and whose publishes go through the normal fan-out.
import { accountStatz } from "../monitor/accountz.ts";
import type { MonitorContext } from "../monitor/context.ts";
import { goJSON } from "../monitor/format.ts";
import { compressBody, type Compression } from "./compress.ts";
import {
  accountNumConns,
  connectEvent,
  disconnectEvent,
  ServerStamp,
  type AccountStat,
  type EventClient,
  type EventServerInfo,
  type RouteStat,
  type ServerIdentity,
} from "./messages.ts";
import { Nuid } from "./nuid.ts";
import {
  accountPingStatz,
  ACCOUNT_HANDLERS,
  claimsUpdate,
  debugSubscribers,
  nsubsRequest,
  SERVER_HANDLERS,
  statszMsg,
  statszReq,
  type Handler,
  type SystemView,
} from "./services.ts";
import {
  accConnsEventSubjNew,
  accConnsEventSubjOld,
  accDirectReqSubj,
  accNumSubsReqSubj,
  accPingReqSubj,
  accSubsSubj,
  ACCOUNT_SERVICES,
  authErrorEventSubj,
  connectEventSubj,
  disconnectEventSubj,
  SERVER_SERVICES,
  serverDirectReqSubj,
  serverPingReqSubj,
  serverStatsPingReqSubj,
  serverStatsSubj,
  shutdownEventSubj,
} from "./subjects.ts";

/** A message delivered to an internal subscription: its header block (if any) and payload, apart. */
export type InternalHandler = (subject: string, reply: string, hdr: Uint8Array | undefined, body: Uint8Array) => void;

/**
 * The system account's internal connection (the reference's s.sys.client, kind SYSTEM): subscriptions
 * whose delivery calls a handler, and publishes processed as if a client of the system account sent them.
 */
export interface InternalClient {
  subscribe(subject: string, handler: InternalHandler): void;
  /** `hdr` is a whole header block ("NATS/1.0\r\n...\r\n\r\n") when given. */
  publish(subject: string, reply: string, payload: Uint8Array, hdr?: Uint8Array): void;
  /** Removes the subscriptions and the connection. */
  close(): void;
}

export interface SystemDeps {
  /** The monitoring view: the services answer with the endpoint functions over it. */
  readonly ctx: MonitorContext;
  /** Name, host, id, cluster, tags of this server, read at each message (a reload may change them). */
  identity(): ServerIdentity;
  /** The connection in the system account the services subscribe and publish with. */
  readonly client: InternalClient;
  /** The system account's name (`system_account`, default $SYS). */
  readonly systemAccount: string;
  /** The global account's name: its connections send no connect/disconnect events. */
  readonly globalAccount: string;
  /** Route connections' counters for STATSZ (none without clustering). */
  routeStats?(): RouteStat[];
  /**
   * One account's statz (Account.statz: local client and leaf connections, traffic), undefined when the
   * account does not exist; without it, /accstatz's function answers.
   */
  accountStat?(name: string): AccountStat | undefined;
  /** Accounts with connections, internal ones included (s.activeAccounts); without it, from /accstatz. */
  activeAccounts?(): number;
  /** Local client subscribers of an account on a subject (see SystemView.countSubscribers). */
  countSubscribers?(account: string, subject: string, queue?: string): number | undefined;
  /** Whether the account has local client or leaf connections. */
  hasLocalConnections?(account: string): boolean;
  /** Where internal errors are reported. */
  error(msg: string): void;
}

/** eventsHBInterval: STATSZ and the account CONNS heartbeats. */
export const EVENTS_HB_INTERVAL = 30_000;
/** startStatszTimer: the first STATSZ goes out after 250 ms; the interval doubles up to the heartbeat. */
export const FIRST_STATSZ_DELAY = 250;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class SystemServices implements SystemView {
  readonly ctx: MonitorContext;
  private readonly stamper: ServerStamp;
  private readonly nuid = new Nuid();
  /** Messages waiting for the send loop (internalSendLoop): published after the current delivery returns. */
  private readonly sendq: { subject: string; reply: string; msg: unknown; compress: Compression }[] = [];
  private flushScheduled = false;
  private running = false;
  private statszTimer: ReturnType<typeof setTimeout> | undefined;
  private statszInterval = FIRST_STATSZ_DELAY;
  /** Per-account CONNS heartbeats (Account.ctmr), armed while the account has connections. */
  private readonly connsTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Other servers heard from (s.sys.servers): their last STATSZ sequence and when it came. */
  private readonly servers = new Map<string, { seq: number; ltime: number }>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly deps: SystemDeps,
    private readonly hbInterval = EVENTS_HB_INTERVAL,
  ) {
    this.ctx = deps.ctx;
    this.stamper = new ServerStamp(() => deps.identity());
  }

  // ---- SystemView (what the handlers read)

  identity(): ServerIdentity {
    return this.deps.identity();
  }

  get systemAccount(): string {
    return this.deps.systemAccount;
  }

  logError(msg: string): void {
    this.deps.error(msg);
  }

  countSubscribers(account: string, subject: string, queue?: string): number | undefined {
    return this.deps.countSubscribers?.(account, subject, queue);
  }

  hasLocalConnections(account: string): boolean {
    return this.deps.hasLocalConnections?.(account) ?? false;
  }

  stamp(): EventServerInfo {
    return this.stamper.next();
  }

  nextEventId(): string {
    return this.nuid.next();
  }

  /** Accounts with local connections, the system account counted for its internal connection. */
  activeAccounts(): number {
    if (this.deps.activeAccounts !== undefined) return this.deps.activeAccounts();
    const active = accountStatz(this.ctx, false).account_statz;
    return active.length + (active.some((a) => a.acc === this.deps.systemAccount) ? 0 : 1);
  }

  /** This server and the others heard from (events.go: 1 + len(s.sys.servers)). */
  activeServers(): number {
    return 1 + this.servers.size;
  }

  /** routeStat of every route (events.go sendStatsz), from the monitoring view of the cluster. */
  routeStats(): RouteStat[] {
    if (this.deps.routeStats !== undefined) return this.deps.routeStats();
    const routes = this.ctx.server.cluster?.routes;
    if (routes === undefined) return [];
    const out: RouteStat[] = [];
    for (const r of routes.values()) {
      out.push({
        rid: r.cid,
        name: r.remoteName || undefined,
        sent: { msgs: r.outMsgs, bytes: r.outBytes },
        received: { msgs: r.inMsgs, bytes: r.inBytes },
        pending: r.pendingBytes,
      });
    }
    return out;
  }

  accountStat(name: string): AccountStat | undefined {
    if (this.deps.accountStat !== undefined) return this.deps.accountStat(name);
    return accountStatz(this.ctx, true).account_statz.find((a) => a.acc === name);
  }

  connsSent(name: string): void {
    const stat = this.accountStat(name);
    if (stat !== undefined) this.armConnsTimer(name, stat.total_conns);
  }

  // ---- lifecycle

  /** initEventTracking + startStatszTimer: the subscriptions, then STATSZ at 250 ms, 500 ms, ... 30 s. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const id = this.deps.identity().id;
    const sub = (subject: string, handler: Handler): void => this.subscribe(subject, handler);
    sub(serverStatsPingReqSubj, statszReq);
    for (const name of SERVER_SERVICES) {
      sub(serverDirectReqSubj(id, name), SERVER_HANDLERS[name]);
      sub(serverPingReqSubj(name), SERVER_HANDLERS[name]);
    }
    for (const name of ACCOUNT_SERVICES) sub(accDirectReqSubj("*", name), ACCOUNT_HANDLERS[name]);
    sub(accPingReqSubj("STATZ"), accountPingStatz);
    sub(accNumSubsReqSubj, nsubsRequest);
    sub(accSubsSubj, debugSubscribers);
    sub("$SYS.ACCOUNT.*.CLAIMS.UPDATE", claimsUpdate);
    sub("$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", claimsUpdate);
    // The rest of initEventTracking's subscriptions serve multi-server bookkeeping bnats does not keep
    // (remote account connection counts, inbox replies to its own requests, gateway interest for leaf
    // accounts, remote service latency); they are made so that the system account's interest, and every
    // subscription count, is the reference's.
    const shash = getHash(this.deps.identity().name);
    for (const subject of [
      `$SYS._INBOX.${shash}.*`,
      "$SYS.SERVER.ACCOUNT.*.CONNS",
      `$SYS._INBOX_.${id}`,
      "$SYS.ACCOUNT.*.LEAFNODE.CONNECT",
      `$SYS.LATENCY.M2.${shash}`,
    ]) {
      this.deps.client.subscribe(subject, () => undefined);
    }
    // Other servers' heartbeats and shutdowns (remoteServerUpdate, remoteServerShutdown).
    this.deps.client.subscribe(serverStatsSubj("*"), (_s, _r, _h, body) => this.remoteServerUpdate(body));
    this.deps.client.subscribe(shutdownEventSubj("*"), (subj, _r, _h, body) => this.remoteServerShutdown(subj, body));
    this.statszTimer = setTimeout(this.heartbeatStatsz, this.statszInterval);
    this.statszTimer.unref?.();
    // checkRemoteServers: a server silent for 5 heartbeats is taken as gone, checked every 3.
    this.sweeper = setInterval(() => this.checkRemoteServers(), 3 * this.hbInterval);
    this.sweeper.unref?.();
  }

  /** updateRemoteServer: a new server is announced to with our STATSZ; updates must come in order. */
  private remoteServerUpdate(body: Uint8Array): void {
    const si = serverInfoOf(body, "server");
    if (si === undefined || si.id === this.deps.identity().id) return;
    const su = this.servers.get(si.id);
    if (su === undefined) {
      this.servers.set(si.id, { seq: si.seq, ltime: Date.now() });
      // processNewServer: "Announce ourselves".
      this.sendStatsz();
      return;
    }
    if (si.seq <= su.seq) {
      this.deps.error(`Received out of order remote server update from: "${si.id}"`);
      return;
    }
    su.seq = si.seq;
    su.ltime = Date.now();
  }

  /** remoteServerShutdown: the server named by the subject's third token is gone (the body must be a ServerInfo). */
  private remoteServerShutdown(subject: string, body: Uint8Array): void {
    const sid = subject.split(".")[2];
    if (sid === undefined || serverInfoOf(body) === undefined) return;
    this.servers.delete(sid);
  }

  private checkRemoteServers(): void {
    const now = Date.now();
    for (const [id, su] of this.servers) if (now - su.ltime > 5 * this.hbInterval) this.servers.delete(id);
  }

  /** shutdownEventing: the SHUTDOWN event goes out now (the last message), then everything stops. */
  shutdown(): void {
    if (!this.running) return;
    clearTimeout(this.statszTimer);
    clearInterval(this.sweeper);
    for (const t of this.connsTimers.values()) clearTimeout(t);
    this.connsTimers.clear();
    const server = this.stamp();
    this.send(shutdownEventSubj(this.deps.identity().id), "", server);
    this.flush();
    this.running = false;
    this.deps.client.close();
  }

  private subscribe(subject: string, handler: Handler): void {
    this.deps.client.subscribe(subject, (subj, reply, hdr, body) => {
      if (!this.running) return;
      // The body is copied out of the reused delivery buffer before anything else runs.
      const req = { subject: subj, reply, body: decoder.decode(body), hdr: hdr === undefined ? "" : decoder.decode(hdr) };
      // A failing handler costs only its answer: it runs inside the publisher's delivery, whose
      // connection must not pay for it.
      let r: ReturnType<Handler>;
      try {
        r = handler(this, req);
      } catch (e) {
        this.deps.error(`Internal subscription on "${subj}" failed: ${(e as Error).stack ?? e}`);
        return;
      }
      if (r !== undefined) this.send(r.subject, "", r.msg, r.compress);
    });
  }

  private readonly heartbeatStatsz = (): void => {
    if (!this.running) return;
    if (this.statszInterval < this.hbInterval) this.statszInterval = Math.min(this.statszInterval * 2, this.hbInterval);
    this.statszTimer = setTimeout(this.heartbeatStatsz, this.statszInterval);
    this.statszTimer.unref?.();
    this.sendStatsz();
  };

  /** sendStatszUpdate: also on a reload that changes what STATSZ reports (server tags). */
  sendStatsz(): void {
    if (!this.running) return;
    this.send(serverStatsSubj(this.deps.identity().id), "", statszMsg(this));
  }

  // ---- events

  /** accountConnectEvent: a client of an account other than the global one authenticated. */
  clientConnected(c: EventClient): void {
    if (!this.running || c.account === this.deps.globalAccount) return;
    this.send(connectEventSubj(c.account), "", connectEvent(this.nextEventId(), this.stamp(), c));
  }

  /** accountDisconnectEvent: such a client's connection closed. */
  clientDisconnected(c: EventClient, reason: string, stop?: number): void {
    if (!this.running || c.account === this.deps.globalAccount) return;
    this.send(disconnectEventSubj(c.account), "", disconnectEvent(this.nextEventId(), this.stamp(), c, reason, stop));
  }

  /** sendAuthErrorEvent: a client failed to authenticate (any account, $G included). */
  authFailed(c: EventClient, reason: string): void {
    if (!this.running) return;
    const id = this.deps.identity().id;
    this.send(authErrorEventSubj(id), "", disconnectEvent(this.nextEventId(), this.stamp(), c, reason));
  }

  /**
   * accConnsUpdate: an account's connection count changed (a client joined or left it). The reference
   * sends nothing when a client leaves the global account (Account.removeClient).
   */
  accountConnsChanged(account: string, joined: boolean): void {
    if (!this.running || (!joined && account === this.deps.globalAccount)) return;
    this.sendAccConnsUpdate(account);
  }

  private sendAccConnsUpdate(account: string): void {
    const stat = this.accountStat(account);
    if (stat === undefined) return;
    const id = this.nextEventId();
    this.armConnsTimer(account, stat.total_conns);
    for (const subject of [accConnsEventSubjOld(account), accConnsEventSubjNew(account)]) {
      this.send(subject, "", accountNumConns(id, this.stamp(), stat));
    }
  }

  /** The account's heartbeat: re-armed on every update while it has connections, stopped at zero. */
  private armConnsTimer(account: string, totalConns: number): void {
    const t = this.connsTimers.get(account);
    if (t !== undefined) clearTimeout(t);
    if (totalConns === 0) {
      this.connsTimers.delete(account);
      return;
    }
    const timer = setTimeout(() => {
      this.connsTimers.delete(account);
      if (this.running) this.sendAccConnsUpdate(account);
    }, this.hbInterval);
    timer.unref?.();
    this.connsTimers.set(account, timer);
  }

  // ---- the send loop

  /**
   * Queues a message for the internal connection. Handlers run inside another message's delivery, so
   * publishing is deferred to a microtask (the reference hands it to internalSendLoop's goroutine).
   */
  private send(subject: string, reply: string, msg: unknown, compress: Compression = "none"): void {
    this.sendq.push({ subject, reply, msg, compress });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const q = this.sendq.splice(0);
    for (const m of q) {
      try {
        const { hdr, body } = compressBody(m.compress, encoder.encode(goJSON(m.msg, false)));
        this.deps.client.publish(m.subject, m.reply, body, hdr === undefined ? undefined : encoder.encode(hdr));
      } catch (e) {
        this.deps.error(`Error sending internal message on ${m.subject}: ${(e as Error).message}`);
      }
    }
  };
}

/** The ServerInfo of a STATSZ (under `key`) or SHUTDOWN (the body itself) message, when it has an id. */
function serverInfoOf(body: Uint8Array, key?: string): { id: string; seq: number } | undefined {
  try {
    const v: unknown = JSON.parse(decoder.decode(body));
    const si: unknown = key === undefined ? v : v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
    if (si === null || typeof si !== "object") return undefined;
    const { id, seq } = si as { id?: unknown; seq?: unknown };
    return typeof id === "string" && id !== "" ? { id, seq: typeof seq === "number" ? seq : 0 } : undefined;
  } catch {
    return undefined;
  }
}

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** getHash: 8 base-62 characters of the name's SHA-256 (the server's node hash, s.sys.shash). */
export function getHash(name: string): string {
  // Bun's native hasher: node:crypto is not loaded at start for this (issue 15).
  const b = new Bun.CryptoHasher("sha256").update(name).digest();
  let out = "";
  for (let i = 0; i < 8; i++) out += DIGITS[b[i]! % 62];
  return out;
}
