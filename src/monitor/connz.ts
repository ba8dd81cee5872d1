// /connz: nats-server's Connz() and HandleConnz (monitor.go), with the same options, defaults, 400 texts
// and ConnInfo fields. Speed with many connections: candidates are gathered as references, sorted on a
// precomputed numeric key (or not at all for the default cid order of open connections, which the
// clients Map already keeps), and ConnInfo objects are built only for the requested page.
import { countRequest, GLOBAL_ACCOUNT, Paths, serverId, type MonitorContext } from "./context.ts";
import { isCidOrdered, isSortOpt, sortConnections, type SortOpt } from "./connz-sort.ts";
import { goTime, myUptime, nowMs, rttString, toMs, wireText } from "./format.ts";
import { makePeerCerts, type TLSPeerCert } from "./peercerts.ts";
import { BadRequest, decodeBool, decodeInt, decodeState, decodeSubs, decodeUint64, param, type ConnState, type Query } from "./query.ts";
import type { MonitoredClient, MonitoredSubscription } from "./types.ts";

/** DefaultConnListSize of the reference. */
export const DEFAULT_CONN_LIST_SIZE = 1024;

export interface ConnzOptions {
  sort: string;
  auth: boolean;
  subs: boolean;
  subsDetail: boolean;
  offset: number;
  limit: number;
  cid: number;
  state: ConnState;
  user: string;
  acc: string;
  mqttClient: string;
  filterSubject: string;
}

export interface SubDetail {
  account?: string;
  subject: string;
  qgroup?: string;
  sid: string;
  msgs: number;
  max?: number;
  cid: number;
}

export interface ConnInfo {
  cid: number;
  kind: string;
  type: string;
  ip: string;
  port: number;
  start: string;
  last_activity: string;
  stop?: string;
  reason?: string;
  rtt: string;
  uptime: string;
  idle: string;
  pending_bytes: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  name?: string;
  lang?: string;
  version?: string;
  tls_version?: string;
  tls_cipher_suite?: string;
  tls_peer_certs?: TLSPeerCert[];
  /** nats-server 2.10: the TLS handshake came first (handshake_first). */
  tls_first?: boolean;
  authorized_user?: string;
  account?: string;
  subscriptions_list?: string[];
  subscriptions_list_detail?: SubDetail[];
}

export interface Connz {
  server_id: string;
  now: string;
  num_connections: number;
  total: number;
  offset: number;
  limit: number;
  connections: ConnInfo[] | null;
}

/** HandleConnz's query decoding; throws BadRequest with the reference's text. */
export function parseConnzQuery(q: Query): ConnzOptions {
  const sort = param(q, "sort");
  const auth = decodeBool(q, "auth");
  const { subs, detail } = decodeSubs(q);
  const offset = decodeInt(q, "offset");
  const limit = decodeInt(q, "limit");
  const cid = decodeUint64(q, "cid");
  const state = decodeState(q);
  return {
    sort,
    auth,
    subs,
    subsDetail: detail,
    offset,
    limit,
    cid,
    state,
    user: param(q, "user"),
    acc: param(q, "acc"),
    mqttClient: param(q, "mqtt_client"),
    // nats-server 2.9.10's handler does not pass filter_subject on; bnats applies it where Connz() would
    // (with an account filter) and ignores it otherwise, so no request gets a 400 the reference does not give.
    filterSubject: param(q, "acc") !== "" ? param(q, "filter_subject") : "",
  };
}

/** The HTTP handler's work: decode, count (after decoding, as HandleConnz), answer. */
export function handleConnz(ctx: MonitorContext, q: Query): Connz {
  const opts = parseConnzQuery(q);
  countRequest(ctx, Paths.connz);
  return connz(ctx, opts);
}

