// The plain transport: a Bun TCP socket. Bun's write takes what the kernel accepts and buffers nothing
// (BUN-NOTES), so the count it returns is what the outbound queue keeps track of.
import type { Socket } from "bun";
import type { Transport, TransportTLSInfo } from "./transport.ts";

export class BunSocketTransport<D = unknown> implements Transport {
  tls?: TransportTLSInfo;
  constructor(public socket: Socket<D>) {}
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
