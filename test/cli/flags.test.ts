// The command-line parser on nats-server's flag forms, including Go flag-package quirks.
import { describe, expect, test } from "bun:test";
import { CliError, parseArgs, type CliResult } from "../../src/cli/cli.ts";
import { parseGoBool, parseGoInt } from "../../src/go/strconv.ts";

const run = (argv: string[]): CliResult => parseArgs(argv);
const err = (argv: string[]): CliError => {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(argv)}`);
};

describe("flags -> options", () => {
  const cases: [string[], Record<string, unknown>][] = [
    [["-p", "4223"], { port: 4223 }],
    [["--port", "4223"], { port: 4223 }],
    [["--port=4223"], { port: 4223 }],
    [["-port=4223"], { port: 4223 }],
    [["-p", "-1"], { port: -1 }],
    [["-p=-1"], { port: -1 }],
    [["-p", "0"], { port: 4222 }], // setBaselineOptions: 0 is the default port
    [["-p", "0x10F0"], { port: 4336 }], // strconv.ParseInt base 0
    [["-p", "010"], { port: 8 }], // leading 0: octal, as Go
    [["-p", "1_000"], { port: 1000 }],
    [["-a", "127.0.0.1"], { host: "127.0.0.1" }],
    [["--addr=::1"], { host: "::1" }],
    [["-net", "10.0.0.1"], { host: "10.0.0.1" }],
    [["-a", ""], { host: "0.0.0.0" }],
    [["-n", "srv"], { serverName: "srv" }],
    [["--name", "srv"], { serverName: "srv" }],
    [["--server_name=srv"], { serverName: "srv" }],
    [["-m", "8222"], { httpPort: 8222 }],
    [["--http_port", "-1"], { httpPort: -1 }],
    [["-ms", "8443"], { httpsPort: 8443 }],
    [["--https_port=8443"], { httpsPort: 8443 }],
    [["--user", "u", "--pass", "p"], { username: "u", password: "p" }],
    [["--auth", "s3cr3t"], { authorization: "s3cr3t" }],
    [["-P", "/tmp/x.pid"], { pidFile: "/tmp/x.pid" }],
    [["--pid=/tmp/x.pid"], { pidFile: "/tmp/x.pid" }],
    [["--ports_file_dir", "/tmp"], { portsFileDir: "/tmp" }],
    [["-l", "/tmp/n.log"], { logFile: "/tmp/n.log" }],
    [["--log_size_limit", "1024"], { logSizeLimit: 1024 }],
    [["-s"], { syslog: true }],
    [["-r", "udp://127.0.0.1:514"], { remoteSyslog: "udp://127.0.0.1:514" }],
    [["--client_advertise", "h:1"], { clientAdvertise: "h:1" }],
    [["-T=false"], { logtime: false }],
    [["--logtime=0"], { logtime: false }],
    [["-T"], { logtime: true }],
    [["-D"], { debug: true }],
    [["-V"], { trace: true }],
    [["--debug", "--trace"], { debug: true, trace: true }],
    [["-DV"], { debug: true, trace: true }],
    [["-VV"], { trace: true, traceVerbose: true }],
    [["-DVV"], { debug: true, trace: true, traceVerbose: true }],
    [["-DV=false"], { debug: false, trace: false }],
    // fs.Visit applies DV, DVV, VV after -D/-V, whatever the command-line order.
    [["-DVV=false", "-V"], { debug: false, trace: false, traceVerbose: false }],
    [["-D", "-D=false"], { debug: false }],
    [["-D=false", "-D"], { debug: true }],
    [["-D=f", "--debug=T"], { debug: true }],
    [["-p", "1", "--port", "2", "-p=3"], { port: 3 }], // the last occurrence wins
    [["-c", "a.conf"], { configFile: "a.conf" }],
    [["--pid="], { pidFile: "" }],
  ];
  for (const [argv, want] of cases) {
    test(argv.join(" "), () => {
      const r = run(argv);
      expect(r.action).toBe("run");
      expect(r.flags as Record<string, unknown>).toEqual(want);
    });
  }

  test("no flags: nothing overrides the config file", () => {
    expect(run([])).toEqual({
      action: "run",
      flags: {},
      checkConfig: false,
      tlsDisabled: false,
      notes: [],
      routesGiven: false,
    });
  });

  test("-t with -c", () => {
    const r = run(["-t", "-c", "x.conf"]);
    expect(r.checkConfig).toBe(true);
    expect(r.configFile).toBe("x.conf");
  });

  test("flags after -- and after the first non-flag are not parsed", () => {
    expect(err(["--", "-p", "1"]).message).toBe('unrecognized command: "-p"');
    expect(err(["-p", "1", "foo", "-D"]).message).toBe('unrecognized command: "foo"');
    expect(err(["-"]).message).toBe('unrecognized command: "-"');
  });
});

describe("actions", () => {
  const cases: [string[], CliResult["action"]][] = [
    [["-v"], "version"],
    [["--version"], "version"],
    [["version"], "version"],
    [["VERSION"], "version"],
    [["-h"], "help"],
    [["--help"], "help"],
    [["help"], "help"],
    [["--help_tls"], "help_tls"],
    [["-p", "1", "-v"], "version"],
    [["-v", "-h"], "version"], // ConfigureOptions checks version first
    [["-sl", "reload"], "signal"],
    [["--signal=ldm=/var/run/nats/nats.pid"], "signal"],
  ];
  for (const [argv, action] of cases) {
    test(argv.join(" "), () => expect(run(argv).action).toBe(action));
  }

  test("-sl keeps its whole argument, '=' included", () => {
    expect(run(["-sl=ldm=/var/run/nats/nats.pid"]).signal).toBe("ldm=/var/run/nats/nats.pid");
    expect(run(["--signal", "quit=12"]).signal).toBe("quit=12");
  });

  test("-h=false does not ask for help", () => {
    expect(run(["-h=false"]).action).toBe("run");
  });
});

describe("errors carry Go's texts", () => {
  const cases: [string[], string, boolean][] = [
    [["-x"], "flag provided but not defined: -x", true],
    [["--bogus=1"], "flag provided but not defined: -bogus", true],
    [["-p", "abc"], 'invalid value "abc" for flag -p: parse error', true],
    [["--port=abc"], 'invalid value "abc" for flag -port: parse error', true],
    [["-p", "99999999999999999999"], 'invalid value "99999999999999999999" for flag -p: value out of range', true],
    [["-T=5"], 'invalid boolean value "5" for -T: parse error', true],
    [["-D=yes"], 'invalid boolean value "yes" for -D: parse error', true],
    [["-c"], "flag needs an argument: -c", true],
    [["-p"], "flag needs an argument: -p", true],
    [["---p", "1"], "bad flag syntax: ---p", true],
    [["-=1"], "bad flag syntax: -=1", true],
    [["-T", "5"], 'unrecognized command: "5"', false], // a boolean never takes a separate value
    [["foo"], 'unrecognized command: "foo"', false],
    [["-t"], "must specify [-c, --config] option to check configuration file syntax", false],
    [["--tls"], "TLS Server certificate must be present and valid", false],
    [["--tlscert", "c.pem"], "TLS Server private key must be present and valid", false],
  ];
  for (const [argv, message, syntax] of cases) {
    test(argv.join(" "), () => {
      const e = err(argv);
      expect(e.message).toBe(message);
      expect(e.syntax).toBe(syntax);
    });
  }
});

describe("TLS flags", () => {
  test("--tls with cert and key builds the TLS options (verify from --tlsverify)", () => {
    const r = run(["--tls", "--tlscert", "c.pem", "--tlskey", "k.pem", "--tlscacert", "ca.pem", "--tlsverify"]);
    expect(r.flags.tls).toMatchObject({ certFile: "c.pem", keyFile: "k.pem", caFile: "ca.pem", verify: true, timeout: 2000 });
  });
  test("--tlsverify alone turns TLS on", () => {
    const r = run(["--tlsverify", "--tlscert=c", "--tlskey=k"]);
    expect(r.flags.tls?.verify).toBe(true);
  });
  test("-tls=false drops TLS, whatever the other tls flags", () => {
    const r = run(["-tls=false", "--tlscert", "c"]);
    expect(r.tlsDisabled).toBe(true);
    expect(r.flags.tls).toBeUndefined();
  });
});

describe("cluster flags", () => {
  test("--routes, --cluster, --cluster_name, --no_advertise, --connect_retries, --cluster_advertise", () => {
    const r = run(["--routes", "nats://a:6222, nats://u:p@b:6223", "--cluster", "nats://0.0.0.0:6222", "--cluster_name", "c", "--no_advertise", "--connect_retries", "3", "--cluster_advertise", "h:1"]);
    expect(r.flags).toEqual({
      routes: ["nats://a:6222", "nats://u:p@b:6223"],
      clusterHost: "0.0.0.0",
      clusterPort: 6222,
      clusterUsername: "",
      clusterPassword: "",
      clusterName: "c",
      clusterNoAdvertise: true,
      clusterConnectRetries: 3,
      clusterAdvertise: "h:1",
    });
    expect(r.routesGiven).toBe(true);
    expect(r.notes).toEqual([]);
  });
  test("--cluster_listen with credentials and a random port", () => {
    const r = run(["--cluster_listen", "nats://u:p@127.0.0.1:-1"]);
    expect(r.flags).toEqual({ clusterHost: "127.0.0.1", clusterPort: -1, clusterUsername: "u", clusterPassword: "p" });
  });
  test("--cluster errors are kept for after the config file (as overrideCluster)", () => {
    const e = (v: string) => run(["--cluster", v]).clusterError;
    expect(e("localhost:6222")).toBe("missing port in address");
    expect(e("nats://127.0.0.1")).toBe("address 127.0.0.1: missing port in address");
    expect(e("nats://a@127.0.0.1:6222")).toBe("expected cluster password to be set");
    expect(e("nats://a:b@127.0.0.1:x")).toBe('parse "nats://a:b@127.0.0.1:x": invalid port ":x" after host');
    expect(e("nats://[::1")).toBe('parse "nats://[::1": missing \']\' in host');
    expect(e("127.0.0.1:-1")).toBe('parse "127.0.0.1:0": first path segment in URL cannot contain colon');
    expect(e("::foo")).toBe('parse "::foo": missing protocol scheme');
    expect(e("nats://127.0.0.1:")).toBe("EOF");
    expect(run(["--cluster", ""]).flags).toEqual({ clusterPort: 0 });
  });
});

describe("accepted but ignored flags", () => {
  test("JetStream and profiling flags parse and leave a note each", () => {
    const r = run(["-js", "-sd", "/tmp/js", "--profile", "6060", "--max_traced_msg_len", "10"]);
    expect(r.action).toBe("run");
    expect(r.flags).toEqual({});
    expect(r.notes).toEqual([
      "Ignoring -profile: bnats has no profiling port",
      "Ignoring -max_traced_msg_len: bnats traces messages in full",
      "Ignoring -js: bnats has no JetStream",
      "Ignoring -sd: bnats has no JetStream",
    ]);
  });
  test("set to their zero values, they say nothing", () => {
    expect(run(["-js=false", "--profile", "0"]).notes).toEqual([]);
  });
});

describe("Go value parsers", () => {
  test("strconv.ParseBool", () => {
    for (const s of ["1", "t", "T", "TRUE", "true", "True"]) expect(parseGoBool(s)).toBe(true);
    for (const s of ["0", "f", "F", "FALSE", "false", "False"]) expect(parseGoBool(s)).toBe(false);
    for (const s of ["", "yes", "tRue", "2"]) expect(parseGoBool(s)).toBeUndefined();
  });
  test("strconv.ParseInt(s, 0, 64)", () => {
    const ok: [string, number][] = [
      ["0", 0], ["-1", -1], ["+7", 7], ["0x1f", 31], ["0X1F", 31], ["0b101", 5], ["0o17", 15], ["017", 15], ["1_000", 1000], ["0x_1f", 31],
    ];
    for (const [s, n] of ok) expect(parseGoInt(s)).toBe(n);
    for (const s of ["", "abc", "08", "1__0", "_1", "1_", "0x", "1.5", " 1", "1e3"]) expect(parseGoInt(s)).toBe("parse error");
    expect(parseGoInt("9223372036854775808")).toBe("value out of range");
    expect(parseGoInt("-9223372036854775808")).toBe(-9223372036854775808);
  });
});
