// A byte-scanning counter for what a NATS server sends a client. It counts MSG/HMSG frames without
// parsing them: at each frame start it finds the end of the control line, reads the size (the last
// token, as in nats-server's client.go processMsgArgs: `MSG <subject> <sid> [reply] <size>`), and skips
// that many payload bytes plus CRLF. Other control lines (PING, PONG, +OK, -ERR, INFO) are handed to
// optional hooks. The load generator must not be the bottleneck, so the hot loop touches each header
// byte once and never decodes a string.

const LF = 10;
const CR = 13;

export class MsgScanner {
  /** MSG + HMSG frames whose control line has been seen. */
  msgs = 0;
  /** Bytes fed in total. */
  bytes = 0;
  /** Payload bytes (plus the trailing CRLF) still to skip before the next frame starts. */
  skip = 0;

  onPing: (() => void) | undefined;
  onPong: (() => void) | undefined;
  onOk: (() => void) | undefined;
  onErr: ((text: string) => void) | undefined;
  onInfo: ((json: string) => void) | undefined;
  /** Called with the control line of each MSG/HMSG (bytes [start, end) of `buf`, CRLF excluded). Costly: leave unset to count only. */
  onMsgLine: ((buf: Uint8Array, start: number, end: number) => void) | undefined;

  // A control line split across two reads is copied here (the data buffer Bun hands us is only valid
  // during the callback; see BUN-NOTES).
  private held: Uint8Array | undefined;
  private heldLen = 0;

  feed(buf: Uint8Array): void {
    const n = buf.length;
    this.bytes += n;
    let i = 0;
    if (this.skip > 0) {
      const s = this.skip < n ? this.skip : n;
      this.skip -= s;
      i = s;
    }
    if (this.heldLen > 0 && i < n) {
      let j = i;
      while (j < n && buf[j] !== LF) j++;
      this.hold(buf, i, j === n ? n : j + 1);
      if (j === n) return;
      const held = this.held as Uint8Array;
      const len = this.heldLen;
      this.heldLen = 0;
      this.line(held, 0, len - 1);
      i = j + 1;
      i = this.skipPayload(i, n);
    }
    while (i < n) {
      let j = i;
      while (j < n && buf[j] !== LF) j++;
      if (j === n) {
        this.hold(buf, i, n);
        return;
      }
      this.line(buf, i, j);
      i = j + 1;
      i = this.skipPayload(i, n);
    }
  }

  /** Skips what is left of the current payload within [i, n); returns the new index. */
  private skipPayload(i: number, n: number): number {
    if (this.skip === 0) return i;
    const s = Math.min(this.skip, n - i);
    this.skip -= s;
    return i + s;
  }

  private hold(buf: Uint8Array, from: number, to: number): void {
    const need = this.heldLen + (to - from);
    if (this.held === undefined || this.held.length < need) {
      const bigger = new Uint8Array(Math.max(1024, need * 2));
      if (this.held !== undefined) bigger.set(this.held.subarray(0, this.heldLen));
      this.held = bigger;
    }
    this.held.set(buf.subarray(from, to), this.heldLen);
    this.heldLen = need;
  }

  /** One control line: bytes [start, lf) of buf, where buf[lf] is the LF. */
  private line(buf: Uint8Array, start: number, lf: number): void {
    let end = lf;
    if (end > start && buf[end - 1] === CR) end--;
    const c = buf[start] as number;
    if (c === 77 || c === 109 || c === 72 || c === 104) {
      // MSG or HMSG: the last token is the (total) size.
      let k = end - 1;
      let size = 0;
      let mul = 1;
      while (k > start) {
        const d = (buf[k] as number) - 48;
        if (d < 0 || d > 9) break;
        size += d * mul;
        mul *= 10;
        k--;
      }
      this.skip = size + 2;
      this.msgs++;
      if (this.onMsgLine !== undefined) this.onMsgLine(buf, start, end);
      return;
    }
    if (c === 80 || c === 112) {
      const c1 = buf[start + 1];
      if (c1 === 73 || c1 === 105) this.onPing?.();
      else this.onPong?.();
      return;
    }
    if (c === 43) {
      this.onOk?.();
      return;
    }
    if (c === 45) {
      this.onErr?.(latin1(buf, start, end));
      return;
    }
    if (c === 73 || c === 105) {
      this.onInfo?.(latin1(buf, start + 5, end));
      return;
    }
    // Anything else is a protocol surprise; surface it like an error so a run does not silently pass.
    this.onErr?.(`unexpected line: ${latin1(buf, start, end)}`);
  }
}

export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i] as number);
  return s;
}
