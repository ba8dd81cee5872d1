// The dashboard's push: one timer per monitor, running only while at least one page is connected. Each tick
// takes ONE snapshot, serializes it once and hands the same bytes to every viewer (server-sent events), so
// ten open dashboards take one snapshot, not ten, and a server nobody watches pays nothing at all. The
// message path is never touched: the snapshot reads counters the server keeps anyway.
import type { MonitorContext } from "../context.ts";
import { takeConnLists, takeSnapshot, type ConnLists, type Counters, type Sample, type Snapshot } from "./snapshot.ts";

/** How often the page is updated. */
export const TICK_MS = 1000;
/** Chart history kept while someone watches: five minutes of one-second samples. */
export const HISTORY_SIZE = 300;
/**
 * The connection lists (a /connz page of up to 1,000 connections) are the one costly part of a snapshot:
 * when taking them costs more than this share of the time, they are refreshed less often than every
 * tick (figures and charts still every tick), so a server with many connections stays cheap to watch.
 */
export const CONN_LISTS_BUDGET = 0.01;
/** At most this many ticks between two refreshes of the connection lists. */
const MAX_CONN_LISTS_TICKS = 10;

/** A viewer that has this many bytes unread is skipped until it catches up (a stalled tab, a slow link). */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

const encoder = new TextEncoder();

interface Viewer {
  controller: ReadableStreamDefaultController<Uint8Array>;
}

export class DashboardHub {
  private readonly viewers = new Set<Viewer>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private counters: Counters | undefined;
  private last: Uint8Array | undefined;
  private readonly history: Sample[] = [];
  private lists: ConnLists | undefined;
  /** Ticks until the connection lists are taken again. */
  private listsDue = 0;

  constructor(
    private readonly ctx: MonitorContext,
    private readonly tickMs = TICK_MS,
  ) {}

  /** How many pages are connected. */
  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Whether the timer runs (it must not while nobody watches). */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** A `text/event-stream` response that ends when the page goes away (or `signal` aborts). */
  connect(signal?: AbortSignal): Response {
    let viewer: Viewer | undefined;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          viewer = { controller };
          this.add(viewer);
          signal?.addEventListener("abort", () => this.remove(viewer, true), { once: true });
        },
        cancel: () => this.remove(viewer, false),
      },
      { highWaterMark: MAX_QUEUED_BYTES, size: (chunk) => chunk?.byteLength ?? 0 },
    );
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        // Proxies such as nginx buffer responses unless told not to; an event stream must flow.
        "x-accel-buffering": "no",
      },
    });
  }

  /** Ends every stream and the timer (the monitor stops). */
  close(): void {
    for (const v of [...this.viewers]) this.remove(v, true);
  }

  private add(viewer: Viewer): void {
    if (this.timer === undefined) {
      // The first viewer: start from a fresh picture (rates need two ticks; the history starts now).
      this.tick();
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref?.();
    }
    this.viewers.add(viewer);
    // The history first, so the charts are drawn at once; then the latest picture.
    // `retry`: a page whose stream ended (server restart, certificate reload) reconnects after 1 s.
    this.send(viewer, encoder.encode(`retry: 1000\nevent: history\ndata: ${JSON.stringify(this.history)}\n\n`));
    if (this.last) this.send(viewer, this.last);
  }

  private remove(viewer: Viewer | undefined, closeStream: boolean): void {
    if (viewer === undefined || !this.viewers.delete(viewer)) return;
    if (closeStream) {
      try {
        viewer.controller.close();
      } catch {
        // already closed or errored by the client going away
      }
    }
    if (this.viewers.size === 0) this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.counters = undefined;
    this.last = undefined;
    this.lists = undefined;
    this.listsDue = 0;
    this.history.length = 0;
  }

  /** One snapshot, one JSON text, one byte array for every viewer. */
  private tick(): void {
    let snap: Snapshot;
    try {
      if (this.lists === undefined || --this.listsDue <= 0) {
        const t0 = performance.now();
        this.lists = takeConnLists(this.ctx);
        const cost = performance.now() - t0;
        this.listsDue = Math.min(MAX_CONN_LISTS_TICKS, Math.max(1, Math.ceil(cost / (this.tickMs * CONN_LISTS_BUDGET))));
      }
      const taken = takeSnapshot(this.ctx, this.counters, this.lists);
      snap = taken.snap;
      this.counters = taken.counters;
    } catch (err) {
      // A monitoring bug must not kill the stream or the server; the page shows it.
      this.broadcast(encoder.encode(`event: failure\ndata: ${JSON.stringify(String(err))}\n\n`));
      return;
    }
    this.history.push(snap.sample);
    if (this.history.length > HISTORY_SIZE) this.history.shift();
    this.last = encoder.encode(`data: ${JSON.stringify(snap)}\n\n`);
    this.broadcast(this.last);
  }

  private broadcast(bytes: Uint8Array): void {
    for (const v of this.viewers) this.send(v, bytes);
  }

  private send(viewer: Viewer, bytes: Uint8Array): void {
    const room = viewer.controller.desiredSize;
    if (room !== null && room < bytes.byteLength) return; // behind: skip this tick, not the whole page
    try {
      viewer.controller.enqueue(bytes);
    } catch {
      this.remove(viewer, false);
    }
  }
}

const hubs = new WeakMap<MonitorContext, DashboardHub>();

/** The hub of a monitor (one per MonitorContext, created on first use). */
export function dashboardHub(ctx: MonitorContext): DashboardHub {
  let hub = hubs.get(ctx);
  if (hub === undefined) {
    hub = new DashboardHub(ctx);
    hubs.set(ctx, hub);
  }
  return hub;
}