export function connz(ctx: MonitorContext, o: Partial<ConnzOptions> = {}): Connz {
  let sort: SortOpt = "cid";
  if (o.sort) {
    if (!isSortOpt(o.sort)) throw new BadRequest(`invalid sorting option: ${o.sort}`);
    sort = o.sort;
  }
  const auth = o.auth ?? false;
  const subs = o.subs ?? false;
  const subsDetail = o.subsDetail ?? false;
  const offset = Math.max(0, o.offset ?? 0);
  let limit = o.limit ?? 0;
  if (limit <= 0) limit = DEFAULT_CONN_LIST_SIZE;
  const state = o.state ?? "open";
  const user = o.user ?? "";
  const acc = o.acc ?? "";
  const mqttClient = o.mqttClient ?? "";
  if (sort === "stop" && state !== "closed") throw new BadRequest("sort by stop only valid on closed connections");
  if (sort === "reason" && state !== "closed") throw new BadRequest("sort by reason only valid on closed connections");
  const cid = o.cid ?? 0;
  if (cid > 0) limit = 1;
  let filter = "";
  if (o.filterSubject && o.filterSubject !== ">") {
    if (acc === "") throw new BadRequest("filter by subject only valid with account filtering");
    filter = o.filterSubject;
  }

  const server = ctx.server;
  const now = nowMs();
  const result: Connz = {
    server_id: "",
    now: goTime(now),
    num_connections: 0,
    total: 0,
    offset,
    limit,
    connections: null,
  };
  // An unknown account answers like the reference's failed lookupAccount: no server id and a null list.
  const accounts = server.accounts;
  if (acc !== "" && (accounts === undefined ? acc !== GLOBAL_ACCOUNT : accounts.lookup(acc) === undefined)) return result;
  result.server_id = serverId(ctx);
  const inAcc = (c: MonitoredClient): boolean => acc === "" || (c.account?.name ?? GLOBAL_ACCOUNT) === acc;

  const wantOpen = state === "open" || state === "any";
  const wantClosed = state === "closed" || state === "any";
  // Closed connections keep their account's name unless it was the global account (saveClosedClient),
  // so filtering by `$G` drops them, as the reference.
  let closed: readonly MonitoredClient[] = !wantClosed
    ? []
    : acc === ""
      ? server.closed
      : acc === GLOBAL_ACCOUNT
        ? []
        : server.closed.filter((c) => c.account?.name === acc);
  let openCount = server.clients.size;
  if (acc !== "") {
    openCount = 0;
    for (const c of server.clients.values()) if (inAcc(c)) openCount++;
  }
  result.total = (wantOpen ? openCount : 0) + (wantClosed ? closed.length : 0);

  let open: MonitoredClient[] = [];
  if (cid > 0) {
    closed = closed.filter((c) => c.cid === cid);
    if (wantOpen) {
      const c = server.clients.get(cid);
      if (c && inAcc(c)) open.push(c);
    }
  } else if (wantOpen) {
    for (const c of server.clients.values()) {
      if (!inAcc(c)) continue;
      if (user !== "" && c.user !== user) continue;
      if (mqttClient !== "") continue; // no MQTT clients in bnats
      open.push(c);
    }
  }
  if (filter !== "") open = open.filter((c) => hasCollidingSub(c, filter));
  if (user !== "" || mqttClient !== "") {
    closed = closed.filter((c) => (user === "" || c.user === user) && mqttClient === "");
  }

  const list = closed.length === 0 ? open : open.concat(closed);
  if (list.length === 0) {
    result.connections = [];
    return result;
  }
  // Open connections come in cid order already: the default sort costs nothing.
  if (!((sort === "cid" || sort === "start") && isCidOrdered(list))) sortConnections(list, sort, now);

  const end = Math.min(offset + limit, list.length);
  const page: ConnInfo[] = [];
  for (let i = Math.min(offset, list.length); i < end; i++) {
    page.push(connInfo(list[i] as MonitoredClient, now, auth, subs, subsDetail));
  }
  result.connections = page;
  result.num_connections = page.length;
  return result;
}

