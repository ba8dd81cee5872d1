// Configuration reload, as nats-server v2.9.10 reload.go ReloadOptions -> diffOptions -> applyOptions:
// new Options (read from the file by src/process/reload.ts, flags layered over it) are compared with the
// running ones field by field in the order of the reference's Options struct, and either every change is
// applied or, when one field cannot change at run time, nothing is and the error says which ("config
// reload not supported for Port: old=4222, new=4223"). The server never reads the file itself.
import type * as NodeCrypto from "node:crypto";
import { readFileSync } from "node:fs";
import { formatGoDuration } from "../go/duration.ts";
import type { NkeyUser, Options, TLSOptions } from "../options.ts";
import {
  applyMaxConnections,
  applyMaxControlLine,
  applyMaxPayload,
  applyPinnedCerts,
  reloadAuthorization,
} from "./reload-clients.ts";
import type { Server } from "./server.ts";

/** What the process around the server does when some options change (src/main.ts supplies these). */
export interface ApplyHooks {
  /** ConfigureLogger: rebuild the logger from the new options (logging flags or files changed). */
  configureLogger?(opts: Options): void;
  /** New certificates for new connections (default: Server.reloadTLS, src/tls). */
  reloadTLS?(opts: Options): void;
  /** logPid: write the pid to the new pid_file. */
  writePidFile?(opts: Options): void;
  /** deletePortsFile(old) then logPorts. */
  rewritePortsFile?(oldDir: string, opts: Options): void;
}

/** A reload that was refused or failed; the message is what follows "Failed to reload server configuration: ". */
export class ReloadError extends Error {}

/** One change the reference knows how to apply (its `option` interface). */
interface Change {
  apply(): void;
  logging?: boolean;
  auth?: boolean;
  tls?: boolean;
  /** What STATSZ reports changed (reload.go IsStatszChange: the tags): one goes out at once. */
  statsz?: boolean;
}

type Field = keyof Options;

/**
 * Options that can never change at run time, with the name the reference prints (its Go field name).
 * Anything bnats does not list here or handle below is refused too (the reference's default case).
 */
const GO_NAMES: Partial<Record<Field, string>> = {
  serverName: "ServerName",
  host: "Host",
  noHeaderSupport: "NoHeaderSupport",
  maxSubscriptions: "MaxSubs",
  httpHost: "HTTPHost",
  httpPort: "HTTPPort",
  httpBasePath: "HTTPBasePath",
  httpsPort: "HTTPSPort",
  maxPending: "MaxPending",
  logSizeLimit: "LogSizeLimit",
  allowNonTLS: "AllowNonTLS",
  maxClosedClients: "MaxClosedClients",
  lameDuckDuration: "LameDuckDuration",
  lameDuckGracePeriod: "LameDuckGracePeriod",
  metricsPrefix: "MetricsPrefix",
};

/** Durations print as Go's time.Duration %v. */
const DURATIONS = new Set<Field>(["pingInterval", "writeDeadline", "lameDuckDuration", "lameDuckGracePeriod"]);

export class Reloader {
  private tlsDigest: string;

  constructor(
    readonly server: Server,
    readonly hooks: ApplyHooks,
  ) {
    // The reference compares *tls.Config values, which hold the loaded certificates: a certificate
    // rotated in place (same path, new content) is a TLS change. Remember what was loaded.
    this.tlsDigest = tlsDigest(server.opts.tls);
  }

  /** ReloadOptions: diff, then apply everything or nothing. */
  async reloadOptions(newOpts: Options): Promise<void> {
    const server = this.server;
    const cur = server.opts;
    // A random port (-1) in the new options means "the port we have" (setBaselineOptions + clientOrgPort).
    if (newOpts.port === -1 || newOpts.port === 0) newOpts.port = cur.port;
    else if (cur.port <= 0 && newOpts.port === server.port) newOpts.port = cur.port;
    // The same for the cluster port (clusterOrgPort): -1 is the bound one, and so is the bound one written out.
    if (newOpts.clusterPort === -1) newOpts.clusterPort = cur.clusterPort;
    else if (cur.clusterPort === -1 && newOpts.clusterPort === server.clusterPort) newOpts.clusterPort = cur.clusterPort;
    newOpts.configFile = cur.configFile;
    // The running options hold the no_auth_user made for $G when only the system account is configured.
    server.adjustAccountOptions(newOpts);
    const newDigest = tlsDigest(newOpts.tls);
    const changes = this.diffOptions(cur, newOpts, newDigest);
    server.opts = newOpts;
    this.tlsDigest = newDigest;
    server.configTime = new Date();
    await this.applyOptions(changes);
  }

