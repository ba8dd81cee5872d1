// /healthz: nats-server's HandleHealthz / healthz() (monitor.go). bnats has no JetStream, so once the
// client listener accepts connections the server is healthy whatever the js-* options say; while it does
// not (shutting down, lame duck) the answer is the reference's readyForConnections failure with 503.
import { countRequest, Paths, type MonitorContext } from "./context.ts";
import { decodeBool, type Query } from "./query.ts";

export interface HealthStatus {
  status: string;
  error?: string;
}

export interface HealthzOptions {
  jsEnabledOnly: boolean;
  jsServerOnly: boolean;
}

/** Counts, then decodes the options (js-enabled is the deprecated spelling of js-enabled-only). */
export function handleHealthz(ctx: MonitorContext, q: Query): { status: number; body: HealthStatus } {
  countRequest(ctx, Paths.healthz);
  const jsEnabled = decodeBool(q, "js-enabled");
  const jsEnabledOnly = decodeBool(q, "js-enabled-only");
  const jsServerOnly = decodeBool(q, "js-server-only");
  const body = healthz(ctx, { jsEnabledOnly: jsEnabledOnly || jsEnabled, jsServerOnly });
  return { status: body.error ? 503 : 200, body };
}

export function healthz(ctx: MonitorContext, _opts: Partial<HealthzOptions> = {}): HealthStatus {
  if (ctx.server.shuttingDown || ctx.server.lameDuckMode === true) {
    return { status: "error", error: "failed to be ready for connections after 1ms: server" };
  }
  return { status: "ok" };
}
