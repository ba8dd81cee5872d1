// Differential test: for every scenario of scenario.ts (same configuration, same client traffic, same
// requests), bnats and nats-server answer with the same status, content type, error texts, and JSON
// shape (the set of key paths and their JSON types). Live against /usr/sbin/nats-server when installed,
// against the recorded fixtures (test/monitor/fixtures/*.json) otherwise.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import type { Options } from "../../src/options.ts";
import { startBnats } from "../helpers/bnats.ts";
import { hasReference, startReference } from "../helpers/ref.ts";
import type { Fixture } from "./capture.ts";
import { runScenario, SCENARIOS, type CapturedResponse, type ScenarioSpec } from "./scenario.ts";
import { bodyJSON, diffShapes, shapeOf } from "./shape.ts";

const LIVE = hasReference() && process.env.MONITOR_DIFF_FIXTURES !== "1";

/**
 * Where bnats knowingly differs, with why. Keyed by "<scenario> <method> <path>"; each entry lists the
 * shape lines allowed to differ (or "status" for a status/content difference).
 */
const KNOWN: Record<string, { lines?: RegExp; status?: true; why: string }> = {
  "varz": {
    lines: /^\+ \.(slow_consumer_stats|tls_cert_not_after)/,
    why: "bnats adds nats-server 2.10's slow_consumer_stats block (2.9.10 has only slow_consumers) and, with TLS, tls_cert_not_after",
  },
  "GET /accountz?acc=$G": {
    lines: /^- \.account_detail\.imports/,
    why: "the reference lists the system account's service imports into $G; bnats runs no system services",
  },
  "GET /subsz?subs=1&offset=1&limit=2": {
    lines: /^[+-] \.subscriptions_list\[\]\.(qgroup|max): /,
    why: "a page's contents depend on sublist order, and the reference's list also holds its system subscriptions",
  },
  "GET /./varz": {
    status: true,
    why: "Bun resolves '/./' in the URL before any handler sees it, so ServeMux's 301 cannot be reproduced",
  },
};

function known(r: CapturedResponse): (typeof KNOWN)[string] | undefined {
  return KNOWN[`${r.method} ${r.path}`];
}

/** Scenario config text -> bnats options, through bnats's own config loader. */
function optionsFor(spec: ScenarioSpec, dir: string): Partial<Options> {
  const opts: Partial<Options> = {};
  if (spec.config !== undefined) {
    const file = join(dir, `${spec.name}.conf`);
    writeFileSync(file, spec.config);
    Object.assign(opts, loadConfigFile(file));
  }
  const m = spec.args.indexOf("-m");
  if (m >= 0) opts.httpPort = Number(spec.args[m + 1]);
  return opts;
}

async function referenceResponses(spec: ScenarioSpec): Promise<CapturedResponse[]> {
  if (!LIVE) {
    const fixture = JSON.parse(readFileSync(join(import.meta.dir, "fixtures", `${spec.name}.json`), "utf8")) as Fixture;
    return fixture.responses;
  }
  const ref = await startReference({ config: spec.config, args: spec.args });
  try {
    return await runScenario(ref.port, { httpPort: ref.httpPort, httpsPort: ref.httpsPort }, spec);
  } finally {
    await ref.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), "monitor-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`monitoring endpoints vs nats-server (${LIVE ? "live" : "fixtures"})`, () => {
  for (const spec of SCENARIOS) {
    test(spec.name, async () => {
      const server = await startBnats({ options: optionsFor(spec, dir) });
      try {
        const ours = await runScenario(server.port, { httpPort: server.httpPort, httpsPort: server.httpsPort }, spec);
        const theirs = await referenceResponses(spec);
        expect(ours.length).toBe(theirs.length);
        const problems: string[] = [];
        for (let i = 0; i < ours.length; i++) {
          const a = theirs[i] as CapturedResponse;
          const b = ours[i] as CapturedResponse;
          const label = `${b.method} ${b.path}`;
          const k = known(b);
          if (a.status !== b.status || a.contentType !== b.contentType || a.nosniff !== b.nosniff || a.location !== b.location) {
            if (!k?.status) {
              problems.push(`${label}: status/headers ${a.status} ${a.contentType} vs bnats ${b.status} ${b.contentType}`);
            }
            continue;
          }
          const ja = bodyJSON(a);
          const jb = bodyJSON(b);
          if (ja === undefined || jb === undefined || a.contentType?.startsWith("text/html")) {
            // Error texts, 404s, the index page: byte for byte (the index page differs only by nothing).
            if (a.body !== b.body) problems.push(`${label}: body ${JSON.stringify(a.body.slice(0, 200))} vs bnats ${JSON.stringify(b.body.slice(0, 200))}`);
            continue;
          }
          let diff = diffShapes(shapeOf(ja), shapeOf(jb));
          const allow = k?.lines ?? (b.path.includes("varz") ? KNOWN.varz?.lines : undefined);
          if (allow) diff = diff.filter((l) => !allow.test(l));
          if (diff.length > 0) problems.push(`${label}:\n    ${diff.join("\n    ")}`);
        }
        expect(problems).toEqual([]);
      } finally {
        await server.stop();
      }
    });
  }
});
