// -sl/--signal: send a command to a running server (server/opts.go processSignal, maybeReadPidFile;
// server/signal.go ProcessSignal, resolvePids), with the reference's error texts. What the running
// server does on each signal is set up in main.ts (setupSignals).

import { readFileSync, readdirSync } from "node:fs";
import { basename } from "node:path";
import { PROGRAM } from "../cli/usage.ts";

/** The -sl commands and the signals they send (signal.go ProcessSignal). */
export const SIGNAL_COMMANDS: Readonly<Record<string, NodeJS.Signals>> = {
  stop: "SIGKILL",
  quit: "SIGINT",
  reopen: "SIGUSR1",
  reload: "SIGHUP",
  ldm: "SIGUSR2",
  term: "SIGTERM",
};

export class SignalError extends Error {}

export interface SignalDeps {
  /** The name looked for among running processes when no pid is given. */
  processName: string;
  /** The pids of running processes with that name, this process excluded. */
  resolvePids: (name: string) => number[];
  kill: (pid: number, signal: NodeJS.Signals) => void;
}

/**
 * The name of this program as started: the compiled binary's file name (a `nats-server` symlink
 * to bnats is `nats-server`, as the reference's os.Args[0]); "bnats" when run by `bun src/main.ts`.
 */
export function programName(): string {
  const compiled = Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/");
  return compiled ? basename(process.argv0) || PROGRAM : PROGRAM;
}

/**
 * The running processes whose name contains `name` (as `pgrep name`), without this process.
 * Reads /proc directly, so it works where pgrep is not installed.
 */
export function resolvePids(name: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    throw new SignalError("unable to resolve pid, try providing one");
  }
  // /proc/<pid>/comm holds at most 15 bytes of the name.
  const wanted = name.slice(0, 15);
  const pids: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${e}/comm`, "utf8").trimEnd();
    } catch {
      continue; // exited meanwhile
    }
    if (comm.includes(wanted)) pids.push(pid);
  }
  return pids.sort((a, b) => a - b);
}

const ERRNO_TEXT: Record<string, string> = {
  ESRCH: "no such process",
  EPERM: "operation not permitted",
  EINVAL: "invalid argument",
};

function defaultKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new SignalError(ERRNO_TEXT[code] ?? (e as Error).message);
  }
}

/** maybeReadPidFile: the file's content when `arg` names a readable file, else `arg` itself. */
export function maybeReadPidFile(arg: string): string {
  try {
    return readFileSync(arg, "utf8");
  } catch {
    return arg;
  }
}

/**
 * Sends `-sl <command>[=<pid|pidfile>]`. Throws SignalError with the reference's text (main prints
 * it after "bnats: " and exits 1); returns normally once the signal was sent (exit 0).
 */
export function sendSignal(arg: string, deps?: Partial<SignalDeps>): { pid: number; signal: NodeJS.Signals } {
  const name = deps?.processName ?? programName();
  const resolve = deps?.resolvePids ?? resolvePids;
  const kill = deps?.kill ?? defaultKill;

  const parts = arg.split("=");
  let pidStr = "";
  if (parts.length === 2) pidStr = maybeReadPidFile(parts[1]!);
  else if (parts.length > 2) throw new SignalError(`invalid signal parameters: [${parts.slice(2).join(" ")}]`);
  const command = parts[0]!;

  let pid: number;
  if (pidStr === "") {
    const pids = resolve(name);
    if (pids.length === 0) throw new SignalError(`no ${name} processes running`);
    if (pids.length > 1) throw new SignalError(`multiple ${name} processes running:\n${pids.join("\n")}`);
    pid = pids[0]!;
  } else {
    // strconv.Atoi; bnats also accepts the trailing newline other tools write into pid files.
    // A pid of 0 or below would signal a whole process group: refused.
    const s = pidStr.trim();
    if (!/^[+-]?\d+$/.test(s) || Number(s) <= 0) throw new SignalError(`invalid pid: ${pidStr}`);
    pid = Number(s);
  }

  const signal = Object.hasOwn(SIGNAL_COMMANDS, command) ? SIGNAL_COMMANDS[command] : undefined;
  if (signal === undefined) throw new SignalError(`unknown signal ${JSON.stringify(command)}`);
  kill(pid, signal);
  return { pid, signal };
}
