// From a parsed configuration file to Partial<Options>: nats-server's ProcessConfigFile and
// processConfigFileLine (opts.go, v2.9.10). Other code consumes Options only.
//
// Behaviour copied from the reference:
// - every error of the file is collected; ConfigError's message is the first one, one line
//   ("file:line:col: reason"), and `errors` holds them all;
// - a top-level key the reference does not know is an error (`unknown field "x"`), unless its value
//   was used as a $variable; the same inside authorization, users, permissions and tls;
// - ping_interval/write_deadline given as a number of seconds is accepted with a warning
//   (`invalid use of field "ping_interval": ping_interval should be converted to a duration`);
//   `nats-server -t` fails on such warnings, a normal start prints them and continues;
// - zero values keep the default (setBaselineOptions): `max_payload: 0` is 1MB, `port: 0` is 4222.
// Differences, on purpose:
// - keys the reference knows but bnats does not implement (gateway, jetstream, mqtt,
//   ...) are accepted with a note in `warnings`; those that would silently open the server if
//   ignored (operator/JWT trust and resolvers) are errors;
// - `max_closed_clients` and `metrics_prefix` are bnats extensions (the reference rejects the first);
// - negative sizes (max_payload, max_control_line, max_pending, ...) and ports outside -1..65535
//   are errors (the reference accepts some and fails later, or treats them as "no limit").

import { readFileSync } from "node:fs";
import type { Options } from "../options.ts";
import { GLOBAL_ACCOUNT_NAME, parseAccounts, parseMappings, userNames } from "./accounts.ts";
import { parseAuthorization } from "./auth.ts";
import { parseCluster } from "./cluster.ts";
import { formatGoDuration } from "../go/duration.ts";
import { ConfigError, describeFsError, parseTokens, type ConfigObject, type ConfigValue, type Token, type TokenMap } from "./parser.ts";
import { parseLeafNodes } from "./leafnodes.ts";
import { parseTLS } from "./tls.ts";
import { parseWebsocket } from "./websocket.ts";
import {
  LoadContext,
  checkPort,
  getBool,
  getDuration,
  getDurationString,
  getInt,
  getListen,
  getNonNegativeInt,
  getString,
  getStringArray,
} from "./values.ts";

export { ConfigError };

export interface ConfigLoadResult {
  options: Partial<Options>;
  /**
   * The reference's warnings, one line each ("file:line:col: invalid use of field ..."). nats-server
   * prints them and starts, but `-t` fails on them (exit 1).
   */
  warnings: string[];
  /** Notes about keys bnats accepts but does not act on ("file:line:col: ignoring ..."); print them. */
  notes: string[];
}

/** Reference keys bnats accepts and ignores (with a note): features it does not have. */
const IGNORED_KEYS: Record<string, string> = {
  gateway: "gateways",
  jetstream: "JetStream",
  store_dir: "JetStream",
  storedir: "JetStream",
  mqtt: "MQTT",
  mappings: "subject mappings",
  maps: "subject mappings",
  system_account: "the system account",
  system: "the system account",
  no_system_account: "the system account",
  no_system: "the system account",
  no_sys_acc: "the system account",
  default_js_domain: "JetStream",
  ocsp: "OCSP stapling",
  prof_port: "the profiling port",
  max_traced_msg_len: "max_traced_msg_len",
  max_sub_tokens: "max_sub_tokens",
  max_subscription_tokens: "max_sub_tokens",
  disable_sublist_cache: "disabling the sublist cache",
  no_sublist_cache: "disabling the sublist cache",
  connect_error_reports: "route/gateway error reports",
  reconnect_error_reports: "route/gateway error reports",
};

/** Reference keys that bnats refuses: ignoring them would run the server without the auth they set up. */
const REFUSED_KEYS = new Set([
  "operator",
  "operators",
  "roots",
  "root",
  "root_operators",
  "root_operator",
  "trusted",
  "trusted_keys",
  "resolver",
  "account_resolver",
  "accounts_resolver",
  "resolver_tls",
  "resolver_preload",
  "resolver_pinned_accounts",
]);

/**
 * Reads, parses and maps a configuration file. Warnings and notes (one line each) are pushed into
 * `warnings` when given. Throws ConfigError.
 */
