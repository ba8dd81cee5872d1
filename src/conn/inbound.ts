// A published message entering an account (client.go processInboundClientMsg after the publisher's
// own checks): the account's subject mappings pick the subject (selectMappedSubject), then the
// account's subscriptions get it, service import subscriptions included (their callback forwards it
// into the exporter's account: src/conn/service-import.ts).
import type { Connection } from "./connection.ts";
import type { MsgFrame } from "./deliver.ts";
import { PMR_IGNORE_EMPTY_QUEUE_FILTER, processMsgResults, type MatchCache } from "./fanout.ts";
import { enterMessage, leaveMessage, psi } from "./psi.ts";

/**
 * Route `frame` in the publisher's account; false when nobody got it. The frame's subject is
 * replaced when a mapping applies (the frame is the publisher's scratch).
 */
export function processInboundMsg(publisher: Connection, frame: MsgFrame, cache?: MatchCache, queues?: readonly string[]): boolean {
  const acc = publisher.account;
  let flags = 0;
  if (acc.mappings.size > 0) {
    const mapped = acc.mappings.select(frame.subject);
    // Weights that leave a share to nothing drop the message (the reference maps it to "").
    if (mapped === "") return false;
    if (mapped !== null) {
      frame.reset(mapped, frame.reply, frame.hdr, frame.msg, frame.start, frame.end, frame.sizeText, frame.hdrText);
      // A mapped message from a leaf without queue names still reaches local queue groups
      // (processInboundLeafMsg: pmrIgnoreEmptyQueueFilter when c.pa.mapped is set).
      if (queues === undefined || queues.length === 0) flags |= PMR_IGNORE_EMPTY_QUEUE_FILTER;
    }
  }
  const subject = frame.subject;
  const result = cache !== undefined ? cache.lookup(acc.sublist, subject) : acc.sublist.match(subject);
  // Nobody is interested (pub-only load): nothing to fan out.
  if (result.psubs.length === 0 && result.qsubs.length === 0) return false;
  if (psi.length === 0) return processMsgResults(publisher, result, frame, queues, flags);
  const outer = enterMessage();
  try {
    return processMsgResults(publisher, result, frame, queues, flags);
  } finally {
    leaveMessage(outer);
  }
}
