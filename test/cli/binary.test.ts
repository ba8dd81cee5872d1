// The compiled binary's command line, side by side with the reference nats-server where the output
// is deterministic: -v, -h, --help_tls, bad flags, -t, pid file, ports file, log shape, signals.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, renameSync, symlinkSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startProcess, type ProcessServer } from "../helpers/proc.ts";
import { hasReference } from "../helpers/ref.ts";
import { binaryRunner } from "../helpers/cli.ts";

const runner = binaryRunner("bnats-cli-");
const { work, bnats, ref } = runner;
beforeAll(() => runner.prepare(), 120_000);
afterAll(() => runner.cleanUp());
/** The reference's output with its name replaced by ours. */
const asBnats = (s: string): string => s.replaceAll("nats-server", "bnats");
const withRef = test.if(hasReference());

const GOOD = join(work, "good.conf");
const BAD = join(work, "bad.conf");
const WARN = join(work, "warn.conf");
writeFileSync(GOOD, "port: 4222\nmax_payload: 2MB\n");
writeFileSync(BAD, "port: 4222\nfoo: 1\n");
writeFileSync(WARN, "port: 4222\nping_interval: 5\n");

describe("informational commands", () => {
  test("-v / --version / version print 'bnats: v2.9.10' and exit 0", () => {
    for (const args of [["-v"], ["--version"], ["version"]]) {
      const r = bnats(...args);
      expect(r).toEqual({ code: 0, out: "bnats: v2.9.10\n", err: "" });
    }
  });
  withRef("-v has the reference's shape", () => {
    expect(bnats("-v").out).toBe(asBnats(ref("-v").out));
  });

  test("-h prints the usage on stdout and exits 0", () => {
    const r = bnats("-h");
    expect(r.code).toBe(0);
    expect(r.out).toStartWith("\nUsage: bnats [options]\n");
    expect(r.out).toContain("-sl,--signal <signal>[=<pid>]");
  });
  withRef("-h lists the reference's options, line for line", () => {
    const ours = bnats("--help").out.split("\n");
    const theirs = ref("--help").out.split("\n");
    expect(ours.length).toBe(theirs.length);
    // Same flag column on every line; only the descriptions of unsupported options say so.
    const flagsOf = (l: string): string => (l.startsWith(" ") ? l.slice(0, 37) : l.replace(/ \(.*\)/, ""));
    expect(ours.map(flagsOf)).toEqual(theirs.map((l) => flagsOf(asBnats(l))));
  });
  withRef("--help_tls lists the reference's cipher suites and curves", () => {
    const ours = bnats("--help_tls");
    expect(ours.code).toBe(0);
    expect(ours.out.split("\n").sort()).toEqual(ref("--help_tls").out.split("\n").sort());
  });
});

describe("bad command lines exit 1 with one line naming the problem", () => {
  const cases: [string[], string][] = [
    [["-x"], "flag provided but not defined: -x"],
    [["--nope=1"], "flag provided but not defined: -nope"],
    [["-p", "abc"], 'invalid value "abc" for flag -p: parse error'],
    [["-T=5"], 'invalid boolean value "5" for -T: parse error'],
    [["-c"], "flag needs an argument: -c"],
  ];
  for (const [args, first] of cases) {
    test(args.join(" "), () => {
      const r = bnats(...args);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      const lines = r.err.trimEnd().split("\n");
      expect(lines[0]).toBe(first);
      expect(lines[1]).toContain("bnats --help");
    });
    withRef(`${args.join(" ")}: the reference names it the same way`, () => {
      // The reference prints the same line, then its whole usage (and exits 0: its usage() exits).
      expect(ref(...args).err.split("\n")[0]).toBe(first);
    });
  }
  const prefixed: [string[], string][] = [
    [["foo"], 'bnats: unrecognized command: "foo"'],
    [["-T", "5"], 'bnats: unrecognized command: "5"'],
    [["-t"], "bnats: must specify [-c, --config] option to check configuration file syntax"],
    [["-sl=quit=abc"], "bnats: invalid pid: abc"],
    [["-sl=bogus=4194305"], 'bnats: unknown signal "bogus"'],
    [["-sl=quit=4194305"], "bnats: no such process"],
    [["-sl=a=1=2"], "bnats: invalid signal parameters: [2]"],
  ];
  for (const [args, line] of prefixed) {
    test(args.join(" "), () => {
      expect(bnats(...args)).toEqual({ code: 1, out: "", err: line + "\n" });
    });
    withRef(`${args.join(" ")}: as the reference`, () => {
      const r = ref(...args);
      expect(r.code).toBe(1);
      expect(asBnats(r.err).trimEnd()).toBe(line);
    });
  }
});

