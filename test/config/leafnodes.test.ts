// The `leafnodes {}` block against the reference: `nats-server -t` gives the verdict and the message of
// parse-time errors (same file:line:col and text); validateLeafNode's checks (run by the reference at
// start-up) are compared with a start of nats-server, which exits 1 with the message.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { mergeOptions, OptionsError } from "../../src/options.ts";
import { hasReference, REFERENCE_BINARY } from "../helpers/ref.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-leafcfg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(text: string): string {
  const f = join(dir, `t${n++}.conf`);
  writeFileSync(f, text + "\n");
  return f;
}

/** bnats' verdict: "" when valid, else the first message (as `nats-server: <msg>`). */
function ours(file: string, startup: boolean): string {
  try {
    const r = loadConfig(file);
    if (r.warnings.length > 0) return r.warnings[0]!;
    if (startup) mergeOptions(r.options, { port: -1 });
    return "";
  } catch (e) {
    if (e instanceof ConfigError || e instanceof OptionsError) return e.message;
    throw e;
  }
}

function reference(file: string, startup: boolean): string {
  const args = startup ? ["-c", file, "-p", "-1", "-a", "127.0.0.1", "--http_port", "0"] : ["-t", "-c", file];
  const r = spawnSync(REFERENCE_BINARY, args, { encoding: "utf8", timeout: 3000 });
  if (r.status === 0 || (startup && r.status === null)) return "";
  return r.stderr.replace(/^nats-server: /, "").trim().split("\n").pop()!.replace(/^.*\[FTL\] /, "");
}

const parseRows: [string, string][] = [
  ["valid spoke", 'leafnodes { remotes: [ {url: "nats-leaf://u:p@127.0.0.1:7422", account: "$G", hub: false, no_randomize: true, deny_imports: ["a.>", "b q"], deny_exports: "c"} ], reconnect: 2 }'],
  ["valid hub", 'leafnodes { listen: "127.0.0.1:7422", authorization { users: [{user: a, password: b, account: "$G"}], timeout: 2 }, advertise: "h:1", no_advertise: true, min_version: "2.8.0" }'],
  ["urls array", 'leafnodes { remotes: [ {urls: ["nats://a:1", "tls://b"], credentials: "/tmp/x.creds"} ] }'],
  ["single user and users", "leafnodes { port: 7422, authorization { user: a, password: b, users: [{user: c, password: d}] } }"],
  ["duplicate user", "leafnodes { authorization { users: [{user: c, password: d}, {user: c, password: e}] } }"],
  ["min_version too low", 'leafnodes { min_version: "2.7.0" }'],
  ["min_version short", 'leafnodes { min_version: "2" }'],
  ["min_version garbage", 'leafnodes { min_version: "abc" }'],
  ["duplicate url (warning)", 'leafnodes { remotes: [ {urls: ["nats://a:1", "nats://a:1"]} ] }'],
  ["bad url port", 'leafnodes { remotes: [ {url: "nats://a:bad"} ] }'],
  ["bad deny subject", 'leafnodes { remotes: [ {url: "nats://a:1", deny_imports: "a..b"} ] }'],
  ["unknown remote field", 'leafnodes { remotes: [ {url: "nats://a:1", foo: 1} ] }'],
  ["nkey on a remote (not in 2.9.10)", 'leafnodes { remotes: [ {url: "nats://a:1", nkey: "U"} ] }'],
  ["remotes not an array", 'leafnodes { remotes: {url: "nats://a:1"} }'],
  ["leafnodes not a map", "leafnodes: 5"],
  ["unknown leafnodes field", "leafnodes { foo: 1 }"],
  ["unknown authorization field", "leafnodes { authorization { token: x } }"],
  ["unknown user field", "leafnodes { authorization { users: [{user: a, nkey: b}] } }"],
];

const startupRows: [string, string][] = [
  ["remote account not defined", 'leafnodes { remotes: [ {url: "nats://a:1", account: NOPE} ] }'],
  ["authorization account not defined", 'leafnodes { port: -1, authorization { account: NOPE } }'],
  ["user account not defined", "leafnodes { port: -1, authorization { users: [{user: a, password: b, account: NOPE}] } }"],
  ["ws and non-ws urls", 'leafnodes { remotes: [ {urls: ["nats://u:p@a:1", "ws://b:2"]} ] }'],
];

describe.skipIf(!hasReference())("leafnodes {} as nats-server -t", () => {
  for (const [name, text] of parseRows) {
    test(name, () => {
      const f = write(text);
      expect(ours(f, false)).toBe(reference(f, false));
    });
  }
});

describe.skipIf(!hasReference())("leafnodes {} checks at start-up as nats-server", () => {
  for (const [name, text] of startupRows) {
    test(name, () => {
      const f = write(text);
      const want = reference(f, true);
      expect(want).not.toBe("");
      expect(ours(f, true)).toBe(want);
    });
  }
});

describe("leafnodes {} options", () => {
  test("remotes and accept side map onto Options", () => {
    const f = write(
      'leafnodes { listen: "127.0.0.1:-1", authorization { user: a, password: b, timeout: 1.5 }, reconnect: 3\n remotes: [ {url: "nats-leaf://u:p@h", hub: true, deny_exports: ["x.>"]} ] }',
    );
    const o = mergeOptions(loadConfig(f).options, {}).leafnodes;
    expect(o.host).toBe("127.0.0.1");
    expect(o.port).toBe(-1);
    expect(o.username).toBe("a");
    expect(o.authTimeout).toBe(1500);
    expect(o.reconnectInterval).toBe(3000);
    expect(o.remotes).toHaveLength(1);
    expect(o.remotes[0]).toMatchObject({ urls: ["nats-leaf://u:p@h:7422"], hub: true, denyExports: ["x.>"], localAccount: "" });
  });
  test("defaults", () => {
    const o = mergeOptions({}, {}).leafnodes;
    expect(o).toMatchObject({ port: 0, reconnectInterval: 1000, remotes: [] });
  });
});
