// A connection inside the server (client.go kind SYSTEM, the reference's s.sys.client): it has no socket;
// its subscriptions call a handler when a message is delivered to them (the subscription's icb), and what it
// publishes goes through the same fan-out as a client's message, in the connection's account. The system
// account's services (src/system) are built on it.
import type { ConnAccount } from "./connection.ts";
import { Connection, Subscription } from "./connection.ts";
import { MsgFrame } from "./deliver.ts";
import { processMsgResults } from "./fanout.ts";
import type { ConnHost } from "./host.ts";
import { Kind } from "./kind.ts";
import type { Transport } from "../transport/transport.ts";

/** Called with a delivered message: its header block (when it has one) and payload, as views to copy from. */
export type InternalMsgHandler = (subject: string, reply: string, hdr: Uint8Array | undefined, body: Uint8Array) => void;

/** No socket: nothing is ever written (deliveries call handlers instead). */
class NoTransport implements Transport {
  readonly remoteAddress = "";
  readonly remotePort = 0;
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  end(): void {}
  pause(): void {}
  resume(): void {}
}

const CRLF = [0x0d, 0x0a];

export class InternalConnection extends Connection {
  readonly kind = Kind.SYSTEM;
  private readonly handlers = new Map<string, InternalMsgHandler>();
  private nextSid = 0;
  /** Its own encoding scratch: an internal publish never shares the read loop's frame. */
  private readonly frame = new MsgFrame();

  constructor(host: ConnHost<Connection>, cid: number, account: ConnAccount) {
    super(host, cid, new NoTransport(), account);
    this.connectReceived = true;
  }

  /** systemSubscribe: a subscription in the connection's account whose deliveries call `handler`. */
  subscribe(subject: string, handler: InternalMsgHandler, queue?: string): Subscription {
    const sid = String(++this.nextSid);
    const sub = new Subscription(this, subject, queue, sid);
    this.account.sublist.insert(sub);
    this.subs.set(sid, sub);
    this.handlers.set(sid, handler);
    return sub;
  }

  override unsubscribe(sub: Subscription): void {
    this.handlers.delete(sub.sid);
    super.unsubscribe(sub);
  }

  /**
   * Publish as if a client of the account sent the message (internalSendLoop -> processInboundClientMsg).
   * Not counted as inbound (the reference's internal client has no read loop to add its counts); each
   * delivery is counted by its target.
   */
  publish(subject: string, reply: string, payload: Uint8Array, hdr?: Uint8Array): boolean {
    if (this.closed) return false;
    const hlen = hdr?.length ?? 0;
    const msg = new Uint8Array(hlen + payload.length + 2);
    if (hdr !== undefined) msg.set(hdr, 0);
    msg.set(payload, hlen);
    msg.set(CRLF, hlen + payload.length);
    const frame = this.frame;
    frame.reset(subject, reply, hdr !== undefined ? hlen : -1, msg, 0, msg.length, "", "");
    return processMsgResults(this, this.account.sublist.match(subject), frame);
  }

  /** deliverMsg for an internal subscription: the handler runs now, with views of the message. */
  deliverMsg(sub: Subscription, frame: MsgFrame, _publisher: Connection): boolean {
    if (sub.closed || this.closed) return false;
    const handler = this.handlers.get(sub.sid);
    if (handler === undefined) return false;
    sub.delivered++;
    const hlen = frame.hdr > 0 ? frame.hdr : 0;
    const size = frame.end - frame.start - 2 - hlen;
    this.outMsgs++;
    this.outBytes += size;
    const stats = this.host.stats;
    stats.outMsgs++;
    stats.outBytes += size;
    const hdr = hlen > 0 ? frame.msg.subarray(frame.start, frame.start + hlen) : undefined;
    const body = frame.msg.subarray(frame.start + hlen, frame.end - 2);
    try {
      handler(frame.subject, frame.reply, hdr, body);
    } catch (e) {
      this.host.log.error(`Internal subscription on "${frame.subject}" failed: ${(e as Error).stack ?? e}`);
    }
    return true;
  }

  /** Removes the subscriptions and leaves the account. */
  close(): void {
    this.handlers.clear();
    this.closeConnection("Server Shutdown");
  }

  // An internal connection never parses input: the protocol callbacks are never called.
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
}
