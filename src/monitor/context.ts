// What every endpoint function receives besides its query: the server's state, the request counters
// and the process usage sampler.
import type { MonitoredServer } from "./types.ts";
import { GLOBAL_ACCOUNT, SYSTEM_ACCOUNT } from "../options.ts";

/** The reference's monitoring paths (server.go), also the keys of http_req_stats. */
export const Paths = {
  root: "/",
  varz: "/varz",
  connz: "/connz",
  routez: "/routez",
  gatewayz: "/gatewayz",
  leafz: "/leafz",
  subsz: "/subsz",
  stacksz: "/stacksz",
  accountz: "/accountz",
  accstatz: "/accstatz",
  jsz: "/jsz",
  healthz: "/healthz",
  ipqueuesz: "/ipqueuesz",
  /** bnats only: Prometheus text. */
  metrics: "/metrics",
} as const;

export interface UsageSource {
  readonly cpu: number;
  readonly rss: number;
}

export interface MonitorContext {
  readonly server: MonitoredServer;
  /** Requests per path, as the reference's httpReqStats (counted by each handler, not by the router). */
  readonly httpReqStats: Map<string, number>;
  readonly usage: UsageSource;
}

export function countRequest(ctx: MonitorContext, path: string): void {
  ctx.httpReqStats.set(path, (ctx.httpReqStats.get(path) ?? 0) + 1);
}

/** A context over plain objects (tests, or a server without the HTTP listener). */
export function newContext(server: MonitoredServer, usage: UsageSource = { cpu: 0, rss: 0 }): MonitorContext {
  return { server, httpReqStats: new Map(), usage };
}

/** The reference's server_id for monitoring responses. */
export function serverId(ctx: MonitorContext): string {
  return ctx.server.baseInfo().server_id;
}

/** The reference's default system account name; bnats reports it as the reference does by default. */
export { SYSTEM_ACCOUNT };
/** The global account every bnats client belongs to. */
export { GLOBAL_ACCOUNT };
