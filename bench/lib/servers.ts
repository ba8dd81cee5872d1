// Starting and stopping the servers under test (bnats's compiled binary and the reference nats-server)
// as separate processes on free loopback ports, and running the load generator beside them.

import type { Subprocess } from "bun";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadResult, LoadSpec } from "./spec.ts";

// Each server and the load generator may need thousands of descriptors (the 5,000-connection memory
// scenario): raise the soft limit to the hard limit in a shell before exec'ing the real program.
const RAISE_NOFILE = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

export function withRaisedNofile(argv: string[]): string[] {
  return ["/bin/sh", "-c", RAISE_NOFILE, "sh", ...argv];
}

export interface ServerSide {
  /** Column label in the table. */
  label: string;
  /** The command; it is run as `<cmd...> -p <port> [extra args]` (both servers share nats-server's flags). */
  cmd: string[];
}

export class RunningServer {
  private tailText = "";
  constructor(
    readonly side: ServerSide,
    readonly port: number,
    private readonly proc: Subprocess<"ignore", "pipe", "pipe">,
    /** The HTTP monitoring port (`-m`), when started with one. */
    readonly monitorPort?: number,
    /** The websocket port (ws://, no TLS), when started with one. */
    readonly wsPort?: number,
  ) {
    void this.collect(proc.stdout);
    void this.collect(proc.stderr);
  }

  get pid(): number {
    return this.proc.pid;
  }

  get exited(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** The last few KB of the server's log, for error reports. */
  tail(): string {
    return this.tailText;
  }

  // The pipes must be drained or a chatty server would block on a full pipe mid-benchmark.
  private async collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      this.tailText = (this.tailText + dec.decode(chunk, { stream: true })).slice(-4096);
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5_000);
    await this.proc.exited;
    clearTimeout(timer);
  }
}

/** A config file with only `websocket { port, no_tls }` (plain ws:// on loopback, as both servers allow). */
function websocketConfig(wsPort: number): string {
  const path = join(tmpdir(), `bnats-bench-ws-${process.pid}-${wsPort}.conf`);
  writeFileSync(path, `websocket {\n  port: ${wsPort}\n  no_tls: true\n}\n`);
  return path;
}

/** A port that was free a moment ago (bind to 0, read it, release it). */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/** Resolves once a connection to the port receives its first bytes (the INFO line). */
async function waitForInfo(port: number, deadline: number, isDead: () => boolean): Promise<void> {
  for (;;) {
    if (isDead()) throw new Error("server exited during start-up");
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1_000);
      Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: {
          data(s) {
            clearTimeout(timer);
            resolve(true); // before end(): end() runs the close handler synchronously
            s.end();
          },
          close() {
            clearTimeout(timer);
            resolve(false);
          },
          connectError() {
            clearTimeout(timer);
            resolve(false);
          },
        },
      }).catch(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no INFO on port ${port} within the start-up deadline`);
    await Bun.sleep(50);
  }
}

/** `monitor`: also serve HTTP monitoring (`-m <free port>`); the load generator waits for it to answer. */
export async function startServer(side: ServerSide, extraArgs: string[] = [], monitor = false, websocket = false): Promise<RunningServer> {
  for (let attempt = 0; ; attempt++) {
    const port = freePort();
    const monitorPort = monitor ? freePort() : undefined;
    // The websocket listener has no flag: both servers read it from a config file.
    const wsPort = websocket ? freePort() : undefined;
    const wsArgs = wsPort !== undefined ? ["-c", websocketConfig(wsPort)] : [];
    const args = [...side.cmd, "-p", String(port), ...(monitorPort !== undefined ? ["-m", String(monitorPort)] : []), ...wsArgs, ...extraArgs];
    const proc = Bun.spawn(withRaisedNofile(args), {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const server = new RunningServer(side, port, proc, monitorPort, wsPort);
    try {
      await waitForInfo(port, Date.now() + 15_000, () => server.exited);
      return server;
    } catch (e) {
      await server.stop();
      // Another process may have taken the port between freePort() and the bind: try again.
      if (attempt >= 2) throw new Error(`${side.label} (${side.cmd.join(" ")}) did not start: ${String(e)}\n${server.tail()}`);
    }
  }
}

const LOADGEN = `${import.meta.dir}/../loadgen.ts`;

/** Runs one workload in a fresh load-generator process and returns its result. */
export async function runLoadgen(spec: LoadSpec): Promise<LoadResult> {
  // The spec goes through stdin: the wildcard scenario's 10,000 subjects are too long for argv.
  const proc = Bun.spawn(withRaisedNofile([process.execPath, LOADGEN, "-"]), {
    stdin: new TextEncoder().encode(JSON.stringify(spec)),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const last = out.trim().split("\n").pop() ?? "";
  if (code !== 0 || last === "") throw new Error(`load generator failed (exit ${code}): ${err.trim() || out.trim()}`);
  return JSON.parse(last) as LoadResult;
}
