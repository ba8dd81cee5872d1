// The websocket {} block: parsing (opts.go parseWebsocket) and the start-up checks of websocket.go
// validateWebsocketOptions, compared with nats-server 2.9.10 started on the same file (the reference
// reports these when it starts, not with -t; bnats reports them with -t too, as its other checks).
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, configToOptions } from "../../src/config/load.ts";
import { parseTokens } from "../../src/config/parser.ts";
import { defaultWebsocketOptions, mergeOptions, OptionsError } from "../../src/options.ts";
import { parseGoURL } from "../../src/go/url.ts";
import { REPO_ROOT } from "../helpers/bnats.ts";
import { testCerts } from "../helpers/certs.ts";
import { hasReference, REFERENCE_BINARY } from "../helpers/ref.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-wscfg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string) {
  return configToOptions(parseTokens(text, "ws.conf"), "ws.conf");
}

/** The start-up error bnats reports for a config text ("" when it is valid). */
function ours(text: string): string {
  try {
    mergeOptions(parse(text), {});
    return "";
  } catch (e) {
    if (e instanceof OptionsError || e instanceof ConfigError) return e.message;
    throw e;
  }
}

describe("parseWebsocket", () => {
  test("every key, aliases included", () => {
    const o = parse(`websocket {
  listen: "127.0.0.1:8080"
  advertise: "ws.example.com:443"
  no_tls: true
  same_origin: true
  allowed_origins: ["http://a.example.com", "https://b.example.com:8443"]
  handshake_timeout: "3s"
  compression: true
  authorization { user: u, password: p, timeout: 1.5 }
  no_auth_user: ""
}`);
    expect(o.websocket).toEqual({
      ...defaultWebsocketOptions(),
      host: "127.0.0.1",
      port: 8080,
      advertise: "ws.example.com:443",
      noTLS: true,
      sameOrigin: true,
      allowedOrigins: ["http://a.example.com", "https://b.example.com:8443"],
      handshakeTimeout: 3000,
      compression: true,
      username: "u",
      password: "p",
      authTimeout: 1500,
    });
    const alias = parse("ws { port: -1, host: h, compress: false, origin: 'http://x', handshake_timeout: 2, authentication { token: t } }");
    expect(alias.websocket).toMatchObject({ port: -1, host: "h", allowedOrigins: ["http://x"], handshakeTimeout: 2000, token: "t" });
  });

  test("the tls block is the client one (files loaded at parse time)", () => {
    const c = testCerts();
    const o = parse(`websocket { port: 8443, tls { cert_file: "${c.server.cert}", key_file: "${c.server.key}", ca_file: "${c.ca.cert}", verify: true } }`);
    expect(o.websocket?.tls).toMatchObject({ certFile: c.server.cert, verify: true });
  });

  test("host defaults to 0.0.0.0 when the listener is on", () => {
    expect(mergeOptions(parse("websocket { port: -1, no_tls: true }"), {}).websocket.host).toBe("0.0.0.0");
    expect(mergeOptions({}, {}).websocket.port).toBe(0);
  });

  test("parse errors", () => {
    expect(() => parse("websocket: 5")).toThrow("Expected websocket to be a map, got an integer (5)");
    expect(() => parse("websocket { foo: 1 }")).toThrow('unknown field "foo"');
    expect(() => parse("websocket { authorization { users: [] } }")).toThrow('unknown field "users"');
    expect(() => parse("websocket { handshake_timeout: true }")).toThrow("error parsing handshake timeout: unsupported type a boolean (true)");
    expect(() => parse('websocket { handshake_timeout: "x" }')).toThrow(/invalid duration/);
  });
});

describe("Go url.Parse errors", () => {
  test.each([
    ["http://a b:80", 'parse "http://a b:80": invalid character " " in host name'],
    [":foo", 'parse ":foo": missing protocol scheme'],
    ["http://[::1", `parse "http://[::1": missing ']' in host`],
    ["%zz", 'parse "%zz": invalid URL escape "%zz"'],
    ["http://x:port", 'parse "http://x:port": invalid port ":port" after host'],
    ["a:b/c", ""],
    ["http://example.com:8080", ""],
  ])("%s", (raw, want) => {
    let got = "";
    try {
      parseGoURL(raw);
    } catch (e) {
      got = (e as Error).message;
    }
    expect(got).toBe(want);
  });
});

// Each config fails at start-up in both servers with the same text.
const startupErrors: [string, string][] = [
  ["no tls", "websocket { port: -1 }"],
  ["bad origin (space)", 'websocket { port: -1, no_tls: true, allowed_origins: ["http://a b:80"] }'],
  ["bad origin (scheme)", 'websocket { port: -1, no_tls: true, allowed_origins: [":foo"] }'],
  ["bad origin (escape)", 'websocket { port: -1, no_tls: true, allowed_origins: ["http://x", "%zz"] }'],
  ["user beside users", "authorization { users: [{user: a, password: b}] }\nwebsocket { port: -1, no_tls: true, authorization { user: x, password: y } }"],
  ["token beside users", "authorization { users: [{user: a, password: b}] }\nwebsocket { port: -1, no_tls: true, authorization { token: x } }"],
  ["jwt_cookie without operators", "websocket { port: -1, no_tls: true, jwt_cookie: foo }"],
  ["no_auth_user without users", "websocket { port: -1, no_tls: true, no_auth_user: foo }"],
  ["unknown no_auth_user", "authorization { users: [{user: a, password: b}] }\nwebsocket { port: -1, no_tls: true, no_auth_user: foo }"],
];

describe("start-up errors", () => {
  test.each(startupErrors)("%s", (_name, text) => {
    const mine = ours(text);
    expect(mine).not.toBe("");
    if (!hasReference()) return;
    const file = join(dir, `${_name.replace(/\W/g, "_")}.conf`);
    writeFileSync(file, text);
    const r = spawnSync(REFERENCE_BINARY, ["-c", file, "-p", "-1"], { encoding: "utf8", timeout: 10_000 });
    expect(r.status).toBe(1);
    expect(mine).toBe(r.stderr.trim().replace(/^nats-server: /, ""));
  });

  test("bnats refuses verify_and_map and pinned_certs on the websocket tls (Bun.serve hides the client certificate)", () => {
    const c = testCerts();
    const tls = `cert_file: "${c.server.cert}", key_file: "${c.server.key}", ca_file: "${c.ca.cert}"`;
    expect(ours(`websocket { port: -1, tls { ${tls}, verify_and_map: true } }`)).toMatch(/^websocket: verify_and_map is not supported by bnats/);
    expect(ours(`websocket { port: -1, tls { ${tls}, pinned_certs: ["${"a".repeat(64)}"] } }`)).toMatch(/^websocket: pinned_certs is not supported by bnats/);
    expect(ours(`websocket { port: -1, tls { ${tls}, verify: true } }`)).toBe("");
  });

  test("nothing is checked while the port is 0", () => {
    expect(ours("websocket { jwt_cookie: foo, allowed_origins: [':x'] }")).toBe("");
  });

  test("bnats -t exits 1 with the text", () => {
    const file = join(dir, "t.conf");
    writeFileSync(file, "websocket { port: 8080 }");
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "src", "main.ts"), "-t", "-c", file], { encoding: "utf8", timeout: 10_000 });
    expect({ code: r.status, err: r.stderr }).toEqual({ code: 1, err: "bnats: websocket requires TLS configuration\n" });
  });
});
