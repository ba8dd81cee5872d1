// The dashboard page: one EventSource on …/dashboard/events (relative, so http_base_path and proxies just
// work); the server pushes the chart history once, then one snapshot a second. The browser reconnects
// by itself when the stream breaks; the status pill says so.
import type { Sample, Snapshot } from "../snapshot.ts";
import { Charts } from "./charts.ts";
import { ConnectionsTable } from "./connections.ts";
import { byId, setText } from "./dom.ts";
import { clock } from "./format.ts";
import { renderAccounts, renderClosed, renderFacts, renderFigures, renderLeafs, renderRoutes, renderSubsz } from "./sections.ts";

const status = byId("link-status");
const lastUpdate = byId("last-update");
const charts = new Charts();
const table = new ConnectionsTable();

function setStatus(text: string, kind: "ok" | "wait" | "bad"): void {
  status.className = `pill pill-${kind}`;
  setText(status, text);
}

function render(s: Snapshot): void {
  const t0 = performance.now();
  renderFigures(s);
  renderFacts(s);
  charts.push(s.sample);
  table.update(s.connz, s.varz.connections, s.t - s.connz_t);
  renderClosed(s);
  renderAccounts(s);
  renderRoutes(s);
  renderLeafs(s);
  renderSubsz(s);
  setText(lastUpdate, `Last update ${clock(s.t)}.`);
  document.body.dataset.updated = String(s.t);
  // How long drawing a snapshot took (a check that a big /connz page stays cheap for the browser).
  document.body.dataset.renderMs = (performance.now() - t0).toFixed(1);
}

const events = new EventSource("dashboard/events");
events.addEventListener("open", () => setStatus("live", "ok"));
events.addEventListener("error", () => setStatus(events.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting\u2026", "bad"));
events.addEventListener("history", (e) => charts.reset(JSON.parse((e as MessageEvent<string>).data) as Sample[]));
events.addEventListener("failure", (e) => setStatus(`server error: ${JSON.parse((e as MessageEvent<string>).data) as string}`, "bad"));
events.addEventListener("message", (e) => {
  setStatus("live", "ok");
  render(JSON.parse((e as MessageEvent<string>).data) as Snapshot);
});

// The endpoints index is the monitoring root: the page's path without "/dashboard" (http_base_path, or
// whatever prefix a proxy added; the root has no trailing slash under a base path).
byId<HTMLAnchorElement>("endpoints-link").href = location.pathname.replace(/\/dashboard$/, "") || "/";
