// /metrics (bnats only): the Prometheus text exposition of what prometheus-nats-exporter publishes for
// /varz and /connz, under the same names, so NATS Grafana dashboards work without the exporter sidecar.
//  - varz: every numeric top-level field of /varz -> gauge `<prefix>_varz_<field>{server_id}` (the
//    exporter's NATSCollector), and `server_id`, `server_name`, `version` as label gauges with value 1.
//  - connz: the exporter's connzCollector summary: num_connections, total, offset, limit, and the sums of
//    pending_bytes and subscriptions (gauges) and of in/out bytes/msgs (counters) over the connections.
// The prefix defaults to the exporter's "gnatsd"; Options.metricsPrefix changes it (the Helm chart: "nats").
import { countRequest, Paths, type MonitorContext } from "./context.ts";
import { DEFAULT_CONN_LIST_SIZE } from "./connz.ts";
import { varz } from "./varz.ts";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const LABEL_KEYS = ["server_id", "server_name", "version"] as const;

export function metrics(ctx: MonitorContext): string {
  countRequest(ctx, Paths.metrics);
  const ns = namespace(ctx.server.opts.metricsPrefix);
  const id = ctx.server.baseInfo().server_id;
  const out: string[] = [];
  const sample = (name: string, type: "gauge" | "counter", help: string, labels: Record<string, string>, value: number): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labelText(labels)} ${formatValue(value)}`);
  };

  // Built without counting a /varz request: /metrics has its own entry in http_req_stats.
  const v = varz(ctx, false) as unknown as Record<string, unknown>;
  for (const key of Object.keys(v).sort()) {
    const value = v[key];
    const name = `${ns}_varz_${key}`;
    if (typeof value === "number") sample(name, "gauge", key, { server_id: id }, value);
    else if (typeof value === "string" && (LABEL_KEYS as readonly string[]).includes(key)) {
      sample(name, "gauge", key, { server_id: id, value }, 1);
    }
  }

  let pending = 0;
  let subs = 0;
  let inBytes = 0;
  let outBytes = 0;
  let inMsgs = 0;
  let outMsgs = 0;
  for (const c of ctx.server.clients.values()) {
    pending += c.pendingBytes;
    subs += c.subs.size;
    inBytes += c.inBytes;
    outBytes += c.outBytes;
    inMsgs += c.inMsgs;
    outMsgs += c.outMsgs;
  }
  const n = ctx.server.clients.size;
  const label = { server_id: id };
  const connz = `${ns}_connz`;
  sample(`${connz}_num_connections`, "gauge", "num_connections", label, n);
  sample(`${connz}_total`, "gauge", "total", label, n);
  sample(`${connz}_offset`, "gauge", "offset", label, 0);
  sample(`${connz}_limit`, "gauge", "limit", label, DEFAULT_CONN_LIST_SIZE);
  sample(`${connz}_pending_bytes`, "gauge", "pending_bytes", label, pending);
  sample(`${connz}_subscriptions`, "gauge", "subscriptions", label, subs);
  sample(`${connz}_in_bytes`, "counter", "in_bytes", label, inBytes);
  sample(`${connz}_out_bytes`, "counter", "out_bytes", label, outBytes);
  sample(`${connz}_in_msgs`, "counter", "in_msgs", label, inMsgs);
  sample(`${connz}_out_msgs`, "counter", "out_msgs", label, outMsgs);
  return out.join("\n") + "\n";
}

/** Prometheus namespaces are joined with "_": accept "nats" and "nats_" alike. */
function namespace(prefix: string): string {
  const p = prefix.replace(/_+$/, "");
  return p === "" ? "gnatsd" : p;
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return `{${parts.join(",")}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
