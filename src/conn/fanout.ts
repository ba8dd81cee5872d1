// Who gets a published message: the reference's processMsgResults (client.go). Every plain subscriber and
// one member of each queue group get it, by a method of the target connection (deliverMsg), so this loop
// never asks what kind a target is how to write to it. The publisher's kind and an optional list of queue
// names (a routed message names the groups it is for) decide the route rules below.
import type { Sublist, SublistResult } from "../subjects/sublist.ts";
import type { Connection, Subscription } from "./connection.ts";
import { MsgFrame } from "./deliver.ts";
import { Kind } from "./kind.ts";

/** pmrMsgImportedFromService: a message a service import brought in is not re-exported to stream imports. */
export const PMR_IMPORTED_FROM_SERVICE = 1;
/** pmrIgnoreEmptyQueueFilter: a remote publisher's message without queue names still reaches queue groups. */
export const PMR_IGNORE_EMPTY_QUEUE_FILTER = 2;

/** The frames stream-imported deliveries are re-encoded in, one per nesting depth (a service import nests). */
const importFrames: MsgFrame[] = [];
let depth = 0;

/** `frame` as delivered under `subject` (a shadow subscription's imported subject), counted in `publisher`'s account. */
function importFrame(frame: MsgFrame, subject: string, publisher: Connection): MsgFrame {
  let f = importFrames[depth];
  if (f === undefined) importFrames[depth] = f = new MsgFrame();
  f.reset(subject, frame.reply, frame.hdr, frame.msg, frame.start, frame.end, frame.sizeText, frame.hdrText);
  f.statsAccount = publisher.account;
  return f;
}

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

  clear(): void {
    this.subs.length = 0;
    this.queues.length = 0;
  }

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

/** isServiceReply (client.go): the `_R_.` replies of service imports. */
function isServiceReply(subject: string): boolean {
  return subject.charCodeAt(0) === 0x5f && subject.startsWith("_R_.");
}

/** Routes and leafs get a message as remote targets, once per connection. */
function isRemote(kind: Kind): boolean {
  return kind === Kind.ROUTER || kind === Kind.LEAF;
}

/**
 * Deliver `frame` from `publisher` to the matched subscriptions; false when nobody got it. With `queues`,
 * only those queue groups are considered (a routed message names the groups it is for).
 *
 * Route and leaf rules (client.go processMsgResults): routes and leafs are remote targets, each getting
 * the message once, at the end, with the queue groups it won. A route target only when the publisher is
 * neither a route (full mesh: no route-to-route forwarding) nor a spoke leaf link; a leaf target never
 * gets its own message back, and from a route only a hub-side leaf (or a service reply) gets it. A
 * message from a route or a leaf without queue names never reaches a local queue subscriber; with names,
 * only those groups. From a route only local members are candidates (a leaf member is the fallback);
 * from a client or a leaf, local members first and a leaf member only when none can take it. A queue
 * member is picked at random weighted by qw (a remote member counts as its peer's number of members).
 * A message from a leaf is never sent into another leaf of the same remote cluster.
 */
export function processMsgResults(
  publisher: Connection,
  result: SublistResult<Subscription>,
  frame: MsgFrame,
  queues?: readonly string[],
  flags = 0,
): boolean {
  // Nobody is interested (pub-only traffic, the common case of a busy publisher): nothing to set up.
  if (result.psubs.length === 0 && result.qsubs.length === 0) return false;
  depth++;
  try {
    return fanOut(publisher, result, frame, queues, flags);
  } finally {
    depth--;
  }
}

