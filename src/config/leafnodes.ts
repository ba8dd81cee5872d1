// The `leafnodes {}` block: nats-server's parseLeafNodes, parseLeafAuthorization, parseLeafUsers and
// parseRemoteLeafNodes (opts.go, v2.9.10), with validateLeafNodeAuthOptions and
// checkLeafMinVersionConfig (leafnode.go) and the reference's messages. The account checks that need
// the whole configuration (validateLeafNode) run in options.ts:finalizeOptions, as the reference runs
// them at server creation and not in `-t`.

import { defaultLeafNodeOptions, DEFAULT_LEAFNODE_PORT, type LeafNodeOptions, type LeafUser, type RemoteLeafOptions } from "../options.ts";
import type { Token } from "./parser.ts";
import { parseTLS } from "./tls.ts";
import { checkPort, describe, getBool, getInt, getListen, getString, type LoadContext } from "./values.ts";
import { goType } from "./go-types.ts";
import { parsePermSubjects } from "./auth.ts";

export function parseLeafNodes(ctx: LoadContext, tk: Token): LeafNodeOptions | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `Expected map to define a leafnode, got ${goType(tk)}`);
    return undefined;
  }
  const ln = defaultLeafNodeOptions();
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "listen": {
        const hp = getListen(ctx, mk, mv);
        if (hp === undefined) break;
        ln.host = hp.host ?? "";
        const p = checkPort(ctx, mk, mv, hp.port);
        if (p !== undefined) ln.port = p;
        break;
      }
      case "port": {
        const p = getInt(ctx, mk, mv);
        if (p !== undefined && checkPort(ctx, mk, mv, p) !== undefined) ln.port = p;
        break;
      }
      case "host":
      case "net":
        ln.host = getString(ctx, mk, mv) ?? ln.host;
        break;
      case "authorization":
        parseLeafAuthorization(ctx, mv, ln);
        break;
      case "remotes": {
        const r = parseRemoteLeafNodes(ctx, mv);
        if (r !== undefined) ln.remotes = r;
        break;
      }
      case "reconnect":
      case "reconnect_delay":
      case "reconnect_interval": {
        // Whole seconds, as the reference's int64 assertion.
        const n = getInt(ctx, mk, mv);
        if (n !== undefined && n > 0) ln.reconnectInterval = n * 1000;
        break;
      }
      case "tls":
        ln.tls = parseTLS(ctx, mv);
        break;
      case "leafnode_advertise":
      case "advertise":
        ln.advertise = getString(ctx, mk, mv) ?? "";
        break;
      case "no_advertise":
        ln.noAdvertise = getBool(ctx, mk, mv) ?? false;
        break;
      case "min_version":
      case "minimum_version": {
        const v = getString(ctx, mk, mv);
        if (v === undefined) break;
        const err = checkLeafMinVersion(v);
        if (err) ctx.error(mv, err);
        else ln.minVersion = v;
        break;
      }
      default:
        ctx.unknown(mv, mk);
    }
  }
  return ln;
}


function parseLeafAuthorization(ctx: LoadContext, tk: Token, ln: LeafNodeOptions): void {
  if (tk.kind !== "map") {
    ctx.error(tk, `error parsing leafnode authorization: expected a map, got ${describe(tk)}`);
    return;
  }
  let users: LeafUser[] | undefined;
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "user":
      case "username":
        ln.username = getString(ctx, mk, mv) ?? "";
        break;
      case "pass":
      case "password":
        ln.password = getString(ctx, mk, mv) ?? "";
        break;
      case "timeout":
        // Seconds; any other type is 1s in the reference.
        ln.authTimeout = mv.kind === "integer" || mv.kind === "float" ? mv.value * 1000 : 1000;
        break;
      case "users":
        users = parseLeafUsers(ctx, mv);
        break;
      case "account":
        ln.account = getString(ctx, mk, mv) ?? "";
        break;
      default:
        ctx.unknown(mv, mk);
    }
  }
  if (users !== undefined) ln.users = users;
  // validateLeafNodeAuthOptions, reported at the authorization key.
  if (ln.users.length === 0) return;
  if (ln.username !== "") {
    ctx.error(tk, "can not have a single user/pass and a users array");
    return;
  }
  const seen = new Set<string>();
  for (const u of ln.users) {
    if (seen.has(u.username)) {
      ctx.error(tk, `duplicate user ${JSON.stringify(u.username)} detected in leafnode authorization`);
      return;
    }
    seen.add(u.username);
  }
}

function parseLeafUsers(ctx: LoadContext, tk: Token): LeafUser[] | undefined {
  if (tk.kind !== "array") {
    ctx.error(tk, `Expected users field to be an array, got ${describe(tk)}`);
    return undefined;
  }
  const users: LeafUser[] = [];
  for (const u of tk.value) {
    if (u.kind !== "map") {
      ctx.error(u, `Expected user entry to be a map/struct, got ${describe(u)}`);
      continue;
    }
    const user: LeafUser = { username: "", password: "", account: "" };
    for (const [k, v] of u.value) {
      switch (k.toLowerCase()) {
        case "user":
        case "username":
          user.username = getString(ctx, k, v) ?? "";
          break;
        case "pass":
        case "password":
          user.password = getString(ctx, k, v) ?? "";
          break;
        case "account":
          user.account = getString(ctx, k, v) ?? "";
          break;
        default:
          ctx.unknown(v, k);
      }
    }
    users.push(user);
  }
  return users;
}

