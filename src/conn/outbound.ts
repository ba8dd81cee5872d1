// A connection's outbound side: its write queue, pending bytes, drain, and the two ways a client
// becomes a slow consumer. Bun's socket.write takes only what the kernel accepts and buffers nothing
// (BUN-NOTES), so everything owed to a client is appended here while an event-loop turn runs, written
// once when the turn's deliveries are done, and the unwritten rest is offered again on `drain`.
// `pending` is nats-server's out.pb: the bytes owed and not yet taken by the kernel.
import { ClosedReason } from "../protocol/errors.ts";
import type { Transport } from "../transport/transport.ts";
import type { Options } from "../options.ts";
import { Kind } from "./kind.ts";
import type { ServerStats } from "./stats.ts";

/** What the outbound side needs of its connection (src/conn/connection.ts provides it). */
export interface OutboundConn {
  readonly kind: Kind;
  readonly transport: Transport;
  readonly host: { readonly opts: Options; readonly stats: ServerStats; readonly stallThreshold: number };
  readonly closed: boolean;
  /** Whether the peer has sent CONNECT: only then is a slow consumer counted and logged. */
  readonly connectReceived: boolean;
  notice(msg: string): void;
  closeConnection(reason: string): void;
  pauseReads(): void;
  resumeReads(): void;
}

const START_SIZE = 1024;
/** Longest a producer stays paused for one slow consumer (client.go stallClientMaxDuration). */
const STALL_MAX = 1000;

export class Outbound {
  buf: Uint8Array = EMPTY;
  /** Bytes [head, len) are owed to the transport. */
  head = 0;
  len = 0;
  /** Whether the last write left bytes the transport did not take (we wait for drain). */
  blocked = false;
  /** Set on every use; the server's idle sweep drops the buffers of connections that did not set it. */
  private used = false;

  private writeDeadlineTimer: ReturnType<typeof setTimeout> | undefined;
  /** Producers paused because this consumer fell behind (client.go stalls producers). */
  private stalledProducers: Set<OutboundConn> | undefined;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly write = (bytes: Uint8Array): number => this.client.transport.write(bytes);

  constructor(private readonly client: OutboundConn) {}

  get pending(): number {
    return this.len - this.head;
  }

