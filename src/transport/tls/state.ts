// What a TLS-capable connection offers its connection, and what it needs from it.
// The byte-moving part is the core's Transport contract (src/transport/transport.ts); `tls` holds the
// negotiated state that INFO, /connz and verify_and_map read.

import type { Transport, TransportTLSInfo } from "../transport.ts";

export type { Transport };

/** The negotiated TLS state of one connection (/connz tls_version, tls_cipher_suite, tls_first). */
export interface TLSState extends TransportTLSInfo {
  /** "1.2" / "1.3", as nats-server's tlsVersion(). */
  readonly version: string;
  /** Go's name of the suite, as nats-server's tlsCipher() ("TLS_AES_128_GCM_SHA256"). */
  readonly cipher: string;
  /** The handshake came first, before INFO (handshake_first). */
  readonly first: boolean;
  /** The peer's certificate (DER), when it sent one. */
  readonly peerCertificate?: Uint8Array;
  /** The peer certificate chained to the CA (only meaningful with verify). */
  readonly authorized: boolean;
}

/** The INFO flags that depend on how this connection is negotiated. */
export interface InfoTLSFlags {
  tlsRequired: boolean;
  tlsAvailable: boolean;
}

/** Per-connection log lines, already prefixed with the client's "ip:port - cid:N - " by the host. */
export interface ConnLog {
  debug(msg: string): void;
  error(msg: string): void;
  trace(msg: string): void;
}

/**
 * The connection's owner (the Client): the negotiation calls these as it goes.
 * Order: infoBytes (0..2 times) -> ready -> data/drain ... -> closed; or failed -> closed.
 */
export interface TLSHost {
  readonly log: ConnLog;
  /** The INFO line to send now, with these TLS flags (the host adds client_id, nonce, ...). */
  infoBytes(flags: InfoTLSFlags): Uint8Array;
  /** The protocol may start (plaintext chosen, or handshake done): start the auth and ping timers. */
  ready(): void;
  /**
   * Admission after the first INFO, before any TLS (server.go createClient: max_connections is checked
   * there, its -ERR still in plaintext). False: the host refused and closed the client; stop.
   */
  admit(): boolean;
  /** Protocol bytes (decrypted when TLS): only valid during the call, as Bun's data chunks. */
  data(chunk: Buffer): void;
  /** The transport can take more bytes. */
  drain(): void;
  /**
   * Negotiation failed: close the client with this reason (ClosedReason text); the transport is already
   * closing. `err` (when given) has been sent to the peer (-ERR) or is only for the log.
   */
  failed(reason: string): void;
  /** The socket is gone (peer closed, or after end()/failure). Called once. */
  closed(): void;
}
