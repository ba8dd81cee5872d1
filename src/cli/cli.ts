// The command line: nats-server's flags (server/opts.go ConfigureOptions, v2.9.10), same names and
// meanings, parsed as Go's flag package does (src/goflags.ts), then handed to a citty command in a
// canonical `--key=value` form. The result is a Partial<Options> of the flags given explicitly
// (nats-server re-parses the flags after reading the config file, so only those override it).

import { defineCommand, parseArgs as cittyParseArgs, type ArgsDef } from "citty";
import { DEFAULT_TLS_TIMEOUT, VERSION, type Options, type TLSOptions } from "../options.ts";
import { GoURLError, parseGoURL, splitGoHostPort } from "../go/url.ts";
import { FlagError, parseGoFlags, type FlagKind, type FlagSpec, type SetFlag } from "./goflags.ts";
import { PROGRAM } from "./usage.ts";

export { FlagError };

export type CliAction = "run" | "version" | "help" | "help_tls" | "signal";

export interface CliResult {
  action: CliAction;
  /** The options set by flags (only those given). */
  flags: Partial<Options>;
  configFile?: string;
  /** -t: test the configuration file and exit. */
  checkConfig: boolean;
  /** -sl/--signal: "<command>[=<pid or pid file>]". */
  signal?: string;
  /** -tls=false: the config file's tls block is dropped (ConfigureOptions' tlsDisabled). */
  tlsDisabled: boolean;
  /** Flags accepted but without effect in bnats, one line each (log them as warnings). */
  notes: string[];
  /**
   * An invalid --cluster/--cluster_listen URL: nats-server reports it after reading the config file
   * (and not at all with -t), so main does too (see clusterFlagError).
   */
  clusterError?: string;
  /** --routes was given a non-empty list (RoutesStr != ""): a cluster listen address is then required. */
  routesGiven: boolean;
}

/** An invalid command line: the message is the reference's text (without the program prefix). */
export class CliError extends Error {
  /** True for flag syntax errors (Go's flag package errors): print a usage hint after the message. */
  constructor(
    message: string,
    readonly syntax = false,
  ) {
    super(message);
  }
}

// Canonical key -> [kind, Go flag names] (ConfigureOptions' fs.XxxVar calls).
const FLAGS: Record<string, [FlagKind, string[]]> = {
  help: ["bool", ["h", "help"]],
  port: ["int", ["port", "p"]],
  server_name: ["string", ["n", "name", "server_name"]],
  addr: ["string", ["addr", "a", "net"]],
  client_advertise: ["string", ["client_advertise"]],
  debug: ["bool", ["D", "debug"]],
  trace: ["bool", ["V", "trace"]],
  trace_verbose: ["bool", ["VV"]],
  debug_trace: ["bool", ["DV"]],
  debug_trace_verbose: ["bool", ["DVV"]],
  logtime: ["bool", ["T", "logtime"]],
  user: ["string", ["user"]],
  pass: ["string", ["pass"]],
  auth: ["string", ["auth"]],
  http_port: ["int", ["m", "http_port"]],
  https_port: ["int", ["ms", "https_port"]],
  config: ["string", ["c", "config"]],
  check_config: ["bool", ["t"]],
  signal: ["string", ["sl", "signal"]],
  pid: ["string", ["P", "pid"]],
  ports_file_dir: ["string", ["ports_file_dir"]],
  log: ["string", ["l", "log"]],
  log_size_limit: ["int", ["log_size_limit"]],
  syslog: ["bool", ["s", "syslog"]],
  remote_syslog: ["string", ["r", "remote_syslog"]],
  version: ["bool", ["version", "v"]],
  profile: ["int", ["profile"]],
  routes: ["string", ["routes"]],
  cluster: ["string", ["cluster", "cluster_listen"]],
  cluster_advertise: ["string", ["cluster_advertise"]],
  no_advertise: ["bool", ["no_advertise"]],
  connect_retries: ["int", ["connect_retries"]],
  cluster_name: ["string", ["cluster_name"]],
  help_tls: ["bool", ["help_tls"]],
  tls: ["bool", ["tls"]],
  tlsverify: ["bool", ["tlsverify"]],
  tlscert: ["string", ["tlscert"]],
  tlskey: ["string", ["tlskey"]],
  tlscacert: ["string", ["tlscacert"]],
  max_traced_msg_len: ["int", ["max_traced_msg_len"]],
  jetstream: ["bool", ["js", "jetstream"]],
  store_dir: ["string", ["sd", "store_dir"]],
};

