// A connection's outbound queue. Bun's socket.write takes only what the kernel accepts and buffers
// nothing (BUN-NOTES), so everything owed to a client is appended here while the event loop turn
// runs, written once when the turn's deliveries are done, and the unwritten rest is kept and offered
// again on `drain`. `pending` is nats-server's out.pb: the bytes owed and not yet taken by the kernel.

const START_SIZE = 1024;
/** A buffer that grew past this is dropped once empty, so idle connections stay small. */
const KEEP_SIZE = 256 * 1024;

export class Outbound {
  buf: Uint8Array = EMPTY;
  /** Bytes [head, len) are owed to the transport. */
  head = 0;
  len = 0;
  /** Whether the last write left bytes the transport did not take (we wait for drain). */
  blocked = false;

  get pending(): number {
    return this.len - this.head;
  }

  /** Make room for n more bytes and return the offset to write them at. */
  reserve(n: number): number {
    let len = this.len;
    if (len + n > this.buf.length) {
      const live = len - this.head;
      if (live + n <= this.buf.length) {
        // Compact: cheaper than growing when most of the buffer was already written.
        this.buf.copyWithin(0, this.head, len);
      } else {
        let size = Math.max(START_SIZE, this.buf.length);
        while (size < live + n) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.buf.subarray(this.head, len));
        this.buf = grown;
      }
      this.head = 0;
      this.len = len = live;
    }
    return len;
  }

  append(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
    this.len = at + bytes.length;
  }

  /** Offer what is owed to `write`; returns the number of bytes written now. */
  flush(write: (bytes: Uint8Array) => number): number {
    if (this.len === this.head) return 0;
    const n = write(this.buf.subarray(this.head, this.len));
    const written = n > 0 ? n : 0;
    this.head += written;
    if (this.head === this.len) {
      this.head = this.len = 0;
      this.blocked = false;
      if (this.buf.length > KEEP_SIZE) this.buf = EMPTY;
    } else {
      this.blocked = true;
    }
    return written;
  }

  /** Drop everything (the connection is gone). */
  reset(): void {
    this.buf = EMPTY;
    this.head = this.len = 0;
    this.blocked = false;
  }
}

const EMPTY = new Uint8Array(0);
