// The JSON a leafnode link exchanges: the accepting side's INFO (server.go Info with the leafnode fields:
// leafnode_urls, info_on_connect, connect_info, remote_account, import/export) and the soliciting side's
// CONNECT (leafnode.go leafConnectInfo), with the reference's field names and omitempty rules.
import type { SubjectPermission } from "../options.ts";
import type { ServerInfo } from "../protocol/info.ts";

export interface LeafInfo extends ServerInfo {
  domain?: string;
  leafnode_urls?: string[];
  ws_connect_urls?: string[];
  info_on_connect?: boolean;
  connect_info?: boolean;
  remote_account?: string;
  import?: SubjectPermission;
  export?: SubjectPermission;
}

/** leafnode.go leafConnectInfo. */
export interface LeafConnectInfo {
  version?: string;
  jwt?: string;
  sig?: string;
  user?: string;
  pass?: string;
  tls_required: boolean;
  compression?: boolean;
  server_id?: string;
  domain?: string;
  name?: string;
  is_hub?: boolean;
  cluster?: string;
  headers?: boolean;
  jetstream?: boolean;
  deny_pub?: string[];
  gateway?: string;
  /** Only clients send it: a client on the leaf port (processLeafNodeConnect's wrong-port check). */
  lang?: string;
}

/** Go's json.Unmarshal into the struct: an object (or null) is needed; unknown and mistyped fields are the caller's concern. */
export function parseJSONObject<T>(arg: Buffer): T {
  const v: unknown = JSON.parse(arg.toString("utf8"));
  if (v === null) return {} as T;
  if (typeof v !== "object" || Array.isArray(v)) throw new Error("json: cannot unmarshal into Go value");
  return v as T;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The CONNECT fields the accepting side reads, typed (wrong types read as empty, as a lenient decode). */
export function readLeafConnect(c: LeafConnectInfo): Required<Pick<LeafConnectInfo, "version" | "user" | "pass" | "jwt" | "sig" | "name" | "cluster" | "domain" | "gateway" | "lang">> & {
  hub: boolean;
  headers: boolean;
  denyPub: string[];
} {
  return {
    version: str(c.version),
    user: str(c.user),
    pass: str(c.pass),
    jwt: str(c.jwt),
    sig: str(c.sig),
    name: str(c.name),
    cluster: str(c.cluster),
    domain: str(c.domain),
    gateway: str(c.gateway),
    lang: str(c.lang),
    hub: c.is_hub === true,
    headers: c.headers === true,
    denyPub: Array.isArray(c.deny_pub) ? c.deny_pub.filter((s): s is string => typeof s === "string") : [],
  };
}
