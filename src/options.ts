// The one Options type of the server, its defaults, and the merge of the config file with flags.
// Names follow nats-server's opts.go (camelCased); durations are milliseconds, sizes are bytes.
// The config loader and the CLI both produce Partial<Options>; the server never reads files or flags.
import { GoURLError, parseGoURL } from "./go/url.ts";

/** A subject permission list: allow and deny, each a list of subjects (wildcards allowed). */
export interface SubjectPermission {
  allow?: string[];
  deny?: string[];
}

/** allow_responses: a responder may publish to the reply subjects of requests it received. */
export interface ResponsePermission {
  /** Maximum number of responses per request (nats-server default 1). */
  max: number;
  /** How long the permission lives, in ms (nats-server default 2m). */
  expires: number;
}

export interface Permissions {
  publish?: SubjectPermission;
  subscribe?: SubjectPermission;
  response?: ResponsePermission;
}

/** A user of the `authorization { users = [...] }` list, or the single `user`/`password`. */
export interface User {
  username: string;
  /** Plain text, or a bcrypt hash (`$2a$...`). */
  password: string;
  permissions?: Permissions;
  /** allowed_connection_types, when given. */
  allowedConnectionTypes?: string[];
  /** The account the user belongs to (users of an `accounts {}` entry); undefined = the global account $G. */
  account?: string;
}

/** A user identified by an nkey (`{ nkey: U... }`). */
export interface NkeyUser {
  nkey: string;
  permissions?: Permissions;
  allowedConnectionTypes?: string[];
  /** As User.account. */
  account?: string;
}

/** accounts.go ServiceRespType: when the response import of a request is removed. */
export type ServiceResponseType = "Singleton" | "Streamed" | "Chunked";

/** One stream export of an account (exports with the same subject are merged, as the reference's map). */
export interface StreamExportOptions {
  subject: string;
  /** The accounts allowed to import it; undefined = public. */
  approved?: string[];
  /** account_token_position: the importer's name must be this (1-based) token; 0 = off. */
  accountTokenPosition: number;
}

/** One service export of an account. */
export interface ServiceExportOptions extends StreamExportOptions {
  responseType: ServiceResponseType;
  /** response_threshold in ms (nats-server default 2m). */
  responseThreshold: number;
  /** latency: results published to `subject` for `sampling` percent of requests (0 = header triggered). */
  latency?: { sampling: number; subject: string };
}

/** `{stream: {account, subject}, prefix | to}`. */
export interface StreamImportOptions {
  /** The exporting account. */
  account: string;
  /** The exporter's subject. */
  subject: string;
  /** The importer's subject: prefix + subject, `to`, or the subject itself. */
  to: string;
  /** The prefix as configured (with the separator added), when one was given. */
  prefix?: string;
}

/** `{service: {account, subject}, to, share}`. */
export interface ServiceImportOptions {
  /** The exporting account. */
  account: string;
  /** The exporter's subject (where requests go in the exporter's account). */
  subject: string;
  /** The importer's subject (what its clients publish to); the subject itself when no `to`. */
  to: string;
  share: boolean;
}

/** A subject mapping: a source and its weighted destinations, as configured. */
export interface MappingOptions {
  source: string;
  destinations: { subject: string; weight: number; cluster?: string }[];
}

/** Account limits (`limits {}`); -1 = no limit (jwt.NoLimit), as an account's defaults in the reference. */
export interface AccountLimits {
  maxConnections: number;
  maxSubscriptions: number;
  maxPayload: number;
  maxLeafNodes: number;
}

/** One account of the `accounts {}` block (its users are in Options.users/nkeys with `account`). */
export interface AccountOptions {
  name: string;
  /** The account's public nkey (A...), when given. */
  nkey?: string;
  defaultPermissions?: Permissions;
  streamExports: StreamExportOptions[];
  serviceExports: ServiceExportOptions[];
  streamImports: StreamImportOptions[];
  serviceImports: ServiceImportOptions[];
  mappings: MappingOptions[];
  limits?: AccountLimits;
}

