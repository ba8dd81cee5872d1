// The logger's line shape (logger/log.go), levels, log file, rotation (fileLogger.Write) and re-open.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, formatLogTime, LoggerError, rotatedName, type LoggerOptions } from "../../src/log.ts";

const TIME = String.raw`\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} `;

function capture(opts: Partial<LoggerOptions> = {}): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const log = createLogger({ logtime: true, debug: false, trace: false, pid: 4242, sink: (l) => lines.push(l), ...opts });
  return { lines, log };
}

describe("line shape", () => {
  test("[pid] time [LBL] message, one write per line ending in \\n", () => {
    const { lines, log } = capture({ debug: true, trace: true });
    log.notice("Listening for client connections on 0.0.0.0:4222");
    log.warn("w");
    log.error("e");
    log.fatal("f");
    log.debug("d");
    log.trace("t");
    const labels = ["INF", "WRN", "ERR", "FTL", "DBG", "TRC"];
    const msgs = ["Listening for client connections on 0.0.0.0:4222", "w", "e", "f", "d", "t"];
    expect(lines.length).toBe(6);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^\\[4242\\] ${TIME}\\[${labels[i]}\\] ${msgs[i]}\\n$`)));
  });

  test("without logtime: no timestamp", () => {
    const { lines, log } = capture({ logtime: false });
    log.notice("Server is ready");
    expect(lines).toEqual(["[4242] [INF] Server is ready\n"]);
  });

  test("a message ending in a newline gets no second one (log.Printf)", () => {
    const { lines, log } = capture({ logtime: false });
    log.notice("x\n");
    expect(lines).toEqual(["[4242] [INF] x\n"]);
  });

  test("identical lines are all written (consola's throttling is off)", () => {
    const { lines, log } = capture({ logtime: false, trace: true });
    for (let i = 0; i < 20; i++) log.trace("<<- [PING]");
    expect(lines.length).toBe(20);
  });

  test("colored labels, as setColoredLabelFormats", () => {
    const { lines, log } = capture({ logtime: false, colors: true, debug: true, trace: true });
    log.notice("a");
    log.warn("b");
    log.error("c");
    log.fatal("d");
    log.debug("e");
    log.trace("f");
    expect(lines).toEqual([
      "[4242] [\x1b[32mINF\x1b[0m] a\n",
      "[4242] [\x1b[0;93mWRN\x1b[0m] b\n",
      "[4242] [\x1b[31mERR\x1b[0m] c\n",
      "[4242] [\x1b[31mFTL\x1b[0m] d\n",
      "[4242] [\x1b[36mDBG\x1b[0m] e\n",
      "[4242] [\x1b[33mTRC\x1b[0m] f\n",
    ]);
  });

  test("formatLogTime: local time, zero-padded, microseconds", () => {
    const d = new Date(2026, 0, 5, 7, 8, 9, 12);
    expect(formatLogTime(d.getTime() + 0.345)).toBe("2026/01/05 07:08:09.012345 ");
    expect(formatLogTime(d.getTime() - 12)).toBe("2026/01/05 07:08:09.000000 ");
  });
});

describe("levels", () => {
  test("debug and trace are off by default and independent", () => {
    const { lines, log } = capture({ logtime: false });
    expect(log.debugEnabled).toBe(false);
    expect(log.traceEnabled).toBe(false);
    log.debug("d");
    log.trace("t");
    expect(lines).toEqual([]);

    const t = capture({ logtime: false, trace: true });
    expect(t.log.debugEnabled).toBe(false);
    t.log.debug("d");
    t.log.trace("t");
    expect(t.lines).toEqual(["[4242] [TRC] t\n"]);
  });

  test("setLevels turns them on and off", () => {
    const { lines, log } = capture({ logtime: false });
    log.setLevels(true, false);
    log.debug("d1");
    log.trace("t1");
    log.setLevels(false, true);
    log.debug("d2");
    log.trace("t2");
    expect(lines).toEqual(["[4242] [DBG] d1\n", "[4242] [TRC] t2\n"]);
  });

  test("noLog drops everything", () => {
    const { lines, log } = capture({ noLog: true, debug: true, trace: true });
    log.notice("n");
    log.error("e");
    log.debug("d");
    expect(log.debugEnabled).toBe(false);
    expect(lines).toEqual([]);
  });

  test("fatal is remembered (main exits 1 without repeating it)", () => {
    const { log } = capture();
    expect(log.fatalLogged).toBe(false);
    log.fatal("boom");
    expect(log.fatalLogged).toBe(true);
  });

  test("local syslog is not available: a warning, then stderr", () => {
    const { lines, log } = capture({ logtime: false, syslog: true });
    log.notice("after");
    expect(lines[0]).toStartWith("[4242] [WRN] Local syslog is not supported by bnats");
    expect(lines[1]).toBe("[4242] [INF] after\n");
  });

  test("a remote syslog with an unknown scheme is an error, as getNetworkAndAddr", () => {
    expect(() => capture({ remoteSyslog: "http://x:1" })).toThrow(new LoggerError('error invalid network type: "http"'));
  });
});

describe("remote syslog", () => {
  test("udp: <pri>RFC3339 host tag[pid]: msg, severity per level, no label", async () => {
    const got: string[] = [];
    let wake: () => void = () => {};
    const sock = await Bun.udpSocket({
      hostname: "127.0.0.1",
      socket: {
        data(_s, buf) {
          got.push(Buffer.from(buf).toString());
          wake();
        },
      },
    });
    const log = createLogger({ logtime: true, debug: true, trace: true, pid: 7, tag: "bnats", remoteSyslog: `udp://127.0.0.1:${sock.port}` });
    log.notice("n");
    log.warn("w");
    log.error("e");
    log.debug("d");
    log.trace("t");
    while (got.length < 5) await new Promise<void>((r) => (wake = r));
    log.close?.();
    sock.close();
    got.sort();
    const re = (pri: number, m: string) => new RegExp(`^<${pri}>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(Z|[+-]\\d{2}:\\d{2}) \\S+ bnats\\[7\\]: ${m}\\n$`);
    expect(got[0]).toMatch(re(3, "e"));
    expect(got[1]).toMatch(re(4, "w"));
    expect(got.slice(2).some((g) => re(5, "n").test(g))).toBe(true);
    expect(got.slice(2).some((g) => re(5, "t").test(g))).toBe(true); // trace goes out as Notice
    expect(got.slice(2).some((g) => re(7, "d").test(g))).toBe(true);
  });
});

