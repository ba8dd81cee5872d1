// Writing one message to a leaf link: `LMSG <subject> [reply] <size>`, with queue groups
// `LMSG <subject> + <reply> <q1..> <size>` / `LMSG <subject> | <q1..> <size>`, and `HMSG` with the header
// size before the total when both sides said headers (client.go msgHeaderForRouteOrLeaf). Without
// header support the headers are stripped and the size recomputed. The control line is built in a
// reused buffer; the payload is copied once.
import { copyBytes, type MsgFrame } from "../conn/deliver.ts";
import type { Outbound } from "../conn/outbound.ts";

let line = new Uint8Array(512);
let len = 0;

function put(s: string): void {
  const n = s.length;
  if (len + n > line.length) {
    const grown = new Uint8Array(Math.max(line.length * 2, len + n));
    grown.set(line.subarray(0, len));
    line = grown;
  }
  for (let i = 0; i < n; i++) line[len++] = s.charCodeAt(i);
}

// The last control line built, reused while the subject, reply, sizes and queue names repeat (a
// publisher on a leaf usually repeats them: the line is then copied without being rebuilt).
let lastSubject = "";
let lastReply = "";
let lastSize = -1;
let lastHdr = -2;
let lastQueuesText = "";
let valid = false;

function queuesText(queues: readonly string[] | null): string {
  if (queues === null || queues.length === 0) return "";
  return queues.length === 1 ? queues[0]! : queues.join(" ");
}

/** Appends the message; returns the payload size counted in out_bytes, or -1 when the link was closed as a slow consumer. */
export function writeLeafMsg(out: Outbound, frame: MsgFrame, queues: readonly string[] | null, headers: boolean): number {
  const hmsg = frame.hdr > 0 && headers;
  const payloadStart = frame.start + (!hmsg && frame.hdr > 0 ? frame.hdr : 0);
  const msgEnd = frame.end;
  const size = msgEnd - 2 - payloadStart;
  const hdr = hmsg ? frame.hdr : -1;
  const qt = queuesText(queues);
  if (!valid || frame.subject !== lastSubject || frame.reply !== lastReply || size !== lastSize || hdr !== lastHdr || qt !== lastQueuesText) {
    buildLine(frame.subject, frame.reply, qt, hdr, size);
    lastSubject = frame.subject;
    lastReply = frame.reply;
    lastSize = size;
    lastHdr = hdr;
    lastQueuesText = qt;
    valid = true;
  }
  const total = len + (msgEnd - payloadStart);
  if (!out.checkPending(total)) return -1;
  let at = out.reserve(total);
  const buf = out.buf;
  at = copyBytes(buf, at, line, 0, len);
  out.len = copyBytes(buf, at, frame.msg, payloadStart, msgEnd);
  return size;
}

function buildLine(subject: string, reply: string, queues: string, hdr: number, size: number): void {
  len = 0;
  put(hdr >= 0 ? "HMSG " : "LMSG ");
  put(subject);
  put(" ");
  if (queues !== "") {
    if (reply !== "") {
      put("+ ");
      put(reply);
      put(" ");
    } else put("| ");
    put(queues);
    put(" ");
  } else if (reply !== "") {
    put(reply);
    put(" ");
  }
  if (hdr >= 0) {
    put(String(hdr));
    put(" ");
  }
  put(String(size));
  put("\r\n");
}
