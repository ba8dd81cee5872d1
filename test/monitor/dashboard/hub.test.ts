// The dashboard's server side: the page and its event stream on the monitoring port (http, https, under
// http_base_path), one snapshot per tick shared by every viewer, nothing computed while nobody watches, and
// snapshots that read the endpoint functions without counting as requests.
import { describe, expect, test } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { newContext } from "../../../src/monitor/context.ts";
import { DashboardHub, dashboardHub } from "../../../src/monitor/dashboard/hub.ts";
import type { Sample, Snapshot } from "../../../src/monitor/dashboard/snapshot.ts";
import { startBnats } from "../../helpers/bnats.ts";
import { addSub, fakeClient, fakeServer } from "../fake.ts";
import { CERT_FILE, KEY_FILE } from "../scenario.ts";
import { EventReader } from "./events.ts";

/** Waits for a condition the server reaches asynchronously (a closed socket is noticed on a later turn). */
async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await Bun.sleep(10);
  }
}

const METRICS = ["connections", "subscriptions", "in_msgs_per_sec", "out_msgs_per_sec", "in_bytes_per_sec", "out_bytes_per_sec", "slow_consumers", "uptime"];

describe("DashboardHub", () => {
  test("history first, then one shared snapshot per tick; the timer runs only while someone watches", async () => {
    const c = fakeClient(1, { name: "worker" });
    addSub(c, "orders.>", "1");
    const ctx = newContext(fakeServer([c]));
    const hub = new DashboardHub(ctx, 20);
    expect(hub.running).toBe(false);

    const a = new EventReader(hub.connect());
    expect(hub.running).toBe(true);
    const history = JSON.parse((await a.next()).data) as Sample[];
    expect(history.length).toBe(1);
    const first = JSON.parse((await a.nextOf("message")).data) as Snapshot;
    expect(first.varz.server_name).toBe("fake");
    expect(first.connz.connections?.map((x) => x.cid)).toEqual([1]);
    expect(first.subsz.num_subscriptions).toBe(1);
    expect(first.accstatz.account_statz.map((x) => x.acc)).toEqual(["$G", "$SYS"]);
    expect(first.routez.num_routes).toBe(0);
    expect(first.leafz.leafnodes).toBe(0);

    // A second viewer gets the same snapshots (same tick, same bytes), not one of its own.
    const b = new EventReader(hub.connect());
    expect(hub.viewerCount).toBe(2);
    await b.nextOf("history");
    const latest = JSON.parse((await b.nextOf("message")).data) as Snapshot; // the last tick, replayed
    const nextB = JSON.parse((await b.nextOf("message")).data) as Snapshot;
    let nextA = JSON.parse((await a.nextOf("message")).data) as Snapshot;
    while (nextA.t < nextB.t) nextA = JSON.parse((await a.nextOf("message")).data) as Snapshot;
    expect(nextA.t).toBe(nextB.t);
    expect(nextB.t).toBeGreaterThan(latest.t);

    // Snapshots are not requests: /varz's http_req_stats stays untouched.
    expect(ctx.httpReqStats.size).toBe(0);

    await a.cancel();
    expect(hub.viewerCount).toBe(1);
    expect(hub.running).toBe(true);
    await b.cancel();
    expect(hub.viewerCount).toBe(0);
    expect(hub.running).toBe(false);
  });

  test("rates are per second over the tick", async () => {
    const server = fakeServer([]);
    const stats = server.stats as { inMsgs: number; inBytes: number };
    const hub = new DashboardHub(newContext(server), 50);
    const r = new EventReader(hub.connect());
    await r.nextOf("message");
    stats.inMsgs += 1000;
    stats.inBytes += 64_000;
    const s = JSON.parse((await r.nextOf("message")).data) as Snapshot;
    // 1000 messages over ~50 ms: ~20,000 per second (timers are not exact).
    expect(s.sample.in_msgs_per_sec).toBeGreaterThan(5_000);
    expect(s.sample.in_bytes_per_sec / s.sample.in_msgs_per_sec).toBeCloseTo(64, 0);
    await r.cancel();
    expect(hub.running).toBe(false);
  });
});

