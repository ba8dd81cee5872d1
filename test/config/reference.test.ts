// Differential check of the loader against the reference: `nats-server -t -c FILE` (v2.9.10) says
// whether a configuration is valid (exit 0) or not (exit 1, warnings included). Each row states both
// verdicts; where they differ the row says why (a bnats choice documented in src/config/load.ts).
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { testCerts } from "../helpers/certs.ts";
import { hasReference, REFERENCE_BINARY } from "../helpers/ref.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-refcfg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NKEY = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";

interface Row {
  name: string;
  config: string | (() => string);
  /** nats-server -t accepts it. */
  ref: boolean;
  /** bnats accepts it (no error, no "invalid use of field" warning). Defaults to ref. */
  ours?: boolean;
  /** Why the verdicts differ. */
  why?: string;
  env?: Record<string, string>;
  files?: Record<string, string>;
}

const tlsBase = () => {
  const c = testCerts();
  return `cert_file: "${c.server.cert}"\n  key_file: "${c.server.key}"\n  ca_file: "${c.ca.cert}"`;
};

const rows: Row[] = [
  { name: "empty", config: "", ref: true },
  { name: "port, listen, host", config: "port: 4222\nhost: 127.0.0.1\nlisten: 127.0.0.1:4333", ref: true },
  { name: "http host:port and monitor_port", config: 'http: "127.0.0.1:8222"\nmonitor_port: 8223\nhttps_port: 8443', ref: true },
  { name: "limits with sizes", config: "max_payload: 2MB\nmax_pending: 64MB\nmax_control_line: 4KB\nmax_connections: 10\nmax_subscriptions: 5", ref: true },
  { name: "durations as strings", config: 'ping_interval: "30s"\nwrite_deadline: "10s"\nlame_duck_duration: "30s"\nlame_duck_grace_period: "5s"', ref: true },
  { name: "ping_interval in seconds (a warning fails -t)", config: "ping_interval: 30", ref: false },
  { name: "logging", config: "debug: true\ntrace: false\ntrace_verbose: false\nlogtime: true\nlog_file: /tmp/x.log\nlogfile_size_limit: 1MB\nsyslog: false", ref: true },
  { name: "files", config: "pid_file: /tmp/x.pid\nports_file_dir: /tmp\nserver_name: n1\nserver_tags: [a, b]\nno_header_support: true", ref: true },
  {
    name: "authorization users and permissions",
    config: `authorization {
  default_permissions { publish: "_INBOX.>" }
  timeout: 1.5
  users: [
    {user: a, password: b, permissions: {publish: {allow: ["x.>"], deny: "x.y"}, subscribe: "q", allow_responses: {max: 3, expires: "1m"}}}
    {user: c, password: d, allowed_connection_types: ["STANDARD"]}
    {nkey: ${NKEY}}
  ]
}
no_auth_user: a`,
    ref: true,
  },
  { name: "token", config: "authorization { token: s3cr3t, timeout: 2 }", ref: true },
  { name: "user and token", config: "authorization { user: a, password: b, token: t }", ref: false },
  { name: "duplicate user", config: "authorization { users: [{user: a, password: b}, {user: a, password: c}] }", ref: false },
  { name: "bad nkey", config: "authorization { users: [{nkey: UABC}] }", ref: false },
  { name: "bad permission subject", config: "authorization { permissions { publish: 'a..b' } }", ref: false },
  { name: "unknown permission field", config: "authorization { permissions { inbox: a } }", ref: false },
  { name: "unknown authorization field", config: "authorization { foo: bar }", ref: false },
  { name: "allow_responses of a wrong type", config: "authorization { permissions { allow_responses: 5 } }", ref: false },
  { name: "unknown top-level field", config: 'monitor = "127.0.0.1:4442"', ref: false },
  { name: "variable makes a key known", config: "P = 4333\nport: $P", ref: true },
  { name: "string where a number is required", config: 'port: "abc"', ref: false },
  { name: "float where an integer is required", config: "port: 1.5", ref: false },
  { name: "lame_duck_duration under 30s", config: 'lame_duck_duration: "10s"', ref: false },
  { name: "lexer error", config: "port: 4222\nfoo {\n  a: [1, 2\n", ref: false },
  { name: "missing variable", config: "port: $BNATS_SURELY_UNSET", ref: false },
  { name: "missing include", config: 'include "nope.conf"', ref: false },
  { name: "include", config: "include inc.conf\nport: 4333", files: { "inc.conf": "debug: true\n" }, ref: true },
  { name: "environment variable", config: "server_name: $BNATS_REF_NAME", env: { BNATS_REF_NAME: "n-1" }, ref: true },
  { name: "tls", config: () => `tls {\n  ${tlsBase()}\n  verify: true\n  timeout: 0.5\n  cipher_suites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]\n  curve_preferences: ["CurveP256"]\n}\nallow_non_tls: true`, ref: true },
  { name: "tls verify_and_map, pinned certs, rate limit", config: () => `tls {\n  ${tlsBase()}\n  verify_and_map: true\n  pinned_certs: ["${"a".repeat(64)}"]\n  connection_rate_limit: 10\n  timeout: "2s"\n}`, ref: true },
  { name: "tls unknown field", config: () => `tls {\n  ${tlsBase()}\n  foo: 1\n}`, ref: false },
  { name: "tls missing key", config: () => `tls {\n  cert_file: "${testCerts().server.cert}"\n}`, ref: false },
  { name: "tls missing cert file", config: () => `tls {\n  cert_file: "/nonexistent.pem"\n  key_file: "/nonexistent.key"\n}`, ref: false },
  { name: "tls bad cipher", config: () => `tls {\n  ${tlsBase()}\n  cipher_suites: ["NOPE"]\n}`, ref: false },
  {
    name: "Docker image config",
    config: 'port: 4222\nmonitor_port: 8222\ncluster {\n  name: "my_cluster"\n  port: 6222\n  routes = []\n}\n',
    ref: true,
  },
  {
    name: "Helm chart JSON",
    config: '{\n  include ./auth.conf;\n  "http_port": 8222,\n  "lame_duck_duration": "30s",\n  "lame_duck_grace_period": "10s",\n  "pid_file": "/var/run/nats/nats.pid",\n  "port": 4222,\n  "server_name": $POD_NAME\n}\n',
    files: { "auth.conf": 'authorization {\n  token: "s3cr3t"\n}\n' },
    env: { POD_NAME: "nats-0" },
    ref: true,
  },
  { name: "accounts without users", config: "accounts { A: {} }", ref: true },
  { name: "accounts with users", config: "accounts { A: { users: [ {user: a, password: b} ] } }", ref: true },
  { name: "jetstream, websocket, leafnodes blocks", config: "jetstream { max_mem: 1G }\nwebsocket { port: 8080, no_tls: true }\nleafnodes { port: 7422 }", ref: true },
  { name: "negative max_connections (unlimited in both)", config: "max_connections: -1", ref: true },
  // Deliberate differences.
  { name: "negative max_payload", config: "max_payload: -1", ref: true, ours: false, why: "bnats rejects negative sizes" },
  { name: "port out of range", config: "port: 70000", ref: true, ours: false, why: "-t does not listen; bnats checks the range" },
  { name: "max_closed_clients", config: "max_closed_clients: 100", ref: false, ours: true, why: "bnats extension" },
  { name: "metrics_prefix", config: "metrics_prefix: bnats", ref: false, ours: true, why: "bnats extension" },
  { name: "tls handshake_first", config: () => `tls {\n  ${tlsBase()}\n  handshake_first: "auto"\n}`, ref: false, ours: true, why: "nats-server 2.10 feature" },
  { name: "tls min_version", config: () => `tls {\n  ${tlsBase()}\n  min_version: "1.3"\n}`, ref: false, ours: true, why: "nats-server 2.10 feature" },
];

function ours(file: string): boolean {
  try {
    const r = loadConfig(file);
    return r.warnings.length === 0;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

describe.skipIf(!hasReference())("nats-server -t agrees", () => {
  rows.forEach((row, i) => {
    test(row.name, () => {
      const sub = join(dir, String(i));
      mkdirSync(sub, { recursive: true });
      for (const [name, text] of Object.entries(row.files ?? {})) writeFileSync(join(sub, name), text);
      const file = join(sub, "test.conf");
      writeFileSync(file, typeof row.config === "function" ? row.config() : row.config);
      const saved: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(row.env ?? {})) {
        saved[k] = process.env[k];
        process.env[k] = v;
      }
      try {
        const r = spawnSync(REFERENCE_BINARY, ["-t", "-c", file], { env: process.env, encoding: "utf8", timeout: 10_000 });
        const refValid = r.status === 0;
        expect({ ref: refValid, out: refValid ? "" : r.stderr }).toMatchObject({ ref: row.ref });
        expect(ours(file)).toBe(row.ours ?? row.ref);
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    });
  });
});