/** The `tls {}` block (for client connections), as nats-server's TLSConfigOpts. */
export interface TLSOptions {
  certFile: string;
  keyFile: string;
  caFile?: string;
  /** Require and verify a client certificate. */
  verify: boolean;
  /** verify_and_map: verify, then map the certificate to a user. */
  map: boolean;
  /** Handshake timeout in ms (nats-server: 2s, fractional seconds allowed in the config). */
  timeout: number;
  /** Lower-case hex SHA-256 of the peer certificate's DER. */
  pinnedCerts?: string[];
  /**
   * TLS handshake first: 0 = off; -1 = on without fallback; >0 = fallback delay in ms
   * (the client that sends nothing for that long gets the plaintext INFO instead).
   */
  handshakeFirst: number;
  /** "1.2" or "1.3". */
  minVersion?: string;
  cipherSuites?: string[];
  curvePreferences?: string[];
  /** TLS handshakes per second; 0 = unlimited. */
  connectionRateLimit: number;
}

/** A `leafnodes { authorization { users } }` entry: leafnode.go binds the user to `account` ("" = $G). */
export interface LeafUser {
  username: string;
  password: string;
  account: string;
}

/** A `leafnodes { remotes [...] }` entry, as nats-server's RemoteLeafOpts. */
export interface RemoteLeafOptions {
  /** As written (nats-leaf://, tls://, ws://, wss://, user:pass@ allowed); the default port 7422 is added when missing. */
  urls: string[];
  /** "" = $G. */
  localAccount: string;
  /** A creds file (JWT + seed) path, "" = none. */
  credentials: string;
  /** TLS on the link (`tls {}`); the certificate is optional (client side). */
  tls?: TLSOptions;
  /** tls { insecure: true }: do not verify the hub's certificate chain and name. */
  tlsInsecure: boolean;
  hub: boolean;
  denyImports: string[];
  denyExports: string[];
  noRandomize: boolean;
  wsCompression: boolean;
  wsNoMasking: boolean;
}

/** The `leafnodes {}` block, as nats-server's LeafNodeOpts. */
export interface LeafNodeOptions {
  host: string;
  /** 0 = not accepting leaf connections, -1 = random port. */
  port: number;
  username: string;
  password: string;
  /** The account of the single user / of unauthenticated leafs ("" = $G). */
  account: string;
  users: LeafUser[];
  /** ms; 0 = derived (as the client auth timeout). */
  authTimeout: number;
  tls?: TLSOptions;
  advertise: string;
  noAdvertise: boolean;
  /** ms between connect attempts of a remote (DEFAULT_LEAF_NODE_RECONNECT 1s). */
  reconnectInterval: number;
  minVersion: string;
  remotes: RemoteLeafOptions[];
}

/** Route permissions (cluster `permissions {import, export}`, route.go RoutePermissions). */
export interface RoutePermissions {
  /** Which subjects we accept messages for from the peer: limits the RS+ we send (canImport). */
  import?: SubjectPermission;
  /** Which of the peer's subscriptions we accept (canExport, a silent filter on its RS+). */
  export?: SubjectPermission;
}

/** The `websocket {}` block (nats-server WebsocketOpts). Off while port is 0. */
export interface WebsocketOptions {
  host: string;
  /** 0 = off, -1 = random. */
  port: number;
  /** host[:port] put in the INFO connect_urls of websocket clients. */
  advertise: string;
  /** Allow the listener without TLS (the reference requires tls {} otherwise). */
  noTLS: boolean;
  tls?: TLSOptions;
  sameOrigin: boolean;
  allowedOrigins: string[];
  /** ms; 0 = none (the HTTP read timeout of the upgrade request). */
  handshakeTimeout: number;
  compression: boolean;
  /** authorization {} of the block: when user, token or no_auth_user is set it overrides the server's. */
  username: string;
  password: string;
  token: string;
  /** ms; 0 = the server's auth_timeout. */
  authTimeout: number;
  noAuthUser: string;
  jwtCookie: string;
}

export function defaultWebsocketOptions(): WebsocketOptions {
  return {
    host: "",
    port: 0,
    advertise: "",
    noTLS: false,
    sameOrigin: false,
    allowedOrigins: [],
    handshakeTimeout: 0,
    compression: false,
    username: "",
    password: "",
    token: "",
    authTimeout: 0,
    noAuthUser: "",
    jwtCookie: "",
  };
}

export interface Options {
  configFile: string;
  serverName: string;
  host: string;
  /** -1 = random port. */
  port: number;
  clientAdvertise: string;

