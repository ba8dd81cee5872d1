// Internal connections (nats-server's kind SYSTEM clients, the reference's s.sys.client): no socket; their
// subscriptions call a function instead of writing MSG (the subscription's icb), and what they publish goes
// through the same fan-out as a client's publish, in the connection's account. The system account's
// services (src/system) use one; each account with service imports has one of kind ACCOUNT (a.ic,
// conn/service-import.ts), made by InternalConnection.of.
//
// API (the same shape as the accounts work's internal connections, so the two meet without friction):
//   const ic = new InternalConnection(host, account, Kind.SYSTEM)
//   const aic = InternalConnection.of(host, account)                // the account's a.ic (Kind.ACCOUNT)
//   const sub = ic.subscribeInternal(subject, (sub, publisher, frame) => ..., queue?)
//   ic.unsubscribeInternal(sub)
//   ic.publishInternal(subject, reply, payload, headers?)          // as if a client of `account` sent it
//   SystemClient: the InternalClient port of src/system (subscribe/publish/close with plain bodies).
import { ClosedReason } from "../protocol/errors.ts";
import type { Transport } from "../transport/transport.ts";
import { Connection, Subscription, type ConnAccount } from "./connection.ts";
import { MsgFrame } from "./deliver.ts";
import { processInboundMsg } from "./inbound.ts";
import type { ConnHost } from "./host.ts";
import { Kind } from "./kind.ts";

/** An internal subscription's callback: the message as a frame (subject, reply, headers, payload). */
export type InternalCallback = (sub: Subscription, publisher: Connection, frame: MsgFrame) => void;

/** No socket: nothing is ever written (internal deliveries call back instead). */
class NullTransport implements Transport {
  readonly remoteAddress = "";
  readonly remotePort = 0;
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  end(): void {}
  pause(): void {}
  resume(): void {}
}

const CRLF = new Uint8Array([0x0d, 0x0a]);

export class InternalConnection extends Connection {
  readonly kind: Kind;
  private readonly callbacks = new Map<Subscription, InternalCallback>();
  private sid = 0;
  /** Its own encoding scratch: an internal publish never shares the read loop's frame. */
  private readonly frame = new MsgFrame();

  constructor(host: ConnHost<Connection>, account: ConnAccount, kind: Kind = Kind.SYSTEM, cid = 0) {
    super(host, cid, new NullTransport(), account);
    this.kind = kind;
    this.connectReceived = true;
    // An account's internal connection is not one of its clients (accountz client_connections).
    if (kind === Kind.ACCOUNT) account.removeConnection(this);
  }

  /** The account's internal ACCOUNT connection (a.ic, accounts.go internalClient), created on first use. */
  static of(host: ConnHost<Connection>, account: ConnAccount): InternalConnection {
    const existing = account.internal;
    if (existing instanceof InternalConnection && !existing.closed) return existing;
    const ic = new InternalConnection(host, account, Kind.ACCOUNT);
    account.internal = ic;
    return ic;
  }

  /** subscribeInternal (events.go systemSubscribe): a subscription in this account whose delivery calls `cb`. */
  subscribeInternal(subject: string, cb: InternalCallback, queue?: string): Subscription {
    const sub = new Subscription(this, subject, queue, String(++this.sid));
    this.account.sublist.insert(sub);
    this.subs.set(sub.sid, sub);
    this.callbacks.set(sub, cb);
    // Leaf links hear of it, and stream imports of the account shadow it (processSubEx).
    this.host.interestChanged?.(this, sub, 1);
    this.addShadowSubscriptions(sub);
    return sub;
  }

  unsubscribeInternal(sub: Subscription): void {
    this.callbacks.delete(sub);
    this.unsubscribe(sub);
  }

  /**
   * Publish as a member of this account (internalSendLoop -> processInboundClientMsg: mappings and
   * imports apply). `headers` is a
   * complete NATS header block ("NATS/1.0\r\n...\r\n\r\n") or undefined. Not counted in the server's
   * inbound totals (the reference's internal client has no read loop to add them); each delivery is
   * counted by its target.
   */
  publishInternal(subject: string, reply: string, payload: Uint8Array, headers?: Uint8Array): boolean {
    if (this.closed) return false;
    const hdr = headers === undefined ? -1 : headers.length;
    const total = (headers?.length ?? 0) + payload.length;
    const msg = new Uint8Array(total + 2);
    if (headers !== undefined) msg.set(headers, 0);
    msg.set(payload, hdr < 0 ? 0 : hdr);
    msg.set(CRLF, total);
    this.inMsgs++;
    this.inBytes += total;
    const frame = this.frame;
    frame.reset(subject, reply, hdr, msg, 0, msg.length, "", "");
    const delivered = processInboundMsg(this, frame);
    this.host.loop.flushAll();
    return delivered;
  }

  /** deliverMsg for an internal subscription: the callback runs now, with the frame (copy what you keep). */
  deliverMsg(sub: Subscription, frame: MsgFrame, publisher: Connection): boolean {
    if (sub.closed || this.closed) return false;
    const cb = this.callbacks.get(sub);
    if (cb === undefined) return false;
    sub.delivered++;
    const size = frame.end - frame.start - 2 - (frame.hdr > 0 ? frame.hdr : 0);
    this.outMsgs++;
    this.outBytes += size;
    cb(sub, publisher, frame);
    return true;
  }

  // An internal connection has no parser input.
  processConnect(): void {}
  processInfo(): void {}
  processMsg(): void {}
  processSub(): void {}
  processUnsub(): void {}
  processPing(): void {}
  processPong(): void {}
  processErr(): void {}
  processPreConnectOp(): boolean {
    return true;
  }
  protocolError(): void {}
  maxControlLineExceeded(): void {}
  maxPayloadExceeded(): void {}
  pubArgsParsed(): void {}

  close(): void {
    this.callbacks.clear();
    this.closeConnection(ClosedReason.serverShutdown);
  }
}

/** A delivered message's payload without its headers (a copy). */
export function framePayload(frame: MsgFrame): Uint8Array {
  const start = frame.start + (frame.hdr > 0 ? frame.hdr : 0);
  return frame.msg.slice(start, frame.end - 2);
}

/** A delivered message's header block, or undefined. */
export function frameHeaders(frame: MsgFrame): Uint8Array | undefined {
  return frame.hdr > 0 ? frame.msg.slice(frame.start, frame.start + frame.hdr) : undefined;
}

/**
 * The system account's connection as the port src/system uses (InternalClient there): header block and
 * body apart, copied out of the delivery. `publish` runs synchronously through the fan-out.
 */
export class SystemClient {
  readonly conn: InternalConnection;
  constructor(host: ConnHost<Connection>, account: ConnAccount, cid = 0) {
    this.conn = new InternalConnection(host, account, Kind.SYSTEM, cid);
  }
  subscribe(subject: string, handler: (subject: string, reply: string, hdr: Uint8Array | undefined, body: Uint8Array) => void): void {
    this.conn.subscribeInternal(subject, (_sub, _publisher, frame) =>
      handler(frame.subject, frame.reply, frameHeaders(frame), framePayload(frame)),
    );
  }
  publish(subject: string, reply: string, payload: Uint8Array, hdr?: Uint8Array): void {
    this.conn.publishInternal(subject, reply, payload, hdr);
  }
  close(): void {
    this.conn.close();
  }
}
