// Records the reference's monitoring responses as fixtures: `bun test/monitor/capture.ts`.
// For each scenario of scenario.ts, starts /usr/sbin/nats-server with the scenario's configuration, runs
// the same client traffic, sends every request and writes test/monitor/fixtures/<scenario>.json.
// Those files are the spec the differential test uses when nats-server is not installed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasReference, startReference } from "../helpers/ref.ts";
import { runScenario, SCENARIOS } from "./scenario.ts";

export interface Fixture {
  scenario: string;
  reference: string;
  /** The reference's log lines about the monitoring listeners. */
  monitorLog: string[];
  responses: Awaited<ReturnType<typeof runScenario>>;
}

if (!hasReference()) {
  console.error("nats-server is not installed");
  process.exit(1);
}

for (const spec of SCENARIOS) {
  const ref = await startReference({ config: spec.config, args: spec.args });
  try {
    const responses = await runScenario(ref.port, { httpPort: ref.httpPort, httpsPort: ref.httpsPort }, spec);
    const monitorLog = ref
      .logs()
      .split("\n")
      .filter((l) => /monitor on/.test(l))
      .map((l) => l.replace(/^\[\d+\] \S+ \S+ /, ""));
    const fixture: Fixture = { scenario: spec.name, reference: "nats-server 2.9.10", monitorLog, responses };
    writeFileSync(join(import.meta.dir, "fixtures", `${spec.name}.json`), JSON.stringify(fixture, null, 1) + "\n");
    console.log(`${spec.name}: ${responses.length} responses`);
  } finally {
    await ref.stop();
  }
}
