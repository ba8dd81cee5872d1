// The request handlers of the system account (events.go initEventTracking: statszReq, the monSrvc and
// monAccSrvc tables, zReq, connsRequest). Each handler is a plain function of a request and a view of the
// server; the answers come from the same endpoint functions that serve the monitoring HTTP paths.
import { accountStatz, accountz } from "../monitor/accountz.ts";
import { connz } from "../monitor/connz.ts";
import type { MonitorContext } from "../monitor/context.ts";
import { gatewayz } from "../monitor/gatewayz.ts";
import { healthz } from "../monitor/healthz.ts";
import { jsz } from "../monitor/jsz.ts";
import { leafz } from "../monitor/leafz.ts";
import { routez } from "../monitor/routez.ts";
import { subszFull } from "../monitor/subsz.ts";
import { varz } from "../monitor/varz.ts";
import { goQuote } from "../go/quote.ts";
import { acceptEncoding, headerValue, type Compression } from "./compress.ts";
import { goUnmarshal, type GoStruct } from "./gojson.ts";
import {
  accountNumConns,
  type AccountStat,
  type EventServerInfo,
  type RouteStat,
  type ServerAPIResponse,
  type ServerIdentity,
  type ServerStatsMsg,
} from "./messages.ts";
import * as O from "./options.ts";
import { accReqAccIndex, accReqTokens, serverStatsSubj, type AccountService, type ServerService } from "./subjects.ts";

/** A request as an internal subscription receives it. */
export interface SysRequest {
  readonly subject: string;
  /** "" when none. */
  readonly reply: string;
  /** The message body without its headers (c.msgParts), as text. */
  readonly body: string;
  /** The header block as text ("" when none): an Accept-Encoding asks for a compressed answer. */
  readonly hdr: string;
}

/** An answer to publish: the subject (usually the request's reply) and the JSON value. */
export interface SysReply {
  readonly subject: string;
  readonly msg: unknown;
  /** How to encode the body (zReq: only a successful answer to a request with headers). */
  readonly compress?: Compression;
}

/** What the handlers read besides the monitoring endpoints. */
export interface SystemView {
  readonly ctx: MonitorContext;
  identity(): ServerIdentity;
  /** Stamps the next message's ServerInfo (one sequence for every message sent). */
  stamp(): EventServerInfo;
  /** A NUID for a typed event. */
  nextEventId(): string;
  /** Accounts with at least one connection, internal ones included (s.activeAccounts). */
  activeAccounts(): number;
  /** This server plus the remote servers it has heard from (1 without clustering). */
  activeServers(): number;
  /** Route connections' counters, when routes exist. */
  routeStats(): RouteStat[];
  /** The account's statz when it exists on this server (Account.statz), else undefined. */
  accountStat(name: string): AccountStat | undefined;
  /** Logs an error as the reference's s.Errorf (respondToUpdate). */
  logError?(msg: string): void;
  /** The system account's name (a direct request to the debug service counts in it). */
  readonly systemAccount: string;
  /** Called when a CONNS answer went out (sendAccConnsUpdate re-arms the account's heartbeat). */
  connsSent?(name: string): void;
  /**
   * The local client subscribers of an account on a subject (a wildcard counts every subscription it
   * covers), only those of `queue` when given (totalSubs); undefined when the account is not here.
   */
  countSubscribers?(account: string, subject: string, queue?: string): number | undefined;
  /** Whether the account has local client or leaf connections (numLocalAndLeafConnections > 0). */
  hasLocalConnections?(account: string): boolean;
}

/** A handler's outcome: an answer, or nothing (filtered out, no reply subject, not ours). */
export type Handler = (view: SystemView, req: SysRequest) => SysReply | undefined;

/** errSkipZreq: the endpoint asks to stay silent. */
class SkipRequest extends Error {}

/** An endpoint failure answered as the reference's 500 with `"data":null` (respf returned (nil, err)). */
class EndpointError extends Error {}

/** The ServerStatsMsg of this server (events.go sendStatsz), from the /varz figures. */
export function statszMsg(view: SystemView): ServerStatsMsg {
  const v = varz(view.ctx, false);
  const routes = view.routeStats();
  return {
    server: view.stamp(),
    statsz: {
      start: v.start,
      mem: v.mem,
      cores: v.cores,
      cpu: v.cpu,
      connections: v.connections,
      total_connections: v.total_connections,
      active_accounts: view.activeAccounts(),
      subscriptions: v.subscriptions,
      sent: { msgs: v.out_msgs, bytes: v.out_bytes },
      received: { msgs: v.in_msgs, bytes: v.in_bytes },
      slow_consumers: v.slow_consumers,
      routes: routes.length > 0 ? routes : undefined,
      active_servers: view.activeServers(),
    },
  };
}

