// One account: its own subject space (a Sublist, so a match cache per account), the connections bound
// to it and its message counters, as nats-server's Account (accounts.go: sl, clients, stats).
// Generic over the subscription and connection types so that accounts/ knows nothing of conn/ (the
// message path binds them: conn/connection.ts ConnAccount).
import { Sublist, type SubscriptionLike } from "../subjects/sublist.ts";

export { GLOBAL_ACCOUNT, SYSTEM_ACCOUNT } from "../options.ts";

/** Messages and bytes in and out of one account (accounts.go stats: /accstatz sent and received). */
export class AccountStats {
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  slowConsumers = 0;
}

export class Account<S extends SubscriptionLike = SubscriptionLike, C = unknown> {
  readonly sublist = new Sublist<S>();
  /** Local connections bound to the account (the reference's a.clients). */
  readonly conns = new Set<C>();
  readonly stats = new AccountStats();
  /** When the account was created or last updated (accountz update_time). */
  updated = new Date();

  constructor(readonly name: string) {}

  addConnection(conn: C): void {
    this.conns.add(conn);
  }

  removeConnection(conn: C): void {
    this.conns.delete(conn);
  }
}
