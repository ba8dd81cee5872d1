// One connection's details (live from the pushed /connz page) and its subscriptions, fetched once from
// /connz?cid=N&subs=detail&state=any when the dialog opens (and on "Refresh"): the list can be long, so it is
// not pushed every second.
import type { ConnInfo, Connz, SubDetail } from "../../connz.ts";
import { byId, fillFacts, h, setText } from "./dom.ts";
import { bytes, count, when } from "./format.ts";

export class ConnDialog {
  private readonly dialog = byId<HTMLDialogElement>("conn-dialog");
  private readonly title = byId("conn-dialog-title");
  private readonly state = byId("conn-dialog-state");
  private readonly facts = byId("conn-dialog-facts");
  private readonly subs = byId("conn-dialog-subs");
  private readonly subsEmpty = byId("conn-dialog-subs-empty");
  private readonly subCount = byId("conn-dialog-subcount");
  private readonly json = byId<HTMLAnchorElement>("conn-dialog-json");
  private cid = 0;
  private opener: HTMLElement | null = null;

  constructor() {
    byId("conn-dialog-close").addEventListener("click", () => this.dialog.close());
    byId("conn-dialog-refresh").addEventListener("click", () => void this.loadSubs());
    this.dialog.addEventListener("close", () => {
      this.cid = 0;
      // Back to where the user was (the row's button), as a keyboard user expects.
      if (this.opener?.isConnected) this.opener.focus();
    });
  }

  open(cid: number): void {
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.cid = cid;
    const url = connzURL(cid);
    this.json.href = url;
    setText(this.title, `Connection ${cid}`);
    this.facts.replaceChildren();
    this.subs.replaceChildren();
    setText(this.subCount, "");
    this.subsEmpty.hidden = true;
    if (!this.dialog.open) this.dialog.showModal();
    void this.loadSubs();
  }

  /** Each push refreshes the figures of the open connection (or says it closed). */
  update(connz: Connz): void {
    if (this.cid === 0 || !this.dialog.open) return;
    const c = connz.connections?.find((x) => x.cid === this.cid);
    if (c) this.show(c, false);
    else {
      this.state.hidden = false;
      this.state.className = "pill pill-bad";
      setText(this.state, "closed");
    }
  }

  private show(c: ConnInfo, closed: boolean): void {
    setText(this.title, `Connection ${c.cid}${c.name ? ` \u2014 ${c.name}` : ""}`);
    this.state.hidden = false;
    this.state.className = closed ? "pill pill-bad" : "pill pill-ok";
    setText(this.state, closed ? `closed${c.reason ? `: ${c.reason}` : ""}` : "open");
    const pairs: Array<[string, string]> = [
      ["CID", String(c.cid)],
      ["Name", c.name ?? ""],
      ["Account", c.account ?? "$G"],
      ["User", c.authorized_user ?? ""],
      ["Address", c.ip ? `${c.ip}:${c.port}` : ""],
      ["Client", [c.lang, c.version].filter(Boolean).join(" ")],
      ["Kind / type", `${c.kind} / ${c.type}`],
      ["TLS", c.tls_version ? `${c.tls_version} ${c.tls_cipher_suite ?? ""}`.trim() : "no"],
      ["Started", when(c.start)],
      ["Last activity", when(c.last_activity)],
      ["Uptime", c.uptime],
      ["Idle", c.idle],
      ["RTT", c.rtt],
      ["Pending", bytes(c.pending_bytes)],
      ["Msgs in / out", `${count(c.in_msgs)} / ${count(c.out_msgs)}`],
      ["Bytes in / out", `${bytes(c.in_bytes)} / ${bytes(c.out_bytes)}`],
      ["Subscriptions", count(c.subscriptions)],
    ];
    if (c.stop) pairs.push(["Closed", when(c.stop)], ["Reason", c.reason ?? ""]);
    fillFacts(this.facts, pairs.filter(([, v]) => v !== ""));
  }

  private async loadSubs(): Promise<void> {
    const cid = this.cid;
    if (cid === 0) return;
    let body: Connz;
    try {
      const res = await fetch(connzURL(cid), { cache: "no-store" });
      body = (await res.json()) as Connz;
    } catch (err) {
      setText(this.subCount, `(could not load: ${String(err)})`);
      return;
    }
    if (cid !== this.cid) return;
    const c = body.connections?.[0];
    if (!c) {
      setText(this.subCount, "(the connection is gone)");
      return;
    }
    this.show(c, c.stop !== undefined);
    const list: SubDetail[] = c.subscriptions_list_detail ?? [];
    setText(this.subCount, count(list.length));
    this.subsEmpty.hidden = list.length > 0;
    this.subs.replaceChildren(
      ...list.map((s) =>
        h(
          "tr",
          {},
          h("td", { class: "mono" }, s.subject),
          h("td", { class: "mono" }, s.qgroup ?? ""),
          h("td", { class: "mono" }, s.sid),
          h("td", { class: "num" }, count(s.msgs)),
          h("td", { class: "num" }, s.max ? count(s.max) : ""),
        ),
      ),
    );
  }
}

/** Relative to the page (…/dashboard -> …/connz), so it works under http_base_path and behind proxies. */
function connzURL(cid: number): string {
  return `connz?cid=${cid}&subs=detail&state=any&auth=1`;
}
