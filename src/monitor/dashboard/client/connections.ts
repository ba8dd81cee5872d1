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
  cell: (c: ConnInfo) => string;
  /** Marks the cell (pending bytes waiting: the consumer is behind). */
  hot?: (c: ConnInfo) => boolean;
}

/** Rows drawn at most (sorted and filtered first): the top of the list is what a person reads. */
const ROWS_SHOWN = 200;

interface Row {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
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
    cell: (c) => count(c.pending_bytes),
    hot: (c) => c.pending_bytes > 0,
  },
  { key: "msgs_from", label: "Msgs in", num: true, sort: (c) => c.in_msgs, cell: (c) => count(c.in_msgs) },
  { key: "msgs_to", label: "Msgs out", num: true, sort: (c) => c.out_msgs, cell: (c) => count(c.out_msgs) },
  { key: "bytes_from", label: "Bytes in", num: true, wide: true, sort: (c) => c.in_bytes, cell: (c) => count(c.in_bytes) },
  { key: "bytes_to", label: "Bytes out", num: true, wide: true, sort: (c) => c.out_bytes, cell: (c) => count(c.out_bytes) },
  { key: "idle", label: "Idle", sort: (c) => goDurationSeconds(c.idle), cell: (c) => c.idle },
  { key: "uptime", label: "Uptime", sort: (c) => goDurationSeconds(c.uptime), cell: (c) => c.uptime },
  { key: "rtt", label: "RTT", wide: true, sort: (c) => goDurationSeconds(c.rtt), first: "ascending", cell: (c) => c.rtt },
  {
    key: "lang",
    label: "Client",
    wide: true,
    // The library, and the transport when it is not plain NATS (/connz type: websocket, mqtt).
    cell: (c) => [c.lang, c.version, c.type !== "nats" ? `(${c.type})` : ""].filter(Boolean).join(" "),
  },
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
  private readonly more = byId<HTMLButtonElement>("conn-more");
  private readonly dialog = new ConnDialog();
  private readonly rows = new Map<number, Row>();
  private showAll = false;

  constructor() {
    this.renderHead();
    this.more.addEventListener("click", () => {
      this.showAll = !this.showAll;
      this.render();
    });
    const input = byId<HTMLInputElement>("conn-filter");
    input.addEventListener("input", () => {
      this.filter = input.value.trim().toLowerCase();
      this.render();
    });
  }

  /** `ageMs`: how old the list is (the server refreshes a long one less often than every second). */
  update(connz: Connz, total: number, ageMs: number): void {
    const fresh = connz.now !== this.last?.now; // a reused list keeps its /connz `now`
    this.last = connz;
    if (fresh) this.render();
    const shown = connz.connections?.length ?? 0;
    const notes: string[] = [];
    if (shown < total) notes.push(`Showing the first ${count(shown)} of ${count(total)} connections (by CID); /connz pages through all of them.`);
    if (ageMs >= 1500) notes.push(`A list this long is refreshed every few seconds (this one is ${Math.round(ageMs / 1000)} s old).`);
    this.note.hidden = notes.length === 0;
    setText(this.note, notes.join(" "));
    if (fresh) this.dialog.update(connz);
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
    const hay = `${c.name ?? ""}\n${accountOf(c)}\n${c.ip}:${c.port}\n${c.authorized_user ?? ""}`.toLowerCase();
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
    const shown = this.showAll ? rows : rows.slice(0, ROWS_SHOWN);
    // Rows are kept by cid and only their changed cells rewritten: a second's update of a big table
    // costs text updates, not a thousand new elements (and focus and hover stay where they are).
    const keep = new Set<number>();
    const order: HTMLTableRowElement[] = [];
    for (const c of shown) {
      keep.add(c.cid);
      let row = this.rows.get(c.cid);
      if (row === undefined) {
        row = this.newRow(c);
        this.rows.set(c.cid, row);
      }
      COLUMNS.forEach((colx, i) => {
        if (colx.key === "cid") return;
        const td = row.cells[i] as HTMLTableCellElement;
        setText(td, colx.cell(c));
        if (colx.hot) td.classList.toggle("pending-hot", colx.hot(c));
      });
      order.push(row.tr);
    }
    for (const [cid, row] of this.rows) {
      if (!keep.has(cid)) {
        row.tr.remove();
        this.rows.delete(cid);
      }
    }
    // Move rows only when the order changed (moving a focused button would blur it).
    const current = this.body.children;
    let same = current.length === order.length;
    for (let i = 0; same && i < order.length; i++) same = current[i] === order[i];
    if (!same) {
      const focused = document.activeElement;
      this.body.append(...order);
      if (focused instanceof HTMLElement && focused !== document.activeElement && this.body.contains(focused)) focused.focus();
    }
    this.empty.hidden = rows.length > 0;
    setText(this.empty, all.length === 0 ? "No client connections." : "No connection matches the filter.");
    this.more.hidden = rows.length <= ROWS_SHOWN;
    setText(this.more, this.showAll ? `Show the first ${ROWS_SHOWN} only` : `Show all ${count(rows.length)} rows`);
  }

  private newRow(c: ConnInfo): Row {
    const tr = h("tr", { "data-cid": c.cid });
    const cells = COLUMNS.map((col) => {
      const cls = [col.num ? "num" : "", col.wide ? "hide-narrow" : ""].join(" ").trim() || undefined;
      if (col.key === "cid") {
        const label = `Details of connection ${c.cid}${c.name ? ` (${c.name})` : ""}`;
        const b = h("button", { type: "button", class: "link", "data-open": c.cid, "aria-label": label }, String(c.cid));
        b.addEventListener("click", () => this.dialog.open(c.cid));
        return h("td", { class: cls }, b);
      }
      return h("td", { class: cls, "data-col": col.key });
    });
    tr.append(...cells);
    return { tr, cells };
  }
}
