// Go's net/url.Parse and net.SplitHostPort, as far as nats-server's route and cluster URLs use them
// (opts.go parseURL / overrideCluster / RoutesFromStr), with Go's error texts: the user sees them
// ("parse \"::x\": missing protocol scheme", "address 127.0.0.1: missing port in address").

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
  const fail = (why: string): never => {
    throw new GoURLError(`parse ${quote(raw)}: ${why}`);
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) fail("net/url: invalid control character in URL");
  }
  let rest = raw;
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  // getScheme
  let scheme = "";
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (isAlpha(c)) continue;
    if ((c >= "0" && c <= "9") || c === "+" || c === "-" || c === ".") {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) fail("missing protocol scheme");
      scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  const u: GoURL = { scheme, host: "", opaque: "", path: "" };
  if (!rest.startsWith("/")) {
    if (scheme !== "") {
      u.opaque = rest;
      return u;
    }
    const colon = rest.indexOf(":");
    const slash = rest.indexOf("/");
    if (colon >= 0 && (slash < 0 || colon < slash)) fail("first path segment in URL cannot contain colon");
  }
  if (rest.startsWith("//") && !rest.startsWith("///")) {
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
      if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$/.test(info)) fail("net/url: invalid userinfo");
      const c = info.indexOf(":");
      u.user =
        c < 0
          ? { username: decode(info, fail) }
          : { username: decode(info.slice(0, c), fail), password: decode(info.slice(c + 1), fail) };
      host = authority.slice(at + 1);
    }
    u.host = parseHost(host, fail);
  }
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

/** url.parseHost: the port, when present, must be digits. */
function parseHost(host: string, fail: (why: string) => never): string {
  if (host.startsWith("[")) {
    const end = host.lastIndexOf("]");
    if (end < 0) fail("missing ']' in host");
    const colonPort = host.slice(end + 1);
    if (!validOptionalPort(colonPort)) fail(`invalid port ${quote(colonPort)} after host`);
    return host;
  }
  const i = host.lastIndexOf(":");
  if (i >= 0) {
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) fail(`invalid port ${quote(colonPort)} after host`);
  }
  return host;
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