/** Go flag name -> spec. */
export const FLAG_SPECS: Readonly<Record<string, FlagSpec>> = Object.fromEntries(
  Object.entries(FLAGS).flatMap(([key, [kind, names]]) => names.map((n) => [n, { kind, key }])),
);

/** The citty command: one argument per canonical key (ints travel as strings, already validated). */
const cittyArgs: ArgsDef = Object.fromEntries(
  Object.entries(FLAGS).map(([key, [kind, names]]) => [
    key,
    kind === "bool"
      ? { type: "boolean" as const, description: `-${names.join(", -")}` }
      : { type: "string" as const, description: `-${names.join(", -")}` },
  ]),
);

export const command = defineCommand({
  meta: { name: PROGRAM, version: VERSION, description: "A NATS server for Bun, a drop-in for nats-server (core NATS)" },
  args: cittyArgs,
});

/** Keys bnats accepts and ignores, with the reason logged when they are set. */
const IGNORED: Record<string, string> = {
  profile: "bnats has no profiling port",
  max_traced_msg_len: "bnats traces messages in full",
  jetstream: "bnats has no JetStream",
  store_dir: "bnats has no JetStream",
};

const DEFAULT_PORT = 4222;
const DEFAULT_HOST = "0.0.0.0";

/**
 * Go-style flags -> canonical tokens for citty: the last occurrence of each option wins (the
 * aliases of one option share a variable in Go), booleans become `--key` / `--no-key`.
 */
export function canonicalTokens(set: readonly SetFlag[]): string[] {
  const last = new Map<string, SetFlag>();
  for (const f of set) {
    last.delete(f.key);
    last.set(f.key, f);
  }
  const tokens: string[] = [];
  for (const [key, f] of last) {
    if (typeof f.value === "boolean") tokens.push(f.value ? `--${key}` : `--no-${key}`);
    else tokens.push(`--${key}=${f.value}`);
  }
  return tokens;
}

