// Service imports on the message path, as nats-server v2.9.10 client.go processServiceImport and
// accounts.go addServiceImportSub / processServiceImportResponse / addRespServiceImport /
// checkExpiredResponses:
// - each configured service import has an internal subscription on its local subject in the importing
//   account; a request there is re-published in the exporter's account on the exported subject;
// - the requester's reply is replaced by a fresh `_R_.<prefix>.<rand>` subject of the exporter, whose
//   wildcard internal subscription maps the answer back to the original reply in the requester's
//   account (a response import), removed after the first answer (singleton), after an empty message
//   (stream/chunked end), when nobody got it, when the requester unsubscribed its reply, or after the
//   export's response_threshold;
// - the request carries `Nats-Request-Info: {"acc":..,"rtt":..}` (the requester's ClientInfo).
import type { ServiceExport, ServiceImport } from "../accounts/imports.ts";
import { Subscription, type Connection, type ConnAccount } from "./connection.ts";
import { MsgFrame } from "./deliver.ts";
import { PMR_IGNORE_EMPTY_QUEUE_FILTER, PMR_IMPORTED_FROM_SERVICE, processMsgResults } from "./fanout.ts";
import type { ConnHost } from "./host.ts";
import { InternalConnection } from "./internal.ts";
import { Kind } from "./kind.ts";
import * as chain from "./psi.ts";

type SI = ServiceImport<ConnAccount>;
type SE = ServiceExport<ConnAccount>;

/** accounts.go ClientInfoHdr. */
export const CLIENT_INFO_HDR = "Nats-Request-Info";

/** Frames for re-published messages, one per nesting depth (nested publishes included). */
const frames: MsgFrame[] = [];
let nesting = 0;

/**
 * Subscribes every configured service import of `acc` (addAllServiceImportSubs) on the account's
 * internal connection. Call once the accounts are configured.
 */
export function addServiceImportSubs(host: ConnHost<Connection>, acc: ConnAccount): void {
  if (acc.serviceImports.size === 0) return;
  const ic = InternalConnection.of(host, acc);
  for (const si of acc.serviceImports.values()) addServiceImportSub(host, ic, acc, si);
}

/** removeAllServiceImportSubs: the account's service import subscriptions go (a reload rewires them). */
export function removeServiceImportSubs(acc: ConnAccount): void {
  const ic = acc.internal;
  for (const si of acc.serviceImports.values()) {
    const sub = si.sub;
    si.sub = undefined;
    if (ic instanceof InternalConnection && sub instanceof Subscription) ic.unsubscribe(sub);
  }
}

/** addServiceImportSub: one service import's internal subscription. */
export function addServiceImportSub(host: ConnHost<Connection>, ic: InternalConnection, acc: ConnAccount, si: SI): void {
  if (si.sub !== undefined) return;
  si.sub = ic.subscribeInternal(si.from, (_sub, publisher, frame) => processServiceImport(host, publisher, si, acc, frame));
}

/** The requester's ClientInfo (client.go getClientInfo): `acc` and `rtt` always, details when shared. */
function clientInfoJSON(c: Connection, share: boolean): string | undefined {
  if (c.kind !== Kind.CLIENT && c.kind !== Kind.LEAF && c.kind !== Kind.ACCOUNT) return undefined;
  const rtt = Math.round(c.rtt * 1e6);
  const parts: string[] = [];
  const d = c as Connection & { user?: string; name?: string; lang?: string; version?: string };
  if (share) {
    parts.push(`"start":${JSON.stringify(c.start.toISOString())}`);
    if (c.ip !== "") parts.push(`"host":${JSON.stringify(c.ip)}`);
    if (c.cid !== 0) parts.push(`"id":${c.cid}`);
  }
  parts.push(`"acc":${JSON.stringify(c.account.name)}`);
  if (share) {
    if (d.user) parts.push(`"user":${JSON.stringify(d.user)}`);
    if (d.name) parts.push(`"name":${JSON.stringify(d.name)}`);
    if (d.lang) parts.push(`"lang":${JSON.stringify(d.lang)}`);
    if (d.version) parts.push(`"ver":${JSON.stringify(d.version)}`);
  }
  if (rtt !== 0) parts.push(`"rtt":${rtt}`);
  if (share) {
    parts.push(`"kind":${JSON.stringify(c.kind === Kind.LEAF ? "Leafnode" : "Client")}`);
    if (c.kind === Kind.CLIENT) parts.push(`"client_type":"nats"`);
  }
  return `{${parts.join(",")}}`;
}