function fanOut(
  publisher: Connection,
  result: SublistResult<Subscription>,
  frame: MsgFrame,
  queues: readonly string[] | undefined,
  flags: number,
): boolean {
  let delivered = false;
  const pkind = publisher.kind;
  const fromRoute = pkind === Kind.ROUTER;
  let rts: RouteTargets | undefined;
  // Reused per nesting depth (a delivery may publish again, e.g. a system service answering).
  const depth = fanoutDepth++;
  const psubs = result.psubs;
  for (let i = 0; i < psubs.length; i++) {
    const sub = psubs[i]!;
    const conn = sub.conn;
    const kind = conn.kind;
    if (kind === Kind.ROUTER) {
      if (!fromRoute && !publisher.isSpoke) (rts ??= routeTargets(depth)).add(sub);
      continue;
    }
    if (kind === Kind.LEAF) {
      if (conn !== publisher && (!fromRoute || !conn.isSpoke || isServiceReply(frame.subject))) (rts ??= routeTargets(depth)).add(sub);
      continue;
    }
    const im = sub.im;
    if (im === undefined) {
      if (conn.deliverMsg(sub, frame, publisher)) delivered = true;
      continue;
    }
    // A shadow subscription (stream import): delivered under the importer's subject, never for a
    // message a service import brought in.
    if ((flags & PMR_IMPORTED_FROM_SERVICE) !== 0) continue;
    if (conn.deliverMsg(sub, importFrame(frame, im.deliverySubject(frame.subject), publisher), publisher)) delivered = true;
  }
  const qsubs = result.qsubs;
  // A message from a route or leaf without queue names is for plain subscribers only.
  const remotePub = fromRoute || pkind === Kind.LEAF || pkind === Kind.GATEWAY;
  const groups =
    remotePub && (queues === undefined || queues.length === 0) && (flags & PMR_IGNORE_EMPTY_QUEUE_FILTER) === 0 ? 0 : qsubs.length;
  // A leaf member is only a fallback when a client or a leaf published (local members first).
  const leafLast = pkind === Kind.CLIENT || pkind === Kind.LEAF;
  for (let g = 0; g < groups; g++) {
    // One member per group, starting at a random one (weighted) and skipping those that cannot take it
    // (echo off, closed, over their max), as processMsgResults.
    const group = qsubs[g]!;
    const n = group.length;
    if (queues !== undefined && !queues.includes(group[0]!.queue!)) continue;
    let rsub: Subscription | undefined;
    if (fromRoute) {
      // Only local members are candidates; remember a remote one (a leaf preferably) in case all fail.
      for (let k = 0; k < n; k++) {
        const sub = group[k]!;
        if (isRemote(sub.conn.kind) && (rsub === undefined || sub.conn.kind === Kind.LEAF)) rsub = sub;
      }
    }
    const startAt = weightedStart(group, fromRoute);
    for (let k = 0; startAt >= 0 && k < n; k++) {
      const sub = group[(startAt + k) % n]!;
      const kind = sub.conn.kind;
      if (isRemote(kind)) {
        if (fromRoute) continue;
        if (leafLast && kind === Kind.LEAF) {
          if (rsub === undefined && sub.conn !== publisher) rsub = sub;
          continue;
        }
        (rts ??= routeTargets(depth)).add(sub);
        rsub = undefined;
        break;
      }
      const im = sub.im;
      if (im !== undefined && (flags & PMR_IMPORTED_FROM_SERVICE) !== 0) continue;
      if (sub.conn.deliverMsg(sub, im === undefined ? frame : importFrame(frame, im.deliverySubject(frame.subject), publisher), publisher)) {
        delivered = true;
        rsub = undefined;
        break;
      }
    }
    if (rsub !== undefined) (rts ??= routeTargets(depth)).add(rsub);
  }
  if (rts !== undefined) {
    // From a leaf its cluster, from a route the LMSG's origin: never back into that cluster.
    const srcCluster = pkind === Kind.LEAF ? publisher.remoteCluster : pkind === Kind.ROUTER ? frame.origin : "";
    const subs = rts.subs;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]!;
      // Leaf to leaf: never back into the cluster the message came from (cluster-wide no echo).
      if (srcCluster !== "" && sub.conn.kind === Kind.LEAF && sub.conn.remoteCluster === srcCluster) continue;
      frame.queues = rts.queues[i]!;
      if (sub.conn.deliverMsg(sub, frame, publisher)) delivered = true;
    }
    frame.queues = null;
    rts.clear();
  }
  fanoutDepth--;
  return delivered;
}

let fanoutDepth = 0;
const targetsByDepth: RouteTargets[] = [];

function routeTargets(depth: number): RouteTargets {
  return (targetsByDepth[depth] ??= new RouteTargets());
}

/**
 * The index to start a group's scan at: uniform over local members, weighted by qw when route members
 * are present (the reference's sublist repeats a remote queue subscription qw times). Route and leaf
 * members are not candidates for a routed message; -1 when no member is.
 */
function weightedStart(group: readonly Subscription[], fromRoute: boolean): number {
  const n = group.length;
  let total = 0;
  let weighted = false;
  for (let i = 0; i < n; i++) {
    const sub = group[i]!;
    if (isRemote(sub.conn.kind)) {
      if (fromRoute) continue;
      weighted = true;
      total += sub.qw > 0 ? sub.qw : 1;
    } else total += 1;
  }
  if (total === 0) return -1;
  if (!weighted && !fromRoute) return (Math.random() * n) | 0;
  let r = Math.random() * total;
  for (let i = 0; i < n; i++) {
    const sub = group[i]!;
    const w = isRemote(sub.conn.kind) ? (fromRoute ? 0 : sub.qw > 0 ? sub.qw : 1) : 1;
    if (r < w) return i;
    r -= w;
  }
  return n - 1;
}
