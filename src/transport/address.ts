// Listening addresses as nats-server's: Go's net.Listen("tcp", "0.0.0.0:port") opens one dual-stack
// socket ([::] with IPV6_V6ONLY off, when the system has IPv6), so a listener on the default host also
// takes IPv6 peers ([::1], and "localhost" where it resolves to ::1 first); its IPv4 peers are reported
// as plain IPv4 addresses. Bun binds "0.0.0.0" to IPv4 only, hence "::" and the unmapping here.

/** Runs `listen` with the host to bind: the IPv4 wildcard becomes the dual-stack "::" when possible. */
export function listenDualStack<T>(host: string, listen: (hostname: string) => T): T {
  if (host === "0.0.0.0" || host === "") {
    try {
      return listen("::");
    } catch {
      // No IPv6 here (or "::" refused): the IPv4 wildcard, whose error, if any, is the one to report.
    }
  }
  return listen(host);
}

/**
 * "::ffff:1.2.3.4" (an IPv4 peer of a dual-stack listener) as "1.2.3.4", as Go reports it. Bun's
 * remoteAddress is undefined once the socket is gone (typed string): passed through as is.
 */
export function unmapIPv4(addr: string): string {
  return typeof addr === "string" && addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}
