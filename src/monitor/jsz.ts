// /jsz: nats-server's Jsz() with JetStream disabled: `disabled: true`, a zero config and zero usage.
// `leader-only` answers the reference's 400 (a server without JetStream is never the leader).
import { countRequest, Paths, serverId, type MonitorContext } from "./context.ts";
import { goTime, nowMs } from "./format.ts";
import { BadRequest, decodeBool, decodeInt, type Query } from "./query.ts";

export interface JSInfo {
  server_id: string;
  now: string;
  disabled: boolean;
  config: { max_memory: number; max_storage: number };
  memory: number;
  storage: number;
  reserved_memory: number;
  reserved_storage: number;
  accounts: number;
  ha_assets: number;
  api: { total: number; errors: number };
  streams: number;
  consumers: number;
  messages: number;
  bytes: number;
}

export function handleJsz(ctx: MonitorContext, q: Query): JSInfo {
  countRequest(ctx, Paths.jsz);
  for (const name of ["accounts", "streams", "consumers", "config"]) decodeBool(q, name);
  decodeInt(q, "offset");
  decodeInt(q, "limit");
  const leaderOnly = decodeBool(q, "leader-only");
  return jsz(ctx, leaderOnly);
}

export function jsz(ctx: MonitorContext, leaderOnly = false): JSInfo {
  if (leaderOnly) throw new BadRequest("filtered response: not leader");
  return {
    server_id: serverId(ctx),
    now: goTime(nowMs()),
    disabled: true,
    config: { max_memory: 0, max_storage: 0 },
    memory: 0,
    storage: 0,
    reserved_memory: 0,
    reserved_storage: 0,
    accounts: 0,
    ha_assets: 0,
    api: { total: 0, errors: 0 },
    streams: 0,
    consumers: 0,
    messages: 0,
    bytes: 0,
  };
}