  /** Make room for n more bytes and return the offset to write them at. */
  reserve(n: number): number {
    this.used = true;
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

  /**
   * Slow consumer check before queueing n bytes (client.go queueOutbound): over max_pending the
   * connection is closed and counted (once it has sent CONNECT), without flushing what it is owed.
   */
  checkPending(n: number): boolean {
    const client = this.client;
    const max = client.host.opts.maxPending;
    if (this.len - this.head + n <= max) return true;
    this.slowConsumer(`MaxPending of ${max} Exceeded`, ClosedReason.slowConsumerPendingBytes);
    return false;
  }

  /** Write what is owed; called once per touched client at the end of a read. */
  flush(): void {
    if (this.len === this.head || this.blocked) return;
    this.writeOut();
    if (this.blocked) this.armWriteDeadline();
  }

  /** The transport can take more bytes. */
  onDrain(): void {
    const client = this.client;
    if (this.len > this.head) {
      this.blocked = false;
      this.writeOut();
    }
    if (!this.blocked) {
      this.clearWriteDeadline();
      if (client.closed) client.transport.end();
    }
    if (this.stalledProducers !== undefined && this.pending <= client.host.stallThreshold) this.releaseProducers();
  }

  /** Pause a fast producer until this consumer drains (the reference's stalledWait, as a socket pause). */
  stallProducer(producer: OutboundConn): void {
    if (this.stalledProducers === undefined) {
      this.stalledProducers = new Set();
      // Bounded, as the reference's stalledWait: a consumer that never drains ends up a slow consumer
      // at max_pending rather than freezing its producers.
      this.stallTimer = setTimeout(() => this.releaseProducers(), STALL_MAX);
    }
    if (this.stalledProducers.has(producer)) return;
    this.stalledProducers.add(producer);
    producer.pauseReads();
  }

  /**
   * The connection is closing: give back paused producers, then either drop what is owed (slow
   * consumers, peers already gone) or write it and end the transport once it is taken.
   */
  close(discard: boolean): void {
    this.releaseProducers();
    this.clearWriteDeadline();
    const transport = this.client.transport;
    if (discard) {
      this.reset();
      transport.end();
      return;
    }
    if (this.pending > 0 && !this.blocked) this.writeOut();
    if (!this.blocked) {
      transport.end();
      return;
    }
    // The blocked remainder is finished by onDrain, which ends the transport then; but do not wait
    // forever for a peer that stopped reading: end after write_deadline regardless.
    const t = setTimeout(() => transport.end(), this.client.host.opts.writeDeadline);
    t.unref?.();
  }

  /**
   * The transport is gone (closed or reset by the peer): nothing owed can be delivered any more, so
   * nothing is pending (a stop's flush wait counts only sockets that still take bytes).
   */
  discard(): void {
    this.releaseProducers();
    this.clearWriteDeadline();
    this.reset();
  }

  private writeOut(): void {
    const n = this.write(this.buf.subarray(this.head, this.len));
    if (n < 0) {
      // Bun's write returns -1 once the socket is closed or shutting down (a reset peer): as
      // client.go flushOutbound on a write error that is not a timeout, close with WriteError and
      // skip the flush (markConnAsClosed sets skipFlushOnClose), rather than wait for a drain that
      // never comes.
      this.discard();
      this.client.closeConnection(ClosedReason.writeError);
      return;
    }
    this.head += n;
    if (this.head === this.len) {
      // The buffer is kept for the next burst (regrowing it per read cost more than the routing);
      // the idle sweep gives it back once the connection goes quiet.
      this.head = this.len = 0;
      this.blocked = false;
      // As client.go flushOutbound (n == attempted): a write that takes everything releases stalled
      // producers; without it a stall raised before this flush waited for a drain that never comes.
      if (this.stalledProducers !== undefined) this.releaseProducers();
    } else {
      this.blocked = true;
    }
  }

  private armWriteDeadline(): void {
    if (this.writeDeadlineTimer !== undefined || this.client.closed) return;
    const deadline = this.client.host.opts.writeDeadline;
    this.writeDeadlineTimer = setTimeout(() => {
      this.writeDeadlineTimer = undefined;
      if (!this.blocked || this.client.closed) return;
      this.slowConsumer(
        `WriteDeadline of ${deadline / 1000}s exceeded with 1 chunks of ${this.pending} total bytes.`,
        ClosedReason.slowConsumerWriteDeadline,
      );
    }, deadline);
  }

  private clearWriteDeadline(): void {
    if (this.writeDeadlineTimer !== undefined) {
      clearTimeout(this.writeDeadlineTimer);
      this.writeDeadlineTimer = undefined;
    }
  }

  private slowConsumer(why: string, reason: ClosedReason): void {
    const client = this.client;
    // A client that never sent CONNECT is closed but not counted (nor logged) as a slow consumer.
    if (client.connectReceived) {
      const stats = client.host.stats;
      stats.slowConsumers++;
      const sc = stats.slowConsumerStats;
      if (client.kind === Kind.ROUTER) sc.routes++;
      else if (client.kind === Kind.GATEWAY) sc.gateways++;
      else if (client.kind === Kind.LEAF) sc.leafs++;
      else sc.clients++;
      client.notice(`Slow Consumer Detected: ${why}`);
    }
    client.closeConnection(reason);
  }

  private releaseProducers(): void {
    const producers = this.stalledProducers;
    if (producers === undefined) return;
    this.stalledProducers = undefined;
    clearTimeout(this.stallTimer);
    for (const p of producers) p.resumeReads();
  }

  /**
   * Called periodically by the server: an empty buffer not used since the last sweep is released,
   * so idle connections cost a few KB however large their last burst was.
   */
  sweepIdle(): void {
    if (!this.used && this.len === this.head) this.buf = EMPTY;
    this.used = false;
  }

  /** Drop everything (the connection is gone). */
  private reset(): void {
    this.buf = EMPTY;
    this.head = this.len = 0;
    this.blocked = false;
  }
}

const EMPTY = new Uint8Array(0);
