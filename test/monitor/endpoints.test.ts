// The endpoint functions over plain objects: every /connz sort key and paging on many connections,
// closed connections, subsz filters, healthz while shutting down, /metrics, and the app's routing.
import { describe, expect, test } from "bun:test";
import { createMonitorApp } from "../../src/monitor/app.ts";
import { connz } from "../../src/monitor/connz.ts";
import { newContext } from "../../src/monitor/context.ts";
import { healthz } from "../../src/monitor/healthz.ts";
import { metrics } from "../../src/monitor/metrics.ts";
import { BadRequest } from "../../src/monitor/query.ts";
import { subsz, type Subsz } from "../../src/monitor/subsz.ts";
import { varz } from "../../src/monitor/varz.ts";
import type { MonitoredClient } from "../../src/monitor/types.ts";
import { addSub, fakeClient, fakeServer, type FakeClient } from "./fake.ts";

/** 200 clients with distinct, shuffled counters so every sort key gives a different order. */
function manyClients(n = 200): FakeClient[] {
  const out: FakeClient[] = [];
  for (let cid = 1; cid <= n; cid++) {
    const r = (k: number): number => ((cid * 7919 + k * 104729) % 1000) * 10 + (cid % 10);
    const c = fakeClient(cid, {
      inMsgs: r(1),
      outMsgs: r(2),
      inBytes: r(3),
      outBytes: r(4),
      pendingBytes: r(5),
      lastActivity: new Date(Date.UTC(2026, 0, 2) + r(6)),
    });
    for (let i = 0; i < cid % 7; i++) addSub(c, `s.${cid}.${i}`, String(i + 1));
    out.push(c);
  }
  return out;
}

const key: Record<string, (c: MonitoredClient) => number> = {
  subs: (c) => c.subs.size,
  pending: (c) => c.pendingBytes,
  msgs_to: (c) => c.outMsgs,
  msgs_from: (c) => c.inMsgs,
  bytes_to: (c) => c.outBytes,
  bytes_from: (c) => c.inBytes,
  last: (c) => c.lastActivity.getTime(),
  idle: (c) => c.lastActivity.getTime() - c.start.getTime(),
};

describe("/connz", () => {
  const clients = manyClients();
  const ctx = newContext(fakeServer(clients));
  const byCid = new Map(clients.map((c) => [c.cid, c]));

  test("default: cid order, limit 1024, offset 0", () => {
    const r = connz(ctx);
    expect(r.total).toBe(200);
    expect(r.num_connections).toBe(200);
    expect(r.limit).toBe(1024);
    expect(r.connections?.map((c) => c.cid)).toEqual(clients.map((c) => c.cid));
  });

  for (const [sort, k] of Object.entries(key)) {
    test(`sort=${sort} is descending, and pages tile the sorted list`, () => {
      const all = connz(ctx, { sort, limit: 1000 }).connections ?? [];
      const values = all.map((c) => k(byCid.get(c.cid) as MonitoredClient));
      for (let i = 1; i < values.length; i++) expect(values[i - 1]!).toBeGreaterThanOrEqual(values[i]!);
      const paged = [0, 50, 100, 150].flatMap((offset) => connz(ctx, { sort, offset, limit: 50 }).connections ?? []);
      expect(paged.map((c) => c.cid)).toEqual(all.map((c) => c.cid));
    });
  }

  test("sort=uptime is ascending (the newest first), sort=start is by cid", () => {
    const up = connz(ctx, { sort: "uptime" }).connections ?? [];
    expect(up[0]?.cid).toBe(200);
    expect(connz(ctx, { sort: "start", limit: 3 }).connections?.map((c) => c.cid)).toEqual([1, 2, 3]);
  });

  test("offset past the end, limit <= 0 and cid", () => {
    const far = connz(ctx, { offset: 500 });
    expect(far.connections).toEqual([]);
    expect(far.total).toBe(200);
    expect(connz(ctx, { limit: -3 }).limit).toBe(1024);
    const one = connz(ctx, { cid: 42 });
    expect(one.limit).toBe(1);
    expect(one.connections?.map((c) => c.cid)).toEqual([42]);
  });

  test("subs and subs detail lists", () => {
    const c = connz(ctx, { cid: 6, subs: true }).connections?.[0];
    expect(c?.subscriptions_list).toEqual(["s.6.0", "s.6.1", "s.6.2", "s.6.3", "s.6.4", "s.6.5"]);
    const d = connz(ctx, { cid: 2, subsDetail: true }).connections?.[0];
    expect(d?.subscriptions_list_detail).toEqual([
      { account: undefined, subject: "s.2.0", qgroup: undefined, sid: "1", msgs: 0, max: undefined, cid: 2 },
      { account: undefined, subject: "s.2.1", qgroup: undefined, sid: "2", msgs: 0, max: undefined, cid: 2 },
    ]);
  });

  test("invalid options give the reference's errors", () => {
    expect(() => connz(ctx, { sort: "nope" })).toThrow(new BadRequest("invalid sorting option: nope"));
    expect(() => connz(ctx, { sort: "stop" })).toThrow("sort by stop only valid on closed connections");
    expect(() => connz(ctx, { sort: "reason", state: "any" })).toThrow("sort by reason only valid on closed connections");
  });

  test("a client without a measured RTT is pinged, as getRTT", () => {
    const c = fakeClient(1, { rtt: 0, lang: "nats.js" });
    const quiet = fakeClient(2, { rtt: 0 });
    const r = connz(newContext(fakeServer([c, quiet])));
    expect(r.connections?.map((x) => x.rtt)).toEqual(["0s", "0s"]);
    expect(c.rttPings).toBe(1);
    expect((quiet as FakeClient).rttPings).toBe(0);
  });
});

