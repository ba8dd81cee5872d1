// The read side of every connection: a chunk is parsed on the event loop, the consumers it touched are
// flushed once at the end (client.go's pcd: one write per consumer per read), and a per-turn read budget
// keeps a flooding publisher from holding timers and other sockets.
import { ClosedReason } from "../protocol/errors.ts";
import { MsgFrame } from "./deliver.ts";

/** Parsing time one event-loop turn may spend before busy connections yield to timers and other sockets. */
const READ_BUDGET_MS = 4;

/** What the loop needs of a connection (src/conn/connection.ts provides it). */
export interface LoopConn {
  /** Queued for flushing at the end of the current read (the reference's pcd). */
  flushQueued: boolean;
  readonly closed: boolean;
  /** Bytes from the transport (plaintext after any TLS layer). */
  feed(chunk: Buffer): void;
  flush(): void;
  pauseReads(): void;
  resumeReads(): void;
  error(msg: string): void;
  closeConnection(reason: string): void;
}

export class ReadLoop {
  /** The reused per-message encoding scratch (one message is routed at a time). */
  readonly frame = new MsgFrame();
  private readonly pcd: LoopConn[] = [];
  private inRead = false;
  private flushScheduled = false;
  private readonly flushAllBound = (): void => this.flushAll();
  /** The read budget of the current event-loop turn (see read). */
  private turnStart = 0;
  private turnScheduled = false;
  private readonly yielded: LoopConn[] = [];

  /** A chunk from a connection: parse it, then flush every connection it touched, once. */
  read(conn: LoopConn, chunk: Buffer): void {
    if (!this.turnScheduled) {
      // The first read of an event-loop turn starts its budget.
      this.turnScheduled = true;
      this.turnStart = performance.now();
      setImmediate(this.newTurn);
    }
    this.inRead = true;
    try {
      conn.feed(chunk);
    } catch (e) {
      // Any failure costs only the connection that caused it.
      conn.error(`Internal error processing input: ${(e as Error).stack ?? e}`);
      conn.closeConnection(ClosedReason.protocolViolation);
    } finally {
      this.inRead = false;
      this.flushAll();
    }
    // Bun keeps reading a busy socket for many chunks before it services timers and other sockets:
    // a flooding publisher would hold monitoring requests and PING timers for tens of ms. Past the
    // turn's budget, this connection's reads wait for the next turn (the reference gets the same
    // fairness from the Go scheduler).
    if (performance.now() - this.turnStart > READ_BUDGET_MS && !conn.closed) {
      conn.pauseReads();
      this.yielded.push(conn);
    }
  }

  /** A new event-loop turn: the read budget starts over and connections paused by it read again. */
  private readonly newTurn = (): void => {
    this.turnScheduled = false;
    const yielded = this.yielded;
    for (let i = 0; i < yielded.length; i++) yielded[i]!.resumeReads();
    yielded.length = 0;
  };

  /** Remember a connection that has bytes to write; flushed at the end of the read, or in a microtask. */
  queueFlush(conn: LoopConn): void {
    if (conn.flushQueued) return;
    conn.flushQueued = true;
    this.pcd.push(conn);
    if (!this.inRead && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushAllBound);
    }
  }

  /** Write what every queued connection is owed. */
  flushAll(): void {
    this.flushScheduled = false;
    const pcd = this.pcd;
    for (let i = 0; i < pcd.length; i++) pcd[i]!.flush();
    pcd.length = 0;
  }
}