export function loadConfigFile(path: string, warnings?: string[]): Partial<Options> {
  const r = loadConfig(path);
  warnings?.push(...r.warnings, ...r.notes);
  return r.options;
}

/** Reads, parses and maps a configuration file, returning the options and the warnings. */
export function loadConfig(path: string): ConfigLoadResult {
  let data: string;
  try {
    data = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`error opening config file: ${describeFsError(e, path)}`);
  }
  const tokens = parseTokens(data, path);
  const warnings: string[] = [];
  const notes: string[] = [];
  const options = mapConfig(tokens, warnings, notes);
  options.configFile = path;
  return { options, warnings, notes };
}

/**
 * Maps a parsed configuration (tokens with positions from parseTokens, or a plain object) onto
 * Partial<Options>. Throws ConfigError on any error; pushes warnings and notes into `warnings` when given.
 */
export function configToOptions(
  obj: TokenMap | ConfigObject,
  file: string,
  warnings?: string[],
): Partial<Options> {
  const m = obj instanceof Map ? obj : plainToTokens(obj, file);
  return mapConfig(m, warnings, warnings);
}

function mapConfig(m: TokenMap, warnings?: string[], notes?: string[]): Partial<Options> {
  const ctx = new LoadContext();
  const o: Partial<Options> = {};
  for (const [k, tk] of m) processKey(ctx, o, k, tk);
  warnings?.push(...ctx.warnings);
  notes?.push(...ctx.notes);
  const first = ctx.errors[0];
  if (first !== undefined) {
    first.errors = ctx.errors;
    throw first;
  }
  return o;
}