describe("-t tests the configuration", () => {
  test("a good file: 'configuration file X is valid', exit 0", () => {
    expect(bnats("-t", "-c", GOOD)).toEqual({ code: 0, out: "", err: `bnats: configuration file ${GOOD} is valid\n` });
  });
  test("a bad file: file:line:col and the key, exit 1", () => {
    expect(bnats("-t", "-c", BAD)).toEqual({ code: 1, out: "", err: `bnats: ${BAD}:2:1: unknown field "foo"\n` });
  });
  test("warnings fail -t", () => {
    const r = bnats("-t", "-c", WARN);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`bnats: ${WARN}:2:1: invalid use of field "ping_interval": ping_interval should be converted to a duration\n`);
  });
  test("flags are validated too (-t --config=...)", () => {
    expect(bnats("-t", `--config=${GOOD}`, "-p", "-1").code).toBe(0);
  });
  withRef("the reference agrees on good, bad and warning files", () => {
    for (const file of [GOOD, BAD, WARN]) {
      const ours = bnats("-t", "-c", file);
      const theirs = ref("-t", "-c", file);
      expect(ours.code).toBe(theirs.code);
      expect(ours.err.trimEnd()).toBe(asBnats(theirs.err).trimEnd());
    }
  });
});

/** Resolves once `dir` holds a file for which `accept` is true (fs events, no sleeping); rejects after 5s. */
function waitForFile(dir: string, accept: (name: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const name = readdirSync(dir).find(accept);
      if (name === undefined) return false;
      watcher.close();
      clearTimeout(timer);
      resolve(name);
      return true;
    };
    const watcher = watch(dir, () => void check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`no matching file in ${dir}: ${readdirSync(dir).join(", ")}`));
    }, 5000);
    check();
  });
}

const LOG_LINE = /^\[(\d+)\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} \[(INF|WRN|ERR|FTL|DBG|TRC)\] /;

