// The frames a route writes (route.go addRouteSubOrUnsubProtoToBuf, client.go msgHeaderForRouteOrLeaf):
//   RS+ <account> <subject>[ <queue> <weight>]\r\n      RS- <account> <subject>[ <queue>]\r\n
//   RMSG <account> <subject> [reply] <size>\r\n         with queues: RMSG <acc> <subj> + <reply> <q..> <size>
//   HMSG <account> <subject> [..same..] <hdr> <total>\r\n                 or RMSG <acc> <subj> | <q..> <size>
// Bytes are written straight into the outbound buffer (subjects are latin1 "binary strings"), so a routed
// message costs no string building.
import { copyBytes } from "../conn/deliver.ts";
import type { Outbound } from "../conn/outbound.ts";

export function rsPlus(account: string, subject: string, queue: string | undefined, weight: number): string {
  return queue === undefined ? `RS+ ${account} ${subject}\r\n` : `RS+ ${account} ${subject} ${queue} ${weight}\r\n`;
}

export function rsMinus(account: string, subject: string, queue: string | undefined): string {
  return queue === undefined ? `RS- ${account} ${subject}\r\n` : `RS- ${account} ${subject} ${queue}\r\n`;
}

function putStr(buf: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
  return at;
}

function digits(v: number): number {
  let n = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    n++;
  }
  return n;
}

function putUint(buf: Uint8Array, at: number, v: number): number {
  const n = digits(v);
  let end = at + n;
  const ret = end;
  do {
    buf[--end] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  return ret;
}

// The last control line built, reused while account, subject, reply, sizes and origin repeat (a
// publisher usually repeats them): the line is then copied, not rebuilt. Lines with queue names are
// built each time.
let line = new Uint8Array(256);
let lineLen = 0;
let lastAccount = "";
let lastSubject = "";
let lastReply = "";
let lastOrigin = "";
let lastHdr = -2;
let lastTotal = -1;
let lastWithHdr = false;

/**
 * Appends one RMSG/HMSG with its payload (msg[start, end), CRLF included). `hdr` is the header length
 * (-1 for none); with `headers` false (the peer did not negotiate them) a header block is dropped and
 * the size recomputed, as msgHeaderForRouteOrLeaf. Returns the number of bytes appended, or -1 when the
 * route was closed as a slow consumer instead.
 */
export function writeRoutedMsg(
  out: Outbound,
  account: string,
  subject: string,
  reply: string,
  queues: readonly string[] | null,
  hdr: number,
  headers: boolean,
  origin: string,
  msg: Uint8Array,
  start: number,
  end: number,
): number {
  // LMSG (leaf origin): headers kept, and the header size always written ("0" for none).
  const lmsg = origin !== "";
  const withHdr = lmsg || (hdr > 0 && headers);
  const payloadStart = hdr > 0 && !headers && !lmsg ? start + hdr : start;
  const total = end - payloadStart - 2;
  const hdrLen = hdr > 0 ? hdr : 0;
  const withQueues = queues !== null && queues.length > 0;
  if (
    withQueues ||
    total !== lastTotal ||
    subject !== lastSubject ||
    account !== lastAccount ||
    reply !== lastReply ||
    origin !== lastOrigin ||
    hdrLen !== lastHdr ||
    withHdr !== lastWithHdr
  ) {
    buildLine(account, subject, reply, queues, withHdr, hdrLen, origin, total);
    // A line naming queues is not kept (the next message's groups may differ).
    lastTotal = withQueues ? -1 : total;
    lastSubject = subject;
    lastAccount = account;
    lastReply = reply;
    lastOrigin = origin;
    lastHdr = hdrLen;
    lastWithHdr = withHdr;
  }
  const size = lineLen + (end - payloadStart);
  if (!out.checkPending(size)) return -1;
  let at = out.reserve(size);
  const b = out.buf;
  at = copyBytes(b, at, line, 0, lineLen);
  out.len = copyBytes(b, at, msg, payloadStart, end);
  return size;
}

/** The control line of writeRoutedMsg into `line`. */
function buildLine(
  account: string,
  subject: string,
  reply: string,
  queues: readonly string[] | null,
  withHdr: boolean,
  hdrLen: number,
  origin: string,
  total: number,
): void {
  const lmsg = origin !== "";
  // "RMSG " [origin " "] acc " " subject
  let n = 5 + (lmsg ? origin.length + 1 : 0) + account.length + 1 + subject.length;
  if (queues !== null && queues.length > 0) {
    n += reply.length > 0 ? 3 + reply.length : 2; // " + reply" or " |"
    for (const q of queues) n += 1 + q.length;
  } else if (reply.length > 0) n += 1 + reply.length;
  if (withHdr) n += 1 + digits(hdrLen);
  n += 1 + digits(total) + 2;
  if (n > line.length) line = new Uint8Array(Math.max(n, line.length * 2));
  const b = line;
  let at = 0;
  b[at++] = lmsg ? 0x4c : withHdr ? 0x48 : 0x52; // L | H | R
  at = putStr(b, at, "MSG ");
  if (lmsg) {
    at = putStr(b, at, origin);
    b[at++] = 0x20;
  }
  at = putStr(b, at, account);
  b[at++] = 0x20;
  at = putStr(b, at, subject);
  if (queues !== null && queues.length > 0) {
    if (reply.length > 0) {
      at = putStr(b, at, " + ");
      at = putStr(b, at, reply);
    } else at = putStr(b, at, " |");
    for (const q of queues) {
      b[at++] = 0x20;
      at = putStr(b, at, q);
    }
  } else if (reply.length > 0) {
    b[at++] = 0x20;
    at = putStr(b, at, reply);
  }
  if (withHdr) {
    b[at++] = 0x20;
    at = putUint(b, at, hdrLen);
  }
  b[at++] = 0x20;
  at = putUint(b, at, total);
  b[at++] = 0x0d;
  b[at++] = 0x0a;
  lineLen = at;
}
