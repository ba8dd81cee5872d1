// /leafz: nats-server's Leafz() without leafnode connections: a zero count and a null list (the
// reference leaves the slice nil when there are none).
import { countRequest, Paths, serverId, type MonitorContext } from "./context.ts";
import { goTime, nowMs } from "./format.ts";
import { decodeBool, type Query } from "./query.ts";

export interface Leafz {
  server_id: string;
  now: string;
  leafnodes: number;
  leafs: null;
}

export function handleLeafz(ctx: MonitorContext, q: Query): Leafz {
  countRequest(ctx, Paths.leafz);
  decodeBool(q, "subs");
  return leafz(ctx);
}

export function leafz(ctx: MonitorContext): Leafz {
  return { server_id: serverId(ctx), now: goTime(nowMs()), leafnodes: 0, leafs: null };
}
