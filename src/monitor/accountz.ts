// /accountz and /accstatz: nats-server's Accountz(), accountInfo() and AccountStatz() (monitor.go,
// events.go Account.statz), over the server's accounts. A server object without accounts (plain test
// objects) is shown as a default nats-server: `$G` with every client, and an empty `$SYS`.
import { Kind } from "../conn/kind.ts";
import { countRequest, GLOBAL_ACCOUNT, Paths, serverId, SYSTEM_ACCOUNT, type MonitorContext } from "./context.ts";
import { goTime, nowMs, toMs } from "./format.ts";
import { BadRequest, decodeBool, param, type Query } from "./query.ts";
import { EMPTY_SUBLIST_STATS, sublistStatsJSON, type SublistStatsJSON } from "./subsz.ts";
import type { MonitoredAccount, MonitoredImport } from "./types.ts";

/** jwt.Export + approved_accounts (monitor.go ExtExport), as accountInfo fills it. */
export interface ExtExport {
  subject: string;
  type: "service" | "stream";
  response_type?: string;
  service_latency?: { sampling: number; results: string };
  approved_accounts?: string[];
}

/** jwt.Import + invalid, share, tracking (monitor.go ExtImport). */
export interface ExtImport {
  subject: string;
  account: string;
  to?: string;
  local_subject?: string;
  /** A number in `responses`: the reference marshals those map values without jwt.ExportType's MarshalJSON. */
  type: "service" | "stream" | 2;
  invalid: boolean;
  share: boolean;
  tracking: boolean;
}

export interface AccountInfo {
  account_name: string;
  update_time: string;
  is_system?: boolean;
  expired: boolean;
  complete: boolean;
  jetstream_enabled: boolean;
  leafnode_connections: number;
  client_connections: number;
  subscriptions: number;
  mappings?: Record<string, { subject: string; weight: number; cluster?: string }[]>;
  exports?: ExtExport[];
  imports?: ExtImport[];
  sublist_stats: SublistStatsJSON;
  responses?: Record<string, ExtImport>;
}

export interface Accountz {
  server_id: string;
  now: string;
  system_account?: string;
  accounts?: string[];
  account_detail?: AccountInfo;
}

export function handleAccountz(ctx: MonitorContext, q: Query): Accountz {
  countRequest(ctx, Paths.accountz);
  return accountz(ctx, param(q, "acc"));
}

/** The system account's name: the configured one, "" with no_system_account. */
function systemAccountName(ctx: MonitorContext): string {
  const accounts = ctx.server.accounts;
  if (accounts === undefined) return SYSTEM_ACCOUNT;
  return accounts.system?.name ?? "";
}

export function accountz(ctx: MonitorContext, acc = ""): Accountz {
  const sys = systemAccountName(ctx);
  const base: Accountz = { server_id: serverId(ctx), now: goTime(nowMs()), system_account: sys || undefined };
  const accounts = ctx.server.accounts;
  if (acc === "") {
    // The reference lists every registered account, `$G` included, in (random) map order.
    const names = accounts === undefined ? [GLOBAL_ACCOUNT, SYSTEM_ACCOUNT] : [...accounts.all()].map((a) => a.name);
    return { ...base, accounts: names };
  }
  if (accounts === undefined) return { ...base, account_detail: defaultAccountInfo(ctx, acc) };
  const a = accounts.lookup(acc);
  if (a === undefined) throw new BadRequest(`Account ${acc} does not exist`);
  return { ...base, account_detail: accountInfo(a, a === accounts.system) };
}

function countKinds(a: MonitoredAccount): { clients: number; leafs: number } {
  let clients = 0;
  let leafs = 0;
  for (const c of a.conns) {
    if (c.kind === Kind.LEAF) leafs++;
    else if (c.kind === Kind.CLIENT) clients++;
  }
  return { clients, leafs };
}

/** monitor.go newExtImport for a service import (or a response import). */
function serviceImport(v: MonitoredImport): ExtImport {
  return { subject: v.from, account: v.acc.name, to: v.to, type: "service", invalid: v.invalid, share: v.share ?? false, tracking: false };
}

