// The byte pipe under a Client. The plain one wraps a Bun socket; TLS supplies others (the native
// upgraded socket, or node:tls over a replaying duplex for the modes that must peek first).
import type { Socket } from "bun";

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
}

export interface TransportTLSInfo {
  version: string;
  cipher: string;
  /** Whether the TLS handshake came before INFO (handshake_first). */
  first: boolean;
  /** The verified peer certificate (DER and parsed fields), when the client presented one. */
  peerCertificate?: unknown;
}

/** Per-socket data: the Client that owns the socket (set right after accept). */
export interface SocketData {
  client: import("./client.ts").Client | null;
  /** Set when the listener has TLS: raw socket events go to the negotiation (src/tls/negotiate.ts). */
  tls?: import("../tls/negotiate.ts").TLSConnection;
}

export class BunSocketTransport implements Transport {
  tls?: TransportTLSInfo;
  constructor(public socket: Socket<SocketData>) {}
  write(bytes: Uint8Array): number {
    return this.socket.write(bytes);
  }
  end(): void {
    this.socket.end();
  }
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  get remoteAddress(): string {
    return this.socket.remoteAddress;
  }
  get remotePort(): number {
    return this.socket.remotePort;
  }
}
