// The replay path: a server-side node:tls TLSSocket over a Duplex fed from the raw Bun socket, for the modes
// that had to read bytes before knowing they were a TLS handshake (mixed mode's first byte, handshake_first
// with a fallback delay). Bun's native upgradeTLS would lose those bytes (BUN-NOTES.md), so they are pushed
// into the Duplex first, then every later raw chunk. Slower than the native upgrade: used only when a peek was
// unavoidable.
import type { Duplex } from "node:stream";
import type * as NodeStream from "node:stream";
import type * as tls from "node:tls";
import type { Socket } from "bun";

export interface ReplayEvents {
  secure(sock: tls.TLSSocket): void;
  data(chunk: Buffer): void;
  drain(): void;
  error(err: Error): void;
  close(): void;
}

export class ReplayTLS {
  readonly socket: tls.TLSSocket;
  private readonly duplex: Duplex;
  /** Ciphertext the raw socket did not take yet, and the Duplex callback to call once it has. */
  private pending?: Uint8Array;
  private pendingCb?: (err?: Error | null) => void;
  private closed = false;

  constructor(
    private readonly raw: Socket<unknown>,
    secureContext: tls.SecureContext,
    verify: boolean,
    events: ReplayEvents,
  ) {
    // Required here, not imported: node:tls and node:stream load only for a connection that needs them.
    const { Duplex } = require("node:stream") as typeof NodeStream;
    const nodeTls = require("node:tls") as typeof tls;
    this.duplex = new Duplex({
      read() {
        // pushed from rawData()
      },
      write: (chunk: Buffer, _enc, cb) => this.writeRaw(chunk, cb),
      final: (cb) => {
        this.raw.end();
        cb();
      },
    });
    this.socket = new nodeTls.TLSSocket(this.duplex, {
      isServer: true,
      secureContext,
      requestCert: verify,
      rejectUnauthorized: verify,
    });
    this.socket.on("secure", () => events.secure(this.socket));
    this.socket.on("data", (d: Buffer) => events.data(d));
    this.socket.on("drain", () => events.drain());
    this.socket.on("error", (err: Error) => events.error(err));
    this.socket.on("close", () => events.close());
  }

  /** A chunk from the raw socket (copied: Bun's chunk is only valid during the data callback). */
  rawData(chunk: Uint8Array): void {
    if (!this.closed) this.duplex.push(Buffer.from(chunk));
  }

  /** The raw socket can take more ciphertext. */
  rawDrain(): void {
    const pending = this.pending;
    if (!pending) return;
    const n = this.raw.write(pending);
    if (n < pending.length) {
      this.pending = pending.subarray(Math.max(n, 0));
      return;
    }
    const cb = this.pendingCb;
    this.pending = undefined;
    this.pendingCb = undefined;
    cb?.();
  }

  /** The raw socket closed. */
  rawClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.duplex.push(null);
    this.socket.destroy();
    const cb = this.pendingCb;
    this.pending = undefined;
    this.pendingCb = undefined;
    cb?.(new Error("socket closed"));
  }

  /** Plaintext from the client: accepts all unless node's buffer is over its high-water mark. */
  write(bytes: Uint8Array): number {
    if (this.socket.writableNeedDrain || this.socket.destroyed) return 0;
    // node keeps a reference to the chunk until it is encrypted: hand it a copy the caller cannot reuse.
    this.socket.write(Buffer.from(bytes));
    return bytes.length;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
    this.raw.end();
  }

  private writeRaw(chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.closed) {
      cb(new Error("socket closed"));
      return;
    }
    const n = this.raw.write(chunk);
    if (n >= chunk.length) {
      cb();
      return;
    }
    // Bun does not buffer the rest (BUN-NOTES.md): keep it until the raw drain.
    this.pending = chunk.subarray(Math.max(n, 0));
    this.pendingCb = cb;
  }
}