/** accountInfo: one account's detail. */
export function accountInfo(a: MonitoredAccount, isSystem: boolean): AccountInfo {
  const { clients, leafs } = countKinds(a);
  const exports: ExtExport[] = [];
  for (const [subject, se] of a.serviceExports) {
    const e: ExtExport = { subject, type: "service", response_type: se.respType ?? "Singleton" };
    if (se.latency !== undefined) e.service_latency = { sampling: se.latency.sampling, results: se.latency.subject };
    if (se.approved !== undefined && se.approved.size > 0) e.approved_accounts = [...se.approved];
    exports.push(e);
  }
  for (const [subject, se] of a.streamExports) {
    const e: ExtExport = { subject, type: "stream" };
    if (se.approved !== undefined && se.approved.size > 0) e.approved_accounts = [...se.approved];
    exports.push(e);
  }
  const imports: ExtImport[] = [];
  for (const v of a.streamImports) {
    imports.push({ subject: v.from, account: v.acc.name, local_subject: v.to, type: "stream", invalid: v.invalid, share: false, tracking: false });
  }
  for (const v of a.serviceImports.values()) imports.push(serviceImport(v));
  const responses: Record<string, ExtImport> = {};
  let nresp = 0;
  for (const [k, v] of a.replies.responses) {
    // map[string]ExtImport values are not addressable: the type marshals as its number (jwt.Service = 2).
    responses[k] = { ...serviceImport(v), type: 2 };
    nresp++;
  }
  const mappings: Record<string, { subject: string; weight: number; cluster?: string }[]> = {};
  let nmap = 0;
  for (const m of a.mappings.all()) {
    mappings[m.src] = m.destinations();
    nmap++;
  }
  return {
    account_name: a.name,
    update_time: goTime(toMs(a.updated)),
    is_system: isSystem || undefined,
    expired: false,
    complete: true,
    jetstream_enabled: false,
    leafnode_connections: leafs,
    client_connections: clients,
    subscriptions: a.sublist.count(),
    mappings: nmap > 0 ? mappings : undefined,
    exports: exports.length > 0 ? exports : undefined,
    imports: imports.length > 0 ? imports : undefined,
    sublist_stats: sublistStatsJSON(a.sublist.stats()),
    responses: nresp > 0 ? responses : undefined,
  };
}

/** A server object without accounts: `$G` holds everything, `$SYS` is empty. */
function defaultAccountInfo(ctx: MonitorContext, acc: string): AccountInfo {
  const s = ctx.server;
  const updated = goTime(toMs(s.startTime));
  const base = { account_name: acc, update_time: updated, expired: false, complete: true, jetstream_enabled: false, leafnode_connections: 0 };
  if (acc === GLOBAL_ACCOUNT) {
    return { ...base, client_connections: s.clients.size, subscriptions: s.sublist.count(), sublist_stats: sublistStatsJSON(s.sublist.stats()) };
  }
  if (acc === SYSTEM_ACCOUNT) {
    return { ...base, is_system: true, client_connections: 0, subscriptions: 0, sublist_stats: { ...EMPTY_SUBLIST_STATS } };
  }
  throw new BadRequest(`Account ${acc} does not exist`);
}

export interface AccountStat {
  acc: string;
  conns: number;
  leafnodes: number;
  total_conns: number;
  sent: { msgs: number; bytes: number };
  received: { msgs: number; bytes: number };
  slow_consumers: number;
}

export interface AccountStatz {
  server_id: string;
  now: string;
  account_statz: AccountStat[];
}

export function handleAccountStatz(ctx: MonitorContext, q: Query): AccountStatz {
  countRequest(ctx, Paths.accstatz);
  return accountStatz(ctx, decodeBool(q, "unused"));
}

/** Account.statz (events.go). */
function statz(a: MonitoredAccount): AccountStat {
  const { clients, leafs } = countKinds(a);
  const st = a.stats;
  return {
    acc: a.name,
    conns: clients,
    leafnodes: leafs,
    total_conns: clients + leafs,
    sent: { msgs: st.outMsgs, bytes: st.outBytes },
    received: { msgs: st.inMsgs, bytes: st.inBytes },
    slow_consumers: st.slowConsumers,
  };
}

/** Accounts with local connections, or all of them with `unused`. */
export function accountStatz(ctx: MonitorContext, includeUnused = false): AccountStatz {
  const s = ctx.server;
  const out: AccountStat[] = [];
  const accounts = s.accounts;
  if (accounts !== undefined) {
    for (const a of accounts.all()) {
      const st = statz(a);
      if (includeUnused || st.conns !== 0) out.push(st);
    }
    return { server_id: serverId(ctx), now: goTime(nowMs()), account_statz: out };
  }
  const conns = s.clients.size;
  if (includeUnused || conns !== 0) {
    out.push({
      acc: GLOBAL_ACCOUNT,
      conns,
      leafnodes: 0,
      total_conns: conns,
      // The account's sent = messages delivered to its clients; received = messages they published.
      sent: { msgs: s.stats.outMsgs, bytes: s.stats.outBytes },
      received: { msgs: s.stats.inMsgs, bytes: s.stats.inBytes },
      slow_consumers: s.stats.slowConsumers,
    });
  }
  if (includeUnused) {
    out.push({
      acc: SYSTEM_ACCOUNT,
      conns: 0,
      leafnodes: 0,
      total_conns: 0,
      sent: { msgs: 0, bytes: 0 },
      received: { msgs: 0, bytes: 0 },
      slow_consumers: 0,
    });
  }
  return { server_id: serverId(ctx), now: goTime(nowMs()), account_statz: out };
}
