// The `accounts {}` block, top-level `mappings` and the system account keys, side by side with
// nats-server 2.9.10: the same file to `nats-server -t -c` and to bnats's loader; the reference's
// stderr (after "nats-server: ") must be bnats's error lines, and "valid" must agree.
// Go walks config maps in random order, so for a few files the reference's verdict depends on that
// order (which account reports a duplicate user first, whether no_system_account was read before
// the accounts, ...): those rows (`random`) pass when bnats's answer is one of the reference's over
// several runs. Known deliberate differences are listed at the end.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { REPO_ROOT } from "../helpers/bnats.ts";
import { hasReference, REFERENCE_BINARY } from "../helpers/ref.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-accounts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [name, config, order-dependent in the reference] */
const ROWS: [string, string, boolean?][] = [
  ["reserved", "accounts {\n  $G: {}\n}\n"],
  ["dup_list", "accounts: [A, B, A]\n"],
  ["not_map", "accounts {\n  A: 5\n}\n"],
  ["token", "authorization { token: abc }\naccounts {\n  A: { users: [{user: a, password: a}] }\n}\n", true],
  ["dup_user", "accounts {\n  A: { users: [{user: a, password: a}] }\n  B: { users: [{user: a, password: b}] }\n}\n", true],
  ["dup_user_auth", "authorization { users: [{user: a, password: a}] }\naccounts {\n  B: { users: [{user: a, password: b}] }\n}\n", true],
  ["bad_nkey", "accounts {\n  A: { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }\n}\n"],
  ["stream_export_unknown", "accounts {\n  A: { exports: [{stream: \"x.>\", accounts: [Z]}] }\n}\n"],
  ["service_export_unknown", "accounts {\n  A: { exports: [{service: \"x.>\", accounts: [Z]}] }\n}\n"],
  ["import_unknown", "accounts {\n  A: { imports: [{stream: {account: Z, subject: x}}] }\n}\n"],
  ["simport_unknown", "accounts {\n  A: { imports: [{service: {account: Z, subject: x}}] }\n}\n"],
  ["stream_not_auth", "accounts {\n  A: { exports: [{stream: \"x.>\", accounts: [C]}] }\n  B: { imports: [{stream: {account: A, subject: \"x.>\"}}] }\n  C: {}\n}\n"],
  ["service_not_auth", "accounts {\n  A: { exports: [{service: \"x.>\", accounts: [C]}] }\n  B: { imports: [{service: {account: A, subject: \"x.>\"}}] }\n  C: {}\n}\n"],
  ["stream_not_exported", "accounts {\n  A: { }\n  B: { imports: [{stream: {account: A, subject: \"x.>\"}}] }\n}\n"],
  ["service_not_exported", "accounts {\n  A: { }\n  B: { imports: [{service: {account: A, subject: \"x\"}}] }\n}\n"],
  ["stream_cycle", "accounts {\n  A: { exports: [{stream: \"x.>\"}], imports: [{stream: {account: B, subject: \"x.>\"}}] }\n  B: { exports: [{stream: \"x.>\"}], imports: [{stream: {account: A, subject: \"x.>\"}}] }\n}\n"],
  ["service_cycle", "accounts {\n  A: { exports: [{service: \"x.>\"}], imports: [{service: {account: B, subject: \"x.>\"}}] }\n  B: { exports: [{service: \"x.>\"}], imports: [{service: {account: A, subject: \"x.>\"}}] }\n}\n"],
  ["bad_response_type", "accounts {\n  A: { exports: [{service: \"x\", response_type: weird}] }\n}\n"],
  ["response_on_stream", "accounts {\n  A: { exports: [{stream: \"x\", response_type: stream}] }\n}\n"],
  ["import_missing_subject", "accounts {\n  A: { imports: [{stream: {account: B}}] }\n  B: {}\n}\n"],
  ["dup_stream_import", "accounts {\n  A: { exports: [{stream: \"x.>\"}] }\n  B: { imports: [{stream: {account: A, subject: \"x.>\"}, prefix: a}, {stream: {account: A, subject: \"x.>\"}, prefix: b}] }\n}\n"],
  ["dup_service_import", "accounts {\n  A: { exports: [{service: \"x\"}, {service: \"y\"}] }\n  B: { imports: [{service: {account: A, subject: x}, to: z}, {service: {account: A, subject: y}, to: z}] }\n}\n"],
  ["unknown_acc_field", "accounts {\n  A: { foo: 1 }\n}\n"],
  ["unknown_export_field", "accounts {\n  A: { exports: [{stream: x, foo: 1}] }\n}\n"],
  ["exports_not_array", "accounts {\n  A: { exports: {stream: x} }\n}\n"],
  ["imports_not_array", "accounts {\n  A: { imports: 5 }\n}\n"],
  ["good_full", "accounts {\n  A: { users: [{user: a, password: a}], exports: [{stream: \"pub.>\"}, {service: \"svc.>\", response_type: stream, response_threshold: \"5s\"}] }\n  B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: \"pub.>\"}, prefix: froma}, {service: {account: A, subject: \"svc.>\"}, to: \"a.svc.>\", share: true}], mappings: { \"foo\": \"bar\", \"w\": [{destination: w1, weight: 30%}, {destination: w2, weight: 70}] } }\n  SYS: { users: [{user: sys, password: sys}] }\n}\nsystem_account: SYS\nno_auth_user: b\n"],
  ["token_pos_bad", "accounts {\n  A: { exports: [{service: \"x.y\", account_token_position: 2}] }\n}\n"],
  ["token_pos_ok", "accounts {\n  A: { exports: [{service: \"x.*\", account_token_position: 2}] }\n  B: { imports: [{service: {account: A, subject: \"x.B\"}}] }\n}\n"],
  ["token_pos_notauth", "accounts {\n  A: { exports: [{service: \"x.*\", account_token_position: 2}] }\n  B: { imports: [{service: {account: A, subject: \"x.C\"}}] }\n}\n"],
  ["mapping_bad_subject", "mappings {\n  \"a..b\": c\n}\n"],
  ["mapping_bad_dest", "mappings {\n  \"a.*\": \"b.$2\"\n}\n"],
  ["mapping_weight_over", "mappings {\n  a: [{destination: b, weight: 60}, {destination: c, weight: 60}]\n}\n"],
  ["mapping_weight_bad", "mappings {\n  a: [{destination: b, weight: 160}]\n}\n"],
  ["mapping_weight_str", "mappings {\n  a: [{destination: b, weight: \"x%\"}]\n}\n"],
  ["mapping_missing_weight", "mappings {\n  a: [{destination: b}]\n}\n"],
  ["mapping_unknown_field", "mappings {\n  a: [{destination: b, weight: 5, foo: 1}]\n}\n"],
  ["mapping_single_map", "mappings {\n  a: {destination: b, weight: 50}\n}\n"],
  ["mapping_fn_unknown", "mappings {\n  \"a.*\": \"b.{{nope(1)}}\"\n}\n"],
  ["sys_not_string", "system_account: 5\n"],
  ["latency_no_sys", "no_system_account: true\naccounts {\n  A: { exports: [{service: \"x\", latency: {sampling: 50, subject: lat}}] }\n}\n", true],
  ["latency_bad_sampling", "accounts {\n  A: { exports: [{service: \"x\", latency: {sampling: 500, subject: lat}}] }\n}\n"],
  ["limits_unknown", "accounts {\n  A: { limits: {max_conn: 5, foo: 1} }\n}\n"],
  ["stream_prefix_wc", "accounts {\n  A: { exports: [{stream: \"x.>\"}] }\n  B: { imports: [{stream: {account: A, subject: \"x.>\"}, prefix: \"p.*\"}] }\n}\n"],
  ["stream_to_bad", "accounts {\n  A: { exports: [{stream: \"x.*\"}] }\n  B: { imports: [{stream: {account: A, subject: \"x.*\"}, to: \"y.$2\"}] }\n}\n"],
  ["reserved_list", "accounts: [A, \"$G\"]\n"],
  ["bcrypt_nkey_perms", "accounts {\n  A: {\n    users: [\n      {user: a, password: \"$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG\", permissions: {publish: \"a.>\", subscribe: {deny: \"b\"}}}\n      {nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4}\n    ]\n    default_permissions: {publish: \"x\"}\n  }\n}\nno_auth_user: a\n"],
  ["dup_nkey", "accounts {\n  A: { users: [{nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4}] }\n  B: { users: [{nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4}] }\n}\n", true],
  ["acct_nkey_ok", "accounts {\n  A: { nkey: ABJHLOVMPA4CI6R5KLNGOB4GSLNIY7IOUPAJC4YFNDLQVIOBYQGUWVLA }\n}\n"],
  ["stream_to_wc_ok", "accounts {\n  A: { exports: [{stream: \"x.*.*\"}] }\n  B: { imports: [{stream: {account: A, subject: \"x.*.*\"}, to: \"y.$2.$1\"}] }\n}\n"],
  ["service_wc_to_ok", "accounts {\n  A: { exports: [{service: \"svc.*\"}] }\n  B: { imports: [{service: {account: A, subject: \"svc.*\"}, to: \"b.svc.*\"}] }\n}\n"],
  ["mapping_cluster_ok", "mappings {\n  a: [{destination: b, weight: 40, cluster: c1}, {destination: c, weight: 60}]\n}\n"],
  ["sys_list_form", "accounts: [A, SYS]\nsystem_account: SYS\n"],
  ["export_accounts_public_reexport", "accounts {\n  A: { exports: [{stream: \"x\", accounts: [B]}, {stream: \"x\"}] }\n  B: {}\n  C: { imports: [{stream: {account: A, subject: x}}] }\n}\n"],
  ["import_not_map", "accounts {\n  A: { imports: [\"x\"] }\n}\n"],
  ["export_not_map", "accounts {\n  A: { exports: [\"x\"] }\n}\n"],
  ["dup_response", "accounts {\n  A: { exports: [{service: x, response: stream, response_type: chunked}] }\n}\n", true],
  ["bad_threshold", "accounts {\n  A: { exports: [{service: x, response_threshold: \"abc\"}] }\n}\n"],
];

