// Writing one message to a leaf link: `LMSG <subject> [reply] <size>`, with queue groups
// `LMSG <subject> + <reply> <q1..> <size>` / `LMSG <subject> | <q1..> <size>`, and `HMSG` with the header
// size before the total when both sides said headers (client.go msgHeaderForRouteOrLeaf). Without
// header support the headers are stripped and the size recomputed. The control line is built in a
// reused buffer; the payload is copied once.
import type { MsgFrame } from "../conn/deliver.ts";
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

/** Appends the message; returns the payload size counted in out_bytes, or -1 when the link was closed as a slow consumer. */
export function writeLeafMsg(out: Outbound, frame: MsgFrame, queues: readonly string[] | null, headers: boolean): number {
  const hmsg = frame.hdr > 0 && headers;
  const payloadStart = frame.start + (!hmsg && frame.hdr > 0 ? frame.hdr : 0);
  const msgEnd = frame.end;
  len = 0;
  put(hmsg ? "HMSG " : "LMSG ");
  put(frame.subject);
  put(" ");
  if (queues !== null && queues.length > 0) {
    if (frame.reply !== "") {
      put("+ ");
      put(frame.reply);
      put(" ");
    } else put("| ");
    for (let i = 0; i < queues.length; i++) {
      put(queues[i]!);
      put(" ");
    }
  } else if (frame.reply !== "") {
    put(frame.reply);
    put(" ");
  }
  if (hmsg) {
    put(String(frame.hdr));
    put(" ");
  }
  put(String(msgEnd - 2 - payloadStart));
  put("\r\n");
  const total = len + (msgEnd - payloadStart);
  if (!out.checkPending(total)) return -1;
  let at = out.reserve(total);
  const buf = out.buf;
  buf.set(line.subarray(0, len), at);
  at += len;
  buf.set(frame.msg.subarray(payloadStart, msgEnd), at);
  out.len = at + (msgEnd - payloadStart);
  return msgEnd - 2 - payloadStart;
}
