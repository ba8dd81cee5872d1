// Routing one published message to its subscribers: the reference's processMsgResults (every plain
// subscriber, one member of each queue group) and deliverMsg (echo, deny filter, auto-unsubscribe,
// counters, producer stalls). Encoding the MSG itself is deliver.ts's.
import type { Sublist, SublistResult } from "../subjects/sublist.ts";
import type { Client } from "./client.ts";
import { writeMsg, type MsgFrame } from "./deliver.ts";
import type { Subscription } from "./subscription.ts";

/**
 * A publisher's last match, kept while the sublist is unchanged (the reference's per-client
 * c.in.results). The parser hands a repeated subject over as the same string, so the compare is by
 * identity in the common case.
 */
export class MatchCache {
  private subject = "";
  private genid = -1;
  private result: SublistResult<Subscription> | undefined;

  lookup(sublist: Sublist<Subscription>, subject: string): SublistResult<Subscription> {
    let result = this.result;
    if (subject !== this.subject || sublist.genid !== this.genid || result === undefined) {
      result = sublist.match(subject);
      this.subject = subject;
      this.genid = sublist.genid;
      this.result = result;
    }
    return result;
  }
}

/** Deliver `frame` from `publisher` to the matched subscriptions; false when nobody got it. */
export function routeMsg(publisher: Client, result: SublistResult<Subscription>, frame: MsgFrame): boolean {
  let delivered = false;
  const psubs = result.psubs;
  for (let i = 0; i < psubs.length; i++) {
    if (deliverTo(publisher, psubs[i]!, frame)) delivered = true;
  }
  const qsubs = result.qsubs;
  for (let g = 0; g < qsubs.length; g++) {
    // One member per group, starting at a random one and skipping those that cannot take it
    // (echo off, closed, over their max), as processMsgResults.
    const group = qsubs[g]!;
    const n = group.length;
    const startAt = (Math.random() * n) | 0;
    for (let k = 0; k < n; k++) {
      if (deliverTo(publisher, group[(startAt + k) % n]!, frame)) {
        delivered = true;
        break;
      }
    }
  }
  return delivered;
}

/** One message to one subscription; false when it was not delivered (echo, closed, max, perms). */
function deliverTo(publisher: Client, sub: Subscription, frame: MsgFrame): boolean {
  const client = sub.client;
  if (sub.closed || client.closed) return false;
  if (client === publisher && !publisher.echo) return false;
  if (client.perms?.denyDelivery?.(frame.subject) === true) return false;
  sub.delivered++;
  if (sub.max > 0) {
    if (sub.delivered > sub.max) {
      client.unsubscribe(sub);
      return false;
    }
    if (sub.delivered === sub.max) client.unsubscribe(sub);
  }
  const size = writeMsg(client, sub, frame);
  if (size < 0) return false; // the subscriber was closed as a slow consumer
  const server = client.server;
  client.outMsgs++;
  client.outBytes += size;
  server.stats.outMsgs++;
  server.stats.outBytes += size;
  if (frame.reply.length > 0 && client.perms?.trackReply !== undefined) client.perms.trackReply(frame.reply);
  if (client.outbound.pending > server.stallThreshold && client !== publisher) client.outbound.stallProducer(publisher);
  return true;
}