  // Limits (as nats-server's const.go defaults)
  maxPayload: number;
  maxControlLine: number;
  maxConnections: number;
  /** 0 = unlimited. */
  maxSubscriptions: number;
  maxPending: number;
  pingInterval: number;
  pingMax: number;
  writeDeadline: number;
  maxClosedClients: number;
  noHeaderSupport: boolean;

  // Logging
  debug: boolean;
  trace: boolean;
  traceVerbose: boolean;
  logtime: boolean;
  logFile: string;
  logSizeLimit: number;
  syslog: boolean;
  remoteSyslog: string;
  noLog: boolean;

  // Files
  pidFile: string;
  portsFileDir: string;

  // Monitoring (0 = off, -1 = random port)
  httpHost: string;
  httpPort: number;
  httpsPort: number;
  httpBasePath: string;

  // Authentication / authorization
  username: string;
  password: string;
  /** The single token (`authorization { token }`, `--auth`). */
  authorization: string;
  users: User[];
  nkeys: NkeyUser[];
  noAuthUser: string;
  /** ms; nats-server: 2s, or the TLS timeout + 1s when TLS is on and no auth_timeout is set. */
  authTimeout: number;
  defaultPermissions?: Permissions;

  // Accounts
  /** The configured accounts; an entry named "$G" holds top-level `mappings`. */
  accounts: AccountOptions[];
  /** system_account; "" = "$SYS" unless noSystemAccount (and an account named "$SYS" is it). */
  systemAccount: string;
  noSystemAccount: boolean;

  // TLS
  tls?: TLSOptions;
  allowNonTLS: boolean;

  // Lame duck mode
  lameDuckDuration: number;
  lameDuckGracePeriod: number;

  leafnodes: LeafNodeOptions;
  // Cluster (nats-server's ClusterOpts, flattened so that flags override single fields; port 0 = off)
  clusterName: string;
  clusterHost: string;
  /** 0 = no clustering, -1 = random port. */
  clusterPort: number;
  clusterUsername: string;
  clusterPassword: string;
  /** ms; 0 = derived as authTimeout (TLS timeout + 1s with TLS, else 2s). */
  clusterAuthTimeout: number;
  /** Route TLS: verification is always on and the certificate is used both ways (getTLSConfig). */
  clusterTLS?: TLSOptions;
  clusterAdvertise: string;
  clusterNoAdvertise: boolean;
  /** Connect attempts for implicit (gossiped) routes; explicit ones are retried forever. */
  clusterConnectRetries: number;
  clusterPermissions?: RoutePermissions;
  /** The routes to solicit (`cluster { routes }`, `--routes`), as URLs (nats-route://[user:pass@]host:port). */
  routes: string[];

  /** Prefix of the Prometheus metric names served at /metrics. */
  metricsPrefix: string;
  tags: string[];

  websocket: WebsocketOptions;
}

/** accounts.go globalAccountName: connections without a configured account live in it. */
export const GLOBAL_ACCOUNT = "$G";
/** server.go DEFAULT_SYSTEM_ACCOUNT. */
export const SYSTEM_ACCOUNT = "$SYS";

export const VERSION = "2.9.10";
export const PROTO = 1;
/** What the Debian reference build reports in INFO and /varz `go`. */
export const GO_VERSION = "go1.19.8";

export const DEFAULT_TLS_TIMEOUT = 2000;
export const DEFAULT_AUTH_TIMEOUT = 2000;

