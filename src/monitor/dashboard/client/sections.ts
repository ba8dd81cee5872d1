// Everything on the page except the charts and the connections table: the figures, the server facts, the
// recently closed connections, accounts, routes, leaf nodes and the subscription index. Each is drawn from
// the pushed snapshot, i.e. from what /varz, /connz, /accstatz, /routez, /leafz and /subsz answer.
import type { ConnInfo } from "../../connz.ts";
import type { Snapshot } from "../snapshot.ts";
import { accountOf } from "./connections.ts";
import { byId, fillFacts, h, setText } from "./dom.ts";
import { bytes, count, when } from "./format.ts";

type Json = Record<string, unknown>;

/** The figures a test (or a person) reads: `data-metric` elements whose text is the number shown. */
export function renderFigures(s: Snapshot): void {
  const m = s.sample;
  const set = (metric: string, text: string): void => {
    const el = document.querySelector(`[data-metric="${metric}"]`);
    if (el) setText(el, text);
  };
  set("connections", String(m.connections));
  set("subscriptions", String(m.subscriptions));
  set("in_msgs_per_sec", String(m.in_msgs_per_sec));
  set("out_msgs_per_sec", String(m.out_msgs_per_sec));
  set("in_bytes_per_sec", String(m.in_bytes_per_sec));
  set("out_bytes_per_sec", String(m.out_bytes_per_sec));
  set("slow_consumers", String(m.slow_consumers));
  set("uptime", s.varz.uptime);
  setText(byId("total-connections"), `${count(s.varz.total_connections)} since start`);
  setText(byId("in-msgs-total"), `${count(s.varz.in_msgs)} total`);
  setText(byId("out-msgs-total"), `${count(s.varz.out_msgs)} total`);
  setText(byId("in-bytes-human"), `${bytes(m.in_bytes_per_sec)}/s`);
  setText(byId("out-bytes-human"), `${bytes(m.out_bytes_per_sec)}/s`);
  setText(byId("started"), `since ${when(s.varz.start)}`);
}

function pill(text: string, kind: "ok" | "warn" | "bad" | "plain"): HTMLElement {
  return h("span", { class: kind === "plain" ? "pill" : `pill pill-${kind}` }, text);
}

/** The server at a glance. */
export function renderFacts(s: Snapshot): void {
  const v = s.varz;
  setText(byId("server-name"), v.server_name);
  document.title = `${v.server_name} \u2014 bnats dashboard`;
  const health = s.lame_duck
    ? pill("lame duck", "warn")
    : s.healthz.status === "ok"
      ? pill("ok", "ok")
      : pill(s.healthz.error ?? s.healthz.status, "bad");
  const tls = v.tls_required
    ? `required${v.tls_verify ? ", clients verified" : ""}${v.tls_cert_not_after ? `, cert until ${when(v.tls_cert_not_after)}` : ""}`
    : "off";
  const cluster = v.cluster;
  const leaf = v.leaf as Json;
  // Routes up (/varz routes) and, when routes are configured, to where: one that is not up is down.
  const configured = cluster.urls?.length ? `; configured: ${cluster.urls.join(", ")}` : "";
  const clusterText =
    Object.keys(cluster).length === 0
      ? "off"
      : `${cluster.name ?? "on"}${cluster.cluster_port ? ` on :${cluster.cluster_port}` : ""}, ${count(v.routes)} route${v.routes === 1 ? "" : "s"} up${configured}`;
  // /leafz counts the links that are up (/varz's leafnodes may lag behind it while leaf nodes land).
  const leafs = Math.max(v.leafnodes, s.leafz.leafnodes);
  const leafText =
    Object.keys(leaf).length === 0 && leafs === 0
      ? "off"
      : `${leaf.port ? `listening on :${String(leaf.port)}, ` : ""}${count(leafs)} connected`;
  fillFacts(byId("facts"), [
    ["Health", health],
    ["Server ID", h("span", { class: "mono" }, v.server_id), "wide"],
    ["Version", `${v.version} (${v.go})`],
    ["Clients on", `${v.host}:${v.port}`],
    // Where this page came from (the configured port may be -1, "any free port").
    ["Monitoring", `${location.protocol}//${location.host}${v.http_base_path}`],
    ["TLS", tls],
    ["Auth", v.auth_required ? "required" : "none"],
    ["Cluster", clusterText],
    ["Leaf nodes", leafText],
    ["WebSocket", v.websocket.port ? `${v.websocket.no_tls ? "ws" : "wss"} on :${v.websocket.port}` : "off"],
    ["Memory (RSS)", bytes(v.mem)],
    ["CPU", `${v.cpu.toFixed(1)}% of ${v.cores} core${v.cores === 1 ? "" : "s"}`],
    ["Max payload", bytes(v.max_payload)],
    ["Max connections", count(v.max_connections)],
    ["Config loaded", when(v.config_load_time)],
  ]);
}

export function renderClosed(s: Snapshot): void {
  const list = [...(s.closed.connections ?? [])].reverse(); // newest first
  setText(byId("closed-count"), s.closed.total > list.length ? `${count(list.length)} of ${count(s.closed.total)}` : count(list.length));
  byId("closed-empty").hidden = list.length > 0;
  byId("closed-wrap").hidden = list.length === 0;
  byId("closed-body").replaceChildren(
    ...list.map((c: ConnInfo) =>
      h(
        "tr",
        { "data-closed-cid": c.cid },
        h("td", { class: "num" }, String(c.cid)),
        h("td", {}, c.name ?? ""),
        h("td", {}, accountOf(c)),
        h("td", {}, c.ip ? `${c.ip}:${c.port}` : ""),
        h("td", { class: "num" }, count(c.in_msgs)),
        h("td", { class: "num" }, count(c.out_msgs)),
        h("td", {}, c.uptime),
        h("td", {}, when(c.stop)),
        h("td", { class: "reason" }, c.reason ?? ""),
      ),
    ),
  );
}