function processKey(ctx: LoadContext, o: Partial<Options>, k: string, tk: Token): void {
  const key = k.toLowerCase();
  switch (key) {
    case "listen": {
      const hp = getListen(ctx, k, tk);
      if (hp === undefined) return;
      if (hp.host) o.host = hp.host;
      setPort(ctx, o, "port", k, tk, hp.port);
      return;
    }
    case "port": {
      const p = getInt(ctx, k, tk);
      if (p !== undefined) setPort(ctx, o, "port", k, tk, p);
      return;
    }
    case "host":
    case "net":
      set(o, "host", getString(ctx, k, tk));
      return;
    case "client_advertise":
      set(o, "clientAdvertise", getString(ctx, k, tk));
      return;
    case "server_name": {
      const s = getString(ctx, k, tk);
      // As the reference's NewServer check.
      if (s !== undefined && /\s/.test(s)) ctx.error(tk, "server name cannot contain spaces");
      else set(o, "serverName", s);
      return;
    }
    case "server_tags":
      set(o, "tags", getStringArray(ctx, "tags", tk));
      return;
    case "debug":
      set(o, "debug", getBool(ctx, k, tk));
      return;
    case "trace":
      set(o, "trace", getBool(ctx, k, tk));
      return;
    case "trace_verbose": {
      const b = getBool(ctx, k, tk);
      // As the reference: trace_verbose sets trace too.
      set(o, "traceVerbose", b);
      set(o, "trace", b);
      return;
    }
    case "logtime":
      set(o, "logtime", getBool(ctx, k, tk));
      return;
    case "logfile":
    case "log_file":
      set(o, "logFile", getString(ctx, k, tk));
      return;
    case "logfile_size_limit":
    case "log_size_limit":
      set(o, "logSizeLimit", getNonNegativeInt(ctx, k, tk));
      return;
    case "syslog":
      set(o, "syslog", getBool(ctx, k, tk));
      return;
    case "remote_syslog":
      set(o, "remoteSyslog", getString(ctx, k, tk));
      return;
    case "pidfile":
    case "pid_file":
      set(o, "pidFile", getString(ctx, k, tk));
      return;
    case "ports_file_dir":
      set(o, "portsFileDir", getString(ctx, k, tk));
      return;
    case "http":
    case "https": {
      const hp = getListen(ctx, k, tk);
      if (hp === undefined) return;
      if (hp.host) o.httpHost = hp.host;
      setPort(ctx, o, key === "http" ? "httpPort" : "httpsPort", k, tk, hp.port);
      return;
    }
    case "http_port":
    case "monitor_port":
    case "https_port": {
      const p = getInt(ctx, k, tk);
      if (p !== undefined) setPort(ctx, o, key === "https_port" ? "httpsPort" : "httpPort", k, tk, p);
      return;
    }
    case "http_base_path":
      set(o, "httpBasePath", getString(ctx, k, tk));
      return;
    case "max_control_line":
    case "max_payload": {
      const n = getNonNegativeInt(ctx, k, tk);
      if (n === undefined) return;
      if (n > 2 ** 31 - 1) {
        ctx.error(tk, `${k} value is too big`);
        return;
      }
      if (n !== 0) o[key === "max_payload" ? "maxPayload" : "maxControlLine"] = n;
      return;
    }
    case "max_pending": {
      const n = getNonNegativeInt(ctx, k, tk);
      if (n) o.maxPending = n;
      return;
    }
    case "max_connections":
    case "max_conn": {
      // A negative value means "no limit" in the reference (it checks MaxConn > 0); 0 is the default.
      const n = getInt(ctx, k, tk);
      if (n) o.maxConnections = n;
      return;
    }
    case "max_subscriptions":
    case "max_subs": {
      // The reference checks MaxSubs > 0: negative is unlimited, as 0.
      const n = getInt(ctx, k, tk);
      if (n !== undefined) o.maxSubscriptions = Math.max(0, n);
      return;
    }
    case "max_closed_clients": {
      // bnats extension (nats-server has it as an option, not as a config key).
      const n = getNonNegativeInt(ctx, k, tk);
      if (n) o.maxClosedClients = n;
      return;
    }
    case "ping_interval":
    case "write_deadline": {
      const d = getDuration(ctx, key, tk);
      if (d === undefined) return;
      if (d < 0) ctx.error(tk, `invalid ${key} of ${formatGoDuration(d)}, needs to be positive`);
      else if (d !== 0) o[key === "ping_interval" ? "pingInterval" : "writeDeadline"] = d;
      return;
    }
    case "ping_max": {
      const n = getNonNegativeInt(ctx, k, tk);
      if (n) o.pingMax = n;
      return;
    }
    case "lame_duck_duration": {
      const d = getDurationString(ctx, key, tk);
      if (d === undefined) return;
      if (d < 30_000) ctx.error(tk, `invalid lame_duck_duration of ${formatGoDuration(d)}, minimum is 30 seconds`);
      else o.lameDuckDuration = d;
      return;
    }
    case "lame_duck_grace_period": {
      const d = getDurationString(ctx, key, tk);
      if (d === undefined) return;
      if (d < 0) ctx.error(tk, "invalid lame_duck_grace_period, needs to be positive");
      else if (d !== 0) o.lameDuckGracePeriod = d;
      return;
    }
    case "no_header_support":
      set(o, "noHeaderSupport", getBool(ctx, k, tk));
      return;
    case "no_auth_user":
      set(o, "noAuthUser", getString(ctx, k, tk));
      return;
    case "authorization":
      processAuthorization(ctx, o, tk);
      return;
    case "tls":
      set(o, "tls", parseTLS(ctx, tk));
      return;
    case "websocket":
    case "ws":
      set(o, "websocket", parseWebsocket(ctx, tk));
      return;
    case "allow_non_tls":
      set(o, "allowNonTLS", getBool(ctx, k, tk));
      return;
    case "metrics_prefix":
      // bnats extension: the prefix of the Prometheus metric names.
      set(o, "metricsPrefix", getString(ctx, k, tk));
      return;
    case "accounts":
      parseAccounts(ctx, tk, o);
      return;
    case "mappings":
    case "maps": {
      // As the reference: top-level mappings belong to the global account.
      const accounts = (o.accounts ??= []);
      let gacc = accounts.find((a) => a.name === GLOBAL_ACCOUNT_NAME);
      if (gacc === undefined) {
        gacc = { name: GLOBAL_ACCOUNT_NAME, streamExports: [], serviceExports: [], streamImports: [], serviceImports: [], mappings: [] };
        accounts.push(gacc);
      }
      parseMappings(ctx, tk, gacc.mappings);
      return;
    }
    case "system_account":
    case "system":
      // configureSystemAccount of the reference.
      if (tk.kind !== "string") ctx.error(tk, "system account name must be a string");
      else o.systemAccount = tk.value;
      return;
    case "no_system_account":
    case "no_system":
    case "no_sys_acc":
      set(o, "noSystemAccount", getBool(ctx, k, tk));
      return;
    case "leafnodes":
    case "leaf":
      set(o, "leafnodes", parseLeafNodes(ctx, tk));
      return;
    case "cluster":
      Object.assign(o, parseCluster(ctx, tk));
      return;
  }
  if (REFUSED_KEYS.has(key)) {
    ctx.error(
      tk,
      `${JSON.stringify(k)} is not supported by bnats: decentralized (operator/JWT) authentication is not implemented, and ignoring it would leave the server open`,
    );
    return;
  }
  const feature = IGNORED_KEYS[key];
  if (feature !== undefined) {
    ctx.note(tk, `ignoring ${JSON.stringify(k)}: ${feature} is not supported by bnats`);
    return;
  }
  ctx.unknown(tk, k);
}

