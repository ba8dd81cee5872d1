// The dashboard in a real browser (headless Chromium), served by the COMPILED binary run from an empty
// directory: the page must load with no console error and fetch nothing but its own server (air-gapped:
// everything is inside the executable), its figures must move when traffic flows, a client must appear
// in the connections table under its name and leave it when it closes, and all of it under http_base_path.
// BNATS_UPDATE_SCREENSHOT=1 writes the screenshot to docs/dashboard.png (the README shows it).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Page } from "playwright-core";
import { REPO_ROOT } from "../../helpers/bnats.ts";
import { startProcess, type ProcessServer } from "../../helpers/proc.ts";
import { testCerts } from "../../helpers/certs.ts";
import { hasChromium, launchBrowser, MISSING_CHROMIUM, SKIP_BROWSER, type Browser } from "./browser.ts";

const work = mkdtempSync(join(tmpdir(), "bnats-dashboard-"));
const SCREENSHOT = process.env.BNATS_UPDATE_SCREENSHOT === "1" ? join(REPO_ROOT, "docs", "dashboard.png") : join(work, "dashboard.png");

/** The newest modification time under `dir` (the sources a binary was built from). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The binary under test: $BNATS_BIN; else dist/bnats when it is newer than every source (as `make test`
 * leaves it); else one built now from this tree. Either way it runs from a directory of its own.
 */
function binary(): string {
  if (process.env.BNATS_BIN) return process.env.BNATS_BIN;
  const dist = join(REPO_ROOT, "dist", "bnats");
  const sources = Math.max(newest(join(REPO_ROOT, "src")), statSync(join(REPO_ROOT, "package-lock.json")).mtimeMs);
  if (existsSync(dist) && statSync(dist).mtimeMs > sources) return dist;
  const out = join(work, "bin", "bnats");
  const r = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", join(REPO_ROOT, "src", "main.ts"), "--outfile", out], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`bun build --compile failed:\n${r.stderr.toString()}`);
  return out;
}

/** Two accounts, each with a user whose password is its name: the table shows and filters by account. */
const ACCOUNTS = `accounts {
  ORDERS { users: [{ user: orders, password: orders }] }
  BILLING { users: [{ user: billing, password: billing }] }
}
`;

/** Text of a data-metric figure as a number (uptime is Go duration text and not read this way). */
async function metric(page: Page, name: string): Promise<number> {
  return Number(await page.locator(`[data-metric="${name}"]`).textContent());
}

// Waits evaluated in the page. They are functions, not strings: the page's Content-Security-Policy forbids
// eval. The test's own code has no DOM types, hence the small Doc view of `document`.
interface Doc {
  querySelector(sel: string): { textContent: string | null } | null;
  querySelectorAll(sel: string): { length: number };
  body: { dataset: Record<string, string | undefined> };
}
type InPage = { document: Doc };

/** Until a data-metric figure reads at least `min`. */
async function figureAtLeast(page: Page, name: string, min: number): Promise<void> {
  await page.waitForFunction(
    ([n, m]) => Number((globalThis as unknown as InPage).document.querySelector(`[data-metric="${n}"]`)?.textContent) >= m,
    [name, min] as const,
  );
}

/** Until `sel` matches at least (or, with `exact`, exactly) `n` elements. */
async function rows(page: Page, sel: string, n: number, exact = false): Promise<void> {
  await page.waitForFunction(
    ([s, k, e]) => {
      const count = (globalThis as unknown as InPage).document.querySelectorAll(s).length;
      return e ? count === k : count >= k;
    },
    [sel, n, exact] as const,
  );
}

/** Until the page has drawn a snapshot taken at or after `t` (epoch ms). */
async function updatedSince(page: Page, t: number): Promise<void> {
  await page.waitForFunction((since) => Number((globalThis as unknown as InPage).document.body.dataset.updated) >= since, t);
}

