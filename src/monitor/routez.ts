// /routez: nats-server's Routez() (monitor.go): every registered route with its counters, and with
// ?subs=1 the subjects of the peer's interest (?subs=detail: one SubDetail each, the sid being the
// route's key "account subject[ queue]").
import type { SubjectPermission } from "../options.ts";
import { subDetail, type SubDetail } from "./connz.ts";
import { countRequest, Paths, serverId, type MonitorContext } from "./context.ts";
import { goTime, myUptime, nowMs, rttString, toMs, wireText } from "./format.ts";
import { decodeSubs, type Query } from "./query.ts";
import type { MonitoredRoute } from "./types.ts";

export interface RouteInfo {
  rid: number;
  remote_id: string;
  did_solicit: boolean;
  is_configured: boolean;
  ip: string;
  port: number;
  start: string;
  last_activity: string;
  rtt?: string;
  uptime: string;
  idle: string;
  import?: SubjectPermission;
  export?: SubjectPermission;
  pending_size: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  subscriptions_list?: string[];
  subscriptions_list_detail?: SubDetail[];
}

export interface Routez {
  server_id: string;
  now: string;
  import?: SubjectPermission;
  export?: SubjectPermission;
  num_routes: number;
  routes: RouteInfo[];
}

/** HandleRoutez decodes `subs` before counting. */
export function handleRoutez(ctx: MonitorContext, q: Query): Routez {
  const { subs, detail } = decodeSubs(q);
  countRequest(ctx, Paths.routez);
  return routez(ctx, subs, detail);
}

export function routez(ctx: MonitorContext, subs = false, detail = false): Routez {
  const now = nowMs();
  const routes = [...(ctx.server.cluster?.routes.values() ?? [])];
  const perms = ctx.server.opts.clusterPermissions;
  return {
    server_id: serverId(ctx),
    now: goTime(now),
    import: perms?.import,
    export: perms?.export,
    num_routes: routes.length,
    routes: routes.map((r) => routeInfo(r, now, subs, detail)),
  };
}

function routeInfo(r: MonitoredRoute, now: number, subs: boolean, detail: boolean): RouteInfo {
  const start = toMs(r.start);
  const last = toMs(r.lastActivity);
  const ri: RouteInfo = {
    rid: r.cid,
    remote_id: r.remoteID,
    did_solicit: r.didSolicit,
    is_configured: r.isConfigured,
    ip: r.ip,
    port: r.port,
    start: goTime(start),
    last_activity: goTime(last),
    rtt: rttString(r.rtt),
    uptime: myUptime(now - start),
    idle: myUptime(now - last),
    import: r.remoteImport,
    export: r.remoteExport,
    pending_size: r.pendingBytes,
    in_msgs: r.inMsgs,
    out_msgs: r.outMsgs,
    in_bytes: r.inBytes,
    out_bytes: r.outBytes,
    subscriptions: r.numRemoteSubs,
  };
  if (r.numRemoteSubs > 0) {
    const list = [...r.remoteSubscriptions()].map((rs) => rs.sub);
    if (detail) ri.subscriptions_list_detail = list.map((s) => subDetail(s, false));
    else if (subs) ri.subscriptions_list = list.map((s) => wireText(s.subject));
  }
  return ri;
}