describe("remote syslog over tcp", () => {
  test("the same lines, on a stream", async () => {
    let got = "";
    let wake: () => void = () => {};
    const server = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(_s, buf) {
          got += buf.toString();
          wake();
        },
      },
    });
    const log = createLogger({ logtime: true, debug: false, trace: false, pid: 8, tag: "nats-server", remoteSyslog: `tcp://127.0.0.1:${server.port}` });
    log.notice("one");
    log.warn("two");
    while (got.split("\n").length < 3) await new Promise<void>((r) => (wake = r));
    log.close?.();
    server.stop(true);
    const lines = got.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^<5>\S+ \S+ nats-server\[8\]: one$/);
    expect(lines[1]).toMatch(/^<4>\S+ \S+ nats-server\[8\]: two$/);
  });
});

describe("log file", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bnats-log-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("appends plain lines (no colors), creates the file 0660", () => {
    const file = join(dir, "nats.log");
    writeFileSync(file, "existing\n");
    const log = createLogger({ logtime: false, debug: false, trace: false, pid: 1, logFile: file, colors: true });
    log.notice("one");
    log.error("two");
    log.close?.();
    expect(readFileSync(file, "utf8")).toBe("existing\n[1] [INF] one\n[1] [ERR] two\n");
    const fresh = join(dir, "fresh.log");
    createLogger({ logtime: false, debug: false, trace: false, logFile: fresh }).close?.();
    expect(statSync(fresh).mode & 0o777).toBe(0o660 & ~process.umask());
  });

  test("an unopenable file is an error", () => {
    expect(() => createLogger({ logtime: false, debug: false, trace: false, logFile: join(dir, "no", "such", "x.log") })).toThrow(LoggerError);
  });

  test("rotates past log_size_limit: backup named file.YYYY.MM.DD.hh.mm.ss.nnnnnnnnn, new file starts with the notice", () => {
    const file = join(dir, "nats.log");
    const log = createLogger({ logtime: false, debug: false, trace: false, pid: 9, logFile: file, logSizeLimit: 100 });
    for (let i = 0; i < 10; i++) log.notice(`line number ${i} with some padding`);
    log.close?.();
    const names = readdirSync(dir).sort();
    const backups = names.filter((n) => n !== "nats.log");
    expect(backups.length).toBeGreaterThanOrEqual(2);
    for (const b of backups) expect(b).toMatch(/^nats\.log\.\d{4}\.\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{9}$/);
    // Every backup went just past the limit; the first line of each new file is the rotation notice, with \r\n.
    const first = readFileSync(join(dir, backups[0]!), "utf8");
    expect(first.length).toBeGreaterThan(100);
    expect(first.startsWith("[9] [INF] line number 0")).toBe(true);
    const second = readFileSync(join(dir, backups[1]!), "utf8");
    expect(second).toStartWith(`[9] [INF] Rotated log, backup saved as ${JSON.stringify(join(dir, backups[0]!))}\r\n`);
    // Nothing lost: all ten lines are somewhere.
    const all = names.map((n) => readFileSync(join(dir, n), "utf8")).join("");
    for (let i = 0; i < 10; i++) expect(all).toContain(`line number ${i} with`);
  });

  test("a file already past the limit is rotated at start (setLimit)", () => {
    const file = join(dir, "nats.log");
    writeFileSync(file, "x".repeat(500));
    const log = createLogger({ logtime: false, debug: false, trace: false, pid: 9, logFile: file, logSizeLimit: 100 });
    log.close?.();
    const backups = readdirSync(dir).filter((n) => n !== "nats.log");
    expect(backups.length).toBe(1);
    expect(readFileSync(join(dir, backups[0]!), "utf8")).toBe("x".repeat(500) + "[9] [INF] Rotating logfile...\n");
    expect(readFileSync(file, "utf8")).toStartWith("[9] [INF] Rotated log, backup saved as");
  });

  test("rotatedName", () => {
    const d = new Date(2026, 10, 25, 9, 30, 1, 0);
    // A millisecond epoch in a double keeps about 0.24 µs: the last nanosecond digits are approximate.
    expect(rotatedName("/var/log/n.log", d.getTime() + 123.456789)).toMatch(/^\/var\/log\/n\.log\.2026\.11\.25\.09\.30\.01\.1234567\d\d$/);
  });

  test("reopen (SIGUSR1) after mv writes to a new file at the old path", () => {
    const file = join(dir, "nats.log");
    const log = createLogger({ logtime: false, debug: false, trace: false, pid: 3, logFile: file });
    log.notice("before");
    renameSync(file, join(dir, "old.log"));
    log.notice("still old");
    log.reopen();
    log.notice("after");
    log.close?.();
    expect(readFileSync(join(dir, "old.log"), "utf8")).toBe("[3] [INF] before\n[3] [INF] still old\n");
    expect(readFileSync(file, "utf8")).toBe("[3] [INF] File log re-opened\n[3] [INF] after\n");
  });

  test("reopen without a file logs that it is ignored", () => {
    const { lines, log } = capture({ logtime: false });
    log.reopen();
    expect(lines).toEqual(["[4242] [INF] File log re-open ignored, not a file logger\n"]);
  });
});
