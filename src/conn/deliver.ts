// Writing one MSG/HMSG into a subscriber's outbound buffer. The parts that are the same for every
// subscriber of a message ("MSG <subject> ", " [reply ]<size>\r\n") are encoded once per message into
// a reused MsgFrame; per subscriber only the sid bytes differ. Small pieces are copied with a byte loop
// (faster than TypedArray.set below ~64 bytes, see BUN-NOTES), the payload with one set().

import type { Outbound } from "./outbound.ts";

/** Below this many bytes a byte loop copies faster than a native copy (~16 ns a call, BUN-NOTES). */
const SMALL = 40;
const bufferCopy = Buffer.prototype.copy;

/** Encodings generations, unique across frames (a subscription's cached prefix names one). */
let frameGen = 0;

/**
 * A subscription's cached "MSG <subject> <sid> [reply ]<size>\r\n" (or the HMSG one) for the frame
 * encodings of generation pfxKey (negative for HMSG): a publisher repeating its subject and size costs
 * each subscriber one small copy instead of three.
 */
export interface PrefixHolder {
  readonly sidBytes: Uint8Array;
  pfx: Uint8Array;
  pfxLen: number;
  pfxKey: number;
}

/** A growable byte scratch with a fill length. */
class Scratch {
  bytes = new Uint8Array(256);
  len = 0;
  clear(): void {
    this.len = 0;
  }
  private ensure(n: number): void {
    if (this.len + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.len + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.len));
    this.bytes = grown;
  }
  str(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.bytes;
    let at = this.len;
    for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i);
    this.len = at;
  }
  byte(c: number): void {
    this.ensure(1);
    this.bytes[this.len++] = c;
  }
  uint(v: number): void {
    this.ensure(10);
    const b = this.bytes;
    if (v === 0) {
      b[this.len++] = 0x30;
      return;
    }
    let digits = 0;
    for (let t = v; t > 0; t = Math.floor(t / 10)) digits++;
    let at = this.len + digits;
    this.len = at;
    for (let t = v; t > 0; t = Math.floor(t / 10)) b[--at] = 0x30 + (t % 10);
  }
}

/** The message being routed, with its per-message encodings computed on first use. */
export class MsgFrame {
  subject = "";
  reply = "";
  /** Header length, -1 for none. */
  hdr = -1;
  /** Header + payload + CRLF is msg[start, end). */
  msg: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;

  private readonly msgHead = new Scratch();
  private readonly hmsgHead = new Scratch();
  private readonly msgTail = new Scratch();
  private readonly hmsgTail = new Scratch();
  private haveMsg = false;
  private haveHmsg = false;
  // What the encodings were made for: a publisher repeating its subject, reply and size reuses them.
  private encSubject = "";
  private encReply = "";
  private encSize = -1;
  private encHdr = -1;

  /**
   * The account whose `sent` counters a delivery adds to, when not the subscriber's: a stream-imported
   * delivery counts in the exporter's account, where the message was routed (processMsgResults' acc).
   */
  statsAccount: { readonly stats: { outMsgs: number; outBytes: number } } | undefined = undefined;

  /** The size arguments as the publisher wrote them, when not canonical (see Parser.sizeText). */
  sizeText = "";
  hdrText = "";
  /**
   * While a route target is delivered to: the queue groups the fan-out chose that route for (the
   * RMSG names them so the peer serves only those), or null (client.go routeTarget.qs).
   */
  queues: readonly string[] | null = null;
  /** A message from a route that came as LMSG: the leaf cluster it comes from (c.pa.origin); "" otherwise. */
  origin = "";
  private encSizeText = "";
  private encHdrText = "";
  /** Changes whenever the encodings do (see PrefixHolder). */
  gen = ++frameGen;

  reset(
    subject: string,
    reply: string,
    hdr: number,
    msg: Uint8Array,
    start: number,
    end: number,
    sizeText: string,
    hdrText: string,
  ): void {
    const size = end - start - 2;
    if (
      subject !== this.encSubject ||
      reply !== this.encReply ||
      size !== this.encSize ||
      hdr !== this.encHdr ||
      sizeText !== this.encSizeText ||
      hdrText !== this.encHdrText
    ) {
      this.encSubject = subject;
      this.encReply = reply;
      this.encSize = size;
      this.encHdr = hdr;
      this.encSizeText = sizeText;
      this.encHdrText = hdrText;
      this.haveMsg = false;
      this.haveHmsg = false;
      this.gen = ++frameGen;
    }
    this.subject = subject;
    this.reply = reply;
    this.hdr = hdr;
    this.msg = msg;
    this.start = start;
    this.end = end;
    this.sizeText = sizeText;
    this.hdrText = hdrText;
  }

