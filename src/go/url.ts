// Go's net/url.Parse, url.ParseRequestURI and net.SplitHostPort, as far as nats-server's route and
// cluster URLs (opts.go parseURL / overrideCluster / RoutesFromStr) and the websocket origins
// (websocket.go validateWebsocketOptions, checkOrigin) use them, with Go's error texts: the user sees
// them ("parse \"::x\": missing protocol scheme", "address 127.0.0.1: missing port in address",
// "parse \"http://a b\": invalid character \" \" in host name").

export interface GoURL {
  scheme: string;
  /** Set when the URL has a user part (`user[:pass]@`). */
  user?: { username: string; password?: string };
  /** host[:port] as written (brackets kept for IPv6). */
  host: string;
  /** The rest after the scheme when it does not start with '/' (e.g. "localhost:6222" has scheme "localhost"). */
  opaque: string;
  path: string;
}

export class GoURLError extends Error {}

/** Go's %q of a string (ASCII; enough for messages). */
function quote(s: string): string {
  return JSON.stringify(s);
}

function isAlpha(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

/** url.Parse: throws GoURLError with Go's text (`parse "<url>": <reason>`). */
export function parseGoURL(raw: string): GoURL {
  const hash = raw.indexOf("#");
  const u = parseURL(raw, hash < 0 ? raw : raw.slice(0, hash), false);
  if (hash >= 0) checkEscapes(raw.slice(hash + 1), "fragment", (why) => failURL(raw, why));
  return u;
}

/** url.ParseRequestURI: no fragment; the URL must be absolute or start with "/". */
export function parseGoRequestURI(raw: string): GoURL {
  return parseURL(raw, raw, true);
}

function failURL(raw: string, why: string): never {
  throw new GoURLError(`parse ${quote(raw)}: ${why}`);
}

/** net/url parse(rawURL, viaRequest). */
function parseURL(raw: string, s: string, viaRequest: boolean): GoURL {
  const fail = (why: string): never => failURL(raw, why);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) fail("net/url: invalid control character in URL");
  }
  if (s === "" && viaRequest) fail("empty url");
  const u: GoURL = { scheme: "", host: "", opaque: "", path: "" };
  if (s === "*") {
    u.path = "*";
    return u;
  }
  let rest = s;
  // getScheme
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (isAlpha(c)) continue;
    if ((c >= "0" && c <= "9") || c === "+" || c === "-" || c === ".") {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) fail("missing protocol scheme");
      u.scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") {
      u.opaque = rest;
      return u;
    }
    if (viaRequest) fail("invalid URI for request");
    const colon = rest.indexOf(":");
    const slash = rest.indexOf("/");
    if (colon >= 0 && (slash < 0 || colon < slash)) fail("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || (!viaRequest && !rest.startsWith("///"))) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    const slash = authority.indexOf("/");
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    } else rest = "";
    const at = authority.lastIndexOf("@");
    let host = authority;
    if (at >= 0) {
      const info = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:%@]*$/.test(info)) fail("net/url: invalid userinfo");
      const c = info.indexOf(":");
      u.user =
        c < 0
          ? { username: decode(info, fail) }
          : { username: decode(info.slice(0, c), fail), password: decode(info.slice(c + 1), fail) };
      host = authority.slice(at + 1);
    }
    u.host = parseHost(host, fail);
  }
  checkEscapes(rest, "path", fail);
  u.path = rest;
  return u;
}

function decode(s: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return fail(`invalid URL escape ${quote(s)}`);
  }
}

/** url.parseHost: the port, when present, must be digits; the characters those of a host name. */
function parseHost(host: string, fail: (why: string) => never): string {
  if (host.startsWith("[")) {
    const end = host.lastIndexOf("]");
    if (end < 0) fail("missing ']' in host");
    const colonPort = host.slice(end + 1);
    if (!validOptionalPort(colonPort)) fail(`invalid port ${quote(colonPort)} after host`);
  } else {
    const i = host.lastIndexOf(":");
    if (i >= 0) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) fail(`invalid port ${quote(colonPort)} after host`);
    }
  }
  checkEscapes(host, "host", fail);
  return host;
}

const HEX = /^[0-9a-fA-F]$/;

/** url.unescape's checks: %XX escapes well formed; in a host, only host characters (shouldEscape). */
function checkEscapes(s: string, mode: "path" | "host" | "fragment", fail: (why: string) => never): void {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      if (i + 2 >= s.length || !HEX.test(s[i + 1]!) || !HEX.test(s[i + 2]!)) fail(`invalid URL escape ${quote(s.slice(i, i + 3))}`);
      // A host may only escape non-ASCII bytes (and %25, the IPv6 zone separator).
      if (mode === "host" && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== "%25") fail(`invalid URL escape ${quote(s.slice(i, i + 3))}`);
      i += 2;
    } else if (mode === "host" && c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(c)) {
      fail(`invalid character ${quote(c)} in host name`);
    }
  }
}

function validOptionalPort(port: string): boolean {
  if (port === "") return true;
  if (port[0] !== ":") return false;
  return /^[0-9]*$/.test(port.slice(1));
}

/** net.SplitHostPort, with Go's AddrError texts. */
export function splitGoHostPort(hostport: string): { host: string; port: string } {
  const fail = (why: string): never => {
    throw new GoURLError(hostport !== "" ? `address ${hostport}: ${why}` : why);
  };
  const missingPort = "missing port in address";
  const tooManyColons = "too many colons in address";
  const i = hostport.lastIndexOf(":");
  if (i < 0) fail(missingPort);
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === "[") {
    const end = hostport.indexOf("]");
    if (end < 0) fail("missing ']' in address");
    if (end + 1 === hostport.length) fail(missingPort);
    if (end + 1 !== i) fail(hostport[end + 1] === ":" ? tooManyColons : missingPort);
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(":")) fail(tooManyColons);
  }
  if (hostport.slice(j).includes("[")) fail("unexpected '[' in address");
  if (hostport.slice(k).includes("]")) fail("unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}

/** The host without IPv6 brackets and the numeric port (0 when absent) of a parsed URL. */
export function urlHostPort(u: GoURL, defaultPort: number): { host: string; port: number } {
  const h = u.host;
  const end = h.startsWith("[") ? h.indexOf("]") : -1;
  const colon = h.lastIndexOf(":");
  if (colon > end && colon >= 0) {
    const p = h.slice(colon + 1);
    const host = end >= 0 ? h.slice(1, end) : h.slice(0, colon);
    return { host, port: p === "" ? defaultPort : Number(p) };
  }
  return { host: end >= 0 ? h.slice(1, end) : h, port: defaultPort };
}

/**
 * websocket.go wsGetHostAndPort: net.SplitHostPort, or the scheme's default port (443 with TLS, else 80)
 * when the port is missing; the host lower-cased. Other SplitHostPort errors throw.
 */
export function wsHostAndPort(tls: boolean, hostport: string): { host: string; port: string } {
  try {
    const hp = splitGoHostPort(hostport);
    return { host: hp.host.toLowerCase(), port: hp.port };
  } catch (e) {
    if (e instanceof GoURLError && e.message.endsWith("missing port in address")) {
      return { host: hostport.toLowerCase(), port: tls ? "443" : "80" };
    }
    throw e;
  }
}
