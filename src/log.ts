// The server's logger, in nats-server's log shape (logger/log.go, server/log.go, v2.9.10):
//
//   [1234] 2026/11/25 09:30:00.123456 [INF] Listening for client connections on 0.0.0.0:4222
//
// "[pid] " always, the local time with microseconds unless logtime is off, then a label
// ([INF] [WRN] [ERR] [FTL] [DBG] [TRC]) and the message. Labels are coloured only when stderr is a
// terminal, as the reference. Output goes to stderr, to a file (-l / log_file, appended, rotated
// at log_size_limit with the reference's backup names), or to a remote syslog (udp/tcp).
//
// consola dispatches the entries (one reporter that formats the line and writes it synchronously,
// like Go's log.Logger: a write per line, nothing lost when the process exits right after).
// Debug and trace are gated by our own flags before consola is reached: callers check
// `log.traceEnabled` before building a trace string, so a disabled level costs one branch.

import { closeSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";
import { SyslogSink } from "./syslog.ts";
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola/core";

/**
 * Colours only when stderr is a character device, the reference's test (server/log.go ConfigureLogger:
 * os.Stderr.Stat() and ModeCharDevice); an fstat, so node:tty is not loaded at start (issue 15).
 */
function stderrIsCharDevice(): boolean {
  try {
    return fstatSync(2).isCharacterDevice();
  } catch {
    return false;
  }
}

/** The logger contract used by the server. */
export interface Logger {
  readonly debugEnabled: boolean;
  readonly traceEnabled: boolean;
  notice(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  fatal(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  /** SIGUSR1: close and re-open the log file (after an external `mv`), as ReOpenLogFile. */
  reopen?(): void;
  /** Release the file or socket. */
  close?(): void;
}

export interface LoggerOptions {
  logtime: boolean;
  debug: boolean;
  trace: boolean;
  /** Append to this file instead of stderr. */
  logFile?: string;
  /** Rotate the log file past this many bytes (0 = never). */
  logSizeLimit?: number;
  /** Local syslog (-s): not available in Bun without a native dependency; warns and uses stderr. */
  syslog?: boolean;
  /** udp://host:port or tcp://host:port (-r). */
  remoteSyslog?: string;
  /** nats-server's NoLog: discard everything. */
  noLog?: boolean;
  /** Coloured labels; default: when stderr is a terminal (as the reference). */
  colors?: boolean;
  /** Where stderr lines go (tests); default: file descriptor 2. */
  sink?: (line: string) => void;
  /** The "[pid] " prefix's pid (tests); default process.pid. */
  pid?: number;
  /** The syslog tag; default: the program name. */
  tag?: string;
}

const enum Level {
  fatal = 0,
  error = 0,
  warn = 1,
  info = 3,
  debug = 4,
  trace = 5,
}

interface Labels {
  info: string;
  warn: string;
  error: string;
  fatal: string;
  debug: string;
  trace: string;
}

// logger/log.go setPlainLabelFormats / setColoredLabelFormats.
const PLAIN: Labels = {
  info: "[INF] ",
  warn: "[WRN] ",
  error: "[ERR] ",
  fatal: "[FTL] ",
  debug: "[DBG] ",
  trace: "[TRC] ",
};
const color = (code: string, label: string): string => `[\x1b[${code}m${label}\x1b[0m] `;
const COLORED: Labels = {
  info: color("32", "INF"),
  warn: color("0;93", "WRN"),
  error: color("31", "ERR"),
  fatal: color("31", "FTL"),
  debug: color("36", "DBG"),
  trace: color("33", "TRC"),
};

// syslog severities used by logger/syslog.go: Notice, Warning, Err, Crit, Debug (trace is Notice).
const SYSLOG_SEVERITY: Record<keyof Labels, number> = { info: 5, warn: 4, error: 3, fatal: 2, debug: 7, trace: 5 };

const pad2 = (n: number): string => (n < 10 ? "0" + n : String(n));

let cachedSecond = -1;
let cachedPrefix = "";

/**
 * Go's log.LstdFlags|log.Lmicroseconds in local time: "2006/01/02 15:04:05.000000 ".
 * `nowMs` is a millisecond time with a fractional part (microseconds).
 */
export function formatLogTime(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedSecond = second;
    cachedPrefix =
      `${d.getFullYear()}/${pad2(d.getMonth() + 1)}/${pad2(d.getDate())} ` +
      `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.`;
  }
  const micros = Math.min(999_999, Math.round((nowMs - second * 1000) * 1000));
  return cachedPrefix + String(micros).padStart(6, "0") + " ";
}

/**
 * Writes all of `text` to a file descriptor, synchronously, as Go's log writes to os.Stderr. A pipe
 * left non-blocking by the parent may refuse (EAGAIN) or take part: the rest goes through the
 * stream API. Other errors (EPIPE: nobody reads any more) are dropped, as Go's log drops them.
 */
export function writeFd(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let off = 0;
  try {
    while (off < bytes.length) off += writeSync(fd, bytes, off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return;
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(off));
  }
}

/** Wall-clock time in ms with microsecond resolution (Date.now() has only ms). */
function nowMicros(): number {
  return performance.timeOrigin + performance.now();
}

/** The rotated file's name: fname + ".YYYY.MM.DD.hh.mm.ss.nnnnnnnnn" (fileLogger.Write). */
export function rotatedName(fname: string, nowMs: number): string {
  const d = new Date(Math.floor(nowMs));
  const nanos = Math.min(999_999_999, Math.round((nowMs - Math.floor(nowMs / 1000) * 1000) * 1_000_000));
  return (
    `${fname}.${d.getFullYear()}.${pad2(d.getMonth() + 1)}.${pad2(d.getDate())}.` +
    `${pad2(d.getHours())}.${pad2(d.getMinutes())}.${pad2(d.getSeconds())}.${String(nanos).padStart(9, "0")}`
  );
}

/** A log file opened for append, with the reference's size-based rotation. */
class FileSink {
  private fd: number;
  private out: number;

  constructor(
    readonly path: string,
    private limit: number,
    private readonly directLine: (label: string, msg: string, eol: string) => string,
  ) {
    this.fd = FileSink.open(path);
    this.out = fstatSync(this.fd).size;
  }

  private static open(path: string): number {
    // os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0660 (newFileLogger).
    return openSync(path, "a", 0o660);
  }

  /** True when the file is already past the limit (setLimit logs "Rotating logfile..."). */
  get overLimit(): boolean {
    return this.limit > 0 && this.out > this.limit;
  }

  write(line: string): void {
    const n = writeSync(this.fd, line);
    this.out += n;
    if (this.limit > 0 && this.out > this.limit) this.rotate();
  }

  private rotate(): void {
    closeSync(this.fd);
    const bak = rotatedName(this.path, nowMicros());
    try {
      renameSync(this.path, bak);
    } catch {
      // os.Rename's error is ignored by the reference too.
    }
    this.fd = FileSink.open(this.path);
    // logDirect: written straight to the new file, with "\r\n" as the reference.
    const entry = this.directLine(PLAIN.info, `Rotated log, backup saved as ${JSON.stringify(bak)}`, "\r\n");
    this.out = writeSync(this.fd, entry);
  }

  reopen(): void {
    closeSync(this.fd);
    this.fd = FileSink.open(this.path);
    this.out = fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Thrown when the log destination cannot be opened (the reference: "error opening file: ..."). */
export class LoggerError extends Error {}

type Kind = keyof Labels;
const KIND_BY_TYPE: Record<string, Kind> = {
  info: "info",
  warn: "warn",
  error: "error",
  fatal: "fatal",
  debug: "debug",
  trace: "trace",
};

/** The nats-server-shaped logger. */
export class NatsLogger implements Logger {
  debugEnabled: boolean;
  traceEnabled: boolean;
  /** Set once a fatal entry was written (main exits 1 without printing the error again). */
  fatalLogged = false;

  private readonly consola: ConsolaInstance;
  private readonly prefix: string;
  private readonly labels: Labels;
  private readonly stderr: (line: string) => void;
  private file?: FileSink;
  private syslog?: SyslogSink;
  private readonly opts: LoggerOptions;

  constructor(opts: LoggerOptions) {
    this.opts = opts;
    this.debugEnabled = opts.debug;
    this.traceEnabled = opts.trace;
    const pid = opts.pid ?? process.pid;
    this.prefix = `[${pid}] `;
    this.stderr = opts.sink ?? ((line) => writeFd(2, line));
    const toFile = !!opts.logFile;
    this.labels = !toFile && (opts.colors ?? (!opts.sink && stderrIsCharDevice())) ? COLORED : PLAIN;

    const reporter: ConsolaReporter = { log: (obj) => this.report(obj) };
    // throttle 0: consola would otherwise fold repeated identical lines ("(repeated N times)").
    this.consola = createConsola({ level: Level.trace, throttle: 0, reporters: [reporter] });

    const pendingWarnings: string[] = [];
    if (opts.noLog) {
      this.debugEnabled = this.traceEnabled = false;
    } else if (opts.logFile) {
      try {
        this.file = new FileSink(opts.logFile, opts.logSizeLimit ?? 0, (label, msg, eol) => this.line(label, msg, eol));
      } catch (e) {
        throw new LoggerError(`error opening file: ${(e as Error).message}`);
      }
    } else if (opts.remoteSyslog) {
      let url: URL | undefined;
      try {
        url = new URL(opts.remoteSyslog);
      } catch {
        throw new LoggerError(`error invalid syslog address: ${JSON.stringify(opts.remoteSyslog)}`);
      }
      if (url.protocol === "udp:" || url.protocol === "tcp:") {
        this.syslog = new SyslogSink(url, opts.tag ?? "bnats", pid);
      } else if (url.protocol === "unix:") {
        pendingWarnings.push(`Remote syslog over a unix socket (${opts.remoteSyslog}) is not supported by bnats, logging to stderr`);
      } else {
        // getNetworkAndAddr: log.Fatalf("error invalid network type: %q", u.Scheme).
        throw new LoggerError(`error invalid network type: ${JSON.stringify(url.protocol.slice(0, -1))}`);
      }
    } else if (opts.syslog) {
      // Local syslog needs a unix datagram socket (/dev/log), which Bun cannot open without a native addon.
      pendingWarnings.push("Local syslog is not supported by bnats, logging to stderr (use --remote_syslog udp://host:514)");
    }
    for (const w of pendingWarnings) this.warn(w);
    // setLimit: a file already past the limit is rotated at once.
    if (this.file?.overLimit) this.notice("Rotating logfile...");
  }

  /** Change the levels (config reload). */
  setLevels(debug: boolean, trace: boolean): void {
    if (this.opts.noLog) return;
    this.debugEnabled = debug;
    this.traceEnabled = trace;
  }

  notice(msg: string): void {
    if (!this.opts.noLog) this.consola.info(msg);
  }
  warn(msg: string): void {
    if (!this.opts.noLog) this.consola.warn(msg);
  }
  error(msg: string): void {
    if (!this.opts.noLog) this.consola.error(msg);
  }
  fatal(msg: string): void {
    this.fatalLogged = true;
    if (!this.opts.noLog) this.consola.fatal(msg);
  }
  debug(msg: string): void {
    if (this.debugEnabled) this.consola.debug(msg);
  }
  trace(msg: string): void {
    if (this.traceEnabled) this.consola.trace(msg);
  }

  /** SIGUSR1 (server/log.go ReOpenLogFile): re-open the file after a rotation by `mv`. */
  reopen(): void {
    if (!this.file) {
      this.notice("File log re-open ignored, not a file logger");
      return;
    }
    this.file.reopen();
    this.notice("File log re-opened");
    if (this.file.overLimit) this.notice("Rotating logfile...");
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
    this.syslog?.close();
    this.syslog = undefined;
  }

  private line(label: string, msg: string, eol: string): string {
    const time = this.opts.logtime ? formatLogTime(nowMicros()) : "";
    // Go's log.Printf adds the newline only when the message does not end with one.
    return this.prefix + time + label + msg + (msg.endsWith("\n") ? "" : eol);
  }

  private report(obj: LogObject): void {
    const kind = KIND_BY_TYPE[obj.type] ?? "info";
    const msg = obj.args.length === 1 ? String(obj.args[0]) : obj.args.map(String).join(" ");
    if (this.syslog) {
      this.syslog.write(SYSLOG_SEVERITY[kind], msg);
      return;
    }
    if (this.file) {
      this.file.write(this.line(PLAIN[kind], msg, "\n"));
      return;
    }
    this.stderr(this.line(this.labels[kind], msg, "\n"));
  }
}

/** The logger main uses: from the server options' logging fields. */
export function createLogger(opts: LoggerOptions): NatsLogger {
  return new NatsLogger(opts);
}

/** A logger that drops everything (tests, embedding). */
export const nullLogger: Logger = {
  debugEnabled: false,
  traceEnabled: false,
  notice() {},
  warn() {},
  error() {},
  fatal() {},
  debug() {},
  trace() {},
};
