// One account: its own subject space (a Sublist, so a match cache per account), the connections bound
// to it and its message counters, as nats-server's Account (accounts.go: sl, clients, stats), plus what
// the `accounts {}` block gives it: exports, imports, subject mappings, limits, the service reply state.
// Generic over the subscription and connection types so that accounts/ knows nothing of conn/ (the
// message path binds them: conn/connection.ts ConnAccount).
import type { AccountLimits, Permissions } from "../options.ts";
import { SubjectMappings } from "../subjects/mapping.ts";
import { subjectIsSubsetMatch } from "../subjects/subject.ts";
import { Sublist, type SubscriptionLike } from "../subjects/sublist.ts";
import { ServiceReplies, type ServiceExport, type ServiceImport, type StreamExport, type StreamImport } from "./imports.ts";

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

  /** The account's public nkey (config `nkey`), "" when none. */
  nkey = "";
  limits: AccountLimits | undefined;
  defaultPermissions: Permissions | undefined;
  /** Subject mappings applied to what is published in this account (accounts.go mappings). */
  readonly mappings = new SubjectMappings();
  /** exports.streams / exports.services by subject. */
  readonly streamExports = new Map<string, StreamExport>();
  readonly serviceExports = new Map<string, ServiceExport<Account<S, C>>>();
  /** imports.streams (in order) / imports.services by local subject. */
  readonly streamImports: StreamImport<Account<S, C>>[] = [];
  readonly serviceImports = new Map<string, ServiceImport<Account<S, C>>>();
  /** The service reply prefix, response imports and the reverse map (exports.responses, imports.rrMap). */
  readonly replies: ServiceReplies<Account<S, C>> = new ServiceReplies<Account<S, C>>();
  /** The account's internal connection (a.ic): service import subscriptions; made on first need. */
  internal: C | undefined;

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

  /** getServiceExport: the export for a subject, a wildcard export covering it included. */
  getServiceExport(subject: string): ServiceExport<Account<S, C>> | undefined {
    const se = this.serviceExports.get(subject);
    if (se !== undefined) return se;
    for (const [subj, e] of this.serviceExports) if (subjectIsSubsetMatch(subject, subj)) return e;
    return undefined;
  }
}