const enc = new TextEncoder();
const HDR_LINE = "NATS/1.0\r\n";

/**
 * setHeader: `key: value` replaces any previous one in the frame's header block (a new header block
 * when there was none); returns the new message bytes and header length.
 */
function withHeader(frame: MsgFrame, key: string, value: string): { msg: Uint8Array; hdr: number } {
  let head = HDR_LINE;
  const start = frame.start;
  if (frame.hdr > 2) {
    // The original block without its final CRLF, and without a previous `key:` line.
    let h = Buffer.from(frame.msg.buffer, frame.msg.byteOffset + start, frame.hdr - 2).toString("latin1");
    const at = h.indexOf(`\n${key}:`);
    if (at >= 0) {
      const end = h.indexOf("\r\n", at + 1);
      h = end < 0 ? h.slice(0, at + 1) : h.slice(0, at + 1) + h.slice(end + 2);
    }
    head = h.length === 0 ? HDR_LINE : h;
  }
  const block = enc.encode(`${head}${key}: ${value}\r\n\r\n`);
  const bodyStart = start + (frame.hdr > 0 ? frame.hdr : 0);
  const body = frame.msg.subarray(bodyStart, frame.end);
  const msg = new Uint8Array(block.length + body.length);
  msg.set(block, 0);
  msg.set(body, block.length);
  return { msg, hdr: block.length };
}

/**
 * processServiceImport: `frame` matched service import `si` of account `acc` (for a response import,
 * `acc` is the exporter holding it). Re-publish it in `si.acc` on the import's destination.
 */