export function renderAccounts(s: Snapshot): void {
  const stats = s.accstatz.account_statz;
  const known = new Set(stats.map((a) => a.acc));
  // Accounts /accountz lists that /accstatz has no figures for still get a row.
  const extra = (s.accountz.accounts ?? []).filter((name) => !known.has(name));
  setText(byId("acc-count"), count(stats.length + extra.length));
  byId("acc-empty").hidden = stats.length + extra.length > 0;
  byId("acc-wrap").hidden = stats.length + extra.length === 0;
  const system = s.accountz.system_account;
  const name = (acc: string): Node => h("span", {}, acc, acc === system ? h("span", { class: "dim" }, " (system)") : null);
  byId("acc-body").replaceChildren(
    ...stats.map((a) =>
      h(
        "tr",
        { "data-account": a.acc },
        h("td", {}, name(a.acc)),
        h("td", { class: "num" }, count(a.conns)),
        h("td", { class: "num" }, count(a.leafnodes)),
        h("td", { class: "num" }, count(a.sent.msgs)),
        h("td", { class: "num" }, bytes(a.sent.bytes)),
        h("td", { class: "num" }, count(a.received.msgs)),
        h("td", { class: "num" }, bytes(a.received.bytes)),
        h("td", { class: "num" }, count(a.slow_consumers)),
      ),
    ),
    ...extra.map((acc) => h("tr", { "data-account": acc }, h("td", {}, name(acc)), h("td", { class: "dim", colspan: 7 }, "no figures"))),
  );
}

/** Fields of a route or leaf entry worth a column, in this order, when the endpoint reports them. */
const PEER_FIELDS: ReadonlyArray<readonly [string, string, (v: unknown) => string]> = [
  ["account", "Account", String],
  ["ip", "Address", String],
  ["rtt", "RTT", String],
  ["uptime", "Uptime", String],
  ["idle", "Idle", String],
  ["pending_size", "Pending", (v) => bytes(Number(v))],
  ["in_msgs", "Msgs in", (v) => count(Number(v))],
  ["out_msgs", "Msgs out", (v) => count(Number(v))],
  ["in_bytes", "Bytes in", (v) => bytes(Number(v))],
  ["out_bytes", "Bytes out", (v) => bytes(Number(v))],
  ["subscriptions", "Subs", (v) => count(Number(v))],
  ["compression", "Compression", String],
];

/** Routes or leaf nodes as /routez and /leafz list them (one card each: up while listed). */
function renderPeers(listId: string, emptyId: string, countId: string, entries: Json[], title: (e: Json) => string, tags: (e: Json) => string[]): void {
  setText(byId(countId), count(entries.length));
  byId(emptyId).hidden = entries.length > 0;
  byId(listId).replaceChildren(
    ...entries.map((e) => {
      const dl = h("dl", { class: "facts" });
      const pairs: Array<[string, string]> = [];
      for (const [key, label, fmt] of PEER_FIELDS) {
        if (e[key] === undefined || e[key] === null || e[key] === "") continue;
        pairs.push([label, key === "ip" && e.port !== undefined ? `${String(e.ip)}:${String(e.port)}` : fmt(e[key])]);
      }
      fillFacts(dl, pairs);
      return h("article", { class: "peer" }, h("h3", {}, title(e), pill("up", "ok"), ...tags(e).map((t) => pill(t, "plain"))), dl);
    }),
  );
}

export function renderRoutes(s: Snapshot): void {
  const routes = (s.routez.routes ?? []) as unknown as Json[];
  renderPeers(
    "route-list",
    "route-empty",
    "route-count",
    routes,
    (r) => String(r.remote_name ?? r.remote_id ?? `route ${String(r.rid ?? "")}`),
    (r) => [r.did_solicit ? "outbound" : "inbound", r.is_configured ? "configured" : ""].filter(Boolean),
  );
}

export function renderLeafs(s: Snapshot): void {
  const leafs = (s.leafz.leafs ?? []) as unknown as Json[];
  renderPeers(
    "leaf-list",
    "leaf-empty",
    "leaf-count",
    leafs,
    (l) => String(l.name ?? l.remote_id ?? `${String(l.ip ?? "")}:${String(l.port ?? "")}`),
    (l) => [l.is_spoke === true ? "spoke" : l.is_spoke === false ? "hub" : ""].filter(Boolean),
  );
}

export function renderSubsz(s: Snapshot): void {
  const z = s.subsz;
  fillFacts(byId("subsz"), [
    ["Subscriptions", count(z.num_subscriptions)],
    ["Cached subjects", count(z.num_cache)],
    ["Inserts", count(z.num_inserts)],
    ["Removes", count(z.num_removes)],
    ["Matches", count(z.num_matches)],
    ["Cache hit rate", `${(z.cache_hit_rate * 100).toFixed(1)}%`],
    ["Max fan-out", count(z.max_fanout)],
    ["Average fan-out", z.avg_fanout.toFixed(2)],
  ]);
}
