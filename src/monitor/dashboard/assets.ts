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

/** The complete page. Replacements use functions: `$&` and friends in minified code must stay literal. */
export function dashboardPageHTML(): string {
  const html = readFileSync(join(CLIENT, "index.html"), "utf8");
  const css = `${uplotCSS()}\n${readFileSync(join(CLIENT, "style.css"), "utf8")}`;
  // "</script" inside the script (a string literal somewhere) would end the element early.
  const js = bundleClient().replace(/<\/(script)/gi, "<\\/$1");
  return html.replace("/*STYLE*/", () => css).replace("/*SCRIPT*/", () => js);
}