  private diffOptions(cur: Options, next: Options, nextTLS: string): Change[] {
    const server = this.server;
    const log = (msg: string): Change => ({ apply: () => server.log.notice(msg) });
    const logging = (msg: string): Change => ({ apply: () => server.log.notice(msg), logging: true });
    const auth = (msg: string): Change => ({ apply: () => server.log.notice(msg), auth: true });
    const changes: Change[] = [];
    const refuse = (goName: string, oldValue: unknown, newValue: unknown): never => {
      throw new ReloadError(`config reload not supported for ${goName}: old=${goValue(oldValue)}, new=${goValue(newValue)}`);
    };
    const changed = (f: Field): boolean => !sameValue(cur[f], next[f]);

    // Walk the fields in the order of the reference's Options struct, so that the first refusal and
    // the order of the "Reloaded:" lines are the reference's.
    for (const f of ["serverName", "host"] as const) if (changed(f)) refuse(GO_NAMES[f]!, cur[f], next[f]);
    if (next.port !== cur.port) refuse("Port", server.port, next.port);
    if (changed("clientAdvertise")) changes.push(log(`Reload: client_advertise = ${next.clientAdvertise}`));
    if (changed("trace")) changes.push(logging(`Reloaded: trace = ${next.trace}`));
    if (changed("debug")) changes.push(logging(`Reloaded: debug = ${next.debug}`));
    if (changed("traceVerbose")) changes.push(logging(`Reloaded: trace_verbose = ${next.traceVerbose}`));
    // NoLog is not a config file option (ignored, as the reference).
    next.noLog = cur.noLog;
    if (changed("noHeaderSupport")) refuse("NoHeaderSupport", cur.noHeaderSupport, next.noHeaderSupport);
    if (changed("logtime")) changes.push(logging(`Reloaded: logtime = ${next.logtime}`));
    if (changed("maxConnections")) changes.push({ apply: () => applyMaxConnections(server, next.maxConnections) });
    if (changed("maxSubscriptions")) refuse("MaxSubs", cur.maxSubscriptions, next.maxSubscriptions);
    if (!sameSorted(cur.nkeys, next.nkeys, (u: NkeyUser) => u.nkey)) changes.push(auth("Reloaded: authorization nkey users"));
    // Users and Accounts are always reported as changed (the reference never compares them), so every
    // reload re-checks the connected clients' authorization.
    changes.push(auth("Reloaded: authorization users"));
    changes.push(auth("Reloaded: accounts"));
    if (changed("noAuthUser")) {
      // Only dropping no_auth_user together with that user is allowed.
      const removable = cur.noAuthUser !== "" && next.noAuthUser === "" && !next.users.some((u) => u.username === cur.noAuthUser);
      if (!removable) refuse("NoAuthUser", cur.noAuthUser, next.noAuthUser);
    }
    if (changed("username")) changes.push(auth("Reloaded: authorization username"));
    if (changed("password")) changes.push(auth("Reloaded: authorization password"));
    if (changed("authorization")) changes.push(auth("Reloaded: authorization token"));
    if (changed("pingInterval")) changes.push(log(`Reloaded: ping_interval = ${formatGoDuration(next.pingInterval)}`));
    if (changed("pingMax")) changes.push(log(`Reloaded: ping_max = ${next.pingMax}`));
    for (const f of ["httpHost", "httpPort", "httpBasePath", "httpsPort"] as const) {
      if (changed(f)) refuse(GO_NAMES[f]!, cur[f], next[f]);
    }
    if (changed("authTimeout")) changes.push(log(`Reloaded: authorization timeout = ${next.authTimeout / 1000}`));
    if (changed("maxControlLine")) changes.push({ apply: () => applyMaxControlLine(server, next.maxControlLine) });
    if (changed("maxPayload")) changes.push({ apply: () => applyMaxPayload(server, next.maxPayload) });
    if (changed("maxPending")) refuse("MaxPending", cur.maxPending, next.maxPending);
    if (changed("pidFile")) {
      changes.push({
        apply: () => {
          if (next.pidFile === "") return;
          this.hooks.writePidFile?.(next);
          server.log.notice(`Reloaded: pid_file = ${next.pidFile}`);
        },
      });
    }
    if (changed("portsFileDir")) {
      changes.push({
        apply: () => {
          this.hooks.rewritePortsFile?.(cur.portsFileDir, next);
          server.log.notice(`Reloaded: ports_file_dir = ${next.portsFileDir}`);
        },
      });
    }
    if (changed("logFile")) changes.push(logging(`Reloaded: log_file = ${next.logFile}`));
    if (changed("logSizeLimit")) refuse("LogSizeLimit", cur.logSizeLimit, next.logSizeLimit);
    if (changed("syslog")) changes.push(logging(`Reloaded: syslog = ${next.syslog}`));
    if (changed("remoteSyslog")) changes.push(logging(`Reloaded: remote_syslog = ${next.remoteSyslog}`));
    const oldTLS = cur.tls;
    const newTLS = next.tls;
    if ((oldTLS?.timeout ?? 0) !== (newTLS?.timeout ?? 0)) {
      changes.push(log(`Reloaded: tls timeout = ${(newTLS?.timeout ?? 0) / 1000}`));
    }
    if (this.tlsDigest !== nextTLS) {
      changes.push({ apply: () => server.log.notice(`Reloaded: tls = ${newTLS ? "enabled" : "disabled"}`), tls: true });
    }
    if (!sameValue(oldTLS?.pinnedCerts, newTLS?.pinnedCerts)) {
      changes.push({ apply: () => applyPinnedCerts(server, newTLS?.pinnedCerts), tls: true });
    }
    if ((oldTLS?.connectionRateLimit ?? 0) !== (newTLS?.connectionRateLimit ?? 0)) {
      refuse("TLSRateLimit", oldTLS?.connectionRateLimit ?? 0, newTLS?.connectionRateLimit ?? 0);
    }
    if (changed("allowNonTLS")) refuse("AllowNonTLS", cur.allowNonTLS, next.allowNonTLS);
    if (changed("writeDeadline")) changes.push(log(`Reloaded: write_deadline = ${formatGoDuration(next.writeDeadline)}`));
    for (const f of ["maxClosedClients", "lameDuckDuration", "lameDuckGracePeriod"] as const) {
      if (changed(f)) refuse(GO_NAMES[f]!, DURATIONS.has(f) ? formatGoDuration(cur[f]) : cur[f], DURATIONS.has(f) ? formatGoDuration(next[f]) : next[f]);
    }
    if (!sameSorted(cur.tags, next.tags, (t: string) => t)) changes.push({ ...log("Reloaded: tags"), statsz: true });
    // default_permissions are folded into the users' permissions by the reference (no field of its own):
    // a change there is an authorization change, already covered by "authorization users".
    if (changed("metricsPrefix")) refuse("MetricsPrefix", cur.metricsPrefix, next.metricsPrefix);
    // The system account cannot change (only the default $SYS may be dropped); accounts are rewired with
    // the authorization (reloadAuthorization, "Reloaded: accounts" above).
    if (changed("systemAccount") && !(cur.systemAccount === "$SYS" && next.systemAccount === "")) {
      refuse("SystemAccount", cur.systemAccount, next.systemAccount);
    }
    if (changed("noSystemAccount")) refuse("NoSystemAccount", cur.noSystemAccount, next.noSystemAccount);
    // The cluster (reload.go "cluster" and "routes"): its listen address cannot change (validateClusterOpts,
    // so clustering cannot be turned on or off either); the rest applies to what comes next (new routes'
    // permissions and credentials, the INFO we send); routes are added and removed.
    if (changed("clusterHost")) refuse("cluster host", cur.clusterHost, next.clusterHost);
    if (changed("clusterPort")) refuse("cluster port", cur.clusterPort, next.clusterPort);
    const clusterFields = [
      "clusterName", "clusterUsername", "clusterPassword", "clusterAuthTimeout", "clusterTLS", "clusterAdvertise",
      "clusterNoAdvertise", "clusterConnectRetries", "clusterPermissions",
    ] as const;
    if (clusterFields.some((f) => changed(f))) {
      changes.push({
        apply: () => {
          server.cluster?.reloaded(cur.clusterPermissions);
          server.log.notice("Reloaded: cluster");
        },
      });
    }
    if (changed("routes")) {
      const add = next.routes.filter((r) => !cur.routes.includes(r));
      const remove = cur.routes.filter((r) => !next.routes.includes(r));
      changes.push({
        apply: () => {
          server.cluster?.reloadRoutes(add, remove);
          server.log.notice("Reloaded: cluster routes");
        },
      });
    }
    // reload.go "websocket": any change refuses the reload, except the TLS configuration itself (new
    // certificates serve new connections); whether there is TLS, tls_map and the pins are compared.
    // reload.go "leafnode": only the TLS files may change (for new links); anything else is refused.
    if (!sameLeafNodes(cur.leafnodes, next.leafnodes)) refuse("LeafNode", "{...}", "{...}");
    if (changed("leafnodes")) changes.push({ apply: () => server.leafnodes.reloadTLS() });
    if (!sameWebsocket(cur.websocket, next.websocket)) refuse("Websocket", "{...}", "{...}");
    // Anything else bnats grew that the walk above does not know is refused rather than half-applied.
    const known = new Set<string>([
      "websocket", "leafnodes",
      "configFile", "serverName", "host", "port", "clientAdvertise", "trace", "debug", "traceVerbose", "noLog",
      "noHeaderSupport", "logtime", "maxConnections", "maxSubscriptions", "nkeys", "users", "noAuthUser", "username",
      "password", "authorization", "pingInterval", "pingMax", "httpHost", "httpPort", "httpBasePath", "httpsPort",
      "authTimeout", "maxControlLine", "maxPayload", "maxPending", "pidFile", "portsFileDir", "logFile",
      "logSizeLimit", "syslog", "remoteSyslog", "tls", "allowNonTLS", "writeDeadline", "maxClosedClients",
      "lameDuckDuration", "lameDuckGracePeriod", "tags", "defaultPermissions", "metricsPrefix",
      "clusterHost", "clusterPort", ...clusterFields, "routes", "accounts", "systemAccount", "noSystemAccount",
    ]);
    for (const f of Object.keys(next) as Field[]) {
      if (!known.has(f) && changed(f)) refuse(goFieldName(f), cur[f], next[f]);
    }
    return changes;
  }