  /** "MSG <subject> " and " [reply ]<size>\r\n", where size excludes any headers (stripped for this sub). */
  plain(): void {
    if (this.haveMsg) return;
    this.haveMsg = true;
    const h = this.msgHead;
    h.clear();
    h.str("MSG ");
    h.str(this.subject);
    h.byte(0x20);
    const t = this.msgTail;
    t.clear();
    t.byte(0x20);
    if (this.reply.length > 0) {
      t.str(this.reply);
      t.byte(0x20);
    }
    // With headers stripped the size is recomputed, as msgHeader does; else it is echoed as sent.
    if (this.hdr <= 0 && this.sizeText !== "") t.str(this.sizeText);
    else t.uint(this.end - this.start - 2 - (this.hdr > 0 ? this.hdr : 0));
    t.byte(0x0d);
    t.byte(0x0a);
  }

  /** "HMSG <subject> " and " [reply ]<hdr> <total>\r\n". */
  withHeaders(): void {
    if (this.haveHmsg) return;
    this.haveHmsg = true;
    const h = this.hmsgHead;
    h.clear();
    h.str("HMSG ");
    h.str(this.subject);
    h.byte(0x20);
    const t = this.hmsgTail;
    t.clear();
    t.byte(0x20);
    if (this.reply.length > 0) {
      t.str(this.reply);
      t.byte(0x20);
    }
    if (this.hdrText !== "") t.str(this.hdrText);
    else t.uint(this.hdr);
    t.byte(0x20);
    if (this.sizeText !== "") t.str(this.sizeText);
    else t.uint(this.end - this.start - 2);
    t.byte(0x0d);
    t.byte(0x0a);
  }

  head(hmsg: boolean): Scratch {
    return hmsg ? this.hmsgHead : this.msgHead;
  }
  tail(hmsg: boolean): Scratch {
    return hmsg ? this.hmsgTail : this.msgTail;
  }
}

/**
 * Copies src[start, end) to dst at `at` and returns the offset after it: a byte loop for small pieces,
 * Buffer's native copy for the rest (every writer of message frames uses this: clients, routes, leafs).
 */
export function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < SMALL) {
    for (let i = start; i < end; i++) dst[at++] = src[i]!;
    return at;
  }
  // Buffer's copy takes any Uint8Array source and makes no subarray object (set(subarray) costs ~50 ns).
  bufferCopy.call(src, dst, at, start, end);
  return at + n;
}

/**
 * Append MSG/HMSG for the subscription with these sid bytes to a client's outbound buffer; `headers` is
 * whether the client negotiated headers. Returns the payload size counted in out_bytes, or -1 when the
 * client was closed as a slow consumer instead. The caller queues the flush.
 */
export function writeMsg(out: Outbound, sub: PrefixHolder, frame: MsgFrame, headers: boolean): number {
  // A header message goes as HMSG to a client that negotiated headers, else as MSG without them;
  // an empty header block (HPUB with size 0) goes as MSG, as the reference (pa.hdr > 0 checks).
  const hmsg = frame.hdr > 0 && headers;
  const key = hmsg ? -frame.gen : frame.gen;
  let pfx = sub.pfx;
  let pfxLen = sub.pfxLen;
  if (sub.pfxKey !== key) {
    if (hmsg) frame.withHeaders();
    else frame.plain();
    const head = frame.head(hmsg);
    const tail = frame.tail(hmsg);
    const sid = sub.sidBytes;
    pfxLen = head.len + sid.length + tail.len;
    if (pfx.length < pfxLen) sub.pfx = pfx = new Uint8Array(pfxLen + 16);
    let p = copyBytes(pfx, 0, head.bytes, 0, head.len);
    p = copyBytes(pfx, p, sid, 0, sid.length);
    copyBytes(pfx, p, tail.bytes, 0, tail.len);
    sub.pfxLen = pfxLen;
    sub.pfxKey = key;
  }
  const msg = frame.msg;
  const payloadStart = frame.start + (!hmsg && frame.hdr > 0 ? frame.hdr : 0);
  const msgEnd = frame.end;
  const total = pfxLen + (msgEnd - payloadStart);
  if (!out.checkPending(total)) return -1;
  let at = out.reserve(total);
  const buf = out.buf;
  at = copyBytes(buf, at, pfx, 0, pfxLen);
  at = copyBytes(buf, at, msg, payloadStart, msgEnd);
  out.len = at;
  return msgEnd - 2 - payloadStart;
}
