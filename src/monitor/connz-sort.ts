// /connz sort keys (nats-server monitor_sort_opts.go). Only cid/start, uptime and reason sort ascending;
// every other key sorts descending (the reference wraps them in sort.Reverse). Ties are broken by cid so
// pages are stable from one request to the next (the reference's sort.Sort is unstable).
import { toMs } from "./format.ts";
import type { MonitoredClient } from "./types.ts";

export const SORT_OPTIONS = [
  "cid",
  "start",
  "subs",
  "pending",
  "msgs_to",
  "msgs_from",
  "bytes_to",
  "bytes_from",
  "last",
  "idle",
  "uptime",
  "stop",
  "reason",
] as const;
export type SortOpt = (typeof SORT_OPTIONS)[number];

export function isSortOpt(s: string): s is SortOpt {
  return (SORT_OPTIONS as readonly string[]).includes(s);
}

type NumericKey = (c: MonitoredClient, now: number) => number;

/** The numeric key of each sort; `desc` as the reference. */
const NUMERIC: Record<Exclude<SortOpt, "reason">, { key: NumericKey; desc: boolean }> = {
  cid: { key: (c) => c.cid, desc: false },
  start: { key: (c) => c.cid, desc: false }, // as the reference: by start == by cid
  subs: { key: (c) => c.subs.size, desc: true },
  pending: { key: (c) => c.pendingBytes, desc: true },
  msgs_to: { key: (c) => c.outMsgs, desc: true },
  msgs_from: { key: (c) => c.inMsgs, desc: true },
  bytes_to: { key: (c) => c.outBytes, desc: true },
  bytes_from: { key: (c) => c.inBytes, desc: true },
  last: { key: (c) => toMs(c.lastActivity), desc: true },
  // As the reference's byIdle: last activity minus start (not now minus last activity).
  idle: { key: (c) => toMs(c.lastActivity) - toMs(c.start), desc: true },
  uptime: { key: (c, now) => (c.stop ? toMs(c.stop) : now) - toMs(c.start), desc: false },
  stop: { key: (c) => (c.stop ? toMs(c.stop) : 0), desc: true },
};

/**
 * Sorts in place by the named key. The key is computed once per connection (a decorate-sort-undecorate
 * pass), so the comparator does no property walks: O(n log n) on numbers only.
 */
export function sortConnections(list: MonitoredClient[], sort: SortOpt, now: number): void {
  if (list.length < 2) return;
  if (sort === "reason") {
    list.sort((a, b) => cmpStr(a.closeReason ?? "", b.closeReason ?? "") || a.cid - b.cid);
    return;
  }
  const { key, desc } = NUMERIC[sort];
  const n = list.length;
  const keys = new Float64Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = key(list[i] as MonitoredClient, now);
    order[i] = i;
  }
  const sign = desc ? -1 : 1;
  const copy = list.slice();
  order.sort((i, j) => sign * ((keys[i] as number) - (keys[j] as number)) || (copy[i] as MonitoredClient).cid - (copy[j] as MonitoredClient).cid);
  for (let i = 0; i < n; i++) list[i] = copy[order[i] as number] as MonitoredClient;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the list is already in cid order (open clients come from a Map in cid order). */
export function isCidOrdered(list: readonly MonitoredClient[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] as MonitoredClient).cid > (list[i] as MonitoredClient).cid) return false;
  return true;
}
