// What the running server does on each process signal, as nats-server's handleSignals (server/signal.go):
//   SIGINT   shut down (stop accepting, flush what clients are owed, close) and exit 0;
//   SIGTERM  the same, unless lame duck mode is running: then it is ignored, so that a Kubernetes
//            preStop hook that started lame duck mode is not cut short by the SIGTERM that follows it
//            (the NATS Helm chart relies on this). v2.9.10 exits 1 here; later releases and bnats exit 0;
//   SIGHUP   reload the configuration file (src/server/reload.ts); a failure is logged and the
//            server keeps running on what it had;
//   SIGUSR1  re-open the log file (logrotate's `mv` then signal);
//   SIGUSR2  lame duck mode (src/server/lameduck.ts), then exit 0.
// The sending side (-sl/--signal) is src/signal.ts.
import { lameDuckMode } from "../server/lameduck.ts";
import { ConfigReloader, type ReloadHooks } from "./reload.ts";
import type { ClientConnection } from "../server/client.ts";
import type { Server } from "../server/server.ts";

export interface SignalHooks extends ReloadHooks {
  /** Called once, after the server shut down and before the process exits (pid/ports file cleanup). */
  beforeExit?(): void;
  /** process.exit, replaceable in tests. */
  exit?(code: number): void;
}

/** Go's os.Signal String() of the signals handled, for the "Trapped %q signal" debug line. */
const GO_NAMES: Record<string, string> = {
  SIGINT: "interrupt",
  SIGTERM: "terminated",
  SIGHUP: "hangup",
  SIGUSR1: "user defined signal 1",
  SIGUSR2: "user defined signal 2",
};

export type HandledSignal = "SIGINT" | "SIGTERM" | "SIGHUP" | "SIGUSR1" | "SIGUSR2";
const HANDLED: readonly HandledSignal[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"];

/** Longest a stop waits for slow clients to take what they are owed (also bounded by write_deadline). */
const MAX_STOP_FLUSH = 10_000;

export class SignalHandler {
  readonly reloader: ConfigReloader;
  private stopping: Promise<void> | undefined;
  private readonly listeners = new Map<HandledSignal, () => void>();

  constructor(
    readonly server: Server,
    readonly hooks: SignalHooks,
  ) {
    this.reloader = new ConfigReloader(server, hooks);
  }

  /** Start listening to the process signals (handleSignals). */
  install(): this {
    for (const sig of HANDLED) {
      const fn = (): void => void this.handle(sig);
      this.listeners.set(sig, fn);
      process.on(sig, fn);
    }
    return this;
  }

  uninstall(): void {
    for (const [sig, fn] of this.listeners) process.off(sig, fn);
    this.listeners.clear();
  }

  /** One signal; resolves when its action is done (for a stop: never, the process exits). */
  async handle(sig: HandledSignal): Promise<void> {
    const server = this.server;
    server.log.debug(`Trapped "${GO_NAMES[sig]}" signal`);
    switch (sig) {
      case "SIGINT":
        return this.stop(0);
      case "SIGTERM":
        // Shutdown unless graceful shutdown (lame duck mode) is already in progress.
        if (server.lameDuckMode) return;
        return this.stop(0);
      case "SIGUSR1":
        this.reopenLogFile();
        return;
      case "SIGUSR2":
        await lameDuckMode(server);
        // lameDuckMode returns at once when already running or shutting down; exit only when it ran.
        if (server.shuttingDown) return this.stop(0);
        return;
      case "SIGHUP":
        await this.reload();
        return;
    }
  }

  /** Reload; "Failed to reload server configuration: ..." and nothing changed when it fails. */
  async reload(): Promise<boolean> {
    try {
      await this.reloader.reload();
      return true;
    } catch (e) {
      this.server.log.error(`Failed to reload server configuration: ${(e as Error).message}`);
      return false;
    }
  }

  /** ReOpenLogFile. */
  reopenLogFile(): void {
    const log = this.server.log;
    if (log.reopen === undefined) {
      log.notice("File log re-open ignored, no logger");
      return;
    }
    log.reopen();
  }

  /**
   * Shut down, wait (bounded) until every client took what it was owed, then exit. Bounded by
   * write_deadline (a client that stops reading is given up on then, as the reference's flush
   * deadline) and by MAX_STOP_FLUSH.
   */
  stop(code: number): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.stopping = (async () => {
      const server = this.server;
      const clients = [...server.clients.values()];
      await server.shutdown();
      await waitFlushed(clients, Math.min(server.opts.writeDeadline, MAX_STOP_FLUSH));
      try {
        this.hooks.beforeExit?.();
      } finally {
        (this.hooks.exit ?? ((c: number) => process.exit(c)))(code);
      }
    })();
    return this.stopping;
  }
}

/** handleSignals: install the handlers for this server. */
export function handleSignals(server: Server, hooks: SignalHooks): SignalHandler {
  return new SignalHandler(server, hooks).install();
}

/** Resolves when no client has bytes pending, or after `bound` ms. */
async function waitFlushed(clients: ClientConnection[], bound: number): Promise<void> {
  const deadline = Date.now() + bound;
  while (clients.some((c) => c.outbound.pending > 0) && Date.now() < deadline) await Bun.sleep(10);
}
