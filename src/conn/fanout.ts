// Who gets a published message: the reference's processMsgResults (client.go). Every plain subscriber and
// one member of each queue group get it, by a method of the target connection (deliverMsg), so this loop
// never asks what kind a target is how to write to it. The publisher's kind and an optional list of queue
// names (a routed message names the groups it is for) decide the route rules below.
import type { Sublist, SublistResult } from "../subjects/sublist.ts";
import type { Connection, Subscription } from "./connection.ts";
import type { MsgFrame } from "./deliver.ts";
import { Kind } from "./kind.ts";

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
 * Route targets of one message (client.go c.in.rts): a route gets one RMSG however many of its
 * subscriptions match, naming the queue groups it was chosen for. Allocated only when a route matches.
 */
class RouteTargets {
  readonly subs: Subscription[] = [];
  readonly queues: (string[] | null)[] = [];

  add(sub: Subscription): void {
    const subs = this.subs;
    for (let i = 0; i < subs.length; i++) {
      if (subs[i]!.conn !== sub.conn) continue;
      if (sub.queue !== undefined) (this.queues[i] ??= []).push(sub.queue);
      return;
    }
    subs.push(sub);
    this.queues.push(sub.queue !== undefined ? [sub.queue] : null);
  }
}

/**
 * Deliver `frame` from `publisher` to the matched subscriptions; false when nobody got it. With `queues`,
 * only those queue groups are considered (a routed message names the groups it is for).
 *
 * Route rules (client.go processMsgResults): a route subscription is a target only when the publisher is
 * not itself a route (full mesh: no route-to-route forwarding), and each route gets the message once, at
 * the end, with the queue groups it won. A message from a route without queue names never reaches a
 * local queue subscriber; with names, only those groups, and only local members. A queue member is
 * picked at random weighted by qw (a route's member counts as its peer's number of members).
 */
export function processMsgResults(
  publisher: Connection,
  result: SublistResult<Subscription>,
  frame: MsgFrame,
  queues?: readonly string[],
): boolean {
  let delivered = false;
  const fromRoute = publisher.kind === Kind.ROUTER;
  let rts: RouteTargets | undefined;
  const psubs = result.psubs;
  for (let i = 0; i < psubs.length; i++) {
    const sub = psubs[i]!;
    if (sub.conn.kind === Kind.ROUTER) {
      if (!fromRoute) (rts ??= new RouteTargets()).add(sub);
      continue;
    }
    if (sub.conn.deliverMsg(sub, frame, publisher)) delivered = true;
  }
  const qsubs = result.qsubs;
  // A routed message without queue names is for plain subscribers only.
  const groups = fromRoute && (queues === undefined || queues.length === 0) ? 0 : qsubs.length;
  for (let g = 0; g < groups; g++) {
    // One member per group, starting at a random one (weighted) and skipping those that cannot take it
    // (echo off, closed, over their max), as processMsgResults.
    const group = qsubs[g]!;
    const n = group.length;
    if (queues !== undefined && !queues.includes(group[0]!.queue!)) continue;
    const startAt = weightedStart(group, fromRoute);
    if (startAt < 0) continue;
    for (let k = 0; k < n; k++) {
      const sub = group[(startAt + k) % n]!;
      if (sub.conn.kind === Kind.ROUTER) {
        if (fromRoute) continue;
        (rts ??= new RouteTargets()).add(sub);
        break;
      }
      if (sub.conn.deliverMsg(sub, frame, publisher)) {
        delivered = true;
        break;
      }
    }
  }
  if (rts !== undefined) {
    const subs = rts.subs;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]!;
      frame.queues = rts.queues[i]!;
      if (sub.conn.deliverMsg(sub, frame, publisher)) delivered = true;
    }
    frame.queues = null;
  }
  return delivered;
}

/**
 * The index to start a group's scan at: uniform over local members, weighted by qw when route members
 * are present (the reference's sublist repeats a remote queue subscription qw times). Route members
 * are not candidates for a routed message; -1 when no member is.
 */
function weightedStart(group: readonly Subscription[], fromRoute: boolean): number {
  const n = group.length;
  let total = 0;
  let weighted = false;
  for (let i = 0; i < n; i++) {
    const sub = group[i]!;
    if (sub.conn.kind === Kind.ROUTER) {
      if (fromRoute) continue;
      weighted = true;
      total += sub.qw;
    } else total += 1;
  }
  if (total === 0) return -1;
  if (!weighted && !fromRoute) return (Math.random() * n) | 0;
  let r = Math.random() * total;
  for (let i = 0; i < n; i++) {
    const sub = group[i]!;
    const w = sub.conn.kind === Kind.ROUTER ? (fromRoute ? 0 : sub.qw) : 1;
    if (r < w) return i;
    r -= w;
  }
  return n - 1;
}
