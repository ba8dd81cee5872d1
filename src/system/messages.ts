// The JSON the system account publishes (events.go types, nats-server 2.9.10), field for field and in the
// reference's key order; optional fields are left undefined so JSON.stringify drops them (Go's omitempty).
import { goTime, nowMs, toMs } from "../monitor/format.ts";
import { VERSION } from "../options.ts";

/** Who sent an event or a response (events.go ServerInfo), stamped per message with a sequence number. */
export interface EventServerInfo {
  name: string;
  host: string;
  id: string;
  cluster?: string;
  domain?: string;
  ver: string;
  tags?: string[];
  seq: number;
  jetstream: boolean;
  time: string;
}

/** What the stamp is made of (the reference reads s.info and the options in internalSendLoop). */
export interface ServerIdentity {
  readonly name: string;
  readonly host: string;
  readonly id: string;
  readonly cluster: string;
  readonly domain: string;
  readonly tags: readonly string[];
  readonly jetstream: boolean;
}

/** Stamps messages as internalSendLoop does: one sequence for every message that carries a ServerInfo. */
export class ServerStamp {
  private seq = 0;

  constructor(private readonly identity: () => ServerIdentity) {}

  next(): EventServerInfo {
    const s = this.identity();
    return {
      name: s.name,
      host: s.host,
      id: s.id,
      cluster: s.cluster || undefined,
      domain: s.domain || undefined,
      ver: VERSION,
      tags: s.tags.length > 0 ? [...s.tags] : undefined,
      seq: ++this.seq,
      jetstream: s.jetstream,
      time: goTime(nowMs()),
    };
  }
}

/** ApiError (jetstream_errors.go). */
export interface ApiError {
  code: number;
  err_code?: number;
  description: string;
}

/**
 * ServerAPIResponse: `data` is absent when the request could not be decoded, and null when the endpoint
 * itself failed (Go marshals the typed nil pointer the endpoint returned beside its error).
 */
export interface ServerAPIResponse {
  server: EventServerInfo;
  data?: unknown;
  error?: ApiError;
}

export interface DataStats {
  msgs: number;
  bytes: number;
}

/** TypedEvent: the schema type, a unique id (a NUID) and when it happened. */
export interface TypedEvent {
  type: string;
  id: string;
  timestamp: string;
}

export const ConnectEventMsgType = "io.nats.server.advisory.v1.client_connect";
export const DisconnectEventMsgType = "io.nats.server.advisory.v1.client_disconnect";
export const AccountNumConnsMsgType = "io.nats.server.advisory.v1.account_connections";

/** ClientInfo as the connect, disconnect and auth error events fill it. */
export interface ClientInfo {
  start?: string;
  host?: string;
  id?: number;
  acc: string;
  svc?: string;
  user?: string;
  name?: string;
  lang?: string;
  ver?: string;
  /** Nanoseconds (a Go time.Duration). */
  rtt?: number;
  server?: string;
  cluster?: string;
  alts?: string[];
  stop?: string;
  jwt?: string;
  issuer_key?: string;
  name_tag?: string;
  tags?: string[];
  kind?: string;
  client_type?: string;
  client_id?: string;
}

/** What the events read of a client connection. */
export interface EventClient {
  readonly start: Date;
  /** The peer's IP (c.host). */
  readonly ip: string;
  readonly cid: number;
  /** The account name ("N/A" when none, as accForClient). */
  readonly account: string;
  /** getRawAuthUser: the nkey, user name, or token the client presented; "" when none. */
  readonly rawAuthUser: string;
  readonly name: string;
  readonly lang: string;
  readonly version: string;
  /** Last measured round trip in ms; 0 = not measured. */
  readonly rtt: number;
  /** "Client", "Leafnode", ... (kindString). */
  readonly kind: string;
  /** "nats", "websocket", "mqtt" for clients; "" otherwise (clientTypeString). */
  readonly clientType: string;
  /** issuerForClient: the account of an nkey user; "" otherwise. */
  readonly issuerKey: string;
  readonly inMsgs: number;
  readonly inBytes: number;
  readonly outMsgs: number;
  readonly outBytes: number;
}