/** ConnInfo.fill plus the subscription and auth extras, for an open or a closed connection. */
export function connInfo(c: MonitoredClient, now: number, auth: boolean, subs: boolean, detail: boolean): ConnInfo {
  const closed = c.stop !== undefined;
  // A closed connection reports the values it had when it closed (the reference snapshots it then).
  const at = closed ? toMs(c.stop as Date) : now;
  const start = toMs(c.start);
  const last = toMs(c.lastActivity);
  if (!closed && c.rtt === 0 && c.lang !== "") c.sendRTTPing?.(); // as getRTT(): measure for next time
  const tls = c.tlsVersion ? c.transport?.tls : undefined;
  const peer = tls?.peerCertificate;
  // Optional fields are set to undefined where absent: JSON.stringify drops them, as Go's omitempty,
  // and the literal keeps the reference's key order.
  const ci: ConnInfo = {
    cid: c.cid,
    kind: "Client",
    type: c.websocket === true ? "websocket" : "nats",
    ip: c.port !== 0 ? c.ip : "",
    port: c.port,
    start: goTime(start),
    last_activity: goTime(last),
    stop: closed ? goTime(at) : undefined,
    reason: closed && c.closeReason ? c.closeReason : undefined,
    rtt: rttString(c.rtt),
    uptime: myUptime(at - start),
    idle: myUptime(at - last),
    pending_bytes: c.pendingBytes,
    in_msgs: c.inMsgs,
    out_msgs: c.outMsgs,
    in_bytes: c.inBytes,
    out_bytes: c.outBytes,
    subscriptions: c.subs.size,
    name: c.name || undefined,
    lang: c.lang || undefined,
    version: c.version || undefined,
    tls_version: c.tlsVersion ? tlsVersionName(c.tlsVersion) : undefined,
    tls_cipher_suite: c.tlsCipher || undefined,
    // ConnInfo.fill: the peer certificates only with auth=1, and never for a closed connection (its
    // ConnInfo was filled at close time with auth false).
    tls_peer_certs: auth && !closed && peer instanceof Uint8Array && peer.length > 0 ? makePeerCerts(peer) : undefined,
    tls_first: tls?.first || undefined,
    // authorized_user and account only with auth=1; the account only when it is not the global one.
    authorized_user: auth && c.user ? c.user : undefined,
    account: auth && c.account !== undefined && c.account.name !== GLOBAL_ACCOUNT ? c.account.name : undefined,
  };
  if (c.subs.size > 0) {
    if (detail) {
      // The reference keeps closed connections' subscriptions with their account (newSubDetail).
      ci.subscriptions_list_detail = [...c.subs.values()].map((s) => subDetail(s, closed));
    } else if (subs) {
      ci.subscriptions_list = [...c.subs.values()].map((s) => wireText(s.subject));
    }
  }
  return ci;
}

/** newClientSubDetail / newSubDetail (withAccount). */
export function subDetail(s: MonitoredSubscription, withAccount: boolean): SubDetail {
  return {
    account: withAccount ? (s.conn.account?.name ?? GLOBAL_ACCOUNT) : undefined,
    subject: wireText(s.subject),
    qgroup: s.queue ? wireText(s.queue) : undefined,
    sid: wireText(s.sid),
    msgs: s.delivered,
    max: s.max > 0 ? s.max : undefined,
    cid: s.conn.cid,
  };
}

/** The reference's tlsVersion(): "1.3", not OpenSSL's "TLSv1.3". */
export function tlsVersionName(v: string): string {
  return v.startsWith("TLSv") ? v.slice(4) : v;
}

function hasCollidingSub(c: MonitoredClient, filter: string): boolean {
  for (const s of c.subs.values()) if (subjectsCollide(filter, s.subject)) return true;
  return false;
}

/** SubjectsCollide: whether some subject could match both (wildcards on either side). */
export function subjectsCollide(a: string, b: string): boolean {
  if (a === b) return true;
  const ta = a.split(".");
  const tb = b.split(".");
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === ">" || y === ">") return true;
    if (x !== y && x !== "*" && y !== "*") return false;
  }
  return ta.length === tb.length;
}