describe("/connz closed connections", () => {
  const open = [fakeClient(10)];
  const closed: MonitoredClient[] = [1, 2, 3].map((cid) =>
    fakeClient(cid, {
      stop: new Date(Date.UTC(2026, 0, 3) - cid * 1000),
      closeReason: cid === 2 ? "Stale Connection" : "Client Closed",
    }),
  );
  addSub(closed[0] as FakeClient, "gone", "1");
  const ctx = newContext(fakeServer(open, closed));

  test("state=closed lists them with stop and reason; uptime/idle end at stop", () => {
    const r = connz(ctx, { state: "closed" });
    expect(r.total).toBe(3);
    const c = r.connections?.[0];
    expect(c?.cid).toBe(1);
    expect(c?.reason).toBe("Client Closed");
    expect(c?.stop).toBe("2026-01-02T23:59:59Z");
    expect(c?.uptime).toBe("1d23h59m58s");
  });

  test("sort=stop (latest first) and sort=reason", () => {
    expect(connz(ctx, { state: "closed", sort: "stop" }).connections?.map((c) => c.cid)).toEqual([1, 2, 3]);
    expect(connz(ctx, { state: "closed", sort: "reason" }).connections?.map((c) => c.cid)).toEqual([1, 3, 2]);
  });

  test("state=any has both; a closed connection's detail carries its account", () => {
    const r = connz(ctx, { state: "any", subsDetail: true });
    expect(r.total).toBe(4);
    expect(r.connections?.map((c) => c.cid)).toEqual([1, 2, 3, 10]);
    expect(r.connections?.[0]?.subscriptions_list_detail?.[0]?.account).toBe("$G");
  });

  test("auth=1 shows authorized_user; user= filters", () => {
    const a = fakeClient(1, { user: "alice" });
    const b = fakeClient(2, { user: "bob" });
    const actx = newContext(fakeServer([a, b]));
    expect(connz(actx).connections?.[0]?.authorized_user).toBeUndefined();
    expect(connz(actx, { auth: true }).connections?.map((c) => c.authorized_user)).toEqual(["alice", "bob"]);
    const onlyBob = connz(actx, { auth: true, user: "bob" });
    expect(onlyBob.connections?.map((c) => c.cid)).toEqual([2]);
    expect(onlyBob.total).toBe(2); // as the reference: total before the user filter
  });

  test("acc=$G&filter_subject keeps the clients with a colliding subscription", () => {
    const a = fakeClient(1);
    addSub(a, "orders.*", "1");
    const b = fakeClient(2);
    addSub(b, "users.>", "1");
    const fctx = newContext(fakeServer([a, b]));
    expect(connz(fctx, { acc: "$G", filterSubject: "orders.new" }).connections?.map((c) => c.cid)).toEqual([1]);
    expect(connz(fctx, { acc: "$G", filterSubject: "users.x.y" }).connections?.map((c) => c.cid)).toEqual([2]);
    expect(connz(fctx, { acc: "other" }).connections).toBeNull();
  });
});

