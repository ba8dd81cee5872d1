// The connections table: sorts by the /connz sort keys that matter to an operator, filters by name,
// account or IP, and opens one connection's details and subscriptions (from /connz?cid=N&subs=detail).
import type { ConnInfo, Connz } from "../../connz.ts";
import { byId, h, setText } from "./dom.ts";
import { count, goDurationSeconds } from "./format.ts";
import { ConnDialog } from "./details.ts";

type Dir = "ascending" | "descending";

interface Column {
  key: string;
  label: string;
  num?: boolean;
  /** Hidden on a narrow screen. */
  wide?: boolean;
  /** The value sorted on; columns without one are not sortable. */
  sort?: (c: ConnInfo) => number | string;
  /** The first direction when the header is pressed (big numbers first for counters). */
  first?: Dir;
  cell: (c: ConnInfo) => Node | string;
}

/** The account a client is in; bnats puts clients without a configured account in the global one. */
export function accountOf(c: ConnInfo): string {
  return c.account ?? "$G";
}

const COLUMNS: readonly Column[] = [
  { key: "cid", label: "CID", num: true, sort: (c) => c.cid, first: "ascending", cell: (c) => String(c.cid) },
  { key: "name", label: "Name", sort: (c) => c.name ?? "", first: "ascending", cell: (c) => c.name ?? "" },
  { key: "account", label: "Account", sort: accountOf, first: "ascending", cell: (c) => accountOf(c) },
  { key: "ip", label: "IP", first: "ascending", sort: (c) => c.ip, cell: (c) => (c.ip ? `${c.ip}:${c.port}` : "") },
  { key: "subs", label: "Subs", num: true, sort: (c) => c.subscriptions, cell: (c) => count(c.subscriptions) },
  {
    key: "pending",
    label: "Pending",
    num: true,
    sort: (c) => c.pending_bytes,
    cell: (c) => (c.pending_bytes > 0 ? h("span", { class: "pending-hot" }, count(c.pending_bytes)) : "0"),
  },
  { key: "msgs_from", label: "Msgs in", num: true, sort: (c) => c.in_msgs, cell: (c) => count(c.in_msgs) },
  { key: "msgs_to", label: "Msgs out", num: true, sort: (c) => c.out_msgs, cell: (c) => count(c.out_msgs) },
  { key: "bytes_from", label: "Bytes in", num: true, wide: true, sort: (c) => c.in_bytes, cell: (c) => count(c.in_bytes) },
  { key: "bytes_to", label: "Bytes out", num: true, wide: true, sort: (c) => c.out_bytes, cell: (c) => count(c.out_bytes) },
  { key: "idle", label: "Idle", sort: (c) => goDurationSeconds(c.idle), cell: (c) => c.idle },
  { key: "uptime", label: "Uptime", sort: (c) => goDurationSeconds(c.uptime), cell: (c) => c.uptime },
  { key: "rtt", label: "RTT", wide: true, sort: (c) => goDurationSeconds(c.rtt), first: "ascending", cell: (c) => c.rtt },
  { key: "lang", label: "Client", wide: true, cell: (c) => [c.lang, c.version].filter(Boolean).join(" ") },
];

export class ConnectionsTable {
  private sortKey = "cid";
  private dir: Dir = "ascending";
  private filter = "";
  private last: Connz | undefined;
  private readonly head = byId("conn-head");
  private readonly body = byId("conn-body");
  private readonly empty = byId("conn-empty");
  private readonly note = byId("conn-note");
  private readonly countEl = byId("conn-count");
  private readonly dialog = new ConnDialog();

  constructor() {
    this.renderHead();
    const input = byId<HTMLInputElement>("conn-filter");
    input.addEventListener("input", () => {
      this.filter = input.value.trim().toLowerCase();
      this.render();
    });
  }

  update(connz: Connz, total: number): void {
    this.last = connz;
    this.render();
    const shown = connz.connections?.length ?? 0;
    this.note.hidden = shown >= total;
    if (shown < total) setText(this.note, `Showing the first ${count(shown)} of ${count(total)} connections (by CID); /connz pages through all of them.`);
    this.dialog.update(connz);
  }

  private renderHead(): void {
    const cells = COLUMNS.map((col) => {
      const attrs: Record<string, string | undefined> = { scope: "col", class: [col.num ? "num" : "", col.wide ? "hide-narrow" : ""].join(" ").trim() || undefined };
      if (!col.sort) return h("th", attrs, col.label);
      const active = col.key === this.sortKey;
      const th = h("th", { ...attrs, "aria-sort": active ? this.dir : undefined });
      const button = h("button", { type: "button", "data-sort": col.key, title: `Sort by ${col.label.toLowerCase()}` }, col.label);
      button.addEventListener("click", () => this.sortBy(col));
      th.append(button);
      return th;
    });
    this.head.replaceChildren(...cells);
  }

  private sortBy(col: Column): void {
    if (this.sortKey === col.key) this.dir = this.dir === "ascending" ? "descending" : "ascending";
    else {
      this.sortKey = col.key;
      this.dir = col.first ?? "descending";
    }
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.sort : undefined;
    this.renderHead();
    // Re-rendering the header replaced the pressed button: keep the keyboard focus on it.
    if (focused) this.head.querySelector<HTMLButtonElement>(`button[data-sort="${focused}"]`)?.focus();
    this.render();
  }

  private matches(c: ConnInfo): boolean {
    if (this.filter === "") return true;
    const hay = `${c.name ?? ""}\n${accountOf(c)}\n${c.ip}:${c.port}`.toLowerCase();
    return hay.includes(this.filter);
  }

  private render(): void {
    const all = this.last?.connections ?? [];
    const rows = all.filter((c) => this.matches(c));
    const col = COLUMNS.find((c) => c.key === this.sortKey) ?? (COLUMNS[0] as Column);
    const key = col.sort ?? ((c: ConnInfo) => c.cid);
    const sign = this.dir === "ascending" ? 1 : -1;
    rows.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const d = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return d !== 0 ? d * sign : a.cid - b.cid;
    });
    setText(this.countEl, this.filter ? `${count(rows.length)} of ${count(all.length)}` : count(all.length));
    const frag = document.createDocumentFragment();
    for (const c of rows) frag.append(this.row(c));
    // Keep keyboard focus on a row's button across the refresh.
    const focusedCid = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.open : undefined;
    this.body.replaceChildren(frag);
    if (focusedCid) this.body.querySelector<HTMLButtonElement>(`button[data-open="${focusedCid}"]`)?.focus();
    this.empty.hidden = rows.length > 0;
    setText(this.empty, all.length === 0 ? "No client connections." : "No connection matches the filter.");
  }

  private row(c: ConnInfo): HTMLTableRowElement {
    const tr = h("tr", { "data-cid": c.cid });
    for (const col of COLUMNS) {
      const cls = [col.num ? "num" : "", col.wide ? "hide-narrow" : ""].join(" ").trim() || undefined;
      if (col.key === "cid") {
        const b = h("button", { type: "button", class: "link", "data-open": c.cid, "aria-label": `Details of connection ${c.cid}${c.name ? ` (${c.name})` : ""}` }, String(c.cid));
        b.addEventListener("click", () => this.dialog.open(c.cid));
        tr.append(h("td", { class: cls }, b));
      } else {
        tr.append(h("td", { class: cls, "data-col": col.key }, col.cell(c)));
      }
    }
    return tr;
  }
}