export function defaultOptions(): Options {
  return {
    configFile: "",
    serverName: "",
    host: "0.0.0.0",
    port: 4222,
    clientAdvertise: "",
    maxPayload: 1024 * 1024,
    maxControlLine: 4096,
    maxConnections: 64 * 1024,
    maxSubscriptions: 0,
    maxPending: 64 * 1024 * 1024,
    pingInterval: 2 * 60_000,
    pingMax: 2,
    writeDeadline: 10_000,
    maxClosedClients: 10_000,
    noHeaderSupport: false,
    debug: false,
    trace: false,
    traceVerbose: false,
    logtime: true,
    logFile: "",
    logSizeLimit: 0,
    syslog: false,
    remoteSyslog: "",
    noLog: false,
    pidFile: "",
    portsFileDir: "",
    /** Empty = the client listen host (setBaselineOptions). */
    httpHost: "",
    httpPort: 0,
    httpsPort: 0,
    httpBasePath: "", // as nats-server: /varz shows "" unless http_base_path is set
    username: "",
    password: "",
    authorization: "",
    users: [],
    nkeys: [],
    noAuthUser: "",
    authTimeout: 0,
    accounts: [],
    systemAccount: "",
    noSystemAccount: false,
    allowNonTLS: false,
    lameDuckDuration: 2 * 60_000,
    lameDuckGracePeriod: 10_000,
    metricsPrefix: "gnatsd",
    tags: [],
    websocket: defaultWebsocketOptions(),
    leafnodes: defaultLeafNodeOptions(),
    clusterName: "",
    clusterHost: "",
    clusterPort: 0,
    clusterUsername: "",
    clusterPassword: "",
    clusterAuthTimeout: 0,
    clusterAdvertise: "",
    clusterNoAdvertise: false,
    clusterConnectRetries: 0,
    routes: [],
  };
}

export const DEFAULT_LEAFNODE_PORT = 7422;
export const DEFAULT_LEAF_NODE_RECONNECT = 1000;

export function defaultLeafNodeOptions(): LeafNodeOptions {
  return {
    host: "",
    port: 0,
    username: "",
    password: "",
    account: "",
    users: [],
    authTimeout: 0,
    advertise: "",
    noAdvertise: false,
    reconnectInterval: DEFAULT_LEAF_NODE_RECONNECT,
    minVersion: "",
    remotes: [],
  };
}

/** An invalid option: the message names the key or flag. */
export class OptionsError extends Error {}

/**
 * Layer the config file's options, then the flags' (flags win, as nats-server's MergeOptions),
 * over the defaults, then fill the derived defaults and validate.
 */
export function mergeOptions(file: Partial<Options>, flags: Partial<Options>): Options {
  const opts = defaultOptions();
  assignDefined(opts, file);
  assignDefined(opts, flags);
  return finalizeOptions(opts);
}

function assignDefined(target: Options, source: Partial<Options>): void {
  for (const key of Object.keys(source) as (keyof Options)[]) {
    const value = source[key];
    if (value !== undefined) (target as unknown as Record<string, unknown>)[key] = value;
  }
}

/** Derived defaults and cross-field checks (nats-server's setBaselineOptions / validateOptions). */
export function finalizeOptions(opts: Options): Options {
  if (opts.authTimeout === 0) {
    // As nats-server: the TLS timeout + 1s when TLS is on, else 2s.
    opts.authTimeout = opts.tls ? opts.tls.timeout + 1000 : DEFAULT_AUTH_TIMEOUT;
  }
  if (opts.maxPayload > opts.maxPending) {
    throw new OptionsError(
      `max_payload (${opts.maxPayload}) cannot be higher than max_pending (${opts.maxPending})`,
    );
  }
  validateNoAuthUser(opts, opts.noAuthUser);
  finalizeLeafNodes(opts);
  // As setBaselineOptions: a cluster listens on all interfaces unless told, with its own auth timeout.
  if (opts.clusterPort !== 0) {
    if (opts.clusterHost === "") opts.clusterHost = "0.0.0.0";
    if (opts.clusterAuthTimeout === 0) {
      opts.clusterAuthTimeout = opts.clusterTLS ? opts.clusterTLS.timeout + 1000 : DEFAULT_AUTH_TIMEOUT;
    }
  }
  validateWebsocketOptions(opts);
  // As setBaselineOptions: the websocket listener's host defaults to 0.0.0.0 (not the client host).
  if (opts.websocket.port !== 0 && opts.websocket.host === "") opts.websocket.host = "0.0.0.0";
  // As setBaselineOptions: monitoring listens where clients do unless told otherwise.
  if (opts.httpHost === "") opts.httpHost = opts.host;
  if (opts.httpBasePath && !opts.httpBasePath.startsWith("/")) opts.httpBasePath = "/" + opts.httpBasePath;
  return opts;
}

/**
 * setBaselineOptions for leafnodes (host, auth timeout) and leafnode.go:validateLeafNode's checks
 * that need the whole configuration (the accounts a leaf user or a remote is bound to).
 */