/** statszReq: a ServerStatsMsg to the reply, or to our STATSZ subject when the request has none. */
export const statszReq: Handler = (view, req) => {
  const subject = req.reply !== "" ? req.reply : serverStatsSubj(view.identity().id);
  if (req.body.length !== 0) {
    const d = goUnmarshal(req.body, O.StatszEventOptions);
    if (!d.ok) {
      // The reference sends an empty ServerInfo here (it is only stamped through sendInternalMsg's si).
      return { subject, msg: { server: view.stamp(), error: { code: 400, description: d.error } } };
    }
    if (O.filterRequest(O.eventFilter(new O.Values(d.values)), filterTarget(view))) return undefined;
  }
  return { subject, msg: statszMsg(view) };
};

function filterTarget(view: SystemView): O.FilterTarget {
  const s = view.identity();
  return { name: s.name, host: s.host, cluster: s.cluster, tags: s.tags, domain: s.domain };
}

/**
 * zReq: decode the body into the options struct (400 on failure), stay silent when the filter does not
 * match, else answer `{"server","data"}`, or `{"server","data":null,"error":{500}}` when the endpoint fails.
 */
function zReq(view: SystemView, req: SysRequest, st: GoStruct, respf: (v: O.Values) => unknown): SysReply | undefined {
  if (req.reply === "") return undefined;
  let values = new O.Values();
  if (req.body.length !== 0) {
    const d = goUnmarshal(req.body, st);
    if (!d.ok) return { subject: req.reply, msg: { server: view.stamp(), error: { code: 400, description: d.error } } };
    values = new O.Values(d.values);
    if (O.filterRequest(O.eventFilter(values), filterTarget(view))) return undefined;
  }
  let data: unknown;
  try {
    data = respf(values);
  } catch (e) {
    if (e instanceof SkipRequest) return undefined;
    if (!(e instanceof Error)) throw e;
    const error = { code: 500, description: e.message };
    // The endpoint's own error (a BadRequest over HTTP) comes beside the typed nil it returned: "data":null.
    const msg: ServerAPIResponse = e instanceof NoDataError ? { server: view.stamp(), error } : { server: view.stamp(), data: null, error };
    return { subject: req.reply, msg };
  }
  const msg: ServerAPIResponse = { server: view.stamp(), data };
  return { subject: req.reply, msg, compress: req.hdr.length > 0 ? acceptEncoding(req.hdr) : undefined };
}

function connzOptions(v: O.Values): Parameters<typeof connz>[1] {
  return {
    sort: v.str("sort"),
    auth: v.bool("auth"),
    subs: v.bool("subscriptions"),
    subsDetail: v.bool("subscriptions_detail"),
    offset: v.int("offset"),
    limit: v.int("limit"),
    cid: v.int("cid"),
    state: O.connState(v.int("state")),
    user: v.str("user"),
    acc: v.str("acc"),
    mqttClient: v.str("mqtt_client"),
    filterSubject: v.str("filter_subject"),
  };
}

/**
 * Connz() with the decoded options. A `state` other than open (0), closed (1) or all (2) matches no
 * connection in the reference (its switch has no case for it): an empty page of the same shape.
 */
function connzData(ctx: MonitorContext, v: O.Values, acc?: string): ReturnType<typeof connz> {
  const opts = connzOptions(v);
  const c = connz(ctx, acc === undefined ? opts : { ...opts, acc });
  const state = v.int("state");
  if (state >= 0 && state <= 2) return c;
  return { ...c, num_connections: 0, total: 0, connections: c.connections === null ? null : [] };
}

/** Jsz() without JetStream: leader_only is errSkipZreq ("filtered response: not leader"). */
function jszData(ctx: MonitorContext, v: O.Values): unknown {
  if (v.bool("leader_only")) throw new SkipRequest();
  return jsz(ctx);
}

/** AccountStatz() limited to `accounts` (in that order) when given. */
function accountStatzData(ctx: MonitorContext, accounts: readonly string[], includeUnused: boolean): ReturnType<typeof accountStatz> {
  const all = accountStatz(ctx, includeUnused);
  if (accounts.length === 0) return all;
  const byName = new Map(all.account_statz.map((a) => [a.acc, a]));
  const picked: typeof all.account_statz = [];
  for (const name of accounts) {
    const a = byName.get(name);
    if (a !== undefined) picked.push(a);
  }
  return { ...all, account_statz: picked };
}