export function clientInfo(c: EventClient, stop?: number): ClientInfo {
  return {
    start: goTime(toMs(c.start)),
    host: c.ip || undefined,
    id: c.cid || undefined,
    acc: c.account,
    user: c.rawAuthUser || undefined,
    name: c.name || undefined,
    lang: c.lang || undefined,
    ver: c.version || undefined,
    // Only the disconnect events carry the RTT (getRTT); as a Duration it is nanoseconds.
    rtt: stop !== undefined && c.rtt > 0 ? rttNanos(c.rtt) : undefined,
    stop: stop !== undefined ? goTime(stop) : undefined,
    issuer_key: c.issuerKey || undefined,
    kind: c.kind || undefined,
    client_type: c.clientType || undefined,
  };
}

/** An RTT in ms as getRTT's Duration: microsecond precision between 1µs and 1ms, as /connz shows it. */
export function rttNanos(rttMs: number): number {
  let ns = Math.round(rttMs * 1e6);
  if (ns > 1e3 && ns < 1e6) ns -= ns % 1e3;
  return ns;
}

export interface ConnectEventMsg extends TypedEvent {
  server: EventServerInfo;
  client: ClientInfo;
}

export interface DisconnectEventMsg extends TypedEvent {
  server: EventServerInfo;
  client: ClientInfo;
  sent: DataStats;
  received: DataStats;
  reason: string;
}

/** accountConnectEvent's message. */
export function connectEvent(id: string, server: EventServerInfo, c: EventClient): ConnectEventMsg {
  return { type: ConnectEventMsgType, id, timestamp: goTime(nowMs()), server, client: clientInfo(c) };
}

/**
 * accountDisconnectEvent's (and sendAuthErrorEvent's) message: `sent` is what the client sent (its
 * inbound counters), `received` what it was sent.
 */
export function disconnectEvent(id: string, server: EventServerInfo, c: EventClient, reason: string, stop = nowMs()): DisconnectEventMsg {
  return {
    type: DisconnectEventMsgType,
    id,
    timestamp: goTime(stop),
    server,
    client: clientInfo(c, stop),
    sent: { msgs: c.inMsgs, bytes: c.inBytes },
    received: { msgs: c.outMsgs, bytes: c.outBytes },
    reason,
  };
}

/** AccountStat: one account's connection counts and traffic (also /accstatz's elements). */
export interface AccountStat {
  acc: string;
  conns: number;
  leafnodes: number;
  total_conns: number;
  sent: DataStats;
  received: DataStats;
  slow_consumers: number;
}

export interface AccountNumConns extends TypedEvent, AccountStat {
  server: EventServerInfo;
}

/** sendAccConnsUpdate's message (also the answer to `$SYS.REQ.ACCOUNT.<acc>.CONNS`). */
export function accountNumConns(id: string, server: EventServerInfo, stat: AccountStat): AccountNumConns {
  return { type: AccountNumConnsMsgType, id, timestamp: goTime(nowMs()), server, ...stat };
}

/** ServerStats: the STATSZ body. */
export interface ServerStats {
  start: string;
  mem: number;
  cores: number;
  cpu: number;
  connections: number;
  total_connections: number;
  active_accounts: number;
  subscriptions: number;
  sent: DataStats;
  received: DataStats;
  slow_consumers: number;
  routes?: RouteStat[];
  gateways?: unknown[];
  active_servers?: number;
  jetstream?: unknown;
}

export interface RouteStat {
  rid: number;
  name?: string;
  sent: DataStats;
  received: DataStats;
  pending: number;
}

export interface ServerStatsMsg {
  server: EventServerInfo;
  statsz: ServerStats;
}