function finalizeLeafNodes(opts: Options): void {
  const ln = opts.leafnodes;
  if (ln.port !== 0) {
    if (ln.host === "") ln.host = "0.0.0.0";
    if (ln.authTimeout === 0) ln.authTimeout = ln.tls ? ln.tls.timeout + 1000 : DEFAULT_AUTH_TIMEOUT;
  }
  // "" is the global account in the context of leaf nodes; $SYS exists unless disabled.
  const known = new Set(["", GLOBAL_ACCOUNT, SYSTEM_ACCOUNT, ...leafKnownAccounts(opts)]);
  const check = (acc: string, where: string): void => {
    if (!known.has(acc)) throw new OptionsError(`cannot find local account ${JSON.stringify(acc)} specified in leafnode ${where}`);
  };
  check(ln.account, "authorization");
  for (const u of ln.users) check(u.account, "authorization");
  for (const r of ln.remotes) check(r.localAccount, "remote");
  // All websocket URLs or none (the password redacted, as redactURLList).
  for (const r of ln.remotes) {
    if (r.urls.length < 2) continue;
    const ws = (u: string): boolean => /^wss?:\/\//i.test(u);
    if (r.urls.some((u) => ws(u) !== ws(r.urls[0]!))) {
      const list = r.urls.map((u) => u.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/, "$1:xxxxx@"));
      throw new OptionsError(`remote leaf node configuration cannot have a mix of websocket and non-websocket urls: [${list.map((u) => JSON.stringify(u)).join(" ")}]`);
    }
  }
}

/** Account names the configuration defines, the system account's included. */
function leafKnownAccounts(opts: Options): string[] {
  const names = opts.accounts.map((a) => a.name);
  if (opts.systemAccount !== "") names.push(opts.systemAccount);
  return names;
}

/** validateNoAuthUser of auth.go, with its exact texts. */
function validateNoAuthUser(opts: Options, noAuthUser: string): void {
  if (noAuthUser === "") return;
  if (opts.users.length === 0) {
    throw new OptionsError(`no_auth_user: "${noAuthUser}" present, but users are not defined`);
  }
  if (!opts.users.some((u) => u.username === noAuthUser)) {
    throw new OptionsError(`no_auth_user: "${noAuthUser}" not present as user in authorization block or account configuration`);
  }
}

/** websocket.go validateWebsocketOptions, with its exact texts; nothing is checked while port is 0. */
function validateWebsocketOptions(opts: Options): void {
  const wo = opts.websocket;
  if (wo.port === 0) return;
  if (wo.tls === undefined && !wo.noTLS) throw new OptionsError("websocket requires TLS configuration");
  for (const ao of wo.allowedOrigins) {
    try {
      parseGoURL(ao);
    } catch (e) {
      if (e instanceof GoURLError) throw new OptionsError(`unable to parse allowed origin: ${e.message}`);
      throw e;
    }
  }
  validateNoAuthUser(opts, wo.noAuthUser);
  if (opts.users.length > 0 || opts.nkeys.length > 0) {
    if (wo.username !== "") throw new OptionsError("websocket authentication username not compatible with presence of users/nkeys");
    if (wo.token !== "") throw new OptionsError("websocket authentication token not compatible with presence of users/nkeys");
  }
  // Bun.serve does not expose the client certificate of a wss connection, so nothing could check a pin or
  // map a certificate to a user: refused rather than silently weaker (bnats difference).
  if (wo.tls?.map) throw new OptionsError("websocket: verify_and_map is not supported by bnats (the websocket listener cannot read client certificates)");
  if (wo.tls?.pinnedCerts?.length) throw new OptionsError("websocket: pinned_certs is not supported by bnats (the websocket listener cannot read client certificates)");
  // bnats has no operator mode, so a JWT cookie can never be verified (trusted keys are refused).
  if (wo.jwtCookie !== "") {
    throw new OptionsError(
      `trusted operators or trusted keys configuration is required for JWT authentication via cookie ${JSON.stringify(wo.jwtCookie)}`,
    );
  }
}

/**
 * Checks of the account options that the reference makes when the server starts, not with -t
 * (server.go configureAccounts): a system_account must name a configured account.
 */
export function validateAccountOptions(opts: Options): void {
  if (opts.systemAccount !== "" && !opts.accounts.some((a) => a.name === opts.systemAccount)) {
    throw new OptionsError("error resolving system account: account missing");
  }
}
