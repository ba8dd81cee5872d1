// What every account gets from the system account (events.go addSystemAccountExports and
// registerSystemImports): the system account exports its per-account CONNZ and STATZ services (streamed,
// with the importing account's name at token 4) and the debug service; every other account imports
// `$SYS.REQ.ACCOUNT.PING.CONNZ` and `$SYS.REQ.SERVER.PING.CONNZ` as its own `$SYS.REQ.ACCOUNT.<acc>.CONNZ`,
// and `$SYS.REQ.ACCOUNT.PING.STATZ` as its `$SYS.REQ.ACCOUNT.<acc>.STATZ`. So a user of any account can
// run `nats server report connections` on its own connections. (The subjects are src/system/subjects.ts's;
// the accounts layer sits below it and spells them here; src/system answers them.)
import type { SubscriptionLike } from "../subjects/sublist.ts";
import type { Account } from "./account.ts";
import type { ServiceResponseType } from "../options.ts";
import { ServiceExport, ServiceImport } from "./imports.ts";
import type { Accounts } from "./registry.ts";

const accDirect = (acc: string, name: string): string => `$SYS.REQ.ACCOUNT.${acc}.${name}`;

const SYSTEM_EXPORTS: readonly { subject: string; respType: ServiceResponseType; accountPos: number }[] = [
  { subject: accDirect("*", "CONNZ"), respType: "Streamed", accountPos: 4 },
  { subject: accDirect("*", "STATZ"), respType: "Streamed", accountPos: 4 },
  { subject: "$SYS.DEBUG.SUBSCRIBERS", respType: "Singleton", accountPos: 0 },
];

/** addSystemAccountExports: the exports, unless the configuration already exports those subjects. */
export function addSystemAccountExports<S extends SubscriptionLike, C>(sys: Account<S, C>): void {
  for (const e of SYSTEM_EXPORTS) {
    if (sys.getServiceExport(e.subject) !== undefined) continue;
    const se = new ServiceExport<Account<S, C>>(e.subject, sys);
    se.respType = e.respType;
    se.accountPos = e.accountPos;
    sys.serviceExports.set(e.subject, se);
  }
}

/** registerSystemImports for every account but the system account (imports already there are kept). */
export function registerSystemImports<S extends SubscriptionLike, C>(accounts: Accounts<S, C>, sys: Account<S, C>): void {
  for (const acc of accounts.all()) {
    if (acc === sys) continue;
    const connz = accDirect(acc.name, "CONNZ");
    importService(acc, sys, "$SYS.REQ.ACCOUNT.PING.CONNZ", connz);
    importService(acc, sys, "$SYS.REQ.SERVER.PING.CONNZ", connz);
    importService(acc, sys, "$SYS.REQ.ACCOUNT.PING.STATZ", accDirect(acc.name, "STATZ"));
  }
}

function importService<S extends SubscriptionLike, C>(acc: Account<S, C>, sys: Account<S, C>, from: string, to: string): void {
  if (acc.serviceImports.has(from)) return;
  const se = sys.getServiceExport(to);
  const si = ServiceImport.configured(sys, from, to, se, false);
  if (se !== undefined) si.rt = se.respType;
  acc.serviceImports.set(si.from, si);
}
