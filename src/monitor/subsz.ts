// /subsz and /subscriptionsz: nats-server's Subsz() and HandleSubsz (monitor.go). Without a list to show
// the answer is the bare SublistStats object (no server_id, no now), exactly as the reference.
import { isValidLiteralSubject, subjectMatchesFilter } from "../subjects/subject.ts";
import type { SublistStats } from "../subjects/sublist.ts";
import { countRequest, GLOBAL_ACCOUNT, Paths, serverId, type MonitorContext } from "./context.ts";
import { subDetail, type SubDetail } from "./connz.ts";
import { Kind } from "../conn/kind.ts";
import type { MonitoredSublist } from "./types.ts";
import { goTime, nowMs } from "./format.ts";
import { BadRequest, decodeBool, decodeInt, param, type Query } from "./query.ts";

/** DefaultSubListSize of the reference. */
export const DEFAULT_SUB_LIST_SIZE = 1024;

export interface SublistStatsJSON {
  num_subscriptions: number;
  num_cache: number;
  num_inserts: number;
  num_removes: number;
  num_matches: number;
  cache_hit_rate: number;
  max_fanout: number;
  avg_fanout: number;
}

export interface Subsz extends SublistStatsJSON {
  server_id: string;
  now: string;
  total: number;
  offset: number;
  limit: number;
  subscriptions_list?: SubDetail[];
}

export interface SubszOptions {
  subs: boolean;
  offset: number;
  limit: number;
  test: string;
  acc: string;
}

export function sublistStatsJSON(st: SublistStats): SublistStatsJSON {
  return {
    num_subscriptions: st.numSubs,
    num_cache: st.numCache,
    num_inserts: st.numInserts,
    num_removes: st.numRemoves,
    num_matches: st.numMatches,
    cache_hit_rate: st.cacheHitRate,
    max_fanout: st.maxFanout,
    avg_fanout: st.avgFanout,
  };
}

export const EMPTY_SUBLIST_STATS: SublistStatsJSON = sublistStatsJSON({
  numSubs: 0,
  numCache: 0,
  numInserts: 0,
  numRemoves: 0,
  numMatches: 0,
  cacheHitRate: 0,
  maxFanout: 0,
  avgFanout: 0,
});

/** HandleSubsz: counts first, then decodes (so a 400 still counts, as the reference). */
export function handleSubsz(ctx: MonitorContext, q: Query): Subsz | SublistStatsJSON {
  countRequest(ctx, Paths.subsz);
  const subs = decodeBool(q, "subs");
  const offset = decodeInt(q, "offset");
  const limit = decodeInt(q, "limit");
  return subsz(ctx, { subs, offset, limit, test: param(q, "test"), acc: param(q, "acc") });
}

/** HandleSubsz's answer: the bare SublistStats when there is no list to show (marshalled that way by the handler). */
export function subsz(ctx: MonitorContext, o: Partial<SubszOptions> = {}): Subsz | SublistStatsJSON {
  const sz = subszFull(ctx, o);
  if (sz.subscriptions_list === undefined) {
    const { server_id: _id, now: _now, total: _total, offset: _offset, limit: _limit, ...stats } = sz;
    return stats;
  }
  return sz;
}

/** Subsz(): always the whole object (the $SYS SUBSZ services send it as is); the list only when non-empty. */
export function subszFull(ctx: MonitorContext, o: Partial<SubszOptions> = {}): Subsz {
  const offset = Math.max(0, o.offset ?? 0);
  let limit = o.limit ?? 0;
  if (limit <= 0) limit = DEFAULT_SUB_LIST_SIZE;
  const test = o.test ?? "";
  if (test !== "" && !isValidLiteralSubject(test)) {
    throw new BadRequest(`invalid test subject, must be valid publish subject: ${test}`);
  }
  const acc = o.acc ?? "";
  const sublists = accountSublists(ctx, acc);
  const stats = sublists.length === 0 ? { ...EMPTY_SUBLIST_STATS } : sumStats(sublists.map((sl) => sl.stats()));
  const sz: Subsz = { server_id: serverId(ctx), now: goTime(nowMs()), ...stats, total: 0, offset, limit };
  if (!o.subs || sublists.length === 0) return sz;

  const details: SubDetail[] = [];
  // Only the page is turned into objects; matching walks every subscription, as the reference.
  let matched = 0;
  const end = offset + limit;
  for (const sl of sublists) {
    for (const sub of sl.all()) {
      // localSubs: the subscriptions of clients and internal connections, not of routes and leafs.
      const kind = sub.conn.kind;
      if (kind === Kind.ROUTER || kind === Kind.LEAF || kind === Kind.GATEWAY) continue;
      if (test !== "" && !subjectMatchesFilter(test, sub.subject)) continue;
      if (matched >= offset && matched < end) details.push(subDetail(sub, true));
      matched++;
    }
  }
  // As the reference: `total` is the size of the page, not of the whole list.
  sz.total = details.length;
  if (details.length > 0) sz.subscriptions_list = details;
  return sz;
}

/** The sublists Subsz() walks: every account's, or the one named (none when it does not exist). */
function accountSublists(ctx: MonitorContext, acc: string): MonitoredSublist[] {
  const accounts = ctx.server.accounts;
  if (accounts === undefined) return acc === "" || acc === GLOBAL_ACCOUNT ? [ctx.server.sublist] : [];
  if (acc !== "") {
    const a = accounts.lookup(acc);
    return a === undefined ? [] : [a.sublist];
  }
  return [...accounts.all()].map((a) => a.sublist);
}

/** SublistStats.add over accounts: counts summed, max fan-out the largest, rates recomputed. */
function sumStats(list: SublistStats[]): SublistStatsJSON {
  if (list.length === 1) return sublistStatsJSON(list[0]!);
  let numSubs = 0;
  let numCache = 0;
  let numInserts = 0;
  let numRemoves = 0;
  let numMatches = 0;
  let hits = 0;
  let maxFanout = 0;
  let totFanout = 0;
  for (const st of list) {
    numSubs += st.numSubs;
    numCache += st.numCache;
    numInserts += st.numInserts;
    numRemoves += st.numRemoves;
    numMatches += st.numMatches;
    hits += Math.round(st.cacheHitRate * st.numMatches);
    if (st.maxFanout > maxFanout) maxFanout = st.maxFanout;
    totFanout += st.avgFanout * st.numCache;
  }
  return sublistStatsJSON({
    numSubs,
    numCache,
    numInserts,
    numRemoves,
    numMatches,
    cacheHitRate: numMatches > 0 ? hits / numMatches : 0,
    maxFanout,
    avgFanout: numCache > 0 && totFanout > 0 ? totFanout / numCache : 0,
  });
}