/** The services every server answers by id and by PING (monSrvc). */
export const SERVER_HANDLERS: Record<ServerService, Handler> = {
  STATSZ: statszReq,
  VARZ: (view, req) => zReq(view, req, O.VarzEventOptions, () => varz(view.ctx, false)),
  SUBSZ: (view, req) =>
    zReq(view, req, O.SubszEventOptions, (v) =>
      subszFull(view.ctx, {
        subs: v.bool("subscriptions"),
        offset: v.int("offset"),
        limit: v.int("limit"),
        test: v.str("test"),
        acc: v.str("account"),
      }),
    ),
  CONNZ: (view, req) => zReq(view, req, O.ConnzEventOptions, (v) => connzData(view.ctx, v)),
  ROUTEZ: (view, req) => zReq(view, req, O.RoutezEventOptions, () => routez(view.ctx)),
  GATEWAYZ: (view, req) => zReq(view, req, O.GatewayzEventOptions, () => gatewayz(view.ctx)),
  LEAFZ: (view, req) =>
    zReq(view, req, O.LeafzEventOptions, (v) => leafz(view.ctx, { subscriptions: v.bool("subscriptions"), account: v.str("account") || undefined })),
  ACCOUNTZ: (view, req) => zReq(view, req, O.AccountzEventOptions, (v) => accountz(view.ctx, v.str("account"))),
  JSZ: (view, req) => zReq(view, req, O.JszEventOptions, (v) => jszData(view.ctx, v)),
  HEALTHZ: (view, req) =>
    zReq(view, req, O.HealthzEventOptions, (v) =>
      healthz(view.ctx, { jsEnabledOnly: v.bool("js-enabled-only"), jsServerOnly: v.bool("js-server-only") }),
    ),
};

/** extractAccount: the `<acc>` of `$SYS.REQ.ACCOUNT.<acc>.<name>`, or the reference's error. */
function accountOf(subject: string): string {
  const tk = subject.split(".");
  if (tk.length !== accReqTokens) throw new Error(`subject ${goQuote(subject)} is malformed`);
  return tk[accReqAccIndex] ?? "";
}

/** An extractAccount failure is returned as (nil, err): no `data` key at all. */
function accountZReq(
  view: SystemView,
  req: SysRequest,
  st: GoStruct,
  respf: (acc: string, v: O.Values) => unknown,
): SysReply | undefined {
  return zReq(view, req, st, (v) => {
    let acc: string;
    try {
      acc = accountOf(req.subject);
    } catch (e) {
      throw new NoDataError((e as Error).message);
    }
    return respf(acc, v);
  });
}

/** An error answered without `data` (the handler returned an untyped nil). */
class NoDataError extends Error {}

/** The per-account services (monAccSrvc). */
export const ACCOUNT_HANDLERS: Record<AccountService, Handler> = {
  SUBSZ: (view, req) =>
    accountZReq(view, req, O.SubszEventOptions, (acc, v) =>
      subszFull(view.ctx, { subs: true, offset: v.int("offset"), limit: v.int("limit"), test: v.str("test"), acc }),
    ),
  CONNZ: (view, req) => accountZReq(view, req, O.ConnzEventOptions, (acc, v) => connzData(view.ctx, v, acc)),
  LEAFZ: (view, req) => accountZReq(view, req, O.LeafzEventOptions, (acc, v) => leafz(view.ctx, { subscriptions: v.bool("subscriptions"), account: acc })),
  // JszAccount without JetStream.
  JSZ: (view, req) =>
    accountZReq(view, req, O.JszEventOptions, () => {
      throw new EndpointError("jetstream not enabled");
    }),
  INFO: (view, req) =>
    accountZReq(view, req, O.AccInfoEventOptions, (acc) => {
      const detail = accountz(view.ctx, acc).account_detail;
      if (detail === undefined) throw new EndpointError(`Account ${acc} does not exist`);
      return detail;
    }),
  // STATZ is CONNS with the envelope of the others; PING is filtered here (the ping has its own handler).
  STATZ: (view, req) =>
    accountZReq(view, req, O.AccountStatzEventOptions, (acc, v) => {
      if (acc === "PING") throw new SkipRequest();
      const includeUnused = v.bool("include_unused");
      const stz = accountStatzData(view.ctx, [acc], includeUnused);
      if (stz.account_statz.length === 0 && !includeUnused) throw new SkipRequest();
      return stz;
    }),
  CONNS: connsRequest,
};