function set<K extends keyof Options>(o: Partial<Options>, key: K, value: Options[K] | undefined): void {
  if (value !== undefined) o[key] = value;
}

type PortKey = "port" | "httpPort" | "httpsPort";

function setPort(ctx: LoadContext, o: Partial<Options>, key: PortKey, name: string, tk: Token, port: number): void {
  const p = checkPort(ctx, name, tk, port);
  // As setBaselineOptions: port 0 is the default (4222 for clients, off for monitoring).
  if (p !== undefined && p !== 0) o[key] = p;
}

function processAuthorization(ctx: LoadContext, o: Partial<Options>, tk: Token): void {
  const auth = parseAuthorization(ctx, tk);
  if (auth === undefined) return;
  o.username = auth.user;
  o.password = auth.pass;
  o.authorization = auth.token;
  if (auth.timeout !== undefined) o.authTimeout = auth.timeout;
  if (auth.defaultPermissions !== undefined) o.defaultPermissions = auth.defaultPermissions;
  if ((auth.user !== "" || auth.pass !== "") && auth.token !== "") {
    ctx.error(tk, "Cannot have a user/pass and token");
    return;
  }
  // In case the accounts block came first, its users count (setupUsersAndNKeysDuplicateCheckMap).
  const names = userNames(o);
  if (auth.users !== undefined || names.size > 0) {
    if (auth.user !== "") {
      ctx.error(tk, "Can not have a single user/pass and a users array");
      return;
    }
    if (auth.token !== "") {
      ctx.error(tk, "Can not have a token and a users array");
      return;
    }
  }
  for (const u of auth.users ?? []) {
    if (names.has(u.username)) {
      ctx.error(tk, `Duplicate user ${JSON.stringify(u.username)} detected`);
      return;
    }
    names.add(u.username);
  }
  for (const u of auth.nkeys) {
    if (names.has(u.nkey)) {
      ctx.error(tk, `Duplicate nkey ${JSON.stringify(u.nkey)} detected`);
      return;
    }
    names.add(u.nkey);
  }
  o.users = [...(o.users ?? []), ...(auth.users ?? [])];
  o.nkeys = [...(o.nkeys ?? []), ...auth.nkeys];
}

/** A plain object as tokens (positions unknown: line 0). */
function plainToTokens(obj: ConfigObject, file: string): TokenMap {
  const m: TokenMap = new Map();
  for (const [k, v] of Object.entries(obj)) m.set(k, valueToToken(v, file));
  return m;
}

function valueToToken(v: ConfigValue, file: string): Token {
  const base = { file, line: 0, pos: 0, usedVariable: false };
  if (typeof v === "string") return { ...base, kind: "string", value: v };
  if (typeof v === "number") return { ...base, kind: Number.isInteger(v) ? "integer" : "float", value: v };
  if (typeof v === "boolean") return { ...base, kind: "bool", value: v };
  if (v instanceof Date) return { ...base, kind: "datetime", value: v };
  if (Array.isArray(v)) return { ...base, kind: "array", value: v.map((x) => valueToToken(x, file)) };
  return { ...base, kind: "map", value: plainToTokens(v, file) };
}