/** Parses nats-server's command line. Throws CliError. */
export function parseArgs(argv: readonly string[]): CliResult {
  let set: SetFlag[];
  let positional: string[];
  try {
    ({ set, args: positional } = parseGoFlags(argv, FLAG_SPECS));
  } catch (e) {
    if (e instanceof FlagError) throw new CliError(e.message, true);
    throw e;
  }
  const a = cittyParseArgs(canonicalTokens(set), cittyArgs) as Record<string, string | boolean | undefined>;
  const str = (k: string): string | undefined => (typeof a[k] === "string" ? (a[k] as string) : undefined);
  const bool = (k: string): boolean | undefined => (typeof a[k] === "boolean" ? (a[k] as boolean) : undefined);
  const int = (k: string): number | undefined => (typeof a[k] === "string" ? Number(a[k]) : undefined);

  const result: CliResult = {
    action: "run",
    flags: {},
    checkConfig: false,
    tlsDisabled: false,
    notes: [],
    routesGiven: false,
  };
  // ConfigureOptions' order: version, help, TLS help, then the positional commands.
  if (bool("version")) return { ...result, action: "version" };
  if (bool("help")) return { ...result, action: "help" };
  if (bool("help_tls")) return { ...result, action: "help_tls" };
  if (positional.length > 0) {
    // ProcessCommandLineArgs
    const cmd = positional[0]!;
    switch (cmd.toLowerCase()) {
      case "version":
        return { ...result, action: "version" };
      case "help":
        return { ...result, action: "help" };
      default:
        throw new CliError(`unrecognized command: ${JSON.stringify(cmd)}`);
    }
  }

  const signal = str("signal");
  if (signal !== undefined && signal !== "") return { ...result, action: "signal", signal };

  const f = result.flags;
  const port = int("port");
  if (port !== undefined) f.port = port === 0 ? DEFAULT_PORT : port; // setBaselineOptions: 0 is the default port
  const host = str("addr");
  if (host !== undefined) f.host = host === "" ? DEFAULT_HOST : host;
  if (str("server_name") !== undefined) f.serverName = str("server_name");
  if (str("client_advertise") !== undefined) f.clientAdvertise = str("client_advertise");
  if (str("user") !== undefined) f.username = str("user");
  if (str("pass") !== undefined) f.password = str("pass");
  if (str("auth") !== undefined) f.authorization = str("auth");
  if (int("http_port") !== undefined) f.httpPort = int("http_port");
  if (int("https_port") !== undefined) f.httpsPort = int("https_port");
  if (str("pid") !== undefined) f.pidFile = str("pid");
  if (str("ports_file_dir") !== undefined) f.portsFileDir = str("ports_file_dir");
  if (str("log") !== undefined) f.logFile = str("log");
  if (int("log_size_limit") !== undefined) f.logSizeLimit = int("log_size_limit");
  if (bool("syslog") !== undefined) f.syslog = bool("syslog");
  if (str("remote_syslog") !== undefined) f.remoteSyslog = str("remote_syslog");
  if (bool("logtime") !== undefined) f.logtime = bool("logtime");
  applyLogLevels(f, set, bool);

  const configFile = str("config");
  if (configFile !== undefined && configFile !== "") {
    result.configFile = configFile;
    f.configFile = configFile;
  }
  result.checkConfig = bool("check_config") ?? false;
  if (result.checkConfig && result.configFile === undefined) {
    throw new CliError("must specify [-c, --config] option to check configuration file syntax");
  }

  applyTLS(result, set, str, bool);
  applyCluster(result, str, bool, int);

  for (const [key, why] of Object.entries(IGNORED)) {
    const v = a[key];
    if (v === undefined || v === false || v === "" || v === "0") continue;
    const given = set.findLast((s) => s.key === key)!.name;
    result.notes.push(`Ignoring -${given}: ${why}`);
  }
  return result;
}

/**
 * -D/-V set debug/trace while parsing; then -DV, -DVV and -VV apply in the order fs.Visit walks
 * them (lexicographic: DV, DVV, VV), each setting its levels to its own value (`-DV=false` too).
 */
function applyLogLevels(f: Partial<Options>, set: readonly SetFlag[], bool: (k: string) => boolean | undefined): void {
  if (bool("debug") !== undefined) f.debug = bool("debug");
  if (bool("trace") !== undefined) f.trace = bool("trace");
  const given = new Set(set.map((s) => s.key));
  if (given.has("debug_trace")) {
    const v = bool("debug_trace")!;
    f.debug = f.trace = v;
  }
  if (given.has("debug_trace_verbose")) {
    const v = bool("debug_trace_verbose")!;
    f.debug = f.trace = f.traceVerbose = v;
  }
  if (given.has("trace_verbose")) {
    const v = bool("trace_verbose")!;
    f.trace = f.traceVerbose = v;
  }
}

/**
 * The TLS flags (ConfigureOptions' tlsOverride / overrideTLS): `-tls=false` removes TLS; any other
 * tls* flag replaces the config file's TLS with one built from the flags, which then must name
 * the certificate and the key.
 */
