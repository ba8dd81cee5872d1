// A real browser (headless Chromium, as the dashboard tests) running the official client's wsconnect
// against bnats: the page's Origin checked by allowed_origins, permessage-deflate negotiated by the
// browser, a 200 KB request/reply and 2,000 ordered messages; a page from another origin is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { hasChromium, launchBrowser, MISSING_CHROMIUM, SKIP_BROWSER, type Browser } from "../monitor/dashboard/browser.ts";

let bundle = "";
let page: ReturnType<typeof Bun.serve> | undefined;
let other: ReturnType<typeof Bun.serve> | undefined;
let srv: InProcessServer | undefined;
let browser: Browser | undefined;

const html = (src: string): string => `<!doctype html><html><body><script type="module" src="${src}"></script></body></html>`;

function servePage(): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/app.js") return new Response(bundle, { headers: { "Content-Type": "text/javascript" } });
      return new Response(html("/app.js"), { headers: { "Content-Type": "text/html" } });
    },
  });
}

describe.skipIf(SKIP_BROWSER)("websocket in a browser", () => {
  beforeAll(async () => {
    if (!hasChromium()) throw new Error(MISSING_CHROMIUM);
    const out = await Bun.build({ entrypoints: [join(import.meta.dir, "fixtures", "ws-browser-entry.ts")], target: "browser" });
    if (!out.success) throw new Error(out.logs.join("\n"));
    bundle = await out.outputs[0]!.text();
    page = servePage();
    other = servePage();
    srv = await startBnats({
      config: `websocket { port: -1, no_tls: true, compression: true, allowed_origins: ["http://127.0.0.1:${page.port}"] }`,
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
    page?.stop(true);
    other?.stop(true);
  });

  async function runPage(port: number): Promise<Record<string, unknown>> {
    const p = await browser!.context.newPage();
    try {
      await p.goto(`http://127.0.0.1:${port}/?ws=${encodeURIComponent(`ws://127.0.0.1:${srv!.server.websocketPort}`)}`);
      type PageGlobals = { result?: Record<string, unknown> };
      await p.waitForFunction(() => (globalThis as unknown as PageGlobals).result !== undefined, undefined, { timeout: 20_000 });
      return (await p.evaluate(() => (globalThis as unknown as PageGlobals).result)) as Record<string, unknown>;
    } finally {
      await p.close();
    }
  }

  test("wsconnect from an allowed origin: request/reply of 200 KB, 2,000 messages in order", async () => {
    const r = await runPage(Number(page!.port));
    expect(r).toEqual({ ok: true, echoed: true, ordered: 2000, serverName: srv!.server.name });
  }, 30_000);

  test("a page from another origin is refused (403)", async () => {
    const r = await runPage(Number(other!.port));
    expect(r.ok).toBe(false);
    expect(srv!.logs()).toContain("websocket handshake error: origin not allowed: not in the allowed list");
  }, 30_000);
});
