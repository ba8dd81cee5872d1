// The parser against nats-server's conf/parse_test.go (v2.9.10), ported case by case, plus includes,
// variables, the Helm chart's JSON shape and error positions.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig, parseConfigFile, parseTokens, type Token } from "../../src/config/parser.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-parser-"));
/** The nats-server.conf shipped in the official Docker image (the parser and load tests both read it). */
const DOCKER_IMAGE_CONF = readFileSync(join(import.meta.dir, "fixtures/docker-nats-server.conf"), "utf8");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function withEnv(name: string, value: string, fn: () => void): void {
  const old = process.env[name];
  process.env[name] = value;
  try {
    fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

function parseError(text: string, file = ""): ConfigError {
  try {
    parseConfig(text, file);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("conf/parse_test.go", () => {
  test("TestSimpleTopLevel", () => {
    expect(parseConfig("foo='1'; bar=2.2; baz=true; boo=22")).toEqual({ foo: "1", bar: 2.2, baz: true, boo: 22 });
  });
  test("TestBools", () => {
    for (const v of ["true", "TRUE", "yes", "on"]) expect(parseConfig(`foo=${v}`)).toEqual({ foo: true });
    for (const v of ["false", "no", "off", "Off"]) expect(parseConfig(`foo=${v}`)).toEqual({ foo: false });
  });
  test("TestSimpleVariable", () => {
    expect(parseConfig("\n  index = 22\n  foo = $index\n")).toEqual({ index: 22, foo: 22 });
  });
  test("TestNestedVariable", () => {
    const text = "\n  index = 22\n  nest {\n    index = 11\n    foo = $index\n  }\n  bar = $index\n";
    expect(parseConfig(text)).toEqual({ index: 22, nest: { index: 11, foo: 11 }, bar: 22 });
  });
  test("TestMissingVariable", () => {
    expect(parseError("foo=$index").reason).toStartWith("variable reference");
    expect(parseError("foo=$index").reason).toBe("variable reference for 'index' on line 1 can not be found");
  });
  test("TestEnvVariable / String / size unit / quotes", () => {
    withEnv("__UNIQ22__", "22", () => expect(parseConfig("foo = $__UNIQ22__")).toEqual({ foo: 22 }));
    withEnv("__UNIQ22__", "xyz", () => expect(parseConfig("foo = $__UNIQ22__")).toEqual({ foo: "xyz" }));
    withEnv("__UNIQ22__", "3Gyz", () => expect(parseConfig("foo = $__UNIQ22__")).toEqual({ foo: "3Gyz" }));
    withEnv("__UNIQ22__", "'3xyz'", () => expect(parseConfig("foo = $__UNIQ22__")).toEqual({ foo: "3xyz" }));
  });
  test("TestEnvVariableStringStartingWithNumber (the Go test parses a literal $%s)", () => {
    expect(() => parseConfig("foo = $%s")).toThrow(ConfigError);
  });
  test("TestBcryptVariable", () => {
    expect(parseConfig("password: $2a$11$ooo")).toEqual({ password: "$2a$11$ooo" });
  });
  test("TestConvenientNumbers", () => {
    const text = `
k = 8k
kb = 4kb
ki = 3ki
kib = 4ki
m = 1m
mb = 2MB
mi = 2Mi
mib = 64MiB
g = 2g
gb = 22GB
gi = 22Gi
gib = 22GiB
tb = 22TB
ti = 22Ti
tib = 22TiB
pb = 22PB
pi = 22Pi
pib = 22PiB
`;
    expect(parseConfig(text)).toEqual({
      k: 8000, kb: 4096, ki: 3072, kib: 4096, m: 1e6, mb: 2 * 1024 ** 2, mi: 2 * 1024 ** 2, mib: 64 * 1024 ** 2,
      g: 2e9, gb: 22 * 1024 ** 3, gi: 22 * 1024 ** 3, gib: 22 * 1024 ** 3, tb: 22 * 1024 ** 4, ti: 22 * 1024 ** 4,
      tib: 22 * 1024 ** 4, pb: 22 * 1024 ** 5, pi: 22 * 1024 ** 5, pib: 22 * 1024 ** 5,
    });
  });
  test("TestSample1", () => {
    const text = `
foo  {
  host {
    ip   = '127.0.0.1'
    port = 4242
  }
  servers = [ "a.com", "b.com", "c.com"]
}
`;
    expect(parseConfig(text)).toEqual({ foo: { host: { ip: "127.0.0.1", port: 4242 }, servers: ["a.com", "b.com", "c.com"] } });
  });
  test("TestSample2 (cluster, both comment styles, newline-separated array)", () => {
    const text = `
cluster {
  port: 4244

  authorization {
    user: route_user
    password: top_secret
    timeout: 1
  }

  # Routes are actively solicited and connected to from this server.
  // Test both styles of comments

  routes = [
    nats-route://foo:bar@apcera.me:4245
    nats-route://foo:bar@apcera.me:4246
  ]
}
`;
    expect(parseConfig(text)).toEqual({
      cluster: {
        port: 4244,
        authorization: { user: "route_user", password: "top_secret", timeout: 1 },
        routes: ["nats-route://foo:bar@apcera.me:4245", "nats-route://foo:bar@apcera.me:4246"],
      },
    });
  });
  test("TestSample3 (multi-line single-quoted string)", () => {
    const text = `
foo  {
  expr = '(true == "false")'
  text = 'This is a multi-line
text block.'
}
`;
    expect(parseConfig(text)).toEqual({ foo: { expr: '(true == "false")', text: "This is a multi-line\ntext block." } });
  });
  test("TestSample4 (array of maps)", () => {
    expect(parseConfig("\n  array [\n    { abc: 123 }\n    { xyz: \"word\" }\n  ]\n")).toEqual({
      array: [{ abc: 123 }, { xyz: "word" }],
    });
  });
  test("TestSample5 (datetime)", () => {
    expect(parseConfig("\n  now = 2016-05-04T18:53:41Z\n  gmt = false\n\n")).toEqual({
      now: new Date("2016-05-04T18:53:41Z"),
      gmt: false,
    });
  });
  test("TestIncludes", () => {
    write("inc/includes/users.conf", `
# Users configuration
include ./passwords.conf;

users = [
  {user: alice, password: $ALICE_PASS}
  {user: bob,   password: $BOB_PASS}
]
`);
    write("inc/includes/passwords.conf", `# Just foo & bar for testing
ALICE_PASS: $2a$10$UHR6GhotWhpLsKtVP0/i6.Nh9.fuY73cWjLoJjb2sKT8KISBcUW5q
BOB_PASS: $2a$11$dZM98SpGeI7dCFFGSpt.JObQcix8YHml4TBUZoge9R1uxnMIln5ly
`);
    const simple = write("inc/simple.conf", `
listen: 127.0.0.1:4222

authorization {
  include './includes/users.conf'  # a comment after an include
  timeout: 0.5
}
`);
    const alice = "$2a$10$UHR6GhotWhpLsKtVP0/i6.Nh9.fuY73cWjLoJjb2sKT8KISBcUW5q";
    const bob = "$2a$11$dZM98SpGeI7dCFFGSpt.JObQcix8YHml4TBUZoge9R1uxnMIln5ly";
    expect(parseConfigFile(simple)).toEqual({
      listen: "127.0.0.1:4222",
      authorization: {
        ALICE_PASS: alice,
        BOB_PASS: bob,
        users: [
          { user: "alice", password: alice },
          { user: "bob", password: bob },
        ],
        timeout: 0.5,
      },
    });
  });
  test("TestIncludeVariablesWithChecks (positions of included keys)", () => {
    write("incv/includes/passwords.conf", `# Just foo & bar for testing
ALICE_PASS: $2a$10$UHR6GhotWhpLsKtVP0/i6.Nh9.fuY73cWjLoJjb2sKT8KISBcUW5q
BOB_PASS: $2a$11$dZM98SpGeI7dCFFGSpt.JObQcix8YHml4TBUZoge9R1uxnMIln5ly
`);
    const main = write("incv/main.conf", `
authorization {

  include "./includes/passwords.conf"

  CAROL_PASS: foo

  users = [
   {user: alice, password: $ALICE_PASS}
   {user: bob,   password: $BOB_PASS}
   {user: carol, password: $CAROL_PASS}
  ]
}
`);
    const m = parseTokens(readFileSync(main, "utf8"), main);
    const auth = m.get("authorization") as Token;
    expect(auth.kind).toBe("map");
    if (auth.kind !== "map") return;
    const at = (k: string) => {
      const t = auth.value.get(k) as Token;
      return [t.value, t.line, t.pos, t.file];
    };
    const inc = join(dir, "incv/includes/passwords.conf");
    expect(at("ALICE_PASS")).toEqual(["$2a$10$UHR6GhotWhpLsKtVP0/i6.Nh9.fuY73cWjLoJjb2sKT8KISBcUW5q", 2, 1, inc]);
    expect(at("BOB_PASS")).toEqual(["$2a$11$dZM98SpGeI7dCFFGSpt.JObQcix8YHml4TBUZoge9R1uxnMIln5ly", 3, 1, inc]);
    expect(at("CAROL_PASS")).toEqual(["foo", 6, 3, main]);
    // The included values were used as variables: such keys are never "unknown fields".
    expect((auth.value.get("ALICE_PASS") as Token).usedVariable).toBe(true);
  });
  test("TestParserNoInfiniteLoop", () => {
    for (const t of ["A@@Føøøø?˛ø:{øøøø˙˙", 'include "9/\uFFFD']) {
      expect(parseError(t).message).toContain("Unexpected EOF");
    }
  });
});

describe("syntax", () => {
  test("key separators: '=', ':' and whitespace; ';' and ',' terminators", () => {
    expect(parseConfig("a = 1\nb: 2\nc 3\nd=4; e:5, f 6")).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 });
  });
  test("maps without separator, arrays with commas and new lines, comments everywhere", () => {
    const text = `
# hash comment
// slash comment
m { a: 1, b: [1, 2, # inner comment
  3
  4 // more
] }
`;
    expect(parseConfig(text)).toEqual({ m: { a: 1, b: [1, 2, 3, 4] } });
  });
  test("strings: single, double with escapes, bare; floats; negative numbers", () => {
    expect(parseConfig(`a = 'x y'\nb = "t\\tn\\x41"\nc = bare-string.with.dots\nd = 1.5\ne = -3\nf = -2.25`)).toEqual({
      a: "x y", b: "t\tnA", c: "bare-string.with.dots", d: 1.5, e: -3, f: -2.25,
    });
  });
  test("a bare 2m is 2,000,000 (as the reference); durations are quoted or have a non-suffix letter", () => {
    expect(parseConfig(`a = 2m\nb = "2m"\nc = 500ms\nd = 1h`)).toEqual({ a: 2_000_000, b: "2m", c: "500ms", d: "1h" });
  });
  test("block strings", () => {
    expect(parseConfig("numbers (\n1234567890\n)\n")).toEqual({ numbers: "\n1234567890\n" });
  });
  test("later keys override earlier ones", () => {
    expect(parseConfig("port: 1\nport: 2")).toEqual({ port: 2 });
  });
  test("variables are block scoped and only see earlier keys; arrays are skipped", () => {
    expect(parseConfig("a = 1\nm { b = $a, l = [ $a ] }")).toEqual({ a: 1, m: { b: 1, l: [1] } });
    withEnv("BNATS_LATER", "env", () => {
      // `later` is defined after the use: the environment wins, as in the reference.
      expect(parseConfig("x = $BNATS_LATER\nBNATS_LATER = file")).toEqual({ x: "env", BNATS_LATER: "file" });
    });
  });
  test("environment values are parsed as values (numbers, maps, arrays)", () => {
    // "[1, 2]" fails in the reference too (a digit followed by "]" lexes as a string): use strings.
    withEnv("BNATS_ENV_ARR", "[a, b]", () => expect(parseConfig("a = $BNATS_ENV_ARR")).toEqual({ a: ["a", "b"] }));
    withEnv("BNATS_ENV_SIZE", "8MB", () => expect(parseConfig("a = $BNATS_ENV_SIZE")).toEqual({ a: 8 * 1024 * 1024 }));
  });
  test("a self-referencing environment variable is an error, not a crash", () => {
    withEnv("BNATS_LOOP", "$BNATS_LOOP", () => expect(() => parseConfig("a = $BNATS_LOOP")).toThrow(ConfigError));
  });
  test("as the reference, a number directly followed by ']' is a parse error", () => {
    expect(() => parseConfig("tags = [1, 2]\n")).toThrow("Expected an array value terminator");
    expect(parseConfig("tags = [1, 2 ]\n")).toEqual({ tags: [1, 2] });
  });
  test("integer range and bad suffix", () => {
    expect(parseError("a = 99999999999999999999").reason).toBe("integer '99999999999999999999' is out of the range");
    expect(parseError("a = 1kbb").reason).toBe("expected integer, but got '1kbb'");
  });
  test("bad datetime", () => {
    expect(parseError("a = 2016-13-04T18:53:41Z").reason).toBe("expected Zulu formatted DateTime, but got '2016-13-04T18:53:41Z'");
  });
});

describe("errors name file:line:col", () => {
  test("lexer error", () => {
    const e = parseError("port: 4222\nfoo {\n  a: [1, 2\n", "bad.conf");
    expect(e.message).toMatch(/^bad\.conf:4:\d+: Parse error on line 4: 'Expected an array value terminator/);
    expect(e.line).toBe(4);
    expect(e.file).toBe("bad.conf");
  });
  test("missing variable", () => {
    const e = parseError("port: 1\nfoo: $NOPE_BNATS_X", "v.conf");
    expect(e.message).toBe("v.conf:2:7: variable reference for 'NOPE_BNATS_X' on line 2 can not be found");
  });
  test("missing include", () => {
    const p = write("missing-inc.conf", 'include "nope.conf"\n');
    expect(() => parseConfigFile(p)).toThrow(
      `${p}:1:9: error parsing include file 'nope.conf', open ${join(dir, "nope.conf")}: no such file or directory`,
    );
  });
  test("include cycle", () => {
    const a = write("cyc/a.conf", "include b.conf\n");
    write("cyc/b.conf", "include a.conf\n");
    expect(() => parseConfigFile(a)).toThrow(/include cycle/);
  });
  test("missing file", () => {
    expect(() => parseConfigFile(join(dir, "none.conf"))).toThrow(`open ${join(dir, "none.conf")}: no such file or directory`);
  });
});

describe("deployment shapes", () => {
  test("the Helm chart's pretty-printed JSON with include lines and bare $POD_NAME", () => {
    // As rendered by the official nats Helm chart (nats.formatConfig): toPrettyRawJson output in which
    // `"<< $POD_NAME >>"` became a bare $POD_NAME and `"$include": "./auth.conf"` keys became
    // `include ./auth.conf;` lines. nats-server 2.9.10 -t accepts this file (with POD_NAME set).
    write("helm/auth.conf", 'authorization {\n  token: "s3cr3t"\n}\n');
    write("helm/last.conf", "max_payload: 2MB\n");
    const conf = write("helm/nats.conf", `{
  include ./auth.conf;
  "http_port": 8222,
  "lame_duck_duration": "30s",
  "lame_duck_grace_period": "10s",
  "pid_file": "/var/run/nats/nats.pid",
  "port": 4222,
  "server_name": $POD_NAME,
  "write_deadline": "10s"
  include ./last.conf;
}
`);
    withEnv("POD_NAME", "nats-0", () => {
      expect(parseConfigFile(conf)).toEqual({
        authorization: { token: "s3cr3t" },
        http_port: 8222,
        lame_duck_duration: "30s",
        lame_duck_grace_period: "10s",
        pid_file: "/var/run/nats/nats.pid",
        port: 4222,
        server_name: "nats-0",
        write_deadline: "10s",
        max_payload: 2 * 1024 * 1024,
      });
    });
  });
  test("compact JSON (lex_test.go's JSON case)", () => {
    expect(parseConfig('{"http_port": 8227,"port": 4227,"write_deadline": "1h","cluster": {"port": 6222,"routes": ["nats://127.0.0.1:4222"]}}')).toEqual({
      http_port: 8227, port: 4227, write_deadline: "1h", cluster: { port: 6222, routes: ["nats://127.0.0.1:4222"] },
    });
  });
  test("the official Docker image's nats-server.conf (monitor_port)", () => {
    expect(parseConfig(DOCKER_IMAGE_CONF)).toEqual({ port: 4222, monitor_port: 8222, cluster: { name: "my_cluster", port: 6222, routes: [] } });
  });
});
