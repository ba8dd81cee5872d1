// The monitoring listener beside a server, composed by the entry points (src/main.ts, test harnesses):
// the server does not know the monitor, it runs it as a ServerService (started before the client
// listener, re-bound with new certificates on a TLS reload, stopped at shutdown).
import type { Monitor } from "../monitor/monitor.ts";
import type { Server } from "../server/server.ts";

type MonitorModule = typeof import("../monitor/monitor.ts");

export class MonitorService {
  monitor: Monitor | undefined;
  /** The monitor module (Elysia and the endpoints), imported only when monitoring is on (issue 15). */
  private mod: MonitorModule | undefined;

  constructor(private readonly server: Server) {}

  /** The bound monitoring ports (0 when off); differ from the options when those were -1. */
  get httpPort(): number {
    return this.monitor && !this.monitor.secure ? this.monitor.port : 0;
  }
  get httpsPort(): number {
    return this.monitor?.secure ? this.monitor.port : 0;
  }

  /** StartMonitoring: errors are fatal at startup, as the reference's "Can't start monitoring". */
  async start(): Promise<void> {
    const server = this.server;
    // Monitor.enabled, without loading the module when monitoring is off.
    if (server.opts.httpPort === 0 && server.opts.httpsPort === 0) return;
    const mod = (this.mod ??= await import("../monitor/monitor.ts"));
    const { Monitor, MonitorError, monitorTLS } = mod;
    this.monitor = new Monitor(server, () => server.log);
    try {
      // https serves with the certificate already loaded for clients (configureTLS ran first).
      this.monitor.start(server.tls ? monitorTLS(server.tls.ctx.bun) : undefined);
    } catch (e) {
      if (!(e instanceof MonitorError)) throw e;
      this.monitor = undefined;
      server.log.fatal(`Can't start monitoring: ${e.message}`);
      throw e;
    }
  }

  /** https monitoring uses the server's TLS configuration too (getMonitoringTLSConfig). */
  reloadTLS(): void {
    const tls = this.server.tls;
    if (tls && this.mod !== undefined) this.monitor?.reloadTLS(this.mod.monitorTLS(tls.ctx.bun));
  }

  async stop(): Promise<void> {
    await this.monitor?.stop();
  }
}

/** Attach monitoring (when the options ask for it) to a server that has not started yet. */
export function attachMonitor(server: Server): MonitorService {
  const svc = new MonitorService(server);
  server.attach(svc);
  return svc;
}
