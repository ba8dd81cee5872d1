// -sl/--signal: argument forms, pid files, process lookup and the reference's error texts.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolvePids, sendSignal, SignalError, type SignalDeps } from "../../src/process/signal.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-signal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records what would be sent instead of sending it. */
function fake(pids: number[] = []): { sent: [number, string][]; deps: SignalDeps } {
  const sent: [number, string][] = [];
  return { sent, deps: { processName: "bnats", resolvePids: () => pids, kill: (pid, sig) => void sent.push([pid, sig]) } };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SignalError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

describe("commands and signals (signal.go ProcessSignal)", () => {
  const table: [string, string][] = [
    ["stop", "SIGKILL"],
    ["quit", "SIGINT"],
    ["reopen", "SIGUSR1"],
    ["reload", "SIGHUP"],
    ["ldm", "SIGUSR2"],
    ["term", "SIGTERM"],
  ];
  for (const [cmd, sig] of table) {
    test(`${cmd}=123 sends ${sig} to 123`, () => {
      const f = fake();
      sendSignal(`${cmd}=123`, f.deps);
      expect(f.sent).toEqual([[123, sig]]);
    });
  }

  test("without a pid: the single running server", () => {
    const f = fake([555]);
    sendSignal("reload", f.deps);
    expect(f.sent).toEqual([[555, "SIGHUP"]]);
  });

  test("a pid file is read (its content may end with a newline)", () => {
    const file = join(dir, "nats.pid");
    writeFileSync(file, "4321");
    const f = fake();
    sendSignal(`ldm=${file}`, f.deps);
    writeFileSync(file, "4322\n");
    sendSignal(`ldm=${file}`, f.deps);
    expect(f.sent).toEqual([
      [4321, "SIGUSR2"],
      [4322, "SIGUSR2"],
    ]);
  });
});

describe("errors, as the reference prints them", () => {
  test("no server running", () => {
    expect(errorOf(() => sendSignal("quit", fake([]).deps))).toBe("no bnats processes running");
  });
  test("several servers running", () => {
    expect(errorOf(() => sendSignal("quit", fake([10, 20]).deps))).toBe("multiple bnats processes running:\n10\n20");
  });
  test("a pid that is not a number", () => {
    expect(errorOf(() => sendSignal("quit=abc", fake().deps))).toBe("invalid pid: abc");
  });
  test("pid 0 or below would signal a process group: refused", () => {
    expect(errorOf(() => sendSignal("quit=0", fake().deps))).toBe("invalid pid: 0");
    expect(errorOf(() => sendSignal("quit=-1", fake().deps))).toBe("invalid pid: -1");
  });
  test("too many '='", () => {
    expect(errorOf(() => sendSignal("quit=1=2=3", fake().deps))).toBe("invalid signal parameters: [2 3]");
  });
  test("an unknown command (after the pid is checked)", () => {
    expect(errorOf(() => sendSignal("bogus=12", fake().deps))).toBe('unknown signal "bogus"');
    expect(errorOf(() => sendSignal("constructor=12", fake().deps))).toBe('unknown signal "constructor"');
    expect(errorOf(() => sendSignal("bogus=x", fake().deps))).toBe("invalid pid: x");
  });
  test("a process that does not exist (above any pid_max)", () => {
    expect(errorOf(() => sendSignal("term=4194305", { processName: "bnats" }))).toBe("no such process");
  });
});

describe("real processes", () => {
  test("finds a process by name in /proc and signals it through its pid file", async () => {
    // A copy of `sleep` under a unique name, so that nothing else matches the lookup.
    const name = `bnsl${process.pid % 100000}`;
    const exe = join(dir, name);
    copyFileSync("/bin/sleep", exe);
    const child = Bun.spawn([exe, "30"], { stdout: "ignore", stderr: "ignore" });
    try {
      // /proc/<pid>/comm shows the new name once exec is done.
      let pids: number[] = [];
      for (let i = 0; i < 200 && !pids.includes(child.pid); i++) {
        pids = resolvePids(name);
        if (!pids.includes(child.pid)) await Bun.sleep(5);
      }
      expect(pids).toEqual([child.pid]);
      const pidFile = join(dir, "child.pid");
      writeFileSync(pidFile, String(child.pid));
      expect(sendSignal(`term=${pidFile}`)).toEqual({ pid: child.pid, signal: "SIGTERM" });
      await child.exited;
      expect(child.signalCode).toBe("SIGTERM");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
