// Config reload (SIGHUP) in-process: the option diff, what is applied, what is refused, and how
// connected clients are judged again. The signal path itself is tested on the binary (signals.test.ts).
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions, type Options } from "../../src/options.ts";
import { Server } from "../../src/server/server.ts";
import { SignalHandler } from "../../src/process/signals.ts";
import { MemoryLogger } from "../helpers/bnats.ts";
import { RawClient } from "../helpers/raw.ts";

interface Running {
  server: Server;
  log: MemoryLogger;
  handler: SignalHandler;
  file: string;
  write(text: string): void;
  reload(): Promise<boolean>;
  errors(): string[];
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(config: string, flags: Partial<Options> = { port: -1 }): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), "bnats-reload-"));
  const file = join(dir, "bnats.conf");
  writeFileSync(file, config);
  const log = new MemoryLogger();
  const allFlags = flags;
  const server = new Server(mergeOptions(loadConfig(file).options, allFlags), log);
  await server.start();
  const handler = new SignalHandler(server, { flags: allFlags, exit: () => {} });
  const r: Running = {
    server,
    log,
    handler,
    file,
    write: (text) => writeFileSync(file, text),
    reload: () => handler.reload(),
    errors: () => log.lines.filter((l) => l.startsWith("[ERR]")),
    stop: async () => {
      await server.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(() => r.stop());
  return r;
}

async function client(port: number, connect: Record<string, unknown>): Promise<RawClient> {
  const c = await RawClient.connect(port);
  cleanups.push(() => c.close());
  await c.readInfo();
  c.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, ...connect })}\r\nPING\r\n`);
  await c.expect("PONG\r\n");
  return c;
}

const users = (alicePerms: string, extra = ""): string => `
authorization {
  users = [
    { user: alice, password: pw, permissions: ${alicePerms} }
    { user: bob, password: pw }
    ${extra}
  ]
}
`;

describe("reload: authorization", () => {
  test("a connected client's next publish is judged by the new permissions", async () => {
    const r = await start(users(`{ publish: ["foo"] }`));
    const bob = await client(r.server.port, { user: "bob", pass: "pw" });
    bob.send("SUB foo 1\r\nSUB bar 2\r\nPING\r\n");
    await bob.expect("PONG\r\n");
    const alice = await client(r.server.port, { user: "alice", pass: "pw" });
    alice.send("PUB foo 2\r\nhi\r\nPUB bar 2\r\nno\r\nPING\r\n");
    await alice.expect(`-ERR 'Permissions Violation for Publish to "bar"'\r\nPONG\r\n`);
    await bob.expect("MSG foo 1 2\r\nhi\r\n");

    r.write(users(`{ publish: ["bar"] }`));
    expect(await r.reload()).toBe(true);
    expect(r.log.lines.at(-1)).toBe("[INF] Reloaded server configuration");
    alice.send("PUB foo 2\r\nno\r\nPUB bar 2\r\nok\r\nPING\r\n");
    await alice.expect(`-ERR 'Permissions Violation for Publish to "foo"'\r\nPONG\r\n`);
    await bob.expect("MSG bar 2 2\r\nok\r\n");
    expect(r.log.lines).toContain("[INF] Reloaded: authorization users");
  });

  test("subscriptions the new permissions refuse are removed with an -ERR each", async () => {
    const r = await start(users(`{ subscribe: ["foo", "bar"] }`));
    const alice = await client(r.server.port, { user: "alice", pass: "pw" });
    alice.send("SUB foo 1\r\nSUB bar q 2\r\nPING\r\n");
    await alice.expect("PONG\r\n");
    r.write(users(`{ subscribe: ["bar"] }`));
    expect(await r.reload()).toBe(true);
    await alice.expect(`-ERR 'Permissions Violation for Subscription to "foo" (sid "1")'\r\n`);
    expect(r.log.lines).toContain(`[INF] Removed sub "foo" (sid "1") for User "alice" - not authorized`);
    const bob = await client(r.server.port, { user: "bob", pass: "pw" });
    bob.send("PUB foo 1\r\nx\r\nPUB bar 1\r\ny\r\nPING\r\n");
    await bob.expect("PONG\r\n");
    await alice.expect("MSG bar 2 1\r\ny\r\n");
    expect(alice.unread).toBe("");
  });

  test("a user that vanished is closed; a changed password is an Authorization Violation", async () => {
    const r = await start(users(`{}`));
    const alice = await client(r.server.port, { user: "alice", pass: "pw" });
    const bob = await client(r.server.port, { user: "bob", pass: "pw" });
    r.write(`authorization { users = [ { user: alice, password: other } ] }`);
    expect(await r.reload()).toBe(true);
    expect(await bob.waitClosed()).toBe(true);
    expect(bob.unread).toBe(""); // Client Closed: no -ERR, as clientHasMovedToDifferentAccount
    await alice.expect("-ERR 'Authorization Violation'\r\n");
    expect(await alice.waitClosed()).toBe(true);
    const reasons = r.server.closed.map((c) => [c.user, c.closeReason]);
    expect(reasons).toContainEqual(["bob", "Client Closed"]);
    expect(reasons).toContainEqual(["alice", "Authentication Failure"]);
  });

  test("bcrypt users are judged again off the event loop, once per credentials", async () => {
    const hash = await Bun.password.hash("pw", { algorithm: "bcrypt", cost: 10 });
    const conf = (pub: string): string => `authorization { users = [ { user: alice, password: "${hash}", permissions: { publish: ["${pub}"] } } ] }`;
    const r = await start(conf("foo"));
    const a1 = await client(r.server.port, { user: "alice", pass: "pw" });
    const a2 = await client(r.server.port, { user: "alice", pass: "pw" });
    const other = await client(r.server.port, { user: "alice", pass: "pw" });
    r.write(conf("bar"));
    const t0 = performance.now();
    const reloading = r.reload();
    // Served while the comparison runs.
    other.send("PING\r\n");
    await other.expect("PONG\r\n");
    expect(await reloading).toBe(true);
    // One comparison (cost 10, tens of ms), not one per connection.
    expect(performance.now() - t0).toBeLessThan(2000);
    for (const c of [a1, a2]) {
      c.send("PUB foo 1\r\nx\r\nPING\r\n");
      await c.expect(`-ERR 'Permissions Violation for Publish to "foo"'\r\nPONG\r\n`);
    }
  });

  test("new connections use the new users", async () => {
    const r = await start(users(`{}`));
    r.write(users(`{}`, `{ user: carol, password: pw }`));
    expect(await r.reload()).toBe(true);
    await client(r.server.port, { user: "carol", pass: "pw" });
  });
});

describe("reload: refused or failed, the server keeps what it had", () => {
  test("a bad file: the error names file and line, the old config stays", async () => {
    const r = await start(users(`{ publish: ["foo"] }`));
    const before = r.server.configTime;
    r.write(`port: -1\nauthorization {\n  users = [ { user: alice password: pw ]\n}\n`);
    expect(await r.reload()).toBe(false);
    const err = r.errors().at(-1)!;
    expect(err).toStartWith(`[ERR] Failed to reload server configuration: ${r.file}:3:`);
    expect(r.server.configTime).toBe(before);
    const alice = await client(r.server.port, { user: "alice", pass: "pw" });
    alice.send("PUB bar 1\r\nx\r\nPING\r\n");
    await alice.expect(`-ERR 'Permissions Violation for Publish to "bar"'\r\nPONG\r\n`);
  });

  test("a changed port is refused with the reference's message", async () => {
    // No -p flag here: a port given as a flag would override the file's (MergeOptions).
    const r = await start(`port: -1\nmax_payload: 1000\n`, {});
    const port = r.server.port;
    r.write(`port: ${port === 65000 ? 65001 : 65000}\nmax_payload: 2000\n`);
    expect(await r.reload()).toBe(false);
    expect(r.errors()).toEqual([
      `[ERR] Failed to reload server configuration: config reload not supported for Port: old=${port}, new=${port === 65000 ? 65001 : 65000}`,
    ]);
    expect(r.server.opts.maxPayload).toBe(1000); // nothing applied
    const c = await RawClient.connect(port);
    cleanups.push(() => c.close());
    expect((await c.readInfo()).max_payload).toBe(1000);
  });

  test("the same port, given explicitly, is not a change", async () => {
    const r = await start(`port: -1\n`);
    r.write(`port: ${r.server.port}\n`);
    expect(await r.reload()).toBe(true);
  });

  test("options the reference cannot reload are refused in its struct order", async () => {
    const r = await start(`port: -1\n`);
    r.write(`port: -1\nmax_pending: 2000000\nmax_subscriptions: 10\n`);
    expect(await r.reload()).toBe(false);
    expect(r.errors().at(-1)).toBe("[ERR] Failed to reload server configuration: config reload not supported for MaxSubs: old=0, new=10");
    r.write(`port: -1\nlame_duck_duration: "1m"\n`);
    expect(await r.reload()).toBe(false);
    expect(r.errors().at(-1)).toBe(
      "[ERR] Failed to reload server configuration: config reload not supported for LameDuckDuration: old=2m0s, new=1m0s",
    );
  });

  test("flags keep precedence over the reloaded file", async () => {
    const r = await start(`port: -1\nmax_payload: 1000\n`, { port: -1, debug: false, maxPayload: 500 });
    r.write(`port: -1\nmax_payload: 3000\ndebug: true\n`);
    expect(await r.reload()).toBe(true);
    expect(r.server.opts.maxPayload).toBe(500);
    expect(r.server.opts.debug).toBe(false);
  });

  test("without a config file there is nothing to reload", async () => {
    const log = new MemoryLogger();
    const server = new Server(mergeOptions({}, { port: -1 }), log);
    await server.start();
    cleanups.push(() => server.shutdown());
    const h = new SignalHandler(server, { flags: {}, exit: () => {} });
    expect(await h.reload()).toBe(false);
    expect(log.lines.at(-1)).toBe(
      "[ERR] Failed to reload server configuration: can only reload config when a file is provided using -c or --config",
    );
  });
});

describe("reload: limits and logging", () => {
  test("the reference's lines, in its order, and config_load_time moves", async () => {
    const r = await start(`port: -1\n`);
    const before = r.server.configTime;
    await Bun.sleep(5);
    r.write(`port: -1
debug: true
max_payload: 2000
ping_interval: "30s"
max_connections: 100
write_deadline: "3s"
logtime: false
`);
    let configured: Options | undefined;
    r.handler.hooks.configureLogger = (o) => (configured = o);
    expect(await r.reload()).toBe(true);
    const first = r.log.lines.indexOf("[INF] Reloaded: debug = true");
    expect(r.log.lines.slice(first)).toEqual([
      "[INF] Reloaded: debug = true",
      "[INF] Reloaded: logtime = false",
      "[INF] Reloaded: max_connections = 100",
      "[INF] Reloaded: authorization users",
      "[INF] Reloaded: accounts",
      "[INF] Reloaded: ping_interval = 30s",
      "[INF] Reloaded: max_payload = 2000",
      "[INF] Reloaded: write_deadline = 3s",
      "[INF] Reloaded server configuration",
    ]);
    expect(configured?.debug).toBe(true);
    expect(r.server.configTime.getTime()).toBeGreaterThan(before.getTime());
  });

  test("max_payload applies to connected clients and to new INFOs", async () => {
    const r = await start(`port: -1\n`);
    const c = await client(r.server.port, {});
    r.write(`port: -1\nmax_payload: 10\n`);
    expect(await r.reload()).toBe(true);
    c.send("PUB foo 11\r\n01234567890\r\n");
    await c.expect("-ERR 'Maximum Payload Violation'\r\n");
    const d = await RawClient.connect(r.server.port);
    cleanups.push(() => d.close());
    expect((await d.readInfo()).max_payload).toBe(10);
  });

  test("a lower max_connections closes the surplus", async () => {
    const r = await start(`port: -1\n`);
    const a = await client(r.server.port, {});
    const b = await client(r.server.port, {});
    const c = await client(r.server.port, {});
    r.write(`port: -1\nmax_connections: 2\n`);
    expect(await r.reload()).toBe(true);
    await c.expect("-ERR 'maximum connections exceeded'\r\n");
    expect(await c.waitClosed()).toBe(true);
    expect(r.log.lines).toContain("[INF] Closed 1 connections to fall within max_connections");
    expect(a.closed || b.closed).toBe(false);
  });
});

describe("reload: TLS", () => {
  function selfSigned(dir: string, name: string): { cert: string; key: string } {
    const cert = join(dir, `${name}.pem`);
    const key = join(dir, `${name}.key`);
    const r = Bun.spawnSync(
      ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${name}`, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      { stdout: "pipe", stderr: "pipe" },
    );
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
    return { cert, key };
  }

  async function peerCN(port: number): Promise<{ cn: string; client: RawClient }> {
    const c = await RawClient.connect(port);
    cleanups.push(() => c.close());
    await c.readInfo();
    const secure = await c.startTLS({ rejectUnauthorized: false });
    return { cn: String(secure.getPeerCertificate().subject.CN), client: c };
  }

  test("a certificate replaced in place is used for new connections; a bad one fails the reload", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bnats-reload-tls-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const a = selfSigned(dir, "first");
    const b = selfSigned(dir, "second");
    const conf = `port: -1\ntls { cert_file: "${a.cert}", key_file: "${a.key}" }\n`;
    const r = await start(conf);
    const old = await peerCN(r.server.port);
    expect(old.cn).toBe("first");

    // Same config text, new file contents (cert-manager style rotation).
    writeFileSync(a.cert, readFileSync(b.cert));
    writeFileSync(a.key, readFileSync(b.key));
    expect(await r.reload()).toBe(true);
    expect(r.log.lines).toContain("[INF] Reloaded: tls = enabled");
    expect((await peerCN(r.server.port)).cn).toBe("second");
    // The existing connection keeps its session.
    old.client.send(`CONNECT {"verbose":false}\r\nPING\r\n`);
    await old.client.expect("PONG\r\n");

    // A reload without changes logs no TLS line.
    const n = r.log.lines.length;
    expect(await r.reload()).toBe(true);
    expect(r.log.lines.slice(n)).not.toContain("[INF] Reloaded: tls = enabled");

    writeFileSync(a.cert, "not a certificate");
    expect(await r.reload()).toBe(false);
    expect(r.errors().at(-1)).toContain(a.cert);
    expect((await peerCN(r.server.port)).cn).toBe("second");
  });
});