/** `$SYS.REQ.ACCOUNT.PING.STATZ`: every account with connections (or all, with include_unused). */
export const accountPingStatz: Handler = (view, req) =>
  zReq(view, req, O.AccountStatzEventOptions, (v) => {
    const includeUnused = v.bool("include_unused");
    const stz = accountStatzData(view.ctx, v.strs("accounts"), includeUnused);
    if (stz.account_statz.length === 0 && !includeUnused) throw new SkipRequest();
    return stz;
  });

/**
 * connsRequest: the AccountNumConns of a local account that has connections, to the reply. A body, when
 * given, must be `{"acc": <the same account>}` (accNumConnsReq); anything else is dropped.
 */
function connsRequest(view: SystemView, req: SysRequest): SysReply | undefined {
  const tk = req.subject.split(".");
  if (tk.length !== accReqTokens) return undefined;
  const acc = tk[accReqAccIndex] ?? "";
  if (req.body.length > 0) {
    let m: unknown;
    try {
      m = JSON.parse(req.body);
    } catch {
      return undefined;
    }
    const named = m !== null && typeof m === "object" && "acc" in m ? (m as { acc: unknown }).acc : acc;
    if (named !== acc) return undefined;
  }
  const stat = view.accountStat(acc);
  if (stat === undefined || stat.conns === 0 || req.reply === "") return undefined;
  view.connsSent?.(acc);
  return { subject: req.reply, msg: accountNumConns(view.nextEventId(), view.stamp(), stat) };
}

export { EndpointError, NoDataError, SkipRequest };

/**
 * debugSubscribers (`$SYS.DEBUG.SUBSCRIBERS`, exported to any account that imports it): the body is
 * "<subject> [queue]"; the answer is the number of subscribers in the requester's account (named by the
 * Nats-Request-Info header a service import adds; the system account for a direct request). Only this
 * server's: without routes the reference asks nobody else either.
 */
export const debugSubscribers: Handler = (view, req) => {
  if (req.reply === "" || view.countSubscribers === undefined) return undefined;
  let acc = "";
  const info = req.hdr !== "" ? headerValue(req.hdr, "Nats-Request-Info") : undefined;
  if (info !== undefined) {
    try {
      const ci = JSON.parse(info) as { acc?: unknown; svc?: unknown };
      acc = typeof ci.svc === "string" && ci.svc !== "" ? ci.svc : typeof ci.acc === "string" ? ci.acc : "";
    } catch {
      return undefined;
    }
  }
  if (acc === "") acc = view.systemAccount;
  const args = req.body.trim().split(" ");
  const n = view.countSubscribers(acc, args[0] ?? "", args.length > 1 ? args[1] : undefined) ?? 0;
  return { subject: req.reply, msg: n };
};

/** nsubsRequest (`$SYS.REQ.ACCOUNT.NSUBS`): another server asks for our count of an account's subscribers. */
export const nsubsRequest: Handler = (view, req) => {
  if (req.body.length === 0 || view.countSubscribers === undefined) return undefined;
  let m: { acc?: unknown; subject?: unknown; queue?: unknown };
  try {
    m = JSON.parse(req.body) as typeof m;
  } catch {
    return undefined;
  }
  if (typeof m.acc !== "string" || typeof m.subject !== "string") return undefined;
  if (view.hasLocalConnections?.(m.acc) !== true) return undefined;
  // accNumSubsReq.Queue is a []byte: base64 in JSON.
  const queue = typeof m.queue === "string" && m.queue !== "" ? Buffer.from(m.queue, "base64").toString("latin1") : undefined;
  const n = view.countSubscribers(m.acc, m.subject, queue);
  if (n === undefined || req.reply === "") return undefined;
  return { subject: req.reply, msg: n };
};

/**
 * accountClaimUpdate (`$SYS.ACCOUNT.<acc>.CLAIMS.UPDATE`, `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.UPDATE`): an
 * account JWT pushed to the server. bnats has no operator mode; the bodies the reference refuses before
 * looking at a JWT's content are refused alike (respondToUpdate); a body shaped like a JWT is not answered.
 */
export const claimsUpdate: Handler = (view, req) => {
  const tk = req.subject.split(".");
  const acc = tk.length === 6 ? tk[3] : tk.length === 5 ? tk[2] : undefined;
  if (acc === undefined) return undefined;
  let description: string;
  if (req.body.length === 0) description = "jwt update error - request body is empty";
  else if (req.body.split(".").length !== 3) description = "jwt update resulted in error - expected 3 chunks";
  else return undefined;
  view.logError?.(`${description.replace(" - ", ` - ${acc} - `)}`);
  if (req.reply === "") return undefined;
  // A Go map marshals with its keys sorted: "error" before "server".
  return { subject: req.reply, msg: { error: { account: acc, code: 500, description }, server: view.stamp() } };
};
