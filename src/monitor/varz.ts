// /varz: nats-server's Varz struct (monitor.go createVarz / updateVarzRuntimeFields), field for field and
// in the same order. Every numeric field is always present (prometheus-nats-exporter builds its metric
// set from the first answer); omitempty fields are left out exactly when the reference leaves them out.
import { DEFAULT_TLS_TIMEOUT } from "../options.ts";
import { countRequest, Paths, SYSTEM_ACCOUNT, type MonitorContext } from "./context.ts";
import { goTime, myUptime, nowMs, toMs } from "./format.ts";
import type { MonitoredServer, SlowConsumerStats } from "./types.ts";
import { GoURLError, parseGoURL } from "../go/url.ts";

/** monitor.go ClusterOptsVarz (every field omitempty). */
export interface ClusterOptsVarz {
  name?: string;
  addr?: string;
  cluster_port?: number;
  auth_timeout?: number;
  urls?: string[];
  tls_timeout?: number;
  tls_required?: boolean;
  tls_verify?: boolean;
}

/** The cluster block of /varz: name, address, bound port, auth timeout and the configured routes' hosts. */
function clusterVarz(s: MonitoredServer): ClusterOptsVarz {
  const opts = s.opts;
  if (s.cluster === undefined) return {};
  const urls = opts.routes.map((r) => {
    try {
      return parseGoURL(r).host;
    } catch (e) {
      if (e instanceof GoURLError) return r;
      throw e;
    }
  });
  const tls = opts.clusterTLS !== undefined;
  return {
    name: s.cluster.name || undefined,
    addr: opts.clusterHost || undefined,
    cluster_port: s.cluster.port || undefined,
    auth_timeout: opts.clusterAuthTimeout / 1000 || undefined,
    urls: urls.length > 0 ? urls : undefined,
    // setBaselineOptions gives the cluster a TLS timeout (2s) even without TLS.
    tls_timeout: (opts.clusterTLS?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000,
    tls_required: tls || undefined,
    tls_verify: tls || undefined,
  };
}
import { websocketVarz, type WebsocketVarz } from "./varz-websocket.ts";

/** monitor.go LeafNodeOptsVarz / RemoteLeafOptsVarz. */
export interface LeafNodeOptsVarz {
  host?: string;
  port?: number;
  auth_timeout?: number;
  tls_timeout?: number;
  tls_required?: boolean;
  tls_verify?: boolean;
  remotes?: { local_account?: string; tls_timeout?: number; urls?: string[]; deny?: { exports?: string[]; imports?: string[] } }[];
}

/** The leaf block of /varz: the accepting side's address and timeouts, and the remotes (hosts only). */
function leafVarz(s: MonitoredServer): LeafNodeOptsVarz {
  const ln = s.opts.leafnodes;
  const accepting = ln.port !== 0;
  const remotes = ln.remotes.map((r) => {
    const deny = r.denyImports.length > 0 || r.denyExports.length > 0;
    return {
      // The reference fills in $G when it first dials (createLeafNode).
      local_account: r.localAccount || "$G",
      tls_timeout: r.tls !== undefined ? r.tls.timeout / 1000 : undefined,
      urls: r.urls.map((u) => u.replace(/^[^:]*:\/\/(?:[^@/]*@)?/, "").replace(/\/.*$/, "")),
      deny: deny ? { imports: r.denyImports.length > 0 ? r.denyImports : undefined, exports: r.denyExports.length > 0 ? r.denyExports : undefined } : undefined,
    };
  });
  return {
    host: ln.host || undefined,
    port: accepting ? s.leafnodes?.port || ln.port : undefined,
    auth_timeout: accepting ? ln.authTimeout / 1000 || undefined : undefined,
    tls_timeout: accepting ? (ln.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000 : undefined,
    tls_required: ln.tls !== undefined || undefined,
    tls_verify: (ln.tls !== undefined && ln.tls.verify) || undefined,
    remotes: remotes.length > 0 ? remotes : undefined,
  };
}

const NS_PER_MS = 1_000_000;

/** runtime.NumCPU() / GOMAXPROCS(0): the CPUs this process may run on. */
/** runtime.NumCPU (navigator.hardwareConcurrency: node:os would cost memory for one number). */
const CORES = navigator.hardwareConcurrency;

export interface Varz {
  server_id: string;
  server_name: string;
  version: string;
  proto: number;
  git_commit?: string;
  go: string;
  host: string;
  port: number;
  auth_required?: boolean;
  tls_required?: boolean;
  tls_verify?: boolean;
  ip?: string;
  connect_urls?: string[];
  max_connections: number;
  max_subscriptions?: number;
  /** Nanoseconds (a Go time.Duration). */
  ping_interval: number;
  ping_max: number;
  http_host: string;
  http_port: number;
  http_base_path: string;
  https_port: number;
  /** Seconds (float64). */
  auth_timeout: number;
  max_control_line: number;
  max_payload: number;
  max_pending: number;
  cluster: ClusterOptsVarz;
  gateway: Record<string, never>;
  leaf: LeafNodeOptsVarz;
  mqtt: Record<string, never>;
  websocket: WebsocketVarz;
  jetstream: Record<string, never>;
  /** Seconds (float64). */
  tls_timeout: number;
  /** Nanoseconds. */
  write_deadline: number;
  start: string;
  now: string;
  uptime: string;
  mem: number;
  cores: number;
  gomaxprocs: number;
  cpu: number;
  connections: number;
  total_connections: number;
  routes: number;
  remotes: number;
  leafnodes: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  slow_consumers: number;
  /** nats-server 2.10's breakdown (not in 2.9.10); dashboards built for 2.10 read it. */
  slow_consumer_stats: SlowConsumerStats;
  subscriptions: number;
  http_req_stats: Record<string, number>;
  config_load_time: string;
  tags?: string[];
  system_account?: string;
  /** nats-server 2.10: expiry of the server's TLS certificate (omitted without TLS). */
  tls_cert_not_after?: string;
}

/** The /varz object; counts the request first, as HandleVarz does. */
export function varz(ctx: MonitorContext, count = true): Varz {
  if (count) countRequest(ctx, Paths.varz);
  const s = ctx.server;
  const { opts, stats } = s;
  const info = s.baseInfo();
  const now = nowMs();
  const start = toMs(s.startTime);
  const v: Varz = {
    server_id: info.server_id,
    server_name: info.server_name,
    version: info.version,
    proto: info.proto,
    go: info.go,
    host: info.host,
    port: info.port,
    max_connections: opts.maxConnections,
    ping_interval: opts.pingInterval * NS_PER_MS,
    ping_max: opts.pingMax,
    http_host: opts.httpHost,
    http_port: opts.httpPort,
    http_base_path: opts.httpBasePath,
    https_port: opts.httpsPort,
    auth_timeout: opts.authTimeout / 1000,
    max_control_line: opts.maxControlLine,
    max_payload: opts.maxPayload,
    max_pending: opts.maxPending,
    cluster: clusterVarz(s),
    gateway: {},
    leaf: leafVarz(s),
    mqtt: {},
    websocket: websocketVarz(s),
    jetstream: {},
    tls_timeout: (opts.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000,
    write_deadline: opts.writeDeadline * NS_PER_MS,
    start: goTime(start),
    now: goTime(now),
    uptime: myUptime(now - start),
    mem: ctx.usage.rss,
    cores: CORES,
    gomaxprocs: CORES,
    cpu: ctx.usage.cpu,
    connections: s.clients.size,
    total_connections: stats.totalConnections,
    routes: s.cluster?.routes.size ?? 0,
    remotes: s.cluster?.routes.size ?? 0,
    leafnodes: s.leafnodes?.leafs.size ?? 0,
    in_msgs: stats.inMsgs,
    out_msgs: stats.outMsgs,
    in_bytes: stats.inBytes,
    out_bytes: stats.outBytes,
    slow_consumers: stats.slowConsumers,
    slow_consumer_stats: { ...stats.slowConsumerStats },
    // Every account's subscriptions (internal ones included), as the reference's sum of acc.sl.Count().
    subscriptions: totalSubscriptions(s),
    http_req_stats: sortedRecord(ctx.httpReqStats),
    config_load_time: goTime(toMs(s.configTime)),
    system_account: s.accounts === undefined ? SYSTEM_ACCOUNT : s.accounts.system?.name || undefined,
  };
  // omitempty fields, placed where the reference places them (key order is cosmetic but kept).
  return withOptional(v, {
    git_commit: info.git_commit || undefined,
    auth_required: info.auth_required || undefined,
    tls_required: info.tls_required || undefined,
    tls_verify: info.tls_verify || undefined,
    ip: info.ip || undefined,
    connect_urls: info.connect_urls?.length ? [...info.connect_urls] : undefined,
    max_subscriptions: opts.maxSubscriptions > 0 ? opts.maxSubscriptions : undefined,
    tags: opts.tags.length > 0 ? [...opts.tags] : undefined,
    // tlsCertNotAfter(opts.TLSConfig): the certificate in use, so a reload's new certificate shows.
    tls_cert_not_after: s.tls ? goTime(toMs(s.tls.ctx.certNotAfter)) : undefined,
  });
}

/** Go marshals a map with its keys sorted. */
function sortedRecord(m: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k) ?? 0;
  return out;
}

/** The reference's field order, for inserting the omitempty fields at their places. */
const ORDER: readonly (keyof Varz)[] = [
  "server_id", "server_name", "version", "proto", "git_commit", "go", "host", "port", "auth_required",
  "tls_required", "tls_verify", "ip", "connect_urls", "max_connections", "max_subscriptions", "ping_interval",
  "ping_max", "http_host", "http_port", "http_base_path", "https_port", "auth_timeout", "max_control_line",
  "max_payload", "max_pending", "cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream", "tls_timeout",
  "write_deadline", "start", "now", "uptime", "mem", "cores", "gomaxprocs", "cpu", "connections",
  "total_connections", "routes", "remotes", "leafnodes", "in_msgs", "out_msgs", "in_bytes", "out_bytes",
  "slow_consumers", "slow_consumer_stats", "subscriptions", "http_req_stats", "config_load_time", "tags",
  "system_account", "tls_cert_not_after",
];

function withOptional(v: Varz, optional: Partial<Varz>): Varz {
  const merged: Record<string, unknown> = { ...v, ...optional };
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (merged[k] !== undefined) out[k] = merged[k];
  return out as unknown as Varz;
}

function totalSubscriptions(s: MonitorContext["server"]): number {
  if (s.accounts === undefined) return s.sublist.count();
  let n = 0;
  for (const a of s.accounts.all()) n += a.sublist.count();
  return n;
}
