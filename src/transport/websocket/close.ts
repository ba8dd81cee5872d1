// The close frame a websocket client gets for each closed reason: websocket.go wsEnqueueCloseMessage and
// wsCreateCloseMessage (v2.9.10), and which reasons close without one (client.go markConnAsClosed
// skipFlush: read/write errors, slow consumers, TLS failures end the TCP connection only).
import { ClosedReason } from "../../protocol/errors.ts";

export const WS_CLOSE_NORMAL = 1000;
export const WS_CLOSE_GOING_AWAY = 1001;
export const WS_CLOSE_PROTOCOL_ERROR = 1002;
/** Never sent on the wire (RFC 6455 7.4.1); the reference writes it, Bun sends a close frame without a code. */
export const WS_CLOSE_ABNORMAL = 1006;
export const WS_CLOSE_POLICY_VIOLATION = 1008;
export const WS_CLOSE_MESSAGE_TOO_BIG = 1009;
export const WS_CLOSE_INTERNAL_ERROR = 1011;
export const WS_CLOSE_TLS_HANDSHAKE = 1015;

/** Longest close payload (wsMaxControlPayloadSize) minus the 2 status bytes. */
const MAX_REASON = 125 - 2;

const POLICY = new Set<string>([
  ClosedReason.authenticationTimeout,
  ClosedReason.authenticationViolation,
  ClosedReason.slowConsumerPendingBytes,
  ClosedReason.slowConsumerWriteDeadline,
  ClosedReason.maxConnectionsExceeded,
  ClosedReason.maxControlLineExceeded,
  ClosedReason.maxSubscriptionsExceeded,
  // Reasons the reference has and bnats may add with accounts/JWT.
  "Maximum Account Connections Exceeded",
  "Missing Account",
  "Authentication Expired",
  "Credentials Revoked",
]);

const PROTOCOL = new Set<string>([ClosedReason.parseError, ClosedReason.protocolViolation, ClosedReason.badClientProtocolVersion]);

const ABNORMAL = new Set<string>([ClosedReason.writeError, ClosedReason.readError, ClosedReason.staleConnection]);

/** wsEnqueueCloseMessage's status for a ClosedState string. */
export function wsCloseStatus(reason: string): number {
  if (reason === ClosedReason.clientClosed) return WS_CLOSE_NORMAL;
  if (POLICY.has(reason)) return WS_CLOSE_POLICY_VIOLATION;
  if (reason === ClosedReason.tlsHandshakeError) return WS_CLOSE_TLS_HANDSHAKE;
  if (PROTOCOL.has(reason)) return WS_CLOSE_PROTOCOL_ERROR;
  if (reason === ClosedReason.maxPayloadExceeded) return WS_CLOSE_MESSAGE_TOO_BIG;
  if (reason === ClosedReason.serverShutdown) return WS_CLOSE_GOING_AWAY;
  if (ABNORMAL.has(reason)) return WS_CLOSE_ABNORMAL;
  return WS_CLOSE_INTERNAL_ERROR;
}

/** markConnAsClosed's skipFlush reasons: no close frame, the connection is just dropped. */
export function wsSkipsCloseFrame(reason: string): boolean {
  return (
    reason === ClosedReason.readError ||
    reason === ClosedReason.writeError ||
    reason === ClosedReason.slowConsumerPendingBytes ||
    reason === ClosedReason.slowConsumerWriteDeadline ||
    reason === ClosedReason.tlsHandshakeError
  );
}

/** wsCreateCloseMessage's body: cut to 120 bytes and "..." when longer than a control frame allows. */
export function wsCloseReasonText(reason: string): string {
  const bytes = Buffer.from(reason, "utf8");
  if (bytes.length <= MAX_REASON) return reason;
  return bytes.subarray(0, MAX_REASON - 3).toString("utf8") + "...";
}