  /** applyOptions: each change logs itself, then logging, authorization and TLS are rebuilt once. */
  private async applyOptions(changes: Change[]): Promise<void> {
    const server = this.server;
    let logging = false;
    let auth = false;
    let tls = false;
    let statsz = false;
    for (const c of changes) {
      c.apply();
      logging ||= c.logging === true;
      auth ||= c.auth === true;
      tls ||= c.tls === true;
      statsz ||= c.statsz === true;
    }
    if (logging) this.hooks.configureLogger?.(server.opts);
    if (auth) {
      server.reloadAccounts(server.opts);
      await reloadAuthorization(server);
    }
    // The websocket listener picks up new certificates (re-read from disk) when they changed.
    server.websocket?.reloadTLS();
    if (tls) (this.hooks.reloadTLS ?? ((o: Options) => server.reloadTLS(o)))(server.opts);
    if (statsz) server.statszChanged();
    server.log.notice("Reloaded server configuration");
  }

}

/** Go's %v of the scalar values the refusal message prints. */
function goValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  return String(v);
}

function goFieldName(f: string): string {
  return f.charAt(0).toUpperCase() + f.slice(1);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Lists whose order does not matter (the reference's imposeOrder). */
function sameSorted<T>(a: readonly T[] | undefined, b: readonly T[] | undefined, key: (t: T) => string): boolean {
  const sort = (l: readonly T[] | undefined): string =>
    JSON.stringify([...(l ?? [])].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)));
  return sort(a) === sort(b);
}

