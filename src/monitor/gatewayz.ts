// /gatewayz: nats-server's Gatewayz() when gateways are not enabled: only the id, the time and two empty
// maps (name, host and port are omitted).
import { countRequest, Paths, serverId, type MonitorContext } from "./context.ts";
import { goTime, nowMs } from "./format.ts";
import { decodeBool, type Query } from "./query.ts";

export interface Gatewayz {
  server_id: string;
  now: string;
  outbound_gateways: Record<string, never>;
  inbound_gateways: Record<string, never>;
}

export function handleGatewayz(ctx: MonitorContext, q: Query): Gatewayz {
  countRequest(ctx, Paths.gatewayz);
  decodeBool(q, "accs");
  return gatewayz(ctx);
}

export function gatewayz(ctx: MonitorContext): Gatewayz {
  return { server_id: serverId(ctx), now: goTime(nowMs()), outbound_gateways: {}, inbound_gateways: {} };
}
