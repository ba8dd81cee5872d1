// The server's accounts by name (server.go s.accounts), holding the global account `$G` from the start.
// The accounts {} block adds named ones, and the system account `$SYS`.
import type { SubscriptionLike } from "../subjects/sublist.ts";
import { GLOBAL_ACCOUNT } from "../options.ts";
import { Account } from "./account.ts";

export class Accounts<S extends SubscriptionLike = SubscriptionLike, C = unknown> {
  private readonly byName = new Map<string, Account<S, C>>();
  /** `$G`: connections that log in without an account (globalAccount()). */
  readonly global: Account<S, C>;
  /**
   * The system account (s.sys.account): `system_account`, an account named `$SYS`, or the `$SYS`
   * created at start; undefined with `no_system_account`. Set by configureAccounts (accounts/setup.ts).
   */
  system: Account<S, C> | undefined;

  constructor() {
    this.global = this.register(GLOBAL_ACCOUNT);
  }

  lookup(name: string): Account<S, C> | undefined {
    return this.byName.get(name);
  }

  /** Told of every account created after it is set (the cluster watches each account's interest). */
  onRegister: ((acc: Account<S, C>) => void) | null = null;

  /** Told of every connection joining or leaving any account (see Account.onConnsChanged). */
  private connsListener: Account<S, C>["onConnsChanged"];

  /** The account with this name, created when new (registerAccount). */
  register(name: string): Account<S, C> {
    let acc = this.byName.get(name);
    if (acc === undefined) {
      acc = new Account<S, C>(name);
      acc.onConnsChanged = this.connsListener;
      this.byName.set(name, acc);
      this.onRegister?.(acc);
    }
    return acc;
  }

  /** Listen to the connections of every account, present and future (the system account's events). */
  setConnsListener(listener: Account<S, C>["onConnsChanged"]): void {
    this.connsListener = listener;
    for (const acc of this.byName.values()) acc.onConnsChanged = listener;
  }

  /** Accounts in registration order. */
  all(): IterableIterator<Account<S, C>> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}
