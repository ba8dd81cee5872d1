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
