// One picture of the server for the dashboard, read through the very functions that answer /varz, /connz,
// /subsz, /accountz, /accstatz, /routez, /leafz and /healthz (never a second copy of their logic), so what
// those endpoints learn shows on the page too. Nothing here is counted in http_req_stats: the endpoint
// functions are called, not the HTTP handlers.
import { accountStatz, accountz, type Accountz, type AccountStatz } from "../accountz.ts";
import { connz, type Connz } from "../connz.ts";
import type { MonitorContext } from "../context.ts";
import { healthz, type HealthStatus } from "../healthz.ts";
import { leafz } from "../leafz.ts";
import { routez } from "../routez.ts";
import { subsz, type SublistStatsJSON } from "../subsz.ts";
import { varz, type Varz } from "../varz.ts";

/** Open connections sent per tick (the default /connz page size would be 1024; the page says when cut). */
export const OPEN_CONNS_SHOWN = 1000;
/** The most recently closed connections sent per tick. */
export const CLOSED_CONNS_SHOWN = 100;

/** One point of the charts: per-second rates over the last tick, and levels at its end. */
export interface Sample {
  /** Epoch ms. */
  t: number;
  in_msgs_per_sec: number;
  out_msgs_per_sec: number;
  in_bytes_per_sec: number;
  out_bytes_per_sec: number;
  connections: number;
  subscriptions: number;
  slow_consumers: number;
}

export interface Snapshot {
  /** Epoch ms when taken. */
  t: number;
  sample: Sample;
  varz: Varz;
  healthz: HealthStatus;
  lame_duck: boolean;
  connz: Connz;
  closed: Connz;
  /** Epoch ms when connz and closed were taken (earlier than `t` when a big list is refreshed less often). */
  connz_t: number;
  subsz: SublistStatsJSON;
  accountz: Accountz;
  accstatz: AccountStatz;
  routez: ReturnType<typeof routez>;
  leafz: ReturnType<typeof leafz>;
}

/** The counters the rates are computed from, kept between ticks. */
export interface Counters {
  t: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
}

/** The connection lists of a snapshot, which may be reused for a few ticks (see DashboardHub). */
export interface ConnLists {
  connz: Connz;
  closed: Connz;
  connz_t: number;
}

/** The open connections (a /connz page) and the most recently closed ones. */
export function takeConnLists(ctx: MonitorContext, now = Date.now()): ConnLists {
  const closedTotal = ctx.server.closed.length;
  return {
    // auth=1, as /connz?auth=1: the account (when not the global one) and the authenticated user name,
    // which the table filters on; never a password or token (connz has none to give).
    connz: connz(ctx, { state: "open", limit: OPEN_CONNS_SHOWN, auth: true }),
    closed: connz(ctx, {
      auth: true,
      state: "closed",
      offset: Math.max(0, closedTotal - CLOSED_CONNS_SHOWN),
      limit: CLOSED_CONNS_SHOWN,
    }),
    connz_t: now,
  };
}

/**
 * Takes the snapshot; `prev` (the last tick's counters) turns totals into per-second rates; `lists`, when
 * given, are connection lists taken earlier and reused instead of taking them again.
 */
export function takeSnapshot(
  ctx: MonitorContext,
  prev: Counters | undefined,
  lists?: ConnLists,
  now = Date.now(),
): { snap: Snapshot; counters: Counters } {
  const v = varz(ctx, false);
  const counters: Counters = { t: now, inMsgs: v.in_msgs, outMsgs: v.out_msgs, inBytes: v.in_bytes, outBytes: v.out_bytes };
  const secs = prev ? Math.max(0.001, (now - prev.t) / 1000) : 0;
  const rate = (cur: number, old: number | undefined): number =>
    secs === 0 || old === undefined ? 0 : Math.max(0, Math.round((cur - old) / secs));
  const sample: Sample = {
    t: now,
    in_msgs_per_sec: rate(counters.inMsgs, prev?.inMsgs),
    out_msgs_per_sec: rate(counters.outMsgs, prev?.outMsgs),
    in_bytes_per_sec: rate(counters.inBytes, prev?.inBytes),
    out_bytes_per_sec: rate(counters.outBytes, prev?.outBytes),
    connections: v.connections,
    subscriptions: v.subscriptions,
    slow_consumers: v.slow_consumers,
  };
  const snap: Snapshot = {
    t: now,
    sample,
    varz: v,
    healthz: healthz(ctx),
    lame_duck: ctx.server.lameDuckMode === true,
    ...(lists ?? takeConnLists(ctx, now)),
    subsz: subsz(ctx) as SublistStatsJSON,
    accountz: accountz(ctx),
    accstatz: accountStatz(ctx, true),
    routez: routez(ctx),
    leafz: leafz(ctx),
  };
  return { snap, counters };
}
