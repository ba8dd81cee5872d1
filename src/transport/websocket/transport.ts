// A websocket connection as a Transport (the byte pipe under a client): NATS protocol bytes go out as
// binary messages through Bun's ServerWebSocket, and come in from its `message` handler (whole messages,
// fragments already joined, control frames answered by Bun).
//
// No silent loss: `write` sends only while Bun has nothing buffered for the socket, in messages of at
// most WS_MAX_MESSAGE bytes (4 KB for browsers), and stops at the first one Bun has to buffer; the rest stays in the
// client's outbound queue (counted as pending, so max_pending and the write deadline decide slow
// consumers as for TCP) until Bun calls `drain`. Bun's own buffer thus holds at most one message, and
// its backpressure limit (which drops sends) is never reached.
import type { ServerWebSocket } from "bun";
import type { Transport } from "../transport.ts";
import { wsCloseReasonText, wsCloseStatus, wsSkipsCloseFrame } from "./close.ts";
import type { UpgradeInfo } from "./upgrade.ts";
import { unmapIPv4 } from "../address.ts";

/** websocket.go wsCompressThreshold: smaller writes are not worth compressing. */
export const WS_COMPRESS_THRESHOLD = 64;

/** Largest message one write sends: bounds what Bun buffers beyond the outbound's own accounting. */
export const WS_MAX_MESSAGE = 256 * 1024;

/**
 * websocket.go wsFrameSizeForBrowsers: browsers get at most 4 KB at a time ("browsers behave better
 * with limited frame size"). The reference fragments one message into 4 KB frames; Bun sends whole
 * messages, so a browser gets 4 KB messages (the NATS protocol is a byte stream either way).
 */
export const WS_BROWSER_MESSAGE = 4096;

/** What the connection's owner receives from the socket. */
export interface WebsocketConnHandler {
  /** Protocol bytes (a binary message, or a text message re-encoded as UTF-8). */
  data(chunk: Buffer): void;
  /** Bun's buffer for this socket emptied: write what is owed. */
  drain(): void;
  /** The socket is gone (peer closed, network error, or after end()). Called once. */
  closed(code: number, reason: string): void;
}

/** ServerWebSocket.data of a bnats websocket connection. */
export interface WebsocketData {
  upgrade: UpgradeInfo;
  remoteAddress: string;
  remotePort: number;
  transport?: WebsocketTransport;
  handler?: WebsocketConnHandler;
  /** Messages received between the 101 and the connection's accept (the next event-loop turn). */
  early?: Buffer[];
}

export type BnatsWebSocket = ServerWebSocket<WebsocketData>;

export class WebsocketTransport implements Transport {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The websocket flag of the connection: connz and the log show it, the auth uses the websocket block. */
  readonly websocket = true;
  private readonly compress: boolean;
  /** Largest message per send (smaller for browsers). */
  private readonly maxMessage: number;
  private closeReason = "";
  private ended = false;

  constructor(private readonly ws: BnatsWebSocket) {
    const up = ws.data.upgrade;
    this.compress = up.compress;
    this.maxMessage = up.browser ? WS_BROWSER_MESSAGE : WS_MAX_MESSAGE;
    // The socket peer from the upgrade request (ServerWebSocket.remoteAddress would be X-Forwarded-For).
    this.remoteAddress = unmapIPv4(ws.data.remoteAddress);
    this.remotePort = ws.data.remotePort;
  }

  /**
   * X-Forwarded-For, when an IP ("" otherwise): the reference shows it in the connection's log prefix
   * ("203.0.113.7/127.0.0.1:52128 - wid:4"); INFO client_ip and connz ip stay the peer's address.
   */
  get forwardedFor(): string {
    return this.ws.data.upgrade.clientIP;
  }

  get info(): UpgradeInfo {
    return this.ws.data.upgrade;
  }

  write(bytes: Uint8Array): number {
    if (this.ended) return bytes.length;
    const ws = this.ws;
    // A closed socket is a write error for the outbound (as Bun's TCP write returning -1).
    if (ws.readyState !== 1) return -1;
    if (ws.getBufferedAmount() > 0) return 0;
    // One message per WS_MAX_MESSAGE bytes, until Bun starts buffering: what Bun holds stays within one
    // message, and the rest remains the outbound's pending bytes (max_pending, connz pending_bytes).
    const compress = this.compress;
    const max = this.maxMessage;
    let off = 0;
    while (off < bytes.length) {
      const end = Math.min(off + max, bytes.length);
      // With backpressureLimit 0 (no limit) send only drops (0) on a closed socket; -1 = queued by
      // Bun, its drain handler follows.
      const n = ws.send(off === 0 && end === bytes.length ? bytes : bytes.subarray(off, end), compress && end - off > WS_COMPRESS_THRESHOLD);
      if (n === 0) return off > 0 ? off : -1;
      off = end;
      if (n < 0) break;
    }
    return off;
  }

  /** The closed reason (ClosedReason text) the close frame carries; set before end(). */
  closing(reason: string): void {
    this.closeReason = reason;
  }

  /**
   * After the last bytes: the close frame for the reason (wsEnqueueCloseMessage), or, for the
   * reference's skipFlush reasons (slow consumers, read/write errors), a plain drop.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const reason = this.closeReason;
    if (reason !== "" && wsSkipsCloseFrame(reason)) {
      this.ws.terminate();
      return;
    }
    if (reason === "") this.ws.close();
    else this.ws.close(wsCloseStatus(reason), wsCloseReasonText(reason));
  }

  /** Close the TCP connection without a close frame (the reference's conn.Close()). */
  drop(): void {
    this.ended = true;
    this.ws.terminate();
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }
}

export { unmapIPv4 } from "../address.ts";
