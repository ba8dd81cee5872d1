// Every -ERR text bnats sends, named once, with nats-server's exact words (client.go, parser.go,
// errors.go), and the closed-connection reasons as monitor.go's ClosedState.String() spells them.

export const Err = {
  unknownProtocol: "Unknown Protocol Operation",
  maxPayload: "Maximum Payload Violation",
  /** errors.go ErrMaxControlLine: the errCtx context is logged, not sent. */
  maxControlLine: "maximum control line exceeded",
  maxConnections: "maximum connections exceeded",
  maxSubscriptions: "maximum subscriptions exceeded",
  staleConnection: "Stale Connection",
  invalidSubject: "Invalid Subject",
  invalidPublishSubject: "Invalid Publish Subject",
  authorizationViolation: "Authorization Violation",
  authenticationTimeout: "Authentication Timeout",
  badClientProtocol: "invalid client protocol",
  noRespondersRequiresHeaders: "no responders requires headers support",
  secureConnectionRequired: "Secure Connection - TLS Required",
  connectionThrottling: "Connection throttling is active. Please try again later.",
  /** errors.go ErrClientConnectedToRoutePort: a client on the cluster port. */
  connectedToRoutePort: "attempted to connect to route port",
} as const;

export function permissionsViolationPublish(subject: string): string {
  return `Permissions Violation for Publish to ${goQuote(subject)}`;
}

export function permissionsViolationReply(reply: string): string {
  return `Permissions Violation for Publish with Reply of ${goQuote(reply)}`;
}

export function permissionsViolationSubscription(subject: string, queue: string | undefined): string {
  return queue === undefined
    ? `Permissions Violation for Subscription to ${goQuote(subject)}`
    : `Permissions Violation for Subscription to ${goQuote(subject)} using queue ${goQuote(queue)}`;
}

/** Go's %q for the ASCII/latin1 strings the server handles (subjects are latin1 "binary strings"). */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += s[i];
  }
  return out + '"';
}

/** Why a connection closed (nats-server ClosedState strings, shown in /connz `reason`). */
export const ClosedReason = {
  clientClosed: "Client Closed",
  authenticationTimeout: "Authentication Timeout",
  authenticationViolation: "Authentication Failure",
  tlsHandshakeError: "TLS Handshake Failure",
  slowConsumerPendingBytes: "Slow Consumer (Pending Bytes)",
  slowConsumerWriteDeadline: "Slow Consumer (Write Deadline)",
  writeError: "Write Error",
  readError: "Read Error",
  parseError: "Parse Error",
  staleConnection: "Stale Connection",
  protocolViolation: "Protocol Violation",
  badClientProtocolVersion: "Bad Client Protocol Version",
  maxConnectionsExceeded: "Maximum Connections Exceeded",
  maxPayloadExceeded: "Maximum Message Payload Exceeded",
  maxControlLineExceeded: "Maximum Control Line Exceeded",
  maxSubscriptionsExceeded: "Maximum Subscriptions Exceeded",
  serverShutdown: "Server Shutdown",
  noRespondersRequiresHeaders: "No Responders Requires Headers",
  // Routes (monitor.go ClosedState)
  wrongPort: "Incorrect Port",
  duplicateRoute: "Duplicate Route",
  routeRemoved: "Route Removed",
  wrongGateway: "Wrong Gateway",
  clusterNameConflict: "Cluster Name Conflict",
  duplicateServerName: "Duplicate Server Name",
} as const;
export type ClosedReason = (typeof ClosedReason)[keyof typeof ClosedReason];
