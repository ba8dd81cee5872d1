// Headless Chromium for the dashboard tests: the system's browser (Debian package `chromium`), driven by
// playwright-core (no browser is ever downloaded). A fresh profile per launch, and the flags that keep
// Chromium from talking to anything but the page's server.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where the browser is: $CHROMIUM, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Set to skip the browser tests knowingly (they fail when Chromium is missing, so CI cannot pass without them). */
export const SKIP_BROWSER = process.env.BNATS_SKIP_BROWSER_TESTS === "1";

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export const MISSING_CHROMIUM = `
################################################################################
#  Chromium not found at ${CHROMIUM}: the dashboard browser tests cannot run.
#  Install it (apt-get install -y chromium), or point $CHROMIUM at a Chromium,
#  or set BNATS_SKIP_BROWSER_TESTS=1 to skip them knowingly.
################################################################################`;

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh --user-data-dir (removed on close). */
export async function launchBrowser(opts: { width?: number; height?: number; dark?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "bnats-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: opts.dark ? "dark" : "light",
    // The https test's monitor has the test certificate (not from a CA the browser knows).
    ignoreHTTPSErrors: true,
    // playwright's own defaults would add flags of its own choosing; keep them, they only disable things.
  });
  return {
    context,
    async close(): Promise<void> {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
