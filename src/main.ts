// bnats entry point: nats-server's main.go and ConfigureOptions flow (v2.9.10).
//   flags -> (version | help | signal) -> config file -> merge (flags win) -> -t -> TLS files -> logger ->
//   pid file -> server start -> ports file -> wait for a signal -> shutdown.
// Errors before the server runs print one line "bnats: <reason>" on stderr and exit 1
// (PrintAndDie); a flag syntax error prints Go's flag text and a usage hint.

import { CliError, clusterFlagError, parseArgs, type CliResult } from "./cli/cli.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { describeFsError } from "./config/parser.ts";
import { createLogger, LoggerError, writeFd, type NatsLogger } from "./log.ts";
import { mergeOptions, OptionsError, validateAccountOptions, VERSION, type Options } from "./options.ts";
import { portsFilePath, portsInfo, removePortsFile, writePidFile, writePortsFile } from "./process/files.ts";
import { Server } from "./server/server.ts";
import { attachMonitor, type MonitorService } from "./process/monitoring.ts";
import { attachSystem } from "./process/system.ts";
import { programName, sendSignal, SignalError } from "./process/signal.ts";
import { handleSignals, type SignalHandler } from "./process/signals.ts";
import { loadTLSContext } from "./transport/tls/context.ts";
import { PROGRAM, tlsHelpText, usageText } from "./cli/usage.ts";

/** Exits after writing synchronously (process.stdout/stderr may be asynchronous pipes). */
function die(msg: string, code = 1): never {
  writeFd(2, msg.endsWith("\n") ? msg : msg + "\n");
  process.exit(code);
}

function printOut(text: string): never {
  writeFd(1, text);
  process.exit(0);
}

/** Parses the command line, or prints and exits for -v, -h, --help_tls, -sl and bad flags. */
function commandLine(argv: readonly string[]): CliResult {
  let cli: CliResult;
  try {
    cli = parseArgs(argv);
  } catch (e) {
    if (e instanceof CliError && e.syntax) die(`${e.message}\nUsage: ${PROGRAM} [options] (see '${PROGRAM} --help')`);
    if (e instanceof CliError) die(`${PROGRAM}: ${e.message}`);
    throw e;
  }
  switch (cli.action) {
    case "version":
      // PrintServerAndExit: "nats-server: v2.9.10"; the version is the nats-server bnats matches.
      printOut(`${PROGRAM}: v${VERSION}\n`);
    case "help":
      printOut(`${usageText}\n`);
    case "help_tls":
      printOut(tlsHelpText());
    case "signal":
      try {
        sendSignal(cli.signal!);
      } catch (e) {
        if (e instanceof SignalError) die(`${PROGRAM}: ${e.message}`);
        throw e;
      }
      process.exit(0);
    case "run":
      return cli;
  }
}

/** Reads the config file (if any), merges the flags over it and validates; -t exits here. */
function configure(cli: CliResult): { opts: Options; notes: string[] } {
  let fileOpts: Partial<Options> = {};
  const notes: string[] = [...cli.notes];
  if (cli.configFile !== undefined) {
    try {
      const r = loadConfig(cli.configFile);
      fileOpts = r.options;
      notes.push(...r.notes);
      // nats-server -t fails on the reference's warnings; a normal start prints them and goes on.
      if (cli.checkConfig && r.warnings.length > 0) die(`${PROGRAM}: ${r.warnings.join("\n")}`);
      for (const w of r.warnings) writeFd(2, w + "\n");
    } catch (e) {
      if (e instanceof ConfigError) die(`${PROGRAM}: ${e.errors.map((x) => x.message).join("\n")}`);
      throw e;
    }
  }
  if (cli.checkConfig) {
    // -t reports the file alone: nats-server returns before the flags' special handling.
  } else {
    const clusterErr = clusterFlagError(cli, fileOpts);
    if (clusterErr !== undefined) die(`${PROGRAM}: ${clusterErr}`);
  }
  if (cli.tlsDisabled) delete fileOpts.tls;
  let opts: Options;
  try {
    opts = mergeOptions(fileOpts, cli.flags);
  } catch (e) {
    if (e instanceof OptionsError || e instanceof ConfigError) die(`${PROGRAM}: ${e.message}`);
    throw e;
  }
  if (cli.checkConfig) die(`${PROGRAM}: configuration file ${cli.configFile} is valid`, 0);
  try {
    validateAccountOptions(opts);
  } catch (e) {
    if (e instanceof OptionsError) die(`${PROGRAM}: ${e.message}`);
    throw e;
  }
  // The TLS files named by flags (ConfigureOptions' overrideTLS -> GenTLSConfig, after the -t exit as
  // there): one line, e.g. "error parsing X509 certificate/key pair: open c.pem: no such file or
  // directory", before the logger or the server exist. A config file's tls block was loaded by its
  // parser already (config/tls.ts) and failed above with its file:line:col.
  if (opts.tls !== undefined) {
    try {
      loadTLSContext(opts.tls);
    } catch (e) {
      if (e instanceof OptionsError) die(`${PROGRAM}: ${e.message}`);
      throw e;
    }
  }
  return { opts, notes };
}

