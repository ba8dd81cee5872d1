// Who gets a published message: the reference's processMsgResults (client.go). Every plain subscriber and
// one member of each queue group get it, by a method of the target connection (deliverMsg), so this loop
// never asks what kind a target is. The publisher's kind and an optional list of queue names (a routed
// message names the groups it is for) are what the rules of routes and leaf nodes will read.
import type { Sublist, SublistResult } from "../subjects/sublist.ts";
import type { Connection, Subscription } from "./connection.ts";
import type { MsgFrame } from "./deliver.ts";

/**
 * A publisher's last match, kept while its account's sublist is unchanged (the reference's per-client
 * c.in.results). The parser hands a repeated subject over as the same string, so the compare is by
 * identity in the common case.
 */
export class MatchCache {
  private subject = "";
  private sublist: Sublist<Subscription> | undefined;
  private genid = -1;
  private result: SublistResult<Subscription> | undefined;

  lookup(sublist: Sublist<Subscription>, subject: string): SublistResult<Subscription> {
    let result = this.result;
    if (subject !== this.subject || sublist.genid !== this.genid || sublist !== this.sublist || result === undefined) {
      result = sublist.match(subject);
      this.subject = subject;
      this.sublist = sublist;
      this.genid = sublist.genid;
      this.result = result;
    }
    return result;
  }
}

/**
 * Deliver `frame` from `publisher` to the matched subscriptions; false when nobody got it. With `queues`,
 * only those queue groups are considered (a routed message names the groups it was sent for).
 */
export function processMsgResults(
  publisher: Connection,
  result: SublistResult<Subscription>,
  frame: MsgFrame,
  queues?: readonly string[],
): boolean {
  let delivered = false;
  const psubs = result.psubs;
  for (let i = 0; i < psubs.length; i++) {
    const sub = psubs[i]!;
    if (sub.conn.deliverMsg(sub, frame, publisher)) delivered = true;
  }
  const qsubs = result.qsubs;
  for (let g = 0; g < qsubs.length; g++) {
    // One member per group, starting at a random one and skipping those that cannot take it
    // (echo off, closed, over their max), as processMsgResults.
    const group = qsubs[g]!;
    const n = group.length;
    if (queues !== undefined && !queues.includes(group[0]!.queue!)) continue;
    const startAt = (Math.random() * n) | 0;
    for (let k = 0; k < n; k++) {
      const sub = group[(startAt + k) % n]!;
      if (sub.conn.deliverMsg(sub, frame, publisher)) {
        delivered = true;
        break;
      }
    }
  }
  return delivered;
}