function ours(file: string): string {
  try {
    const r = loadConfig(file);
    return r.warnings.length > 0 ? r.warnings.join("\n") : "valid";
  } catch (e) {
    if (e instanceof ConfigError) return e.errors.map((x) => x.message).join("\n");
    throw e;
  }
}

function reference(file: string): string {
  const r = spawnSync(REFERENCE_BINARY, ["-t", "-c", file], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? "valid" : r.stderr.trim().replace(/^nats-server: /, "");
}

describe.skipIf(!hasReference())("accounts config: the reference's verdict and words", () => {
  for (const [name, text, random] of ROWS) {
    test(name, () => {
      const file = join(dir, `${name}.conf`);
      writeFileSync(file, text);
      const mine = ours(file);
      const seen = new Set<string>();
      for (let i = 0; i < (random ? 12 : 1); i++) {
        seen.add(reference(file));
        if (seen.has(mine)) break;
      }
      expect([...seen]).toContain(mine);
    });
  }
});

describe("deliberate differences", () => {
  const write = (name: string, text: string): string => {
    const f = join(dir, `${name}.conf`);
    writeFileSync(f, text);
    return f;
  };
  test("a stream import with prefix and to is always an error (the reference only when `to` is read last)", () => {
    const f = write("prefix-to", 'accounts {\n  A: { exports: [{stream: "x.>"}] }\n  B: { imports: [{stream: {account: A, subject: "x.>"}, prefix: p, to: "q.>"}] }\n}\n');
    expect(ours(f)).toBe(`${f}:3:68: Stream import can not have a 'prefix' and a 'to' property`);
  });
});

describe("the parsed accounts", () => {
  test("users carry their account; exports and imports are resolved", () => {
    const f = join(dir, "full.conf");
    writeFileSync(
      f,
      `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "pub.>"}, {service: "svc.>", response_type: stream, response_threshold: "5s"}] }
  B: {
    users: [{user: b, password: b}]
    default_permissions: {publish: "b.>"}
    imports: [{stream: {account: A, subject: "pub.>"}, prefix: froma}, {service: {account: A, subject: "svc.>"}, to: "a.svc.>", share: true}]
    mappings: { foo: bar, w: [{destination: w1, weight: "30%"}, {destination: w2, weight: 70}] }
  }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
no_auth_user: b
mappings: { g: h }
`,
    );
    const o = loadConfig(f).options;
    expect(o.users).toEqual([
      { username: "a", password: "a", account: "A" },
      { username: "b", password: "b", account: "B", permissions: { publish: { allow: ["b.>"] } } },
      { username: "sys", password: "sys", account: "SYS" },
    ]);
    expect(o.systemAccount).toBe("SYS");
    const [a, b, , g] = o.accounts!;
    expect(a!.streamExports).toEqual([{ subject: "pub.>", accountTokenPosition: 0 }]);
    expect(a!.serviceExports).toEqual([{ subject: "svc.>", accountTokenPosition: 0, responseType: "Streamed", responseThreshold: 5000 }]);
    expect(b!.streamImports).toEqual([{ account: "A", subject: "pub.>", to: "froma.pub.>", prefix: "froma." }]);
    expect(b!.serviceImports).toEqual([{ account: "A", subject: "svc.>", to: "a.svc.>", share: true }]);
    expect(b!.mappings).toEqual([
      { source: "foo", destinations: [{ subject: "bar", weight: 100 }] },
      { source: "w", destinations: [{ subject: "w1", weight: 30 }, { subject: "w2", weight: 70 }] },
    ]);
    expect(g).toMatchObject({ name: "$G", mappings: [{ source: "g", destinations: [{ subject: "h", weight: 100 }] }] });
  });
});

describe("the binary: exit code 1 and one line per error, -t included", () => {
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "src", "main.ts"), ...args], { encoding: "utf8", timeout: 20_000 });
    return { code: r.status, err: r.stderr };
  };
  test("-t with an import of something not exported", () => {
    const f = join(dir, "bin1.conf");
    writeFileSync(f, 'accounts {\n  A: { }\n  B: { imports: [{service: {account: A, subject: "x"}}] }\n}\n');
    expect(run("-t", "-c", f)).toEqual({ code: 1, err: `bnats: ${f}:1:0: Error adding service import "x": service import not authorized\n` });
  });
  test("system_account naming no account: -t passes, the start fails (configureAccounts)", () => {
    const f = join(dir, "bin2.conf");
    writeFileSync(f, "system_account: NOPE\n");
    expect(run("-t", "-c", f).code).toBe(0);
    expect(run("-c", f, "-p", "-1")).toEqual({ code: 1, err: "bnats: error resolving system account: account missing\n" });
  });
});
