// Interest across leaf links (leafnode.go initLeafNodeSmapAndSendSubs, updateLeafNodes, updateSmap): what
// a link tells its peer when it comes up, and which later subscription changes each link forwards. A spoke
// forwards only local interest (clients, and leafs it is the hub of); a hub everything but what came from
// the link's own remote cluster; the loop detection subject always goes.
import type { Connection, ConnAccount, Subscription } from "../conn/connection.ts";
import { Kind } from "../conn/kind.ts";
import { LDS_PREFIX, type LeafConnection } from "./connection.ts";
import { leafKey, Smap } from "./smap.ts";

/**
 * The initial smap of `conn` (set on it) and the LS+ burst to send: the account's subscriptions this side
 * may announce, its imported services and mapping sources, and `lds`.
 */
export function initialInterest(conn: LeafConnection, lds: string): string {
  const acc = conn.account;
  const smap = new Smap();
  const rc = conn.remoteCluster;
  for (const c of acc.conns) {
    if (c === conn || c.closed) continue;
    if (conn.isSpoke && !isLocal(c)) continue;
    if (rc !== "" && c.kind === Kind.LEAF && c.remoteCluster === rc) continue;
    for (const sub of c.subs.values()) {
      if (sub.closed || !conn.canSubscribe(sub.subject)) continue;
      smap.add(leafKey(sub.subject, sub.queue), sub.queue !== undefined && sub.qw > 0 ? sub.qw : 1);
    }
  }
  // Interest learned from routes (a hub sends its whole sublist, leafnode.go acc.sl.All): a route serves
  // every account, so its subscriptions are in the account's sublist, not among its connections; what
  // came from the link's own cluster (sub.origin, LS+ over a route) is not sent back.
  if (!conn.isSpoke) {
    for (const sub of acc.sublist.all()) {
      if (sub.conn.kind !== Kind.ROUTER || sub.closed || !conn.canSubscribe(sub.subject)) continue;
      if (rc !== "" && sub.origin === rc) continue;
      smap.add(leafKey(sub.subject, sub.queue), sub.queue !== undefined && sub.qw > 0 ? sub.qw : 1);
    }
  }
  // Leafs only send on interest: imported services and mapping sources are interest too (a spoke only
  // those it may subscribe to).
  const ims: string[] = [...acc.serviceImports.keys(), ...acc.mappings.all().map((m) => m.src)];
  for (const subject of ims) {
    if (conn.isSpoke && !conn.canSubscribe(subject)) {
      conn.debug(`Not permitted to import service or mapping ${JSON.stringify(subject)} on behalf of ${acc.name}`);
      continue;
    }
    smap.add(subject, 1);
  }
  smap.add(lds, 1);
  conn.smap = smap;
  return smap.all();
}

/** updateLeafNodes: every other ready link of the account hears of a subscription change it should. */
export function forwardInterest(leafs: Iterable<LeafConnection>, account: ConnAccount, sub: Subscription, delta: number, trace: boolean): void {
  const from = sub.conn;
  // A leaf's interest comes from its cluster; a route's from the origin its LS+ named (sub.origin).
  const origin = from.kind === Kind.LEAF ? from.remoteCluster : sub.origin;
  const lds = sub.subject.startsWith(LDS_PREFIX);
  for (const ln of leafs) {
    if (ln === from || ln.account !== account || !ln.ready) continue;
    if (!lds && ((origin !== "" && origin === ln.remoteCluster) || !ln.canSubscribe(sub.subject))) continue;
    // updateSmap: a spoke only forwards local interest.
    if (ln.isSpoke && !isLocal(from)) continue;
    const line = ln.smap!.update(leafKey(sub.subject, sub.queue), delta, sub.queue !== undefined);
    if (line === "") continue;
    if (trace) ln.trace(`->> [${line.slice(0, -2)}]`);
    ln.enqueue(Buffer.from(line, "latin1"));
  }
}

/** A client, a system connection, or a leaf we are the hub of: interest a spoke forwards. */
function isLocal(c: Connection): boolean {
  return c.kind === Kind.CLIENT || c.kind === Kind.SYSTEM || (c.kind === Kind.LEAF && !c.isSpoke);
}

/** A NUID-like 22-character base62 random string. */
export function nuid(): string {
  const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  let s = "";
  for (const b of bytes) s += digits[b % 62];
  return s;
}

