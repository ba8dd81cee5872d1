// Starts a server *process* (the reference nats-server or the compiled bnats binary) with nats-server's flags
// and/or a config text, on random ports, and learns the ports from the log or the ports file.
// Readiness is awaited by event (log line "Server is ready", or the ports file appearing), never by sleeping.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, watch, readFileSync, readdirSync, type FSWatcher } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What to start: nats-server's command-line flags and/or the text of a configuration file. */
export interface ServerSpec {
  /** Configuration file text; written to a temp file and passed with `-c`. */
  config?: string;
  /** Extra flags, exactly as for nats-server (e.g. ["--max_payload", "..."] is not a flag: use config). */
  args?: string[];
  /** Keep the port from args/config instead of adding `-p -1`. */
  fixedPort?: boolean;
  /** How long to wait for readiness. */
  startTimeoutMs?: number;
  env?: Record<string, string>;
}

/** A running server of either implementation; tests run the same script against any of them. */
export interface RunningServer {
  readonly kind: "reference" | "bnats" | "bnats-binary";
  readonly port: number;
  readonly httpPort?: number;
  readonly httpsPort?: number;
  /** Everything the server logged so far (process servers: stderr + stdout; in-process: logger lines). */
  logs(): string;
  stop(): Promise<void>;
}

export interface ProcessServer extends RunningServer {
  readonly pid: number;
  readonly configFile?: string;
  readonly dir: string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number>;
  /** Sends a signal to the process (SIGHUP for reload, etc.). */
  signal(sig: NodeJS.Signals): void;
  /** Resolves when the log contains `text` (already or later); rejects after timeoutMs. */
  waitForLog(text: string | RegExp, timeoutMs?: number): Promise<string>;
}

const LISTEN_RE = /Listening for client connections on ([^\s]+):(\d+)/;
const HTTP_RE = /Starting http monitor on ([^\s]+):(\d+)/;
const HTTPS_RE = /Starting https monitor on ([^\s]+):(\d+)/;
const READY_RE = /Server is ready/;

function hasPortFlag(args: readonly string[]): boolean {
  return args.some((a) => a === "-p" || a === "--port" || a.startsWith("--port=") || a.startsWith("-p="));
}

interface PortsFile {
  nats?: string[];
  monitoring?: string[];
}

function portOfUrl(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const m = /:(\d+)\/?$/.exec(url);
  return m ? Number(m[1]) : undefined;
}

/** Starts `binary` with the spec's flags/config; resolves once it is ready to take clients. */
export async function startProcess(
  binary: string,
  kind: ProcessServer["kind"],
  spec: ServerSpec = {},
): Promise<ProcessServer> {
  const dir = mkdtempSync(join(tmpdir(), `${kind}-`));
  const portsDir = join(dir, "ports");
  mkdirSync(portsDir);
  const args: string[] = [];
  let configFile: string | undefined;
  if (spec.config !== undefined) {
    configFile = join(dir, "server.conf");
    writeFileSync(configFile, spec.config);
    args.push("-c", configFile);
  }
  const extra = spec.args ?? [];
  if (!spec.fixedPort && !hasPortFlag(extra)) args.push("-p", "-1");
  args.push("--ports_file_dir", portsDir, ...extra);

  const proc = Bun.spawn([binary, ...args], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...spec.env },
  });

  let log = "";
  const logWaiters = new Set<() => void>();
  const onLog = (): void => {
    for (const w of [...logWaiters]) w();
  };
  const pump = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      log += decoder.decode(chunk, { stream: true });
      onLog();
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  let exitCode: number | undefined;
  const exited = proc.exited.then((code) => {
    exitCode = code;
    onLog();
    return code;
  });

  const readPortsFile = (): PortsFile | undefined => {
    try {
      const name = readdirSync(portsDir).find((f) => f.endsWith(".ports"));
      if (!name) return undefined;
      const text = readFileSync(join(portsDir, name), "utf8");
      return text ? (JSON.parse(text) as PortsFile) : undefined;
    } catch {
      return undefined; // partially written: the next event re-reads it
    }
  };

  let port = 0;
  let httpPort: number | undefined;
  let httpsPort: number | undefined;
  const timeoutMs = spec.startTimeoutMs ?? 10_000;
  let watcher: FSWatcher | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${kind} did not start within ${timeoutMs}ms:\n${log}`)), timeoutMs);
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        logWaiters.delete(check);
        watcher?.close();
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (READY_RE.test(log)) {
          const m = LISTEN_RE.exec(log);
          if (m) {
            port = Number(m[2]);
            httpPort = optPort(HTTP_RE.exec(log));
            httpsPort = optPort(HTTPS_RE.exec(log));
            finish();
            return;
          }
        }
        // Servers configured to log to a file (or not at all) are found through the ports file.
        const pf = readPortsFile();
        const p = portOfUrl(pf?.nats?.[0]);
        if (pf && p) {
          port = p;
          for (const url of pf.monitoring ?? []) {
            if (url.startsWith("https:")) httpsPort = portOfUrl(url);
            else httpPort = portOfUrl(url);
          }
          finish();
          return;
        }
        if (exitCode !== undefined) finish(new Error(`${kind} exited with code ${exitCode} before ready:\n${log}`));
      };
      logWaiters.add(check);
      watcher = watch(portsDir, () => check());
      check();
    });
  } catch (err) {
    proc.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const waitForLog = (text: string | RegExp, ms = 5000): Promise<string> =>
    new Promise((resolve, reject) => {
      const test = (): boolean => (typeof text === "string" ? log.includes(text) : text.test(log));
      if (test()) return resolve(log);
      const timer = setTimeout(() => {
        logWaiters.delete(w);
        reject(new Error(`log never showed ${String(text)}:\n${log}`));
      }, ms);
      const w = (): void => {
        if (!test()) return;
        clearTimeout(timer);
        logWaiters.delete(w);
        resolve(log);
      };
      logWaiters.add(w);
    });

  let stopped: Promise<void> | undefined;
  return {
    kind,
    port,
    httpPort,
    httpsPort,
    pid: proc.pid,
    configFile,
    dir,
    exited,
    logs: () => log,
    signal: (sig) => proc.kill(sig),
    waitForLog,
    stop(): Promise<void> {
      stopped ??= (async () => {
        if (exitCode === undefined) {
          proc.kill("SIGTERM");
          const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function optPort(m: RegExpExecArray | null): number | undefined {
  return m ? Number(m[2]) : undefined;
}
