// One configured remote (a hub this server solicits as a leaf), as leafnode.go leafNodeCfg: the URL list
// (shuffled unless no_randomize, refreshed from the hub's INFO leafnode_urls), the URL in use, the
// user/password remembered from a configured URL for bare URLs learned later, the TLS server name, the
// deny lists as permissions, and the delay before the next attempt (30 s after a loop, a permission
// violation or a clashing cluster name).
import { GLOBAL_ACCOUNT, type Permissions, type RemoteLeafOptions } from "../options.ts";

export interface LeafURL {
  /** As configured or learned (`nats-leaf://[user:pass@]host:port`). */
  readonly raw: string;
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly pass?: string;
}

/** Parses a leaf URL (the loader added the default port). */
export function parseLeafURL(raw: string): LeafURL | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([0-9]+))?/.exec(raw);
  if (m === null) return undefined;
  const [, scheme, userinfo, host, port] = m;
  let user: string | undefined;
  let pass: string | undefined;
  if (userinfo !== undefined) {
    const i = userinfo.indexOf(":");
    user = decodeURIComponent(i < 0 ? userinfo : userinfo.slice(0, i));
    pass = i < 0 ? undefined : decodeURIComponent(userinfo.slice(i + 1));
  }
  return {
    raw,
    scheme: scheme!.toLowerCase(),
    host: host!.replace(/^\[|\]$/g, ""),
    port: port !== undefined ? Number(port) : 7422,
    user,
    pass,
  };
}

/** host:port as the reference's rURL.Host (IPv6 in brackets). */
export function hostPort(u: LeafURL): string {
  return u.host.includes(":") ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}

function isIP(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(":");
}

export class LeafRemote {
  /** The configured URLs, parsed. */
  readonly configured: LeafURL[];
  /** The list tried in turn (configured + learned). */
  urls: LeafURL[];
  current: LeafURL | undefined;
  /** Remembered from the first configured URL that has them (saveUserPassword). */
  username = "";
  password = "";
  /** The first host name seen (not an IP): the TLS server name (saveTLSHostname). */
  tlsName = "";
  /** The hub said tls_required (or a wss:// URL): TLS even without a tls {} block. */
  tlsRequired: boolean;
  /** Delay before the next connect attempt, ms (connDelay). */
  connectDelay = 0;
  /** deny_exports as publish deny, deny_imports as subscribe deny (newLeafNodeCfg). */
  readonly perms?: Permissions;

  constructor(readonly opts: RemoteLeafOptions) {
    this.configured = opts.urls.map(parseLeafURL).filter((u): u is LeafURL => u !== undefined);
    this.urls = [...this.configured];
    if (!opts.noRandomize) shuffle(this.urls);
    for (const u of this.urls) {
      this.saveTLSHostname(u);
      if (this.username === "" && u.user !== undefined) {
        this.username = u.user;
        this.password = u.pass ?? "";
      }
    }
    this.tlsRequired = opts.tls !== undefined || this.urls.some((u) => u.scheme === "wss");
    if (opts.denyExports.length > 0 || opts.denyImports.length > 0) {
      const perms: Permissions = {};
      if (opts.denyExports.length > 0) perms.publish = { deny: [...opts.denyExports] };
      if (opts.denyImports.length > 0) perms.subscribe = { deny: [...opts.denyImports] };
      this.perms = perms;
    }
  }

  /** The local account ("" is $G). */
  get account(): string {
    return this.opts.localAccount === "" ? GLOBAL_ACCOUNT : this.opts.localAccount;
  }

  /** pickNextURL: the current first URL goes to the end when there are several. */
  pickNextURL(): LeafURL {
    const urls = this.urls;
    if (this.current !== undefined && urls.length > 1 && sameHost(this.current, urls[0]!)) {
      urls.push(urls.shift()!);
    }
    this.current = urls[0]!;
    return this.current;
  }

  /** doUpdateLNURLs: the hub's leafnode_urls (without duplicates of configured ones), then the configured. */
  updateURLs(hostPorts: readonly string[]): void {
    const scheme = this.configured[0]?.scheme === "ws" || this.configured[0]?.scheme === "wss" ? (this.tlsRequired ? "wss" : "ws") : "nats-leaf";
    const learned: LeafURL[] = [];
    for (const hp of hostPorts) {
      const u = parseLeafURL(`${scheme}://${hp}`);
      if (u === undefined) continue;
      if (this.configured.some((c) => sameHost(c, u))) continue;
      learned.push(u);
      this.saveTLSHostname(u);
    }
    this.urls = [...learned, ...this.configured];
  }

  /** The credentials for a CONNECT through `u`: the URL's own, else the remembered ones. */
  userFor(u: LeafURL): { user: string; pass: string } | undefined {
    if (u.user !== undefined) return { user: u.user, pass: u.pass ?? "" };
    if (this.username !== "") return { user: this.username, pass: this.password };
    return undefined;
  }

  private saveTLSHostname(u: LeafURL): void {
    if (this.tlsName === "" && !isIP(u.host)) this.tlsName = u.host;
  }
}

function sameHost(a: LeafURL, b: LeafURL): boolean {
  return a.host === b.host && a.port === b.port;
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = (Math.random() * (i + 1)) | 0;
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}
