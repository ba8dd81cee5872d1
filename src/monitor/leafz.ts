// /leafz: nats-server's Leafz() (monitor.go): one entry per leafnode link that is up, optionally only
// those of one account (`?acc=`), with their subjects (`?subs=1`). `leafs` is null when there are none
// (the reference leaves the slice nil). 2.9.10 has no name/is_spoke/compression fields.
import { countRequest, Paths, serverId, type MonitorContext } from "./context.ts";
import { goTime, nowMs, rttString } from "./format.ts";
import { decodeBool, type Query } from "./query.ts";

export interface LeafInfoJSON {
  account: string;
  ip: string;
  port: number;
  rtt: string;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  subscriptions_list?: string[];
}

export interface Leafz {
  server_id: string;
  now: string;
  leafnodes: number;
  leafs: LeafInfoJSON[] | null;
}

export interface LeafzOptions {
  subscriptions?: boolean;
  account?: string;
}

export function handleLeafz(ctx: MonitorContext, q: Query): Leafz {
  countRequest(ctx, Paths.leafz);
  const subscriptions = decodeBool(q, "subs");
  const account = q.get("acc") ?? undefined;
  return leafz(ctx, { subscriptions, account: account === "" ? undefined : account });
}

export function leafz(ctx: MonitorContext, opts: LeafzOptions = {}): Leafz {
  const leafs: LeafInfoJSON[] = [];
  for (const ln of ctx.server.leafnodes?.leafs.values() ?? []) {
    if (opts.account !== undefined && ln.account.name !== opts.account) continue;
    const info: LeafInfoJSON = {
      account: ln.account.name,
      ip: ln.ip,
      port: ln.port,
      rtt: rttString(ln.rtt),
      in_msgs: ln.inMsgs,
      out_msgs: ln.outMsgs,
      in_bytes: ln.inBytes,
      out_bytes: ln.outBytes,
      subscriptions: ln.subs.size,
    };
    if (opts.subscriptions) info.subscriptions_list = [...ln.subs.values()].map((s) => s.subject);
    leafs.push(info);
  }
  return { server_id: serverId(ctx), now: goTime(nowMs()), leafnodes: leafs.length, leafs: leafs.length > 0 ? leafs : null };
}
