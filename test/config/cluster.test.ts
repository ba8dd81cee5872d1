// The cluster {} block (opts.go parseCluster): values, and errors/warnings as the reference reports
// them; `-t` of the same files on both binaries where the reference is installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { mergeOptions } from "../../src/options.ts";
import { binaryRunner } from "../helpers/cli.ts";
import { hasReference } from "../helpers/ref.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-cluster-conf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(text: string): string {
  const p = join(dir, `c${++n}.conf`);
  writeFileSync(p, text);
  return p;
}
function load(text: string) {
  const r = loadConfig(write(text));
  delete r.options.configFile;
  return r;
}
function errors(text: string): string[] {
  try {
    loadConfig(write(text));
  } catch (e) {
    if (e instanceof ConfigError) return e.errors.map((x) => x.message.replace(/^.*?\.conf:/, "F:"));
    throw e;
  }
  return [];
}

describe("cluster block", () => {
  test("every key", () => {
    const r = load(`cluster {
  name: C1
  listen: "127.0.0.1:6333"
  authorization { user: ru, password: rp, timeout: 3 }
  routes: [ nats-route://ru:rp@127.0.0.1:6334, "nats://127.0.0.1:6335" ]
  advertise: "10.0.0.1:6333"
  no_advertise: true
  connect_retries: 5
  permissions { import: ["a.>"], export: { allow: ["b.>"], deny: ["b.c"] } }
}`);
    expect(r.options).toEqual({
      clusterName: "C1",
      clusterHost: "127.0.0.1",
      clusterPort: 6333,
      clusterUsername: "ru",
      clusterPassword: "rp",
      clusterAuthTimeout: 3000,
      routes: ["nats-route://ru:rp@127.0.0.1:6334", "nats://127.0.0.1:6335"],
      clusterAdvertise: "10.0.0.1:6333",
      clusterNoAdvertise: true,
      clusterConnectRetries: 5,
      clusterPermissions: { import: { allow: ["a.>"] }, export: { allow: ["b.>"], deny: ["b.c"] } },
    });
    expect(r.warnings).toEqual([]);
    expect(r.notes).toEqual([]);
  });

  test("host/port/net and the derived defaults", () => {
    const o = mergeOptions(load("cluster { port: -1 }").options, {});
    expect(o.clusterPort).toBe(-1);
    expect(o.clusterHost).toBe("0.0.0.0");
    expect(o.clusterAuthTimeout).toBe(2000);
    expect(mergeOptions(load("cluster { net: h, port: 7 }").options, {}).clusterHost).toBe("h");
    expect(mergeOptions({}, {}).clusterPort).toBe(0);
  });

  test("flags override single fields of the file's cluster", () => {
    const o = mergeOptions(load("cluster { name: a, port: 6222, authorization { user: u, password: p } }").options, {
      clusterHost: "127.0.0.1",
      clusterPort: 7000,
      clusterUsername: "",
      clusterPassword: "",
    });
    expect([o.clusterName, o.clusterHost, o.clusterPort, o.clusterUsername]).toEqual(["a", "127.0.0.1", 7000, ""]);
  });

  test("errors and warnings with the reference's texts", () => {
    expect(errors("cluster: 5")).toEqual(["F:1:0: Expected map to define cluster, got int64"]);
    expect(errors("cluster { authorization { users: [ {user: a, password: b} ] } }")).toEqual([
      "F:1:10: Cluster authorization does not allow multiple users",
    ]);
    expect(errors("cluster { authorization { token: x } }")).toEqual(["F:1:10: Cluster authorization does not support tokens"]);
    expect(errors("cluster { permissions { publish: a, allow_responses: true } }")).toEqual([
      "F:1:10: Cluster permissions do not support dynamic responses",
    ]);
    expect(errors('cluster {\n  routes: ["::x"]\n  foo: 1\n}')).toEqual([
      'F:2:13: error parsing route url ["::x"]',
      'F:3:3: unknown field "foo"',
    ]);
    const r = { ...load('cluster { port: 1, routes: ["nats://h:1", "nats://h:1"] }'), file: join(dir, `c${n}.conf`) };
    expect(r.options.routes).toEqual(["nats://h:1"]);
    expect(r.warnings).toEqual([`${r.file}:1:43: invalid use of field "nats://h:1": Duplicate route entry detected`]);
  });
});

describe.if(hasReference())("-t against the reference", () => {
  const bin = binaryRunner("bnats-cluster-t-");
  beforeAll(() => bin.prepare(), 120_000);
  afterAll(() => bin.cleanUp());
  const files = [
    "cluster { name: a, listen: 127.0.0.1:6222, routes: [nats://127.0.0.1:6223] }",
    "cluster { authorization { token: x } }",
    "cluster { authorization { users: [ {user: a, password: b} ] } }",
    "cluster { permissions { publish: a, allow_responses: true } }",
    "cluster {\n  routes: [\"::x\"]\n}",
    'cluster { port: 1, routes: ["nats://h:1", "nats://h:1"] }',
    "cluster { bogus: 1 }",
    "cluster: 5",
    "cluster { port: 1, authorization { user: a, password: b, permissions: { publish: x } } }",
  ];
  for (const text of files) {
    test(text.replace(/\n/g, " "), () => {
      const f = write(text);
      const a = bin.bnats("-t", "-c", f);
      const b = bin.ref("-t", "-c", f);
      expect(a.code).toBe(b.code);
      const clean = (s: string) => s.replace(/^(nats-server|bnats): /gm, "").trim();
      expect(clean(a.err)).toBe(clean(b.err));
    });
  }
});
