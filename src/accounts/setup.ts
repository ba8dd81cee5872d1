// The accounts of the options, registered and wired (server.go configureAccounts, setSystemAccount /
// SetDefaultSystemAccount): each configured account with its nkey, limits, default permissions,
// mappings, exports and imports (validated by the config loader already), `$G`'s top-level mappings,
// and the system account: `system_account`, or an account named `$SYS`, or a `$SYS` created here
// unless `no_system_account`.
import type { AccountOptions, Options } from "../options.ts";
import { SubjectMapping } from "../subjects/mapping.ts";
import type { SubscriptionLike } from "../subjects/sublist.ts";
import { SYSTEM_ACCOUNT, type Account } from "./account.ts";
import { ServiceExport, ServiceImport, StreamExport, StreamImport } from "./imports.ts";
import type { Accounts } from "./registry.ts";
import { addSystemAccountExports, registerSystemImports } from "./system-imports.ts";

/**
 * Registers and wires the configured accounts; returns the system account's name ("" when there is
 * none). Accounts already registered are reset to the configuration (a reload).
 */
export function configureAccounts<S extends SubscriptionLike, C>(accounts: Accounts<S, C>, opts: Options): string {
  const configured = new Map<string, AccountOptions>();
  for (const ao of opts.accounts) configured.set(ao.name, ao);
  // Every account exists before exports and imports refer to them.
  for (const ao of opts.accounts) {
    const acc = accounts.register(ao.name);
    acc.nkey = ao.nkey ?? "";
    acc.limits = ao.limits;
    acc.defaultPermissions = ao.defaultPermissions;
    acc.updated = new Date();
  }
  for (const ao of opts.accounts) wire(accounts, accounts.lookup(ao.name)!, ao);
  resolveServiceExports(accounts);
  // The system account (configureAccounts / Start): explicit, or an account named $SYS, or a new $SYS.
  let sys = opts.systemAccount;
  if (sys === "" && configured.has(SYSTEM_ACCOUNT)) sys = SYSTEM_ACCOUNT;
  if (sys === "" && !opts.noSystemAccount) {
    accounts.register(SYSTEM_ACCOUNT);
    sys = SYSTEM_ACCOUNT;
  }
  accounts.system = sys === "" ? undefined : accounts.lookup(sys);
  // setSystemAccount -> addSystemAccountExports -> registerSystemImports (events.go).
  if (accounts.system !== undefined) {
    addSystemAccountExports(accounts.system);
    registerSystemImports(accounts, accounts.system);
  }
  return sys;
}


function wire<S extends SubscriptionLike, C>(accounts: Accounts<S, C>, acc: Account<S, C>, ao: AccountOptions): void {
  acc.mappings.clear();
  for (const m of ao.mappings) acc.mappings.add(new SubjectMapping(m.source, m.destinations));
  acc.streamExports.clear();
  for (const e of ao.streamExports) {
    const se = new StreamExport(e.subject);
    if (e.approved !== undefined) se.approved = new Set(e.approved);
    se.accountPos = e.accountTokenPosition;
    acc.streamExports.set(e.subject, se);
  }
  acc.serviceExports.clear();
  for (const e of ao.serviceExports) {
    const se = new ServiceExport<Account<S, C>>(e.subject, acc);
    if (e.approved !== undefined) se.approved = new Set(e.approved);
    se.accountPos = e.accountTokenPosition;
    se.respType = e.responseType;
    se.respThresh = e.responseThreshold;
    if (e.latency !== undefined) se.latency = { ...e.latency };
    acc.serviceExports.set(e.subject, se);
  }
  // Service imports find their export (response type) once every account has its exports.
  acc.streamImports.length = 0;
  for (const i of ao.streamImports) {
    const exporter = accounts.lookup(i.account);
    if (exporter === undefined) continue;
    acc.streamImports.push(new StreamImport(exporter, i.subject, i.to, i.prefix));
  }
  acc.serviceImports.clear();
  for (const i of ao.serviceImports) {
    const exporter = accounts.lookup(i.account);
    if (exporter === undefined) continue;
    const si = ServiceImport.configured(exporter, i.to, i.subject, undefined, i.share);
    acc.serviceImports.set(si.from, si);
  }
}

/** After every account is wired: service imports point at their export (response type, threshold). */
export function resolveServiceExports<S extends SubscriptionLike, C>(accounts: Accounts<S, C>): void {
  for (const acc of accounts.all()) {
    for (const si of acc.serviceImports.values()) {
      const se = si.acc.getServiceExport(si.to);
      si.se = se;
      if (se !== undefined) si.rt = se.respType;
    }
  }
}
