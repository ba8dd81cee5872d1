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

  /**
   * Told when a connection joins or leaves the account (set by the registry): the system account's
   * SERVER.CONNS events follow the count, as Account.addClient/removeClient call accConnsUpdate.
   */
  onConnsChanged: ((account: Account<S, C>, conn: C, joined: boolean) => void) | undefined;

  addConnection(conn: C): void {
    const n = this.conns.size;
    this.conns.add(conn);
    if (this.conns.size !== n) this.onConnsChanged?.(this, conn, true);
  }

  removeConnection(conn: C): void {
    if (this.conns.delete(conn)) this.onConnsChanged?.(this, conn, false);
  }
}
