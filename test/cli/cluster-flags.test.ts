// The cluster flags on the compiled binary beside the reference: bad --cluster URLs and --routes without a
// cluster listen address fail with the same line and exit code (reported after the config file is read,
// and not at all with -t, as ConfigureOptions).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasReference } from "../helpers/ref.ts";
import { binaryRunner } from "../helpers/cli.ts";

const runner = binaryRunner("bnats-cli-cluster-");
beforeAll(() => runner.prepare(), 120_000);
afterAll(() => runner.cleanUp());

const conf = join(runner.work, "c.conf");
writeFileSync(conf, "port: -1\n");
const withCluster = join(runner.work, "cl.conf");
writeFileSync(withCluster, "port: -1\ncluster { port: -1 }\n");

const CASES: string[][] = [
  ["--routes", "nats://127.0.0.1:4248"],
  ["-c", conf, "--routes", "nats://127.0.0.1:4248"],
  ["--cluster", "localhost:6222"],
  ["--cluster", "nats://a:b@127.0.0.1:x"],
  ["--cluster", "nats://a@127.0.0.1:6222"],
  ["--cluster", "nats://127.0.0.1"],
  ["--cluster", "::foo"],
  ["--cluster_listen", "nats://[::1"],
  ["--cluster", "127.0.0.1:-1"],
  ["--cluster", "nats://127.0.0.1:"],
  ["--cluster", "nats://127.0.0.1:abc"],
  // -t reports the file only (nats-server returns before the flags' special handling).
  ["-t", "-c", conf, "--cluster", "::foo", "--routes", "nats://h:1"],
  ["-t", "-c", withCluster, "--routes", "nats://h:1"],
];

const clean = (s: string) =>
  s
    .replace(/^(nats-server|bnats): /gm, "")
    .replace(/^Usage: .*$/gm, "Usage")
    .replace(/\n\s*\n/g, "\n")
    .trim()
    .split("\n")[0];

describe.if(hasReference())("cluster flags: same error and exit code as nats-server", () => {
  for (const args of CASES) {
    test(args.join(" ").replace(runner.work, "W"), () => {
      const a = runner.bnats("-p", "-1", ...args);
      const b = runner.ref("-p", "-1", ...args);
      expect(clean(a.err)).toBe(clean(b.err));
      expect(a.code).toBe(b.code);
    });
  }
});

describe.if(hasReference())("fatal cluster start-up errors: the same [FTL] line and exit code", () => {
  const ftl = (s: string) => /\[FTL\] (.*)/.exec(s)?.[1];
  test("the route port in use; a cluster_advertise that does not parse", async () => {
    const busy = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      for (const args of [
        ["--cluster", `nats://127.0.0.1:${busy.port}`],
        ["--cluster", "nats://127.0.0.1:-1", "--cluster_advertise", "a:b:c"],
        ["--cluster", "nats://127.0.0.1:-1", "--cluster_advertise", "h:x"],
      ]) {
        const a = runner.bnats("-p", "-1", ...args);
        const b = runner.ref("-p", "-1", ...args);
        expect(ftl(a.err)).toBeDefined();
        expect(ftl(a.err)).toBe(ftl(b.err));
        expect(a.code).toBe(b.code);
      }
    } finally {
      busy.stop(true);
    }
  });
});
