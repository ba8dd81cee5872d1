// /accountz and /accstatz: nats-server's Accountz() and AccountStatz() for a server without configured
// accounts. Like a default nats-server, bnats reports the global account `$G` (every client is in it) and
// the system account `$SYS` (empty: bnats runs no system services).
import { countRequest, GLOBAL_ACCOUNT, Paths, serverId, SYSTEM_ACCOUNT, type MonitorContext } from "./context.ts";
import { goTime, nowMs, toMs } from "./format.ts";
import { BadRequest, decodeBool, param, type Query } from "./query.ts";
import { EMPTY_SUBLIST_STATS, sublistStatsJSON, type SublistStatsJSON } from "./subsz.ts";

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
  sublist_stats: SublistStatsJSON;
}

export interface Accountz {
  server_id: string;
  now: string;
  system_account: string;
  accounts?: string[];
  account_detail?: AccountInfo;
}

export function handleAccountz(ctx: MonitorContext, q: Query): Accountz {
  countRequest(ctx, Paths.accountz);
  return accountz(ctx, param(q, "acc"));
}

export function accountz(ctx: MonitorContext, acc = ""): Accountz {
  const base = { server_id: serverId(ctx), now: goTime(nowMs()), system_account: SYSTEM_ACCOUNT };
  if (acc === "") return { ...base, accounts: [GLOBAL_ACCOUNT, SYSTEM_ACCOUNT] };
  return { ...base, account_detail: accountInfo(ctx, acc) };
}

function accountInfo(ctx: MonitorContext, acc: string): AccountInfo {
  const s = ctx.server;
  const updated = goTime(toMs(s.startTime));
  if (acc === GLOBAL_ACCOUNT) {
    return {
      account_name: acc,
      update_time: updated,
      expired: false,
      complete: true,
      jetstream_enabled: false,
      leafnode_connections: 0,
      client_connections: s.clients.size,
      subscriptions: s.sublist.count(),
      sublist_stats: sublistStatsJSON(s.sublist.stats()),
    };
  }
  if (acc === SYSTEM_ACCOUNT) {
    return {
      account_name: acc,
      update_time: updated,
      is_system: true,
      expired: false,
      complete: true,
      jetstream_enabled: false,
      leafnode_connections: 0,
      client_connections: 0,
      subscriptions: 0,
      sublist_stats: { ...EMPTY_SUBLIST_STATS },
    };
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

/** Accounts with local connections, or all of them with `unused`. */
export function accountStatz(ctx: MonitorContext, includeUnused = false): AccountStatz {
  const s = ctx.server;
  const out: AccountStat[] = [];
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
