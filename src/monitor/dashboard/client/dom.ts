// Tiny DOM helpers: the page builds its rows with these (textContent only, never innerHTML with data).

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id}`);
  return el as T;
}

type Child = Node | string | number | null | undefined | false;

/** `h("td", { class: "num" }, "12")`. Attribute values are set as attributes; children as text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "object" ? c : String(c));
  }
  return el;
}

/** Sets text only when it changed (keeps selection and avoids layout work). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * A <dl> of label/value pairs, each pair wrapped in a <div> (valid HTML, one grid cell each); a third
 * element is a class for that cell ("wide": two grid columns).
 */
export function fillFacts(dl: HTMLElement, pairs: ReadonlyArray<readonly [string, Node | string, string?]>): void {
  const frag = document.createDocumentFragment();
  for (const [k, v, cls] of pairs) frag.append(h("div", { class: cls }, h("dt", {}, k), h("dd", {}, v)));
  dl.replaceChildren(frag);
}
