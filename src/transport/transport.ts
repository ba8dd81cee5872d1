// The byte pipe under a connection. The plain one wraps a Bun socket (tcp.ts); TLS supplies others (the
// native upgraded socket, or node:tls over a replaying duplex for the modes that must peek first).

export interface Transport {
  /** Bytes the transport accepted now; the rest must be offered again after `drain`. */
  write(bytes: Uint8Array): number;
  /** Flush and close the write side (the peer sees EOF), as nats-server closes after a final -ERR. */
  end(): void;
  pause(): void;
  resume(): void;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** TLS details, when the connection is secured. */
  readonly tls?: TransportTLSInfo;
  /** A websocket connection (src/transport/websocket): log name "wid:", connz type "websocket". */
  readonly websocket?: boolean;
  /** Websocket: X-Forwarded-For (an IP), shown before the address in the log prefix. */
  readonly forwardedFor?: string;
  /** Told the closed reason before end(): a websocket sends it in its close frame. */
  closing?(reason: string): void;
}

export interface TransportTLSInfo {
  version: string;
  cipher: string;
  /** Whether the TLS handshake came before INFO (handshake_first). */
  first: boolean;
  /** The verified peer certificate (DER and parsed fields), when the client presented one. */
  peerCertificate?: unknown;
}
