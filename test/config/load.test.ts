// The configuration loader: every key onto Options, every error and warning, includes and variables,
// the Helm chart's and the Docker image's configurations.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, configToOptions, loadConfig, loadConfigFile } from "../../src/config/load.ts";
import { parseTokens } from "../../src/config/parser.ts";
import { mergeOptions, type Options } from "../../src/options.ts";
import { testCerts } from "../helpers/certs.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-load-"));
/** The nats-server.conf shipped in the official Docker image (the parser and load tests both read it). */
const DOCKER_IMAGE_CONF = readFileSync(join(import.meta.dir, "fixtures/docker-nats-server.conf"), "utf8");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function write(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** Loads config text from a fresh file; returns options and warnings. */
function load(text: string): { options: Partial<Options>; warnings: string[]; notes: string[]; file: string } {
  const file = write(`c${++n}.conf`, text);
  const r = loadConfig(file);
  delete r.options.configFile;
  return { ...r, file };
}

function opts(text: string): Partial<Options> {
  return load(text).options;
}

/** The ConfigError of a config text; its message with the temp file name replaced by "F". */
function err(text: string): string {
  const file = write(`e${++n}.conf`, text);
  try {
    loadConfigFile(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.message).not.toContain("\n");
    return e.message.split(file).join("F");
  }
  throw new Error(`expected a ConfigError for: ${text}`);
}

const NKEY = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";

describe("server keys", () => {
  test("listen forms", () => {
    expect(opts("listen: 127.0.0.1:4333")).toEqual({ host: "127.0.0.1", port: 4333 });
    expect(opts("listen: localhost:4333")).toEqual({ host: "localhost", port: 4333 });
    expect(opts("listen: :4333")).toEqual({ port: 4333 });
    expect(opts("listen: 4333")).toEqual({ port: 4333 });
    expect(opts('listen: "[::1]:4333"')).toEqual({ host: "::1", port: 4333 });
    expect(opts("listen: 0.0.0.0:-1")).toEqual({ host: "0.0.0.0", port: -1 });
  });
  test("host/net/port/server_name/client_advertise/server_tags", () => {
    expect(opts("host: 127.0.0.1\nport: 4555\nserver_name: n1\nclient_advertise: \"x:4222\"\nserver_tags: [a, b]")).toEqual({
      host: "127.0.0.1", port: 4555, serverName: "n1", clientAdvertise: "x:4222", tags: ["a", "b"],
    });
    expect(opts("net: 10.0.0.1\nport: -1")).toEqual({ host: "10.0.0.1", port: -1 });
    // As setBaselineOptions: 0 is the default.
    expect(opts("port: 0")).toEqual({});
  });
  test("limits with size suffixes; 0 keeps the default", () => {
    expect(opts("max_payload: 2MB\nmax_control_line: 8KB\nmax_pending: 128MB\nmax_connections: 100\nmax_subscriptions: 50\nmax_closed_clients: 5\nping_max: 3")).toEqual({
      maxPayload: 2 * 1024 * 1024, maxControlLine: 8192, maxPending: 128 * 1024 * 1024, maxConnections: 100,
      maxSubscriptions: 50, maxClosedClients: 5, pingMax: 3,
    });
    expect(opts("max_payload: 0\nmax_pending: 0\nmax_conn: 0")).toEqual({});
    expect(opts("max_conn: 7\nmax_subs: 9")).toEqual({ maxConnections: 7, maxSubscriptions: 9 });
    expect(opts("max_payload: 1k")).toEqual({ maxPayload: 1000 });
  });
  test("logging and files", () => {
    expect(opts(`debug: true\ntrace: on\nlogtime: no\nlog_file: "/tmp/x.log"\nlogfile_size_limit: 1GB\nsyslog: false\nremote_syslog: "udp://h:514"\npid_file: /tmp/p.pid\nports_file_dir: /tmp`)).toEqual({
      debug: true, trace: true, logtime: false, logFile: "/tmp/x.log", logSizeLimit: 1024 ** 3, syslog: false,
      remoteSyslog: "udp://h:514", pidFile: "/tmp/p.pid", portsFileDir: "/tmp",
    });
    expect(opts("logfile: a.log\nlog_size_limit: 100\npidfile: b.pid")).toEqual({ logFile: "a.log", logSizeLimit: 100, pidFile: "b.pid" });
    expect(opts("trace_verbose: true")).toEqual({ traceVerbose: true, trace: true });
  });
  test("monitoring: http/https host:port forms, http_port, monitor_port, https_port, base path", () => {
    expect(opts('http: "127.0.0.1:8222"')).toEqual({ httpHost: "127.0.0.1", httpPort: 8222 });
    expect(opts("http: 8222")).toEqual({ httpPort: 8222 });
    expect(opts("https: 127.0.0.1:8443")).toEqual({ httpHost: "127.0.0.1", httpsPort: 8443 });
    expect(opts("http_port: 8222")).toEqual({ httpPort: 8222 });
    expect(opts("monitor_port: 8222")).toEqual({ httpPort: 8222 });
    expect(opts("https_port: -1")).toEqual({ httpsPort: -1 });
    expect(opts("http_base_path: /nats")).toEqual({ httpBasePath: "/nats" });
  });
  test("durations: strings, integer seconds with a warning", () => {
    expect(opts('ping_interval: "30s"\nwrite_deadline: "2.5s"\nlame_duck_duration: "45s"\nlame_duck_grace_period: "5s"')).toEqual({
      pingInterval: 30_000, writeDeadline: 2500, lameDuckDuration: 45_000, lameDuckGracePeriod: 5000,
    });
    expect(opts('ping_interval: "1m30s"\nwrite_deadline: 500ms')).toEqual({ pingInterval: 90_000, writeDeadline: 500 });
    // As the reference's lexer: a bare 1m30s is the integer 1m (1,000,000) followed by junk.
    expect(err("ping_interval: 1m30s")).toMatch(/Parse error on line 1/);
    const r = load("ping_interval: 30\nwrite_deadline: 3");
    expect(r.options).toEqual({ pingInterval: 30_000, writeDeadline: 3000 });
    expect(r.warnings).toEqual([
      `${r.file}:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration`,
      `${r.file}:2:1: invalid use of field "write_deadline": write_deadline should be converted to a duration`,
    ]);
  });
  test("booleans and extensions", () => {
    expect(opts("no_header_support: true\nallow_non_tls: yes\nmetrics_prefix: bnats\nno_auth_user: a\nauthorization { users [ {user: a, password: b} ] }")).toEqual({
      noHeaderSupport: true, allowNonTLS: true, metricsPrefix: "bnats", noAuthUser: "a",
      username: "", password: "", authorization: "", users: [{ username: "a", password: "b" }], nkeys: [],
    });
  });
  test("keys are case-insensitive, as the reference", () => {
    expect(opts("PORT: 4333\nMax_Payload: 1KB")).toEqual({ port: 4333, maxPayload: 1024 });
  });
});

describe("authorization", () => {
  test("single user, fractional timeout", () => {
    expect(opts("authorization { user: derek, password: s3cr3t, timeout: 0.5 }")).toEqual({
      username: "derek", password: "s3cr3t", authorization: "", authTimeout: 500, users: [], nkeys: [],
    });
    expect(opts("authorization { username: a\n pass: b\n timeout: 3 }").authTimeout).toBe(3000);
  });
  test("token, and a bare bcrypt hash", () => {
    expect(opts("authorization { token: $2a$11$abc }").authorization).toBe("$2a$11$abc");
  });
  test("users with permissions in every short form, nkeys, default permissions", () => {
    const o = opts(`
authorization {
  default_permissions { publish: "_INBOX.>", subscribe: ["_INBOX.>"] }
  users = [
    {user: alice, password: a, permissions: {publish: "foo", subscribe: ["bar", "baz.*"]}}
    {user: bob, password: b, permissions: {pub: {allow: ["a.>"], deny: "a.b"}, sub: {deny: ">"}}}
    {user: carol, password: c}
    {user: dan, password: d, permissions: {subscribe: "q.> workers", allow_responses: true}}
    {user: eve, password: e, permissions: {publish: "x", allow_responses: {max: 5, expires: "1m"}}}
    {user: frank, password: f, allowed_connection_types: ["STANDARD", "websocket"]}
    {nkey: ${NKEY}, permissions: {publish: "n"}}
  ]
}`);
    const dflt = { publish: { allow: ["_INBOX.>"] }, subscribe: { allow: ["_INBOX.>"] } };
    expect(o.defaultPermissions).toEqual(dflt);
    expect(o.users).toEqual([
      { username: "alice", password: "a", permissions: { publish: { allow: ["foo"] }, subscribe: { allow: ["bar", "baz.*"] } } },
      { username: "bob", password: "b", permissions: { publish: { allow: ["a.>"], deny: ["a.b"] }, subscribe: { deny: [">"] } } },
      { username: "carol", password: "c", permissions: dflt },
      { username: "dan", password: "d", permissions: { subscribe: { allow: ["q.> workers"] }, response: { max: 1, expires: 120_000 }, publish: { allow: [] } } },
      { username: "eve", password: "e", permissions: { publish: { allow: ["x"] }, response: { max: 5, expires: 60_000 } } },
      { username: "frank", password: "f", allowedConnectionTypes: ["STANDARD", "WEBSOCKET"], permissions: dflt },
    ]);
    expect(o.nkeys?.[0]).toEqual({ nkey: NKEY, permissions: { publish: { allow: ["n"] } } });
    expect(o.nkeys?.length).toBe(1);
  });
  test("permissions through variables", () => {
    const o = opts(`
ADMIN = { publish: ">", subscribe: ">" }
authorization { users: [ {user: admin, password: x, permissions: $ADMIN} ] }`);
    expect(o.users?.[0]?.permissions).toEqual({ publish: { allow: [">"] }, subscribe: { allow: [">"] } });
  });
  test("errors", () => {
    expect(err("authorization { user: a, password: b, token: t }")).toBe("F:1:0: Cannot have a user/pass and token");
    expect(err("authorization {\n user: a\n users: [{user: b, password: c}] }")).toBe("F:1:0: Can not have a single user/pass and a users array");
    expect(err("authorization { token: t, users: [] }")).toBe("F:1:0: Can not have a token and a users array");
    expect(err("authorization { users: [{user: a, password: b}, {user: a, password: c}] }")).toBe('F:1:0: Duplicate user "a" detected');
    expect(err("authorization {\n  foo = \"bar\"\n}")).toBe('F:2:3: unknown field "foo"');
    expect(err("authorization { users = [ { user = a, pass = b, token = q } ] }")).toMatch(/^F:1:\d+: unknown field "token"$/);
    expect(err("authorization { users = [ { password = b } ] }")).toMatch(/User entry requires a user$/);
    expect(err("authorization { users = [ { nkey = UABC } ] }")).toMatch(/Not a valid public nkey for a user$/);
    expect(err(`authorization { users = [ { nkey = ${NKEY}, user: x } ] }`)).toMatch(/Nkey users do not take usernames or passwords$/);
    expect(err("authorization { users = { a: b } }")).toMatch(/Expected users field to be an array/);
    expect(err("authorization { users = [ foo ] }")).toMatch(/Expected user entry to be a map\/struct/);
    expect(err("authorization {\n permissions {\n  subscribe = {}\n  inboxes = {}\n }\n}")).toBe('F:4:3: Unknown field "inboxes" parsing permissions');
    expect(err("authorization { permissions { publish { allow: a, foo: b } } }")).toMatch(/Unknown field name "foo" parsing subject permissions, only 'allow' or 'deny' are permitted$/);
    expect(err("authorization { permissions { publish: 'foo..bar' } }")).toMatch(/subject "foo..bar" is not a valid subject$/);
    expect(err("authorization { permissions { publish: [1 ] } }")).toMatch(/Subject in permissions array cannot be cast to string$/);
    // Go's %T of the value, as the reference (checked with nats-server -t: "got int64").
    expect(err("authorization { permissions { publish { allow: 5 } } }")).toMatch(/Expected subject permissions to be a subject, or array of subjects, got int64$/);
    expect(err("authorization { permissions: foo }")).toMatch(/Expected permissions to be a map\/struct/);
    expect(err("authorization { permissions { allow_responses: 5 } }")).toMatch(/error parsing response permissions, expected a boolean or a map$/);
    expect(err("authorization { permissions { allow_responses: { expires: 5 } } }")).toMatch(/error parsing expires, not a duration string$/);
    expect(err("authorization { users: [ {user: a, allowed_connection_types: [\"BAD\"]} ] }")).toMatch(/invalid connection types \["BAD"\]$/);
    expect(err("authorization: 5")).toMatch(/error parsing authorization: expected a map/);
  });
  test("no_auth_user must name a user (checked by mergeOptions, as the reference's validation)", () => {
    const o = opts("no_auth_user: ghost\nauthorization { users: [ {user: a, password: b} ] }");
    expect(() => mergeOptions(o, {})).toThrow(/no_auth_user: "ghost" not present/);
  });
});

describe("tls", () => {
  // Real files: the loader loads them (GenTLSConfig runs inside the reference's parser too).
  const certs = testCerts();
  const cert = certs.server.cert;
  const key = certs.server.key;
  const ca = certs.ca.cert;
  const base = `cert_file: "${cert}", key_file: "${key}"`;
  const tls = (body: string) => opts(`tls { ${base}\n${body} }`).tls;
  test("all fields", () => {
    expect(
      tls(`ca_file: "${ca}", verify: true, timeout: 0.5, pinned_certs: ["${"AB".repeat(32)}"], min_version: "1.3",
        cipher_suites: ["TLS_AES_128_GCM_SHA256"], curve_preferences: ["X25519", "CurveP256"], connection_rate_limit: 100`),
    ).toEqual({
      certFile: cert, keyFile: key, caFile: ca, verify: true, map: false, timeout: 500, pinnedCerts: ["ab".repeat(32)],
      handshakeFirst: 0, minVersion: "1.3", cipherSuites: ["TLS_AES_128_GCM_SHA256"], curvePreferences: ["X25519", "CurveP256"],
      connectionRateLimit: 100,
    });
  });
  test("defaults, verify_and_map, timeout forms", () => {
    expect(tls("")).toEqual({ certFile: cert, keyFile: key, verify: false, map: false, timeout: 2000, handshakeFirst: 0, connectionRateLimit: 0 });
    expect(tls("verify_and_map: true")).toMatchObject({ verify: true, map: true });
    expect(tls("timeout: 3")?.timeout).toBe(3000);
    expect(tls('timeout: "1.5s"')?.timeout).toBe(1500);
  });
  test("handshake_first: true, false, auto, duration (2.10 semantics)", () => {
    expect(tls("handshake_first: true")?.handshakeFirst).toBe(-1);
    expect(tls("handshake_first: false")?.handshakeFirst).toBe(0);
    expect(tls('handshake_first: "auto"')?.handshakeFirst).toBe(50);
    expect(tls('handshake_first: "auto_fallback"')?.handshakeFirst).toBe(50);
    expect(tls('handshake_first: "300ms"')?.handshakeFirst).toBe(300);
    expect(tls("first: on")?.handshakeFirst).toBe(-1);
    expect(tls('immediate: "off"')?.handshakeFirst).toBe(0);
  });
  test("errors", () => {
    expect(err(`tls { ${base}, foo: 1 }`)).toMatch(/error parsing tls config, unknown field \["foo"\]$/);
    expect(err(`tls { cert_file: "${cert}" }`)).toBe("F:1:0: missing 'key_file' in TLS configuration");
    expect(err(`tls { key_file: "${key}" }`)).toBe("F:1:0: missing 'cert_file' in TLS configuration");
    expect(err(`tls { cert_file: "/nonexistent/c.pem", key_file: "${key}" }`)).toBe(
      "F:1:0: error parsing X509 certificate/key pair: open /nonexistent/c.pem: no such file or directory",
    );
    expect(err(`tls { ${base}, ca_file: "/nonexistent/ca.pem" }`)).toBe("F:1:0: open /nonexistent/ca.pem: no such file or directory");
    const junk = write("tls/junk.pem", "x");
    expect(err(`tls { cert_file: "${junk}", key_file: "${key}" }`)).toBe(
      `F:1:0: error parsing X509 certificate/key pair: tls: failed to find any PEM data in certificate input (cert_file ${JSON.stringify(junk)})`,
    );
    expect(err(`tls { ${base}, ca_file: "${junk}" }`)).toBe(`F:1:0: failed to parse root ca certificate (ca_file ${JSON.stringify(junk)})`);
    expect(err(`tls { cert_file: 5 }`)).toMatch(/expected 'cert_file' to be filename$/);
    expect(err(`tls { ${base}, verify: "yes" }`)).toMatch(/expected 'verify' to be a boolean$/);
    expect(err(`tls { ${base}, cipher_suites: ["NOPE"] }`)).toMatch(/unrecognized cipher NOPE$/);
    expect(err(`tls { ${base}, cipher_suites: [] }`)).toMatch(/'cipher_suites' cannot be empty$/);
    expect(err(`tls { ${base}, curve_preferences: ["P999"] }`)).toMatch(/unrecognized curve preference P999$/);
    expect(err(`tls { ${base}, pinned_certs: ["abc"] }`)).toMatch(/'pinned_certs' key abc does not look like hex-encoded sha256/);
    expect(err(`tls { ${base}, timeout: "abc" }`)).toMatch(/'timeout' time: invalid duration "abc"$/);
    expect(err(`tls { ${base}, timeout: [] }`)).toMatch(/'timeout' wrong type$/);
    expect(err(`tls { ${base}, connection_rate_limit: "x" }`)).toMatch(/'connection_rate_limit' wrong type$/);
    expect(err(`tls { ${base}, handshake_first: "soon" }`)).toMatch(/field "handshake_first"'s value "soon" is invalid$/);
    expect(err(`tls { ${base}, handshake_first: 5 }`)).toMatch(/field "handshake_first" should be a boolean or a string/);
    expect(err(`tls { ${base}, min_version: "1.0" }`)).toMatch(/unsupported TLS version: TLS 1.0$/);
    expect(err(`tls { ${base}, min_version: "2.0" }`)).toMatch(/unknown version: 2.0$/);
    expect(err(`tls { ${base}, verify_cert_and_check_known_urls: true }`)).toMatch(/not supported in this context$/);
  });
  test("tls timeout feeds the default auth timeout (+1s), as the reference", () => {
    expect(mergeOptions(opts(`tls { ${base}, timeout: 3 }`), {}).authTimeout).toBe(4000);
  });
});

describe("errors and validation", () => {
  test("unknown top-level field, with file:line:col", () => {
    expect(err('port: 4222\n                monitor = "127.0.0.1:4442"\n')).toBe('F:2:17: unknown field "monitor"');
    expect(err('\n                "default_permissions" {\n publish = ["_SANDBOX.>"]\n }\n')).toBe('F:2:18: unknown field "default_permissions"');
  });
  test("a key used as a $variable is not unknown", () => {
    expect(opts("PORT_BASE = 4300\nport: $PORT_BASE")).toEqual({ port: 4300 });
  });
  test("types and ranges", () => {
    expect(err('port: "abc"')).toBe('F:1:0: error parsing port: expected an integer, got a string ("abc")');
    expect(err("port: 1.5")).toBe("F:1:0: error parsing port: expected an integer, got a float (1.5)");
    expect(err("port: 70000")).toBe("F:1:0: error parsing port: port 70000 out of range (-1 for random, 0 to 65535)");
    expect(err("http_port: -2")).toMatch(/port -2 out of range/);
    expect(err("listen: nohostport")).toBe('F:1:0: error parsing listen: could not parse address string "nohostport"');
    expect(err("listen: \"h:abc\"")).toBe('F:1:0: error parsing listen: could not parse port "abc"');
    expect(err("listen: [a]")).toBe("F:1:0: error parsing listen: expected port or host:port, got an array");
    expect(err("max_payload: -1")).toBe("F:1:0: max_payload value can not be negative");
    expect(err("max_payload: 3GB")).toBe("F:1:0: max_payload value is too big");
    expect(err("max_control_line: 3GB")).toBe("F:1:0: max_control_line value is too big");
    expect(err("max_pending: -5")).toBe("F:1:0: max_pending value can not be negative");
    expect(err("debug: 1")).toBe("F:1:0: error parsing debug: expected a boolean, got an integer (1)");
    expect(err("server_name: 5")).toMatch(/expected a string, got an integer/);
    expect(err('server_name: "a b"')).toBe("F:1:0: server name cannot contain spaces");
    expect(err('ping_interval: "abc"')).toBe('F:1:0: error parsing ping_interval: time: invalid duration "abc"');
    expect(err('write_deadline: "10"')).toBe('F:1:0: error parsing write_deadline: time: missing unit in duration "10"');
    expect(err('ping_interval: "5x"')).toBe('F:1:0: error parsing ping_interval: time: unknown unit "x" in duration "5x"');
    expect(err('ping_interval: "-5s"')).toBe("F:1:0: invalid ping_interval of -5s, needs to be positive");
    expect(err('lame_duck_duration: "10s"')).toBe("F:1:0: invalid lame_duck_duration of 10s, minimum is 30 seconds");
    expect(err("lame_duck_duration: 60")).toMatch(/error parsing lame_duck_duration: expected a duration string/);
    expect(err('lame_duck_grace_period: "-1s"')).toBe("F:1:0: invalid lame_duck_grace_period, needs to be positive");
  });
  test("every error is collected; the message is the first", () => {
    const file = write("multi.conf", "port: x\nfoo: 1\ndebug: 2\n");
    try {
      loadConfigFile(file);
      throw new Error("no error");
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      expect(e.errors.map((x) => x.message)).toEqual([
        `${file}:1:0: error parsing port: expected an integer, got a string ("x")`,
        `${file}:2:1: unknown field "foo"`,
        `${file}:3:1: error parsing debug: expected a boolean, got an integer (2)`,
      ]);
      expect(e.line).toBe(1);
      expect(e.file).toBe(file);
    }
  });
  test("missing file and parse errors are ConfigErrors", () => {
    expect(() => loadConfigFile(join(dir, "none.conf"))).toThrow(`error opening config file: open ${join(dir, "none.conf")}: no such file or directory`);
    expect(err("port: 4222\nfoo {\n  a: [1, 2\n")).toMatch(/^F:4:\d+: Parse error on line 4: 'Expected an array value terminator/);
  });
});

describe("keys bnats does not implement", () => {
  test("accepted with a note: gateway, jetstream, mqtt, ...", () => {
    const r = load(`
gateway { name: a }
jetstream { store_dir: /tmp/js }
mqtt { port: 1883 }
system_account: SYS
mappings { a: b }
accounts { SYS: {} }
port: 4333
`);
    expect(r.options).toMatchObject({ port: 4333, systemAccount: "SYS" });
    expect(r.warnings).toEqual([]);
    expect(r.notes.length).toBe(3);
    expect(r.notes[0]).toBe(`${r.file}:2:1: ignoring "gateway": gateways is not supported by bnats`);
  });
  test("operator mode is an error", () => {
    expect(err("operator: /x/op.jwt")).toMatch(/"operator" is not supported by bnats/);
    expect(err("resolver: MEMORY")).toMatch(/"resolver" is not supported by bnats/);
    expect(err("trusted: [OABC]")).toMatch(/"trusted" is not supported by bnats/);
  });
});

describe("includes, variables, environment", () => {
  test("include relative to the including file; its keys become variables of the includer", () => {
    write("inc1/auth/users.conf", "authorization { users: [ {user: $BNATS_TEST_USER, password: pw} ] }\n");
    write("inc1/vars.conf", "BASE_PORT = 4999\n");
    const main = write("inc1/main.conf", 'include vars.conf\ninclude "./auth/users.conf"\nport: $BASE_PORT\n');
    process.env.BNATS_TEST_USER = "envuser";
    try {
      const o = loadConfigFile(main);
      expect(o.port).toBe(4999);
      expect(o.configFile).toBe(main);
      expect(o.users).toEqual([{ username: "envuser", password: "pw" }]);
    } finally {
      delete process.env.BNATS_TEST_USER;
    }
  });
  test("an included file does not see the includer's variables (separate parse, as the reference)", () => {
    write("inc2/child.conf", "port: $BNATS_PARENT_ONLY\n");
    const main = write("inc2/main.conf", "BNATS_PARENT_ONLY = 4000\ninclude child.conf\n");
    expect(() => loadConfigFile(main)).toThrow(/error parsing include file 'child.conf', .*variable reference for 'BNATS_PARENT_ONLY' on line 1 can not be found/);
  });
  test("configToOptions accepts a plain object (positions unknown)", () => {
    expect(configToOptions({ port: 4333, http: "127.0.0.1:8222" }, "x.conf")).toEqual({
      port: 4333, httpHost: "127.0.0.1", httpPort: 8222,
    });
  });
  test("configToOptions accepts parsed tokens", () => {
    expect(configToOptions(parseTokens("port: 4333", "y.conf"), "y.conf")).toEqual({ port: 4333 });
  });
});

describe("deployment configurations", () => {
  test("the official Docker image's nats-server.conf", () => {
    const r = load(DOCKER_IMAGE_CONF);
    expect(r.options).toEqual({ port: 4222, httpPort: 8222, clusterName: "my_cluster", clusterPort: 6222, routes: [] });
    expect(r.warnings).toEqual([]);
    expect(r.notes).toEqual([]);
    // loadConfigFile hands both kinds to one array.
    const all: string[] = [];
    loadConfigFile(r.file, all);
    expect(all).toEqual(r.notes);
  });
  test("the Helm chart's rendered JSON with include lines and $POD_NAME", () => {
    write("helm/auth.conf", 'authorization {\n  token: "s3cr3t"\n}\n');
    const conf = write("helm/nats.conf", `{
  include ./auth.conf;
  "http_port": 8222,
  "lame_duck_duration": "30s",
  "lame_duck_grace_period": "10s",
  "pid_file": "/var/run/nats/nats.pid",
  "port": 4222,
  "server_name": $POD_NAME
}
`);
    process.env.POD_NAME = "nats-0";
    try {
      const o = loadConfigFile(conf);
      expect(o).toEqual({
        configFile: conf, authorization: "s3cr3t", username: "", password: "", users: [], nkeys: [],
        httpPort: 8222, lameDuckDuration: 30_000, lameDuckGracePeriod: 10_000, pidFile: "/var/run/nats/nats.pid",
        port: 4222, serverName: "nats-0",
      });
      expect(mergeOptions(o, {}).serverName).toBe("nats-0");
    } finally {
      delete process.env.POD_NAME;
    }
  });
});