describe("reload: accounts (reload.go reloadAuthorization with configured accounts)", () => {
  const accounts = (bImports: string, aUsers = "{user: a, password: pw}", bUsers = "{user: b, password: pw}"): string => `
accounts {
  A: { users: [${aUsers}], exports: [{stream: "pub.>"}, {service: "svc"}] }
  B: { users: [${bUsers}], imports: [${bImports}] }
}
`;

  test("a stream import added by a reload delivers to subscriptions made before it", async () => {
    const r = await start(accounts(""));
    const a = await client(r.server.port, { user: "a", pass: "pw" });
    const b = await client(r.server.port, { user: "b", pass: "pw" });
    b.send("SUB froma.pub.> 1\r\nPING\r\n");
    await b.expect("PONG\r\n");
    r.write(accounts(`{stream: {account: A, subject: "pub.>"}, prefix: froma}`));
    expect(await r.reload()).toBe(true);
    expect(r.log.lines).toContain("[INF] Reloaded: accounts");
    a.send("PUB pub.x 2\r\nhi\r\nPING\r\n");
    await a.expect("PONG\r\n");
    await b.expect("MSG froma.pub.x 1 2\r\nhi\r\n");
  });

  test("a service import added by a reload answers; removed by the next one, it is gone", async () => {
    const r = await start(accounts(""));
    const a = await client(r.server.port, { user: "a", pass: "pw" });
    const b = await client(r.server.port, { user: "b", pass: "pw" });
    a.send("SUB svc 1\r\nPING\r\n");
    await a.expect("PONG\r\n");
    r.write(accounts(`{service: {account: A, subject: "svc"}, to: "b.svc"}`));
    expect(await r.reload()).toBe(true);
    b.send("SUB rep 9\r\nPUB b.svc rep 1\r\nq\r\nPING\r\n");
    await b.expect("PONG\r\n");
    const req = await a.readUntil((u) => (/MSG svc 1 (_R_\.\S+) 1\r\nq\r\n/.test(u) ? u.length : false));
    const reply = /MSG svc 1 (_R_\.\S+) 1/.exec(req)![1]!;
    a.send(`PUB ${reply} 3\r\nans\r\nPING\r\n`);
    await a.expect("PONG\r\n");
    await b.expect("MSG rep 9 3\r\nans\r\n");
    r.write(accounts(""));
    expect(await r.reload()).toBe(true);
    b.send("PUB b.svc rep 1\r\nq\r\nPING\r\n");
    await b.expect("PONG\r\n");
    a.send("PING\r\n");
    await a.expect("PONG\r\n");
  });

  test("a user moved to another account is closed (it reconnects into the new one)", async () => {
    const r = await start(accounts("", "{user: a, password: pw}, {user: mover, password: pw}"));
    await client(r.server.port, { user: "mover", pass: "pw" });
    r.write(accounts("", "{user: a, password: pw}", "{user: b, password: pw}, {user: mover, password: pw}"));
    expect(await r.reload()).toBe(true);
    expect(r.server.closed.map((c) => [c.user, c.closeReason])).toEqual([["mover", "Client Closed"]]);
  });

  test("the system account cannot change", async () => {
    const r = await start(`${accounts("")}\nsystem_account: A\n`);
    r.write(`${accounts("")}\nsystem_account: B\n`);
    expect(await r.reload()).toBe(false);
    expect(r.errors().join("\n")).toContain("config reload not supported for SystemAccount: old=A, new=B");
  });
});