describe("a running server", () => {
  const started: ProcessServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });
  const start = async (args: string[], config?: string): Promise<ProcessServer> => {
    const s = await startProcess(runner.binary, "bnats-binary", { args, config });
    started.push(s);
    return s;
  };

  test("pid file, ports file, log shape; SIGTERM: exit 0, ports file removed, pid file kept", async () => {
    const pidFile = join(work, "bnats-a.pid");
    const s = await start(["-a", "127.0.0.1", "-m", "-1", "-P", pidFile]);
    expect(readFileSync(pidFile, "utf8")).toBe(String(s.pid));

    // The ports file is written just after "Server is ready" (the reference writes it from a goroutine).
    const portsDir = join(s.dir, "ports");
    const name = await waitForFile(portsDir, (n) => n.endsWith(".ports"));
    expect(name).toBe(`bnats_${s.pid}.ports`);
    const ports = JSON.parse(readFileSync(join(portsDir, name), "utf8")) as Record<string, string[]>;
    expect(ports).toEqual({ nats: [`nats://127.0.0.1:${s.port}`], monitoring: [`http://127.0.0.1:${s.httpPort}`] });

    const lines = s.logs().trimEnd().split("\n");
    for (const l of lines) expect(l).toMatch(LOG_LINE);
    expect(lines.every((l) => LOG_LINE.exec(l)![1] === String(s.pid))).toBe(true);
    expect(s.logs()).toContain(`[INF] Listening for client connections on 127.0.0.1:${s.port}\n`);

    s.signal("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(readdirSync(portsDir)).toEqual([]);
    expect(existsSync(pidFile)).toBe(true);
  });

  test("started through a symlink named nats-server: nats-server_<pid>.ports (os.Args[0], as the nats.js harness expects)", async () => {
    const link = join(work, "nats-server");
    if (!existsSync(link)) symlinkSync(runner.binary, link);
    const s = await startProcess(link, "bnats-binary", { args: ["-a", "127.0.0.1"] });
    started.push(s);
    const name = await waitForFile(join(s.dir, "ports"), (n) => n.endsWith(".ports"));
    expect(name).toBe(`nats-server_${s.pid}.ports`);
  });

  test("SIGINT: exit 0", async () => {
    const s = await start(["-a", "127.0.0.1"]);
    s.signal("SIGINT");
    expect(await s.exited).toBe(0);
  });

  test("-T=false: no timestamps; -DV: debug lines appear", async () => {
    const s = await start(["-a", "127.0.0.1", "-T=false", "-DV"]);
    s.signal("SIGTERM");
    await s.exited;
    const lines = s.logs().trimEnd().split("\n");
    for (const l of lines) expect(l).toMatch(/^\[\d+\] \[(INF|WRN|ERR|DBG|TRC)\] /);
    expect(s.logs()).toContain('[DBG] Trapped "terminated" signal');
  });

  test("flags override the config file", async () => {
    const s = await start(["-a", "127.0.0.1", "-n", "from-flag"], "server_name: from-file\nport: 4222\n");
    // startProcess adds -p -1: the bound port is random, not the file's 4222.
    expect(s.port).not.toBe(4222);
    expect(s.logs()).toContain("[INF]   Name:     from-flag\n");
  });

  test("ignored flags leave a warning", async () => {
    const s = await start(["-a", "127.0.0.1", "-js"]);
    expect(s.logs()).toContain("[WRN] Ignoring -js: bnats has no JetStream\n");
  });

  test("-l: the log goes to the file; SIGUSR1 re-opens it after mv", async () => {
    const logFile = join(work, "server.log");
    const s = await start(["-a", "127.0.0.1", "-l", logFile]);
    expect(s.logs()).toBe("");
    expect(readFileSync(logFile, "utf8")).toContain("[INF] Server is ready\n");
    renameSync(logFile, `${logFile}.1`);
    s.signal("SIGUSR1");
    // Re-opening writes "File log re-opened" into the new file: wait for it to appear.
    await waitForFile(work, (n) => n === "server.log" && readFileSync(logFile, "utf8").includes("re-opened"));
    expect(readFileSync(logFile, "utf8")).toMatch(LOG_LINE);
    expect(readFileSync(logFile, "utf8")).toContain("[INF] File log re-opened\n");
  });

  test("-sl quit=<pid file> stops the server (exit 0)", async () => {
    const pidFile = join(work, "bnats-b.pid");
    const s = await start(["-a", "127.0.0.1", "-P", pidFile]);
    expect(bnats(`-sl=quit=${pidFile}`)).toEqual({ code: 0, out: "", err: "" });
    expect(await s.exited).toBe(0);
  });

  test("a port in use: [FTL] line and exit 1", async () => {
    const s = await start(["-a", "127.0.0.1"]);
    const r = bnats("-a", "127.0.0.1", "-p", String(s.port));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[FTL\] /);
  });

  test("a pid file that cannot be written: [FTL] Could not write pidfile, exit 1", () => {
    const r = bnats("-a", "127.0.0.1", "-p", "-1", "-P", join(work, "no", "such", "dir.pid"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[FTL\] Could not write pidfile: open .*dir\.pid: no such file or directory\n$/);
  });
});
