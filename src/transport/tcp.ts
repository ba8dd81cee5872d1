// The plain transport: a Bun TCP socket. Bun's write takes what the kernel accepts and buffers nothing
// (BUN-NOTES), so the count it returns is what the outbound queue keeps track of.
import type { Socket } from "bun";
import type { Transport, TransportTLSInfo } from "./transport.ts";

export class BunSocketTransport<D = unknown> implements Transport {
  tls?: TransportTLSInfo;
  /**
   * `address`/`port`: the peer as read at accept (Bun re-reads it with getpeername at every access, which
   * fails once the peer has reset); without them the socket is asked each time.
   */
  constructor(
    public socket: Socket<D>,
    private readonly address?: string,
    private readonly port?: number,
  ) {}
  get remoteAddress(): string {
    return this.address ?? this.socket.remoteAddress;
  }
  get remotePort(): number {
    return this.port ?? this.socket.remotePort;
  }
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
}
