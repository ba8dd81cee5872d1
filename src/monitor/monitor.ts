// The monitoring listener's lifecycle (nats-server StartMonitoring / startMonitoring): http on
// http_port or https on https_port (never both), port -1 = random, the reference's errors and log line.
import { listenDualStack } from "../transport/address.ts";
import type { Server as BunServer, TLSOptions as BunTLSOptions } from "bun";
import type { Logger } from "../log.ts";
import { createMonitorApp } from "./app.ts";
import { newContext, type MonitorContext } from "./context.ts";
import { dashboardHub } from "./dashboard/hub.ts";
import type { MonitoredServer } from "./types.ts";
import { ProcessUsage } from "./usage.ts";

/** Bun's TLS options for the https listener (the server's client TLS configuration, see monitorTLS). */
export type MonitorTLS = BunTLSOptions;

/**
 * The https listener's TLS options from the server's loaded TLS context: its certificate, key, cipher
 * suites, curves and minimum version, but no client certificate (server.go startMonitoring:
 * opts.TLSConfig.Clone() with ClientAuth = tls.NoClientCert).
 */
export function monitorTLS(bun: BunTLSOptions & { ecdhCurve?: string }): MonitorTLS {
  const { requestCert: _req, rejectUnauthorized: _rej, ca: _ca, ...rest } = bun;
  return { ...rest, requestCert: false, rejectUnauthorized: false };
}

/** The reference's startup errors; the server logs them as `Can't start monitoring: <message>`. */
export class MonitorError extends Error {}

export class Monitor {
  readonly ctx: MonitorContext;
  private readonly usage = new ProcessUsage();
  private http?: BunServer<undefined>;
  private app?: ReturnType<typeof createMonitorApp>;
  private hostname = "";
  private boundPort = 0;

  /** The logger is asked for each time: a reload that changes log_file swaps the server's logger. */
  constructor(
    readonly server: MonitoredServer,
    private readonly logger: () => Logger,
  ) {
    this.ctx = newContext(server, this.usage);
  }

  /** Whether the options ask for monitoring at all. */
  static enabled(opts: { httpPort: number; httpsPort: number }): boolean {
    return opts.httpPort !== 0 || opts.httpsPort !== 0;
  }

  /** The bound port (0 before start or when off). */
  get port(): number {
    return this.boundPort;
  }

  get secure(): boolean {
    return this.server.opts.httpPort === 0 && this.server.opts.httpsPort !== 0;
  }

  /**
   * Binds the listener and logs `Starting http monitor on 0.0.0.0:8222`. `tls` is the server's loaded
   * certificate; without it, https reads the tls block's cert_file/key_file.
   */
  start(tls?: MonitorTLS): void {
    const opts = this.server.opts;
    if (opts.httpPort !== 0 && opts.httpsPort !== 0) {
      throw new MonitorError(`can't specify both HTTP (${opts.httpPort}) and HTTPs (${opts.httpsPort}) ports`);
    }
    if (!Monitor.enabled(opts)) return;
    const secure = this.secure;
    let tlsOptions: MonitorTLS | undefined;
    if (secure) {
      if (tls) tlsOptions = tls;
      else if (opts.tls) tlsOptions = { cert: Bun.file(opts.tls.certFile), key: Bun.file(opts.tls.keyFile) };
      else throw new MonitorError("TLS cert and key required for HTTPS");
    }
    const wanted = secure ? opts.httpsPort : opts.httpPort;
    this.hostname = opts.httpHost;
    try {
      this.http = this.serve(wanted === -1 ? 0 : wanted, tlsOptions);
    } catch (err) {
      throw new MonitorError(`can't listen to the monitor port: ${(err as Error).message}`);
    }
    this.boundPort = this.http.port ?? 0;
    this.usage.start();
    // An IPv6 literal is the only host with a colon (net.isIPv6 would load node:net for this one line).
    const host = opts.httpHost.includes(":") ? `[${opts.httpHost}]` : opts.httpHost;
    this.logger().notice(`Starting ${secure ? "https" : "http"} monitor on ${host}:${this.boundPort}`);
  }

  private serve(port: number, tls: MonitorTLS | undefined): BunServer<undefined> {
    const app = (this.app ??= createMonitorApp(this.ctx));
    // As Go's listener on 0.0.0.0: dual-stack (src/transport/address.ts).
    return listenDualStack(this.hostname, (hostname) => Bun.serve({
      hostname,
      port,
      fetch: (req) => app.fetch(req),
      tls,
      // As the reference: no write timeout (a slow /connz must not be cut off).
      idleTimeout: 0,
    }));
  }

  /**
   * A config reload loaded new certificates: https serves them from now on, as the reference's
   * GetConfigForClient (getMonitoringTLSConfig) reads the current TLS config at every handshake. Bun
   * cannot swap a listener's certificate, so the listener is re-bound on its port with the new one;
   * requests already in flight finish on the old one.
   */
  reloadTLS(tls: MonitorTLS): void {
    const old = this.http;
    if (old === undefined || !this.secure) return;
    // Open dashboards' event streams would keep the old listener (and certificate) alive forever: end
    // them; the pages reconnect to the new listener by themselves.
    dashboardHub(this.ctx).close();
    void old.stop(false);
    try {
      this.http = this.serve(this.boundPort, tls);
    } catch (err) {
      this.http = undefined;
      this.logger().error(`Can't restart the https monitor with the new certificate: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.usage.stop();
    // Open dashboards' event streams never end by themselves: end them (and the snapshot timer) first.
    dashboardHub(this.ctx).close();
    const http = this.http;
    this.http = undefined;
    if (http) await http.stop(true);
  }
}