function applyTLS(
  result: CliResult,
  set: readonly SetFlag[],
  str: (k: string) => string | undefined,
  bool: (k: string) => boolean | undefined,
): void {
  const tlsKeys = set.filter((s) => s.name.startsWith("tls"));
  if (tlsKeys.length === 0) return;
  if (bool("tls") === false) {
    result.tlsDisabled = true;
    return;
  }
  const cert = str("tlscert") ?? "";
  const key = str("tlskey") ?? "";
  if (cert === "") throw new CliError("TLS Server certificate must be present and valid");
  if (key === "") throw new CliError("TLS Server private key must be present and valid");
  const tls: TLSOptions = {
    certFile: cert,
    keyFile: key,
    verify: bool("tlsverify") ?? false,
    map: false,
    timeout: DEFAULT_TLS_TIMEOUT,
    handshakeFirst: 0,
    connectionRateLimit: 0,
  };
  const ca = str("tlscacert");
  if (ca) tls.caFile = ca;
  result.flags.tls = tls;
}

/**
 * The cluster flags (ConfigureOptions): --cluster/--cluster_listen replace the listen address and the
 * credentials (overrideCluster), --routes the route list (RoutesFromStr), the others one field each.
 */
function applyCluster(
  result: CliResult,
  str: (k: string) => string | undefined,
  bool: (k: string) => boolean | undefined,
  int: (k: string) => number | undefined,
): void {
  const f = result.flags;
  if (str("cluster_name") !== undefined) f.clusterName = str("cluster_name");
  if (str("cluster_advertise") !== undefined) f.clusterAdvertise = str("cluster_advertise");
  if (bool("no_advertise") === true) f.clusterNoAdvertise = true; // MergeOptions: only a true flag counts
  const retries = int("connect_retries");
  if (retries !== undefined && retries !== 0) f.clusterConnectRetries = retries;
  const listen = str("cluster");
  if (listen !== undefined) {
    try {
      Object.assign(f, overrideCluster(listen));
    } catch (e) {
      if (!(e instanceof GoURLError)) throw e;
      result.clusterError = e.message;
    }
  }
  const routes = str("routes");
  if (routes !== undefined) {
    // An empty --routes removes the config file's routes.
    f.routes = routes === "" ? [] : routes.split(",").map((r) => r.trim());
    result.routesGiven = routes !== "";
  }
}

/** overrideCluster: "nats://[user:pass@]host:port" (port -1 = random); "" turns clustering off. */
function overrideCluster(listen: string): Partial<Options> {
  if (listen === "") return { clusterPort: 0 };
  // -1 does not parse as a URL port: the reference parses ":0" and puts -1 back.
  const random = listen.endsWith(":-1");
  const u = parseGoURL(random ? `${listen.slice(0, -3)}:0` : listen);
  const hp = splitGoHostPort(u.host);
  let port: number;
  if (random) port = -1;
  else {
    // fmt.Sscan: leading digits (with a sign) make the number; nothing at all is "EOF".
    const m = /^[+-]?[0-9]+/.exec(hp.port);
    if (hp.port === "") throw new GoURLError("EOF");
    if (m === null) throw new GoURLError("expected integer");
    port = Number(m[0]);
  }
  const o: Partial<Options> = { clusterHost: hp.host, clusterPort: port, clusterUsername: "", clusterPassword: "" };
  if (u.user !== undefined) {
    if (u.user.password === undefined) throw new GoURLError("expected cluster password to be set");
    o.clusterUsername = u.user.username;
    o.clusterPassword = u.user.password;
  }
  return o;
}

/**
 * The cluster flag errors nats-server reports once the config file is read (-t exits before): a bad
 * --cluster URL, or --routes without any cluster listen address in the flags or the file.
 */
export function clusterFlagError(cli: CliResult, file: Partial<Options>): string | undefined {
  if (cli.clusterError !== undefined) return cli.clusterError;
  const listenFlag = cli.flags.clusterPort !== undefined && cli.flags.clusterPort !== 0;
  const port = cli.flags.clusterPort ?? file.clusterPort; // `--cluster ""` turned the file's port off
  if (cli.routesGiven && !listenFlag && !file.clusterHost && !port) {
    return "solicited routes require cluster capabilities, e.g. --cluster";
  }
  return undefined;
}
