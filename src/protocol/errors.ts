// Every -ERR text bnats sends, named once, with nats-server's exact words (client.go, parser.go,
// errors.go), and the closed-connection reasons as monitor.go's ClosedState.String() spells them.
import { goQuote } from "../go/quote.ts";

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
  maxAccountConnections: "maximum account active connections exceeded",
  connectionThrottling: "Connection throttling is active. Please try again later.",
  /** errors.go ErrClientConnectedToRoutePort: a client on the cluster port. */
  connectedToRoutePort: "attempted to connect to route port",
  // Leaf nodes (errors.go, leafnode.go, client.go ClosedState strings sent with -ERR)
  /** ErrConnectedToWrongPort: a soliciting leaf reached a port that is not a leafnode port (logged only). */
  leafWrongPort: "attempted to connect to wrong port",
  /** ErrClientConnectedToLeafNodePort */
  connectedToLeafPort: "attempted to connect to leaf node port",
  /** ErrLeafNodeHasSameClusterName */
  leafSameClusterName: "remote leafnode has same cluster name",
  leafDuplicate: "Duplicate Remote LeafNode Connection",
  leafStaleConnect: "Stale Leaf Node Connection - Closing",
} as const;

/** route.go processRouteConnect: a gateway on the route port. */
export function routeRejectGateway(gateway: string): string {
  return `Rejecting connection from gateway ${goQuote(gateway)} on the Route port`;
}

/** route.go processRouteConnect: another cluster's member. */
export function routeRejectClusterName(theirs: string, ours: string): string {
  return `Rejecting connection, cluster name ${goQuote(theirs)} does not match ${goQuote(ours)}`;
}

/** route.go processRemoteSub: an interest the sublist refuses. */
export const ERR_INVALID_SUBSCRIPTION = "Invalid Subscription";

export function permissionsViolationPublish(subject: string): string {
  return `Permissions Violation for Publish to ${goQuote(subject)}`;
}

/** A subscription a config reload's new permissions refuse (client.go processSubsOnConfigReload). */
/** client.go replySubjectViolation: a client set a reply reserved for service imports or gateways. */
export function permissionsViolationReply(reply: string): string {
  return `Permissions Violation for Publish with Reply of ${goQuote(reply)}`;
}

export function permissionsViolationSubscriptionReload(subject: string, sid: string): string {
  return `Permissions Violation for Subscription to ${goQuote(subject)} (sid ${goQuote(sid)})`;
}

export function permissionsViolationSubscription(subject: string, queue: string | undefined): string {
  return queue === undefined
    ? `Permissions Violation for Subscription to ${goQuote(subject)}`
    : `Permissions Violation for Subscription to ${goQuote(subject)} using queue ${goQuote(queue)}`;
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
  maxAccountConnectionsExceeded: "Maximum Account Connections Exceeded",
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
  // Leaf nodes
  clusterNamesIdentical: "Cluster Names Identical",
  duplicateRemoteLeafnode: "Duplicate Remote LeafNode Connection",
  minimumVersionRequired: "Minimum Version Required",
  missingAccount: "Missing Account",
} as const;
export type ClosedReason = (typeof ClosedReason)[keyof typeof ClosedReason];

/** leafnode.go handleLeafNodeLoop. */
export function leafLoopDetected(account: string): string {
  return `Loop detected for leafnode account=${goQuote(account)}. Delaying attempt to reconnect for 30s`;
}

/** processLeafNodeConnect: a CONNECT below leafnodes.min_version. */
export function leafMinimumVersion(min: string): string {
  return `connection rejected since minimum version required is ${goQuote(min)}`;
}

/** processLeafNodeConnect: a gateway on the leafnode port. */
export function leafGatewayOnLeafPort(gateway: string): string {
  return `Rejecting connection from gateway ${goQuote(gateway)} on the leafnode port`;
}