export function processServiceImport(host: ConnHost<Connection>, publisher: Connection, si: SI, acc: ConnAccount, frame: MsgFrame): void {
  const isResponse = si.response;
  if ((publisher.kind === Kind.GATEWAY || publisher.kind === Kind.ROUTER) && !isResponse) return;
  // A chain that comes back to an export already crossed is a cycle.
  const psi = chain.psi;
  for (let i = psi.length - 1; i >= 0; i--) if (psi[i]!.se === si.se) return;
  if (si.invalid) return;

  const dest = si.acc;
  let nrr = "";
  let rsi: SI | undefined;
  if (frame.reply !== "") {
    if (frame.reply.startsWith("$JS.ACK.")) nrr = frame.reply;
    else {
      rsi = setupResponseServiceImport(host, acc, si, frame.reply);
      nrr = rsi.from;
    }
  }

  const subject = frame.subject;
  let to = isResponse ? si.to : si.destination(subject);
  if (dest.mappings.size > 0) {
    const mapped = dest.mappings.select(to);
    if (mapped !== null) to = mapped;
  }

  const hadPrevSi = psi.length > 0;
  const share = hadPrevSi ? psi[psi.length - 1]!.share : si.share;
  let msg = frame.msg;
  let start = frame.start;
  let end = frame.end;
  let hdr = frame.hdr;
  let sizeText = frame.sizeText;
  let hdrText = frame.hdrText;
  if (!isResponse) {
    let ci: string | undefined;
    if (hadPrevSi && frame.hdr > 0) {
      // Chained: the first requester's info, with the service account named (ci.Service).
      const info = headerValue(frame, CLIENT_INFO_HDR);
      if (info !== undefined) {
        try {
          const o = JSON.parse(info) as Record<string, unknown>;
          o.svc = acc.name;
          ci = JSON.stringify(o);
        } catch {
          ci = undefined;
        }
      }
    } else if (publisher.kind !== Kind.LEAF || frame.hdr <= 0 || headerValue(frame, CLIENT_INFO_HDR) === undefined) {
      ci = clientInfoJSON(publisher, share);
    }
    if (ci !== undefined) {
      const h = withHeader(frame, CLIENT_INFO_HDR, ci);
      msg = h.msg;
      start = 0;
      end = msg.length;
      hdr = h.hdr;
      sizeText = "";
      hdrText = "";
    }
  }

  let f = frames[nesting];
  if (f === undefined) frames[nesting] = f = new MsgFrame();
  f.reset(to, nrr, hdr, msg, start, end, sizeText, hdrText);
  psi.push(si);
  nesting++;
  // A remote publisher's message reaches queue groups here even without queue names.
  let flags = PMR_IMPORTED_FROM_SERVICE;
  if (publisher.kind === Kind.ROUTER || publisher.kind === Kind.GATEWAY || publisher.kind === Kind.LEAF) flags |= PMR_IGNORE_EMPTY_QUEUE_FILTER;
  let didDeliver: boolean;
  try {
    didDeliver = to !== "" && processMsgResults(publisher, dest.sublist.match(to), f, undefined, flags);
  } finally {
    nesting--;
    psi.pop();
  }

  // An empty message (no headers, no payload) ends a stream/chunked response.
  const eof = frame.end - frame.start === 2;
  const shouldRemove = !didDeliver || (isResponse && (si.rt === "Singleton" || eof));
  if (si.rt !== "Singleton" && didDeliver) si.ts = Date.now();
  if (didDeliver && isResponse) si.didDeliver = true;
  if (shouldRemove) {
    if (isResponse) acc.replies.removeResponse(si);
    else dest.replies.removeResponse(rsi);
  }
}

/**
 * setupResponseServiceImport / addRespServiceImport: the exporter's `_R_` reply for `reply`, mapped back
 * into the requester's account `acc`. The exporter's `_R_.<prefix>.>` subscription is made on first use.
 */
function setupResponseServiceImport(host: ConnHost<Connection>, acc: ConnAccount, si: SI, reply: string): SI {
  const exporter = si.acc;
  const { reply: nrr, created } = exporter.replies.newReply();
  if (created) {
    const ic = InternalConnection.of(host, exporter);
    ic.subscribeInternal(`${exporter.replies.prefix}>`, (_sub, publisher, frame) => {
      const rsi = exporter.replies.responses.get(frame.subject);
      if (rsi === undefined || rsi.invalid) return;
      processServiceImport(host, publisher, rsi, exporter, frame);
    });
  }
  return exporter.replies.addResponse(exporter, acc, reply, si, nrr, (se) => expireResponses(exporter, se));
}

/** checkExpiredResponses, re-armed while responses of the export remain. */
function expireResponses(exporter: ConnAccount, se: SE): void {
  se.timer = undefined;
  if (exporter.replies.expire(se)) {
    se.timer = setTimeout(() => expireResponses(exporter, se), se.respThresh);
    se.timer.unref?.();
  }
}

/** getHeader: a header's value in the frame's header block, or undefined. */
function headerValue(frame: MsgFrame, key: string): string | undefined {
  if (frame.hdr <= 0) return undefined;
  const h = Buffer.from(frame.msg.buffer, frame.msg.byteOffset + frame.start, frame.hdr).toString("latin1");
  const at = h.indexOf(`\r\n${key}:`);
  if (at < 0) return undefined;
  const from = at + 2 + key.length + 1;
  const end = h.indexOf("\r\n", from);
  return h.slice(from, end < 0 ? h.length : end).trimStart();
}