function parseRemoteLeafNodes(ctx: LoadContext, tk: Token): RemoteLeafOptions[] | undefined {
  if (tk.kind !== "array") {
    ctx.error(tk, `Expected remotes field to be an array, got ${goType(tk)}`);
    return undefined;
  }
  const remotes: RemoteLeafOptions[] = [];
  for (const r of tk.value) {
    if (r.kind !== "map") {
      ctx.error(r, `Expected remote leafnode entry to be a map/struct, got ${describe(r)}`);
      continue;
    }
    const remote: RemoteLeafOptions = {
      urls: [],
      localAccount: "",
      credentials: "",
      tlsInsecure: false,
      hub: false,
      denyImports: [],
      denyExports: [],
      noRandomize: false,
      wsCompression: false,
      wsNoMasking: false,
    };
    for (const [k, v] of r.value) {
      switch (k.toLowerCase()) {
        case "no_randomize":
        case "dont_randomize":
          remote.noRandomize = getBool(ctx, k, v) ?? false;
          break;
        case "url":
        case "urls":
          parseRemoteURLs(ctx, v, remote);
          break;
        case "account":
        case "local":
          remote.localAccount = getString(ctx, k, v) ?? "";
          break;
        case "creds":
        case "credentials":
          remote.credentials = expandPath(getString(ctx, k, v) ?? "");
          break;
        case "tls":
          remote.tls = parseTLS(ctx, v);
          if (v.kind === "map") {
            for (const [tk2, tv] of v.value) if (tk2.toLowerCase() === "insecure" && tv.kind === "bool") remote.tlsInsecure = tv.value;
          }
          break;
        case "hub":
          remote.hub = getBool(ctx, k, v) ?? false;
          break;
        case "deny_imports":
        case "deny_import":
          remote.denyImports = parsePermSubjects(ctx, v) ?? [];
          break;
        case "deny_exports":
        case "deny_export":
          remote.denyExports = parsePermSubjects(ctx, v) ?? [];
          break;
        case "ws_compress":
        case "ws_compression":
        case "websocket_compress":
        case "websocket_compression":
          remote.wsCompression = getBool(ctx, k, v) ?? false;
          break;
        case "ws_no_masking":
        case "websocket_no_masking":
          remote.wsNoMasking = getBool(ctx, k, v) ?? false;
          break;
        case "jetstream_cluster_migrate":
        case "js_cluster_migrate":
          break;
        default:
          ctx.unknown(v, k);
      }
    }
    remotes.push(remote);
  }
  return remotes;
}

function parseRemoteURLs(ctx: LoadContext, tk: Token, remote: RemoteLeafOptions): void {
  if (tk.kind === "string") {
    const u = parseLeafURL(ctx, tk, tk.value);
    if (u !== undefined) remote.urls.push(u);
    return;
  }
  if (tk.kind !== "array") {
    ctx.error(tk, `Expected remote leafnode url to be an array or string, got ${describe(tk)}`);
    return;
  }
  // parseURLs: a repeated URL is a warning (which `-t` fails on).
  const seen = new Set<string>();
  const urls: string[] = [];
  for (const v of tk.value) {
    if (v.kind !== "string") {
      ctx.error(v, `error parsing leafnode url: expected a string, got ${describe(v)}`);
      continue;
    }
    if (seen.has(v.value)) {
      ctx.warn(v, v.value, "Duplicate leafnode entry detected");
      continue;
    }
    seen.add(v.value);
    const u = parseLeafURL(ctx, v, v.value);
    if (u !== undefined) urls.push(u);
  }
  remote.urls = urls;
}

/**
 * As parseURL + setBaselineOptions: the URL trimmed, with the default leafnode port when it has none.
 * Go's url.Parse is lenient; the WHATWG parser is used for the host and port checks.
 */
function parseLeafURL(ctx: LoadContext, tk: Token, raw: string): string | undefined {
  const s = raw.trim();
  const u = parseURLLoose(s);
  if (u === undefined) {
    ctx.error(tk, `error parsing leafnode url [${JSON.stringify(s)}]`);
    return undefined;
  }
  return u;
}

/** Returns the URL with a port (7422 added when missing), or undefined when it does not parse. */
function parseURLLoose(s: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(s)) return undefined;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(.*)$/.exec(s);
  if (m === null) return undefined;
  const [, scheme, userinfo, host, port, rest] = m;
  if (port !== undefined && !/^[0-9]*$/.test(port)) return undefined;
  if (userinfo !== undefined && /%(?![0-9a-fA-F]{2})/.test(userinfo)) return undefined;
  const hostPort = port !== undefined && port !== "" ? `${host}:${port}` : `${host}:${DEFAULT_LEAFNODE_PORT}`;
  return `${scheme}://${userinfo !== undefined ? userinfo + "@" : ""}${hostPort}${rest}`;
}

/** ~ and $VARS expanded, as the reference's expandPath (creds paths). */
function expandPath(p: string): string {
  if (p === "") return p;
  let out = p.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => process.env[name] ?? "");
  if (out === "~" || out.startsWith("~/")) out = (process.env.HOME ?? "") + out.slice(1);
  return out;
}


/** checkLeafMinVersionConfig: "" when fine, else the reference's message. */
export function checkLeafMinVersion(v: string): string {
  const m = /^v?([0-9]+)\.?([0-9]+)?\.?([0-9]+)?/.exec(v);
  if (m === null) return "invalid leafnode's minimum version: invalid semver";
  if (m[2] === undefined || m[3] === undefined) return `invalid leafnode's minimum version: strconv.Atoi: parsing "": invalid syntax`;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  if (maj > 2 || (maj === 2 && min >= 8)) return "";
  return "the minimum version should be at least 2.8.0";
}