describe("health in the snapshot", () => {
  test("lame duck mode shows as such, and /healthz's failure with it", async () => {
    const server = { ...fakeServer([]), lameDuckMode: true, shuttingDown: true };
    const hub = new DashboardHub(newContext(server), 1000);
    const r = new EventReader(hub.connect());
    const s = JSON.parse((await r.nextOf("message")).data) as Snapshot;
    expect(s.lame_duck).toBe(true);
    expect(s.healthz.status).toBe("error");
    hub.close();
    expect(hub.running).toBe(false);
  });
});

describe("dashboard routes on the monitoring port", () => {
  test("the page and its events, also under http_base_path; viewers leaving stop the work", async () => {
    const s = await startBnats({ options: { httpPort: -1, httpBasePath: "/nats" } });
    try {
      const base = `http://127.0.0.1:${s.httpPort}`;
      expect((await fetch(`${base}/dashboard`)).status).toBe(404);
      const page = await fetch(`${base}/nats/dashboard`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await page.text();
      for (const m of METRICS) expect(html).toContain(`data-metric="${m}"`);
      // Everything is inline: no script, style or font fetched from anywhere.
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!www\.w3\.org)/);

      const nc = await connect({ servers: `127.0.0.1:${s.port}`, name: "dash-client" });
      nc.subscribe("a.b");
      await nc.flush();
      const res = await fetch(`${base}/nats/dashboard/events`);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const r = new EventReader(res);
      const snap = JSON.parse((await r.nextOf("message")).data) as Snapshot;
      expect(snap.connz.connections?.find((c) => c.name === "dash-client")).toBeDefined();
      expect(snap.varz.http_base_path).toBe("/nats");
      // Reading the page and the stream counted no endpoint request.
      expect(snap.varz.http_req_stats).toEqual({});
      const monitor = s.monitor.monitor;
      if (monitor === undefined) throw new Error("no monitor");
      const hub = dashboardHub(monitor.ctx);
      expect(hub.viewerCount).toBe(1);
      await r.cancel();
      // The page went away: the server notices the closed stream and stops taking snapshots.
      await until(() => !hub.running);
      expect(hub.viewerCount).toBe(0);
      await nc.close();
    } finally {
      await s.stop();
    }
  });

  test("https serves the dashboard with the server's certificate", async () => {
    const s = await startBnats({
      options: {
        httpsPort: -1,
        tls: { certFile: CERT_FILE, keyFile: KEY_FILE, verify: false, map: false, timeout: 2000, handshakeFirst: 0, connectionRateLimit: 0 },
      },
    });
    try {
      const port = s.httpsPort as number;
      const tls = { rejectUnauthorized: false };
      const page = await fetch(`https://127.0.0.1:${port}/dashboard`, { tls });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-metric="connections"');
      const r = new EventReader(await fetch(`https://127.0.0.1:${port}/dashboard/events`, { tls }));
      const snap = JSON.parse((await r.nextOf("message")).data) as Snapshot;
      expect(snap.varz.tls_required).toBe(true);
      await r.cancel();
    } finally {
      await s.stop();
    }
  });
});

describe("connection lists of a busy server", () => {
  test("are refreshed less often than every tick when taking them costs more than the budget", async () => {
    // 3,000 connections on a 5 ms tick: taking /connz's page costs far more than 1% of 5 ms.
    const clients = Array.from({ length: 3000 }, (_, i) => fakeClient(i + 1));
    const hub = new DashboardHub(newContext(fakeServer(clients)), 5);
    const r = new EventReader(hub.connect());
    const taken = new Set<number>();
    let ticks = 0;
    while (ticks < 12) {
      const s = JSON.parse((await r.nextOf("message")).data) as Snapshot;
      expect(s.connz.connections?.length).toBe(1000);
      taken.add(s.connz_t);
      ticks++;
    }
    expect(taken.size).toBeLessThan(ticks);
    await r.cancel();
  });
});