function makeLogger(opts: Options): NatsLogger {
  try {
    return createLogger({
      logtime: opts.logtime,
      debug: opts.debug,
      trace: opts.trace,
      logFile: opts.logFile,
      logSizeLimit: opts.logSizeLimit,
      syslog: opts.syslog,
      remoteSyslog: opts.remoteSyslog,
      noLog: opts.noLog,
      tag: programName(),
    });
  } catch (e) {
    if (e instanceof LoggerError) die(`${PROGRAM}: ${e.message}`);
    throw e;
  }
}

/**
 * What the running server does on signals (signal.go handleSignals): src/signals.ts. Reload re-reads
 * the config file with the same flags over it; a logging change swaps in a new logger.
 */
/** The ports file this process wrote, if any: removed at exit, rewritten when a reload moves it. */
class PortsFile {
  private path = "";

  constructor(
    private readonly server: Server,
    private readonly monitor: MonitorService,
  ) {}

  /** logPorts: the bound client, monitoring, route and websocket URLs, into `<dir>/<binary>_<pid>.ports`. */
  write(opts: Options): void {
    if (opts.portsFileDir === "") return;
    const server = this.server;
    const path = portsFilePath(opts.portsFileDir);
    try {
      const ports = portsInfo({
        host: opts.host,
        port: server.port,
        tls: opts.tls !== undefined && !opts.allowNonTLS,
        httpHost: opts.httpHost,
        httpPort: this.monitor.httpPort || this.monitor.httpsPort,
        https: this.monitor.httpsPort !== 0,
        clusterHost: opts.clusterHost,
        clusterPort: server.clusterPort,
        clusterTLS: opts.clusterTLS !== undefined,
        wsHost: opts.websocket.host,
        wsPort: server.websocketPort,
        wss: server.websocketSecure,
      });
      this.path = writePortsFile(opts.portsFileDir, ports, path);
    } catch (e) {
      server.log.error(`Error writing ports file (${path}): ${describeFsError(e, path)}`);
    }
  }

  remove(): void {
    const path = this.path;
    if (path === "") return;
    this.path = "";
    try {
      removePortsFile(path);
    } catch (e) {
      this.server.log.error(`Error cleaning up ports file ${path}: ${describeFsError(e, path).replace(/^open /, "remove ")}`);
    }
  }
}

/** What the running server does on each signal (src/signals.ts), with the process-level hooks. */
export function setupSignals(
  server: Server,
  stop: (code: number) => Promise<void>,
  portsFile: PortsFile,
  flags: Partial<Options> = {},
  tlsDisabled = false,
): SignalHandler {
  return handleSignals(server, {
    flags,
    tlsDisabled,
    configureLogger: (o) => {
      const prev = server.log;
      server.log = makeLogger(o);
      prev.close?.();
    },
    writePidFile: (o) => {
      try {
        writePidFile(o.pidFile);
      } catch (e) {
        server.log.error(`Failed to write pidfile: ${describeFsError(e, o.pidFile)}`);
      }
    },
    // reload.go: deletePortsFile(old dir), then logPorts into the new one.
    rewritePortsFile: (_oldDir, o) => {
      portsFile.remove();
      portsFile.write(o);
    },
    exit: (code) => void stop(code),
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const cli = commandLine(argv);
  const { opts, notes } = configure(cli);
  const log = makeLogger(opts);
  for (const n of notes) log.warn(n);

  if (opts.pidFile !== "") {
    try {
      writePidFile(opts.pidFile);
    } catch (e) {
      log.fatal(`Could not write pidfile: ${describeFsError(e, opts.pidFile)}`);
      log.close();
      process.exit(1);
    }
  }

  const server = new Server(opts, log);
  // The server does not know the monitor: it runs it as a service (started before the client listener).
  const monitor = attachMonitor(server);
  attachSystem(server, () => monitor.monitor?.ctx);
  const portsFile = new PortsFile(server, monitor);
  let stopping: Promise<void> | undefined;
  const stop = (code: number): Promise<void> =>
    (stopping ??= (async () => {
      try {
        await server.shutdown();
      } catch (e) {
        server.log.error(`Error during shutdown: ${(e as Error).message}`);
      }
      portsFile.remove();
      server.log.close?.();
      process.exit(code);
    })());
  setupSignals(server, stop, portsFile, cli.flags, cli.tlsDisabled);

  try {
    await server.start();
  } catch (e) {
    if (!log.fatalLogged) log.fatal((e as Error).message);
    log.close();
    process.exit(1);
  }

  portsFile.write(opts);
}

if (import.meta.main) {
  await main(process.argv.slice(2));
}
