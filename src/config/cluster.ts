// The `cluster {}` block: nats-server's parseCluster and parseURLs (opts.go, v2.9.10), with the
// reference's messages. The result is the flat cluster* fields of Options plus `routes`.

import type { Options, RoutePermissions } from "../options.ts";
import { GoURLError, parseGoURL } from "../go/url.ts";
import { parseAuthorization, parseUserPermissions } from "./auth.ts";
import type { Token } from "./parser.ts";
import { parseTLS } from "./tls.ts";
import { checkPort, describe, getBool, getInt, getListen, getString, type LoadContext } from "./values.ts";
import { goType } from "./go-types.ts";

export type ClusterConfig = Partial<
  Pick<
    Options,
    | "clusterName"
    | "clusterHost"
    | "clusterPort"
    | "clusterUsername"
    | "clusterPassword"
    | "clusterAuthTimeout"
    | "clusterTLS"
    | "clusterAdvertise"
    | "clusterNoAdvertise"
    | "clusterConnectRetries"
    | "clusterPermissions"
    | "routes"
  >
>;

/** parseCluster: every error is collected in ctx; returns what parsed. */
export function parseCluster(ctx: LoadContext, tk: Token): ClusterConfig {
  const o: ClusterConfig = {};
  if (tk.kind !== "map") {
    ctx.error(tk, `Expected map to define cluster, got ${goType(tk)}`);
    return o;
  }
  let permsFromAuth: RoutePermissions | undefined;
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "name": {
        const s = getString(ctx, mk, mv);
        if (s !== undefined) o.clusterName = s;
        break;
      }
      case "listen": {
        const hp = getListen(ctx, mk, mv);
        if (hp === undefined) break;
        const p = checkPort(ctx, mk, mv, hp.port);
        if (p === undefined) break;
        o.clusterHost = hp.host ?? "";
        o.clusterPort = p;
        break;
      }
      case "port": {
        const n = getInt(ctx, mk, mv);
        const p = n === undefined ? undefined : checkPort(ctx, mk, mv, n);
        if (p !== undefined) o.clusterPort = p;
        break;
      }
      case "host":
      case "net": {
        const s = getString(ctx, mk, mv);
        if (s !== undefined) o.clusterHost = s;
        break;
      }
      case "authorization": {
        const auth = parseAuthorization(ctx, mv);
        if (auth === undefined) break;
        if (auth.users !== undefined) {
          ctx.error(mv, "Cluster authorization does not allow multiple users");
          break;
        }
        if (auth.token !== "") {
          ctx.error(mv, "Cluster authorization does not support tokens");
          break;
        }
        o.clusterUsername = auth.user;
        o.clusterPassword = auth.pass;
        if (auth.timeout !== undefined) o.clusterAuthTimeout = auth.timeout;
        if (auth.defaultPermissions !== undefined) {
          ctx.warn(mv, mk, 'setting "permissions" within cluster authorization block is deprecated');
          permsFromAuth = routePermissions(auth.defaultPermissions);
        }
        break;
      }
      case "routes": {
        const routes = parseRouteURLs(ctx, mv);
        if (routes !== undefined) o.routes = routes;
        break;
      }
      case "tls": {
        const t = parseTLS(ctx, mv);
        if (t !== undefined) o.clusterTLS = t;
        break;
      }
      case "cluster_advertise":
      case "advertise": {
        const s = getString(ctx, mk, mv);
        if (s !== undefined) o.clusterAdvertise = s;
        break;
      }
      case "no_advertise": {
        const b = getBool(ctx, mk, mv);
        if (b !== undefined) o.clusterNoAdvertise = b;
        break;
      }
      case "connect_retries": {
        const n = getInt(ctx, mk, mv);
        if (n !== undefined) o.clusterConnectRetries = n;
        break;
      }
      case "permissions": {
        const perms = parseUserPermissions(ctx, mv);
        if (perms === undefined) break;
        // "Dynamic response permissions do not make sense here."
        if (perms.response !== undefined) {
          ctx.error(mv, "Cluster permissions do not support dynamic responses");
          break;
        }
        o.clusterPermissions = routePermissions(perms);
        break;
      }
      default:
        ctx.unknown(mv, mk);
    }
  }
  // Permissions in the authorization block only apply when the cluster block has none of its own.
  if (o.clusterPermissions === undefined && permsFromAuth !== undefined) o.clusterPermissions = permsFromAuth;
  return o;
}

/** The Go type of a config value, as the reference's %T prints it. */

/** setClusterPermissions: publish is import, subscribe is export. */
function routePermissions(p: { publish?: RoutePermissions["import"]; subscribe?: RoutePermissions["export"] }): RoutePermissions {
  const rp: RoutePermissions = {};
  if (p.publish !== undefined) rp.import = p.publish;
  if (p.subscribe !== undefined) rp.export = p.subscribe;
  return rp;
}

/** parseURLs(..., "route"): a duplicate is a warning, an unparsable URL an error at its element. */
function parseRouteURLs(ctx: LoadContext, tk: Token): string[] | undefined {
  const items = tk.kind === "array" ? tk.value : [tk];
  if (tk.kind !== "array" && tk.kind !== "string") {
    ctx.error(tk, `error parsing routes: expected an array of URLs, got ${describe(tk)}`);
    return undefined;
  }
  const seen = new Set<string>();
  const out: string[] = [];
  let failed = false;
  for (const it of items) {
    if (it.kind !== "string") {
      ctx.error(it, `error parsing route url: expected a string, got ${describe(it)}`);
      failed = true;
      continue;
    }
    if (seen.has(it.value)) {
      ctx.warn(it, it.value, "Duplicate route entry detected");
      continue;
    }
    seen.add(it.value);
    const s = it.value.trim();
    try {
      parseGoURL(s);
    } catch (e) {
      if (!(e instanceof GoURLError)) throw e;
      ctx.error(it, `error parsing route url [${JSON.stringify(s)}]`);
      failed = true;
      continue;
    }
    out.push(s);
  }
  return failed ? undefined : out;
}
