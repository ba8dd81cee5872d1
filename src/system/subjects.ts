// The system account's subjects (events.go consts, nats-server 2.9.10). `%s` in the reference's format
// strings becomes a function argument here.

/** `$SYS.ACCOUNT.<acc>.CONNECT`: a client of an account (not $G) authenticated. */
export const connectEventSubj = (acc: string): string => `$SYS.ACCOUNT.${acc}.CONNECT`;
/** `$SYS.ACCOUNT.<acc>.DISCONNECT`: that client's connection closed. */
export const disconnectEventSubj = (acc: string): string => `$SYS.ACCOUNT.${acc}.DISCONNECT`;
/** `$SYS.REQ.ACCOUNT.<acc>.<name>`: per-account requests (accDirectReqSubj). */
export const accDirectReqSubj = (acc: string, name: string): string => `$SYS.REQ.ACCOUNT.${acc}.${name}`;
/** `$SYS.REQ.ACCOUNT.PING.<name>`: only STATZ and CONNZ (accPingReqSubj). */
export const accPingReqSubj = (name: string): string => `$SYS.REQ.ACCOUNT.PING.${name}`;
/** The account connection count events, new and old spelling (accConnsEventSubjNew/Old). */
export const accConnsEventSubjNew = (acc: string): string => `$SYS.ACCOUNT.${acc}.SERVER.CONNS`;
export const accConnsEventSubjOld = (acc: string): string => `$SYS.SERVER.ACCOUNT.${acc}.CONNS`;
/** Where other servers answer our CONNS requests (connsRespSubj). */
export const connsRespSubj = (serverId: string): string => `$SYS._INBOX_.${serverId}`;
export const shutdownEventSubj = (serverId: string): string => `$SYS.SERVER.${serverId}.SHUTDOWN`;
export const authErrorEventSubj = (serverId: string): string => `$SYS.SERVER.${serverId}.CLIENT.AUTH.ERR`;
export const serverStatsSubj = (serverId: string): string => `$SYS.SERVER.${serverId}.STATSZ`;
/** `$SYS.REQ.SERVER.<id>.<name>`: requests to one server (serverDirectReqSubj). */
export const serverDirectReqSubj = (serverId: string, name: string): string => `$SYS.REQ.SERVER.${serverId}.${name}`;
/** `$SYS.REQ.SERVER.PING.<name>`: requests every server answers (serverPingReqSubj). */
export const serverPingReqSubj = (name: string): string => `$SYS.REQ.SERVER.PING.${name}`;
/** The old STATSZ ping, kept by the reference for backward compatibility (serverStatsPingReqSubj). */
export const serverStatsPingReqSubj = "$SYS.REQ.SERVER.PING";
/** Broad request for the number of subscribers on a subject (accNumSubsReqSubj). */
export const accNumSubsReqSubj = "$SYS.REQ.ACCOUNT.NSUBS";
/** The exported debug service (accSubsSubj). */
export const accSubsSubj = "$SYS.DEBUG.SUBSCRIBERS";

/** Tokens of a per-account request subject and where the account sits (accReqTokens, accReqAccIndex). */
export const accReqTokens = 5;
export const accReqAccIndex = 3;

/** The monitoring services every server answers by id and by PING (initEventTracking monSrvc). */
export const SERVER_SERVICES = [
  "STATSZ",
  "VARZ",
  "SUBSZ",
  "CONNZ",
  "ROUTEZ",
  "GATEWAYZ",
  "LEAFZ",
  "ACCOUNTZ",
  "JSZ",
  "HEALTHZ",
] as const;
export type ServerService = (typeof SERVER_SERVICES)[number];

/** The per-account services (initEventTracking monAccSrvc). */
export const ACCOUNT_SERVICES = ["SUBSZ", "CONNZ", "LEAFZ", "JSZ", "INFO", "STATZ", "CONNS"] as const;
export type AccountService = (typeof ACCOUNT_SERVICES)[number];

/**
 * The account named by a per-account request subject (`$SYS.REQ.ACCOUNT.<acc>.<name>`), or an error
 * text as the reference's extractAccount.
 */
export function extractAccount(subject: string): { acc: string } | { error: string } {
  const tk = subject.split(".");
  if (tk.length !== accReqTokens) return { error: `subject ${JSON.stringify(subject)} is malformed` };
  return { acc: tk[accReqAccIndex] ?? "" };
}

/**
 * The service imports every account gets from the system account (events.go registerSystemImports):
 * `[from, to]` pairs, `from` in the importing account, `to` in the system account.
 */
export function systemImports(acc: string): [string, string][] {
  const connz = accDirectReqSubj(acc, "CONNZ");
  return [
    [accPingReqSubj("CONNZ"), connz],
    [serverPingReqSubj("CONNZ"), connz],
    [accPingReqSubj("STATZ"), accDirectReqSubj(acc, "STATZ")],
  ];
}

/**
 * The system account's own exports (events.go addSystemAccountExports): the two per-account services,
 * streamed, with the importing account's name at token 4, and the debug service.
 */
export const SYSTEM_EXPORTS: readonly { subject: string; responseType: "Streamed" | "Singleton"; accountTokenPosition?: number }[] = [
  { subject: accDirectReqSubj("*", "CONNZ"), responseType: "Streamed", accountTokenPosition: 4 },
  { subject: accDirectReqSubj("*", "STATZ"), responseType: "Streamed", accountTokenPosition: 4 },
  { subject: accSubsSubj, responseType: "Singleton" },
];