/** Records console errors, page errors and every request that leaves the page's own origin. */
function watch(page: Page, origin: string): { errors: string[]; foreign: string[] } {
  const seen = { errors: [] as string[], foreign: [] as string[] };
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") seen.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => seen.errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    // The event stream is cut when the page closes; anything else failing is a bug.
    if (!r.url().endsWith("/dashboard/events")) seen.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) seen.foreign.push(r.url());
  });
  return seen;
}

if (!hasChromium() && !SKIP_BROWSER) console.error(MISSING_CHROMIUM);

describe.skipIf(SKIP_BROWSER)("dashboard in headless Chromium, served by the compiled binary", () => {
  let bin = "";
  let browser: Browser | undefined;
  const servers: ProcessServer[] = [];
  const clients: NatsConnection[] = [];

  beforeAll(async () => {
    // Loud, not silent: without Chromium these tests fail (BNATS_SKIP_BROWSER_TESTS=1 skips them knowingly).
    if (!hasChromium()) throw new Error(MISSING_CHROMIUM);
    bin = binary();
    browser = await launchBrowser({ width: 1280, height: 900 });
  }, 60_000);

  afterAll(async () => {
    for (const nc of clients) await nc.close().catch(() => undefined);
    await browser?.close();
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function start(config?: string, monitor = ["-m", "-1"], name = "dashboard-demo"): Promise<ProcessServer> {
    const s = await startProcess(bin, "bnats-binary", { args: [...monitor, "-n", name], config });
    servers.push(s);
    return s;
  }

  async function client(s: ProcessServer, name: string, opts: { user?: string; caFile?: string } = {}): Promise<NatsConnection> {
    const { user, caFile } = opts;
    const nc = await connect({ servers: `127.0.0.1:${s.port}`, name, user, pass: user, tls: caFile ? { caFile } : undefined });
    clients.push(nc);
    return nc;
  }

  test("loads with no console error, fetches nothing elsewhere, follows traffic and clients", async () => {
    const s = await start(ACCOUNTS);
    const origin = `http://127.0.0.1:${s.httpPort}`;
    const page = await (browser as Browser).context.newPage();
    const seen = watch(page, origin);
    await page.goto(`${origin}/dashboard`);
    await page.waitForSelector("body[data-updated]");
    expect(await page.locator("#link-status").textContent()).toBe("live");
    expect(await page.locator('[data-metric="uptime"]').textContent()).toMatch(/^\d+s$/);
    expect(await metric(page, "connections")).toBe(0);

    // A client appears under its name, with its subscriptions.
    const orders = await client(s, "orders-api", { user: "orders" });
    orders.subscribe("orders.>");
    orders.subscribe("orders.created", { queue: "workers" });
    await orders.flush();
    const row = page.locator('tr[data-cid]:has(td[data-col="name"]:text-is("orders-api"))');
    await row.waitFor();
    const cid = Number(await row.getAttribute("data-cid"));
    expect(cid).toBeGreaterThan(0);
    await figureAtLeast(page, "subscriptions", 2);
    expect(await metric(page, "connections")).toBe(1);

    // Traffic moves the per-second figures and the charts.
    const billing = await client(s, "billing-worker", { user: "billing" });
    billing.subscribe("invoices.*");
    const audit = await client(s, "audit-log", { user: "orders" });
    audit.subscribe(">");
    const payload = new Uint8Array(256);
    let flowing = true;
    const traffic = (async () => {
      let i = 0;
      while (flowing && !orders.isClosed()) {
        for (let k = 0; k < 100; k++) orders.publish(`orders.${i++ % 3 === 0 ? "created" : "paid"}`, payload);
        for (let k = 0; k < 20; k++) billing.publish("invoices.sent", payload);
        await orders.flush();
        await Bun.sleep(5);
      }
    })();
    await figureAtLeast(page, "in_msgs_per_sec", 1);
    await figureAtLeast(page, "out_bytes_per_sec", 1);
    expect(await metric(page, "in_bytes_per_sec")).toBeGreaterThan(await metric(page, "in_msgs_per_sec"));
    expect(await metric(page, "connections")).toBe(3);

    // Keyboard: a sortable header is a button with aria-sort; a row's CID button opens its details.
    const pendingHeader = page.locator('th:has(button[data-sort="msgs_to"])');
    await pendingHeader.locator("button").focus();
    await page.keyboard.press("Enter");
    expect(await pendingHeader.getAttribute("aria-sort")).toBe("descending");
    await page.keyboard.press("Enter");
    expect(await pendingHeader.getAttribute("aria-sort")).toBe("ascending");
    await page.locator(`button[data-open="${cid}"]`).focus();
    await page.keyboard.press("Enter");
    const dialog = page.locator("#conn-dialog");
    await dialog.locator('td:text-is("orders.>")').waitFor();
    expect(await dialog.locator("#conn-dialog-subs tr").count()).toBe(2);
    expect(await dialog.locator('td:text-is("workers")').count()).toBe(1);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    // A few seconds of charts for the screenshot, with one closed connection in its table.
    const brief = await client(s, "short-lived", { user: "billing" });
    await brief.close();
    await rows(page, "#charts canvas", 4);
    await rows(page, "#closed-body tr", 1);
    const t0 = Date.now();
    await updatedSince(page, t0 + 4000);
    // From the top, with no focus ring (the keyboard steps above left one on a row).
    await page.evaluate(() => {
      const g = globalThis as unknown as {
        scrollTo(o: { top: number; behavior: string }): void;
        document: { activeElement: { blur?(): void } | null };
      };
      g.document.activeElement?.blur?.();
      g.scrollTo({ top: 0, behavior: "instant" }); // the page scrolls smoothly otherwise
    });
    mkdirSync(join(SCREENSHOT, ".."), { recursive: true });
    // The top of the page: figures, charts and the connections (the sections below are in the other tests).
    const below = await page.locator("#closed").boundingBox();
    const height = Math.ceil(below?.y ?? 1400) - 8;
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    flowing = false;
    await traffic;

    // The client closes: its row goes, the closed table shows it with the reason.
    await orders.close();
    await row.waitFor({ state: "detached" });
    const closedRow = page.locator(`tr[data-closed-cid="${cid}"]`);
    await closedRow.waitFor();
    expect(await closedRow.locator("td.reason").textContent()).toBe("Client Closed");

    // Filtering by account or name keeps only the matching rows.
    await page.locator("#conn-filter").fill("ORDERS");
    await rows(page, "#conn-body tr", 1, true);
    expect(await page.locator('#conn-body td[data-col="name"]').textContent()).toBe("audit-log");
    await page.locator("#conn-filter").fill("billing-w");
    await rows(page, "#conn-body tr", 1, true);
    expect(await page.locator('#conn-body td[data-col="account"]').textContent()).toBe("BILLING");
    expect(await page.locator('#acc-body tr[data-account="ORDERS"] td').nth(1).textContent()).toBe("1");

    expect(seen.errors).toEqual([]);
    expect(seen.foreign).toEqual([]);
    await page.close();
  }, 30_000);

  test("works under http_base_path", async () => {
    const s = await start('http_base_path: "/nats"\n');
    const origin = `http://127.0.0.1:${s.httpPort}`;
    const page = await (browser as Browser).context.newPage();
    const seen = watch(page, origin);
    const missing = await page.goto(`${origin}/dashboard`);
    expect(missing?.status()).toBe(404);
    await page.goto(`${origin}/nats/dashboard`);
    await page.waitForSelector("body[data-updated]");
    await client(s, "under-base-path");
    await page.locator('td[data-col="name"]:text-is("under-base-path")').waitFor();
    expect(await metric(page, "connections")).toBe(1);
    expect(await page.locator("#endpoints-link").getAttribute("href")).toBe("/nats");

    // Dark mode and a phone's width: dark background, and nothing wider than the screen but the tables'
    // own scrolling boxes.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize({ width: 390, height: 844 });
    const look = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number }; body: unknown };
        getComputedStyle(el: unknown): { backgroundColor: string };
      };
      return { width: g.document.documentElement.scrollWidth, bg: g.getComputedStyle(g.document.body).backgroundColor };
    });
    expect(look.width).toBeLessThanOrEqual(390);
    const [r, gr, b] = (look.bg.match(/\d+/g) ?? []).map(Number);
    expect((r ?? 255) + (gr ?? 255) + (b ?? 255)).toBeLessThan(120);
    expect(seen.errors.filter((e) => !e.includes("404"))).toEqual([]);
    expect(seen.foreign).toEqual([]);
    await page.close();
  }, 20_000);

  test("shows the routes of a cluster as /routez lists them", async () => {
    // Members of a cluster need names of their own.
    const seed = await start('cluster { name: demo, listen: "127.0.0.1:-1" }\n', ["-m", "-1"], "seed");
    const ROUTE_LISTEN = /Listening for route connections on [^\s]+:(\d+)/;
    const routePort = ROUTE_LISTEN.exec(await seed.waitForLog(ROUTE_LISTEN))?.[1];
    if (routePort === undefined) throw new Error("no route port in the log");
    const origin = `http://127.0.0.1:${seed.httpPort}`;
    const page = await (browser as Browser).context.newPage();
    const seen = watch(page, origin);
    await page.goto(`${origin}/dashboard`);
    await page.waitForSelector("body[data-updated]");
    expect(await page.locator("#route-empty").isVisible()).toBe(true);
    await start(`cluster { name: demo, listen: "127.0.0.1:-1", routes: ["nats-route://127.0.0.1:${routePort}"] }\n`, ["-m", "-1"], "member");
    await page.locator("#route-list article.peer").waitFor();
    expect(await page.locator("#route-count").textContent()).toBe("1");
    expect(await page.locator("#route-list article.peer h3").textContent()).toContain("inbound");
    expect(await page.locator("#route-empty").isVisible()).toBe(false);
    expect(await page.locator("#facts").textContent()).toContain("demo on :");
    expect(await page.locator("#facts").textContent()).toContain(", 1 route up");
    expect(seen.errors).toEqual([]);
    await page.close();
  }, 20_000);

  test("shows a leaf node link as /leafz lists it", async () => {
    const hub = await start('leafnodes { listen: "127.0.0.1:-1" }\n', ["-m", "-1"], "hub");
    const LEAF_LISTEN = /Listening for leafnode connections on [^\s]+:(\d+)/;
    const leafPort = LEAF_LISTEN.exec(await hub.waitForLog(LEAF_LISTEN))?.[1];
    if (leafPort === undefined) throw new Error("no leafnode port in the log");
    const origin = `http://127.0.0.1:${hub.httpPort}`;
    const page = await (browser as Browser).context.newPage();
    const seen = watch(page, origin);
    await page.goto(`${origin}/dashboard`);
    await page.waitForSelector("body[data-updated]");
    expect(await page.locator("#leaf-empty").isVisible()).toBe(true);
    await start(`leafnodes { remotes: [{ url: "nats-leaf://127.0.0.1:${leafPort}" }] }\n`, ["-m", "-1"], "spoke");
    await page.locator("#leaf-list article.peer").waitFor();
    expect(await page.locator("#leaf-count").textContent()).toBe("1");
    expect(await page.locator("#leaf-list").textContent()).toContain("$G");
    expect(await page.locator("#facts").textContent()).toContain("1 connected");
    expect(seen.errors).toEqual([]);
    await page.close();
  }, 20_000);

  test("works on https (https_port with the server's certificate)", async () => {
    const certs = testCerts();
    const s = await start(`tls { cert_file: "${certs.server.cert}", key_file: "${certs.server.key}" }\n`, ["-ms", "-1"]);
    const origin = `https://127.0.0.1:${s.httpsPort}`;
    const page = await (browser as Browser).context.newPage();
    const seen = watch(page, origin);
    await page.goto(`${origin}/dashboard`);
    await page.waitForSelector("body[data-updated]");
    await client(s, "over-tls-monitor", { caFile: certs.ca.cert });
    await page.locator('td[data-col="name"]:text-is("over-tls-monitor")').waitFor();
    expect(await page.locator("#facts").textContent()).toContain("required");
    expect(seen.errors).toEqual([]);
    expect(seen.foreign).toEqual([]);
    await page.close();
  }, 20_000);
});
