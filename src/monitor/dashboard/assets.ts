// Builds the dashboard page AT BUNDLE TIME (a Bun macro: `import ... with { type: "macro" }`): the HTML,
// uPlot's CSS and ours, and the page's TypeScript bundled for the browser (uPlot included) become one
// string inlined into the program. So `bun build --compile` puts the whole page inside dist/bnats (no files
// beside it, no CDN, nothing fetched at run time), and running from source builds it when the module loads.
// A macro cannot call Bun.build (the bundler is busy running it), so the CLI bundles the client.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const CLIENT = join(import.meta.dir, "client");

function bundleClient(): string {
  const bun = process.execPath;
  const r = Bun.spawnSync([bun, "build", join(CLIENT, "main.ts"), "--target=browser", "--format=iife", "--minify"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`dashboard: bundling the page script failed:\n${r.stderr.toString()}`);
  return r.stdout.toString();
}

function uplotCSS(): string {
  const pkg = Bun.resolveSync("uplot/package.json", CLIENT);
  return readFileSync(join(dirname(pkg), "dist", "uPlot.min.css"), "utf8");
}

function buildPage(): string {
  const html = readFileSync(join(CLIENT, "index.html"), "utf8");
  const css = `${uplotCSS()}\n${readFileSync(join(CLIENT, "style.css"), "utf8")}`;
  // "</script" inside the script (a string literal somewhere) would end the element early.
  const js = bundleClient().replace(/<\/(script)/gi, "<\\/$1");
  // Replacements use functions: `$&` and friends in minified code must stay literal.
  return html.replace("/*STYLE*/", () => css).replace("/*SCRIPT*/", () => js);
}

/**
 * The complete page. When it cannot be built (node_modules older than package.json: uplot missing), the
 * server must still run, so the page says what is wrong instead, and the build log warns; the dashboard
 * tests (which check the real page) fail. A macro cannot tell `bun build` from a run from source (Bun.main
 * is empty in both), so this is the same for both; `make build` and the Dockerfile install first.
 */
export function dashboardPageHTML(): string {
  try {
    return buildPage();
  } catch (err) {
    const why = String(err).replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
    console.warn(`bnats: WARNING: the dashboard page could not be built (npm install?): ${String(err).split("\n")[0]}`);
    return `<!doctype html><title>bnats dashboard</title><h1>The dashboard was not built</h1><pre>${why}</pre>`;
  }
}