/**
 * What the reference's *tls.Config holds: the settings and the bytes of the files they name (timeout,
 * pinned_certs and the rate limit are options of their own there, so they are left out).
 */
function tlsDigest(tls: TLSOptions | undefined): string {
  if (tls === undefined) return "";
  const { timeout: _t, pinnedCerts: _p, connectionRateLimit: _r, ...rest } = tls;
  const h = (require("node:crypto") as typeof NodeCrypto).createHash("sha256");
  h.update(JSON.stringify(rest));
  for (const f of [tls.certFile, tls.keyFile, tls.caFile]) {
    if (!f) continue;
    try {
      h.update(readFileSync(f));
    } catch {
      h.update(`unreadable:${f}`);
    }
  }
  return h.digest("hex");
}

/** reload.go's websocket comparison: the options without the TLS configuration (TLSConfig nil'd). */
function sameLeafNodes(a: Options["leafnodes"], b: Options["leafnodes"]): boolean {
  const strip = (l: Options["leafnodes"]) => ({
    ...l,
    tls: l.tls === undefined ? undefined : { verify: l.tls.verify, map: l.tls.map },
    remotes: l.remotes.map((r) => ({ ...r, tls: r.tls === undefined ? undefined : true, localAccount: r.localAccount || "$G" })),
  });
  return sameValue(strip(a), strip(b));
}

function sameWebsocket(a: Options["websocket"], b: Options["websocket"]): boolean {
  const strip = (w: Options["websocket"]) => ({
    ...w,
    tls: w.tls === undefined ? undefined : { map: w.tls.map, pinnedCerts: w.tls.pinnedCerts },
  });
  return sameValue(strip(a), strip(b));
}
