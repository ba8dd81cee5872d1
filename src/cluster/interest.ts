// The interest a member announces to its routes (route.go sendSubsToRoute / updateRouteSubscriptionMap):
// per account, the local subscriptions (clients, leafs, internal ones; never what routes told us: the
// mesh is full) counted by "subject[ queue]", sent whole to a route that registers, then as RS+/RS- on
// 0<->1 changes and on every queue weight change; a leaf's interest as LS+ <origin> to peers with lnoc.
import type { Connection, ConnAccount, Subscription } from "../conn/connection.ts";
import type { ConnHost } from "../conn/host.ts";
import { Kind } from "../conn/kind.ts";
import type { Accounts } from "../accounts/registry.ts";
import { rsMinus, rsPlus } from "./encode.ts";
import type { RouteConnection } from "./route.ts";

export class RouteInterest {
  /** Per account: local interest as announced, "subject[ queue]" -> count (acc.rm). */
  private readonly rm = new Map<ConnAccount, Map<string, number>>();

  constructor(
    private readonly host: ConnHost<Connection> & { readonly accounts: Accounts<Subscription, Connection> },
    /** The registered routes (the cluster's map). */
    private readonly routes: ReadonlyMap<number, RouteConnection>,
  ) {}

  /** Keep track of an account's local interest: its sublist reports every change. */
  watchAccount(acc: ConnAccount): void {
    if (this.rm.has(acc)) return;
    this.rm.set(acc, new Map());
    // Interest that exists before routing starts counts too (the system account's internal
    // subscriptions are made before the cluster starts, as the reference's initEventTracking).
    for (const sub of acc.sublist.all()) this.updateRouteSubscriptionMap(acc, sub, 1);
    acc.sublist.onChange = (sub, delta) => this.updateRouteSubscriptionMap(acc, sub, delta);
  }

  /**
   * reloadClusterPermissions: after a route's import permission changed, RS+ what it may now import and
   * RS- what it no longer may (`could` is the old test).
   */
  importChanged(r: RouteConnection, could: (subject: string) => boolean): void {
    let out = "";
    for (const [acc, rm] of this.rm) {
      for (const [key, n] of rm) {
        const sp = key.indexOf(" ");
        const subject = sp < 0 ? key : key.slice(0, sp);
        const queue = sp < 0 ? undefined : key.slice(sp + 1);
        const was = could(subject);
        const now = r.canImport(subject);
        if (now && !was) out += rsPlus(acc.name, subject, queue, n);
        else if (was && !now) out += rsMinus(acc.name, subject, queue);
      }
    }
    if (out !== "") r.enqueue(Buffer.from(out, "latin1"));
  }

  /** The whole local interest, to a route that just registered (filtered by our import permissions). */
  sendSubsToRoute(r: RouteConnection): void {
    let out = "";
    for (const acc of this.host.accounts.all()) {
      this.watchAccount(acc);
      for (const [key, n] of this.rm.get(acc)!) {
        const sp = key.indexOf(" ");
        const subject = sp < 0 ? key : key.slice(0, sp);
        if (!r.canImport(subject)) continue;
        out += rsPlus(acc.name, subject, sp < 0 ? undefined : key.slice(sp + 1), n);
      }
    }
    if (out !== "") r.enqueue(Buffer.from(out, "latin1"));
    r.debug("Sent local subscriptions to route");
    this.host.loop.flushAll();
  }

  /** A local subscription came or went: RS+/RS- to every route on 0<->1, and on every queue weight change. */
  private updateRouteSubscriptionMap(acc: ConnAccount, sub: Subscription, delta: number): void {
    const kind = sub.conn.kind;
    if (kind === Kind.ROUTER || kind === Kind.GATEWAY) return;
    const rm = this.rm.get(acc)!;
    const key = sub.queue === undefined ? sub.subject : `${sub.subject} ${sub.queue}`;
    const old = rm.get(key) ?? 0;
    const n = Math.max(0, old + delta);
    if (n === 0) rm.delete(key);
    else rm.set(key, n);
    const isq = sub.queue !== undefined;
    if (!isq && (old > 0) === (n > 0)) return;
    if (isq && old === n) return;
    if (this.routes.size === 0) return;
    const line = n > 0 ? rsPlus(acc.name, sub.subject, sub.queue, n) : rsMinus(acc.name, sub.subject, sub.queue);
    const bytes = Buffer.from(line, "latin1");
    // A leaf's interest goes as LS+ <origin> / LS- to peers that take it (addRouteSubOrUnsubProtoToBuf).
    const origin = kind === Kind.LEAF ? sub.conn.remoteCluster : "";
    let lline = "";
    let lbytes: Buffer | undefined;
    for (const r of this.routes.values()) {
      if (!r.canImport(sub.subject)) continue;
      if (origin !== "" && r.lnoc) {
        if (lbytes === undefined) {
          lline = n > 0 ? `LS+ ${origin} ${line.slice(4)}` : `LS-${line.slice(3)}`;
          lbytes = Buffer.from(lline, "latin1");
        }
        if (this.host.log.traceEnabled) r.trace(`->> [${lline.slice(0, -2)}]`);
        r.enqueue(lbytes);
        continue;
      }
      if (this.host.log.traceEnabled) r.trace(`->> [${line.slice(0, -2)}]`);
      r.enqueue(bytes);
    }
  }
}