describe("/subsz, /healthz, /varz, /metrics", () => {
  const c = fakeClient(1);
  addSub(c, "foo", "1");
  addSub(c, "bar.*", "2", "q", 10, 3);
  addSub(c, "baz", "3");
  const server = fakeServer([c]);
  const ctx = newContext(server, { cpu: 12.5, rss: 4096 });

  test("subsz: stats only, or the list with test and paging", () => {
    expect(Object.keys(subsz(ctx))).toEqual([
      "num_subscriptions", "num_cache", "num_inserts", "num_removes", "num_matches", "cache_hit_rate", "max_fanout", "avg_fanout",
    ]);
    const r = subsz(ctx, { subs: true, test: "bar.x" }) as Subsz;
    expect(r.subscriptions_list).toEqual([{ account: "$G", subject: "bar.*", qgroup: "q", sid: "2", msgs: 3, max: 10, cid: 1 }]);
    const page = subsz(ctx, { subs: true, offset: 1, limit: 1 }) as Subsz;
    expect(page.total).toBe(1);
    expect(page.subscriptions_list?.map((s) => s.subject)).toEqual(["bar.*"]);
    expect(() => subsz(ctx, { test: "bar.*" })).toThrow("invalid test subject, must be valid publish subject: bar.*");
  });

  test("healthz: ok, and the reference's error with 503 while shutting down", () => {
    expect(healthz(ctx)).toEqual({ status: "ok" });
    server.shuttingDown = true;
    expect(healthz(ctx)).toEqual({ status: "error", error: "failed to be ready for connections after 1ms: server" });
    server.shuttingDown = false;
  });

  test("varz: units and types of the reference", () => {
    const v = varz(ctx);
    expect(v.ping_interval).toBe(120_000_000_000);
    expect(v.write_deadline).toBe(10_000_000_000);
    expect(v.auth_timeout).toBe(0); // defaultOptions() before finalizeOptions: 0 ms
    expect(v.tls_timeout).toBe(2);
    expect(v.cpu).toBe(12.5);
    expect(v.mem).toBe(4096);
    expect(v.subscriptions).toBe(3);
    expect(v.http_req_stats).toEqual({ "/varz": 1 });
    expect(v.max_subscriptions).toBeUndefined();
  });

  test("metrics: exporter names, default and custom prefix", () => {
    const text = metrics(ctx);
    expect(text).toContain('# TYPE gnatsd_varz_connections gauge\ngnatsd_varz_connections{server_id="NFAKE"} 1\n');
    expect(text).toContain('gnatsd_varz_in_msgs{server_id="NFAKE"} 1\n');
    expect(text).toContain('gnatsd_varz_cpu{server_id="NFAKE"} 12.5\n');
    expect(text).toContain('gnatsd_varz_version{server_id="NFAKE",value="2.9.10"} 1\n');
    expect(text).toContain('# TYPE gnatsd_connz_in_msgs counter\n');
    expect(text).toContain('gnatsd_connz_subscriptions{server_id="NFAKE"} 3\n');
    const nctx = newContext(fakeServer([c], [], { metricsPrefix: "nats" }));
    expect(metrics(nctx)).toContain('nats_varz_total_connections{server_id="NFAKE"} 6\n');
  });
});

describe("app routing", () => {
  const ctx = newContext(fakeServer([fakeClient(1)], [], { httpBasePath: "/mon" }));
  const app = createMonitorApp(ctx);
  const get = (path: string, method = "GET"): Promise<Response> => app.handle(new Request(`http://localhost${path}`, { method }));

  test("routes under the base path; everything else is Go's 404", async () => {
    expect((await get("/mon/varz")).status).toBe(200);
    expect((await get("/mon")).headers.get("content-type")).toBe("text/html; charset=utf-8");
    for (const p of ["/varz", "/mon/", "/mon/varz/", "/mon/VARZ"]) {
      const r = await get(p);
      expect(r.status).toBe(404);
      expect(await r.text()).toBe("404 page not found\n");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  test("JSONP, 400 text, 301 for unclean paths, every method", async () => {
    const jsonp = await get("/mon/healthz?callback=cb");
    expect(jsonp.headers.get("content-type")).toBe("application/javascript");
    expect(await jsonp.text()).toBe('cb({"status":"ok"})');
    const bad = await get("/mon/connz?limit=x");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe(`Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`);
    const moved = await get("/mon//varz?a=1");
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("/mon/varz?a=1");
    expect((await get("/mon/varz", "POST")).status).toBe(200);
  });

  test("http_req_stats counts each path as the reference (connz after decoding, subsz before)", async () => {
    const c2 = newContext(fakeServer([fakeClient(1)]));
    const a2 = createMonitorApp(c2);
    const hit = (p: string): Promise<Response> => a2.handle(new Request(`http://localhost${p}`));
    await hit("/connz?limit=x");
    await hit("/connz");
    await hit("/subsz?subs=x");
    await hit("/metrics");
    const v = (await (await hit("/varz")).json()) as { http_req_stats: Record<string, number> };
    expect(v.http_req_stats).toEqual({ "/connz": 1, "/metrics": 1, "/subsz": 1, "/varz": 1 });
  });
});
