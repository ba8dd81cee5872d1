// /routez: nats-server's Routez() for a server without clustering: no routes, an empty list (not null).
import { countRequest, Paths, serverId, type MonitorContext } from "./context.ts";
import { goTime, nowMs } from "./format.ts";
import { decodeSubs, type Query } from "./query.ts";

export interface Routez {
  server_id: string;
  now: string;
  num_routes: number;
  routes: never[];
}

/** HandleRoutez decodes `subs` before counting. */
export function handleRoutez(ctx: MonitorContext, q: Query): Routez {
  decodeSubs(q);
  countRequest(ctx, Paths.routez);
  return routez(ctx);
}

export function routez(ctx: MonitorContext): Routez {
  return { server_id: serverId(ctx), now: goTime(nowMs()), num_routes: 0, routes: [] };
}
