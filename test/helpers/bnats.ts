// Starts bnats for tests, in one of two ways with the same RunningServer shape as the reference:
//  - in-process (`new Server(opts, logger)`, port -1): the fast default;
//  - the compiled binary dist/bnats with nats-server's flags/config, for CLI-level tests.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../src/log.ts";
import { mergeOptions, type Options } from "../../src/options.ts";
import { Server } from "../../src/server/server.ts";
import { attachMonitor, type MonitorService } from "../../src/process/monitoring.ts";
import { attachSystem, type SystemService } from "../../src/process/system.ts";
import { parseTokens } from "../../src/config/parser.ts";
import { configToOptions } from "../../src/config/load.ts";
import { startProcess, type ProcessServer, type RunningServer, type ServerSpec } from "./proc.ts";

export type { RunningServer, ServerSpec, ProcessServer } from "./proc.ts";

export const REPO_ROOT = join(import.meta.dir, "..", "..");
export const BNATS_BINARY = process.env.BNATS_BIN ?? join(REPO_ROOT, "dist", "bnats");

/** A Logger that keeps every line (with nats-server's level tags) for assertions. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  constructor(
    readonly debugEnabled = false,
    readonly traceEnabled = false,
  ) {}
  notice(msg: string): void {
    this.lines.push(`[INF] ${msg}`);
  }
  warn(msg: string): void {
    this.lines.push(`[WRN] ${msg}`);
  }
  error(msg: string): void {
    this.lines.push(`[ERR] ${msg}`);
  }
  fatal(msg: string): void {
    this.lines.push(`[FTL] ${msg}`);
  }
  debug(msg: string): void {
    if (this.debugEnabled) this.lines.push(`[DBG] ${msg}`);
  }
  trace(msg: string): void {
    if (this.traceEnabled) this.lines.push(`[TRC] ${msg}`);
  }
}

export interface InProcessServer extends RunningServer {
  readonly kind: "bnats";
  readonly server: Server;
  /** The monitoring listener beside it (attached as src/main.ts does). */
  readonly monitor: MonitorService;
  /** The system account's services ($SYS requests and events). */
  readonly system: SystemService;
  readonly logger: MemoryLogger;
}

export interface InProcessSpec {
  /** Configuration file text, mapped by bnats' own config loader (as the binary would with -c). */
  config?: string;
  /** Options over the defaults and the config (camelCase of nats-server's config keys); port defaults to -1. */
  options?: Partial<Options>;
  debug?: boolean;
  trace?: boolean;
}

/** Starts bnats inside the test process on a random port. */
export async function startBnats(spec: InProcessSpec = {}): Promise<InProcessServer> {
  const fromFile = spec.config !== undefined ? configToOptions(parseTokens(spec.config, "test.conf"), "test.conf") : {};
  const opts = mergeOptions(fromFile, { port: -1, ...spec.options });
  const logger = new MemoryLogger(spec.debug ?? opts.debug, spec.trace ?? opts.trace);
  const server = new Server(opts, logger);
  const monitor = attachMonitor(server);
  const system = attachSystem(server, () => monitor.monitor?.ctx);
  await server.start();
  const httpPort = monitor.httpPort;
  const httpsPort = monitor.httpsPort;
  let stopped: Promise<void> | undefined;
  return {
    kind: "bnats",
    port: server.port,
    httpPort: httpPort > 0 ? httpPort : undefined,
    httpsPort: httpsPort > 0 ? httpsPort : undefined,
    server,
    monitor,
    system,
    logger,
    logs: () => logger.lines.join("\n"),
    stop(): Promise<void> {
      stopped ??= server.shutdown();
      return stopped;
    },
  };
}

/** Whether dist/bnats has been built (`make build`). */
export function hasBnatsBinary(): boolean {
  return existsSync(BNATS_BINARY);
}

/** Starts the compiled dist/bnats with nats-server's flags and/or config text, like startReference. */
export function startBnatsBinary(spec: ServerSpec = {}): Promise<ProcessServer> {
  return startProcess(BNATS_BINARY, "bnats-binary", spec);
}
