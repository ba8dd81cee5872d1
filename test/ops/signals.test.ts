// Each signal end to end on the compiled binary (dist/bnats, built once if missing), beside the
// reference nats-server where its behaviour is deterministic (reload refusal text, the ldm INFO).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BNATS_BINARY, REPO_ROOT, startBnatsBinary, type ProcessServer } from "../helpers/bnats.ts";
import { hasReference, startReference } from "../helpers/ref.ts";
import type { ServerSpec } from "../helpers/proc.ts";
import { parseInfoLine, RawClient } from "../helpers/raw.ts";

const running: ProcessServer[] = [];
const clients: RawClient[] = [];

beforeAll(() => {
  if (existsSync(BNATS_BINARY)) return;
  const r = Bun.spawnSync(["make", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`make build failed:\n${r.stderr.toString()}`);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(running.map((s) => s.stop()));
});

async function bnats(spec: ServerSpec): Promise<ProcessServer> {
  const s = await startBnatsBinary(spec);
  running.push(s);
  return s;
}

async function reference(spec: ServerSpec): Promise<ProcessServer> {
  const s = await startReference(spec);
  running.push(s);
  return s;
}

async function client(port: number, connect: Record<string, unknown> = {}): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  await c.readInfo();
  c.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, ...connect })}\r\nPING\r\n`);
  await c.expect("PONG\r\n");
  return c;
}

/** A pattern that matches once a log holds at least n reload outcomes (for waitForLog). */
class NthReload extends RegExp {
  constructor(readonly n: number) {
    super(/(Reloaded server configuration|Failed to reload server configuration: .*)/g);
  }
  override test(log: string): boolean {
    return (log.match(this)?.length ?? 0) >= this.n;
  }
}

/** Sends SIGHUP and returns the outcome line of the n-th reload. */
async function reload(s: ProcessServer, n: number): Promise<string> {
  s.signal("SIGHUP");
  const re = new NthReload(n);
  const log = await s.waitForLog(re);
  return log.match(re)![n - 1]!;
}

const perms = (publish: string): string => `
authorization {
  users = [
    { user: alice, password: pw, permissions: { publish: ${publish} } }
    { user: bob, password: pw }
  ]
}
`;

describe("SIGHUP: reload", () => {
  test("a connected client's next publish is judged by the new permissions", async () => {
    const s = await bnats({ config: perms(`["foo"]`) });
    const bob = await client(s.port, { user: "bob", pass: "pw" });
    bob.send("SUB > 1\r\nPING\r\n");
    await bob.expect("PONG\r\n");
    const alice = await client(s.port, { user: "alice", pass: "pw" });
    writeFileSync(s.configFile!, perms(`["bar"]`));
    expect(await reload(s, 1)).toBe("Reloaded server configuration");
    alice.send("PUB foo 1\r\nx\r\nPUB bar 1\r\ny\r\nPING\r\n");
    await alice.expect(`-ERR 'Permissions Violation for Publish to "foo"'\r\nPONG\r\n`);
    await bob.expect("MSG bar 1 1\r\ny\r\n");
  });

  test.skipIf(!hasReference())("connected clients are judged again as the reference judges them", async () => {
    const before = `authorization { users = [
      { user: alice, password: pw, permissions: { subscribe: ["foo", "bar"] } }
      { user: bob, password: pw }
      { user: carol, password: pw }
    ] }`;
    const after = `authorization { users = [
      { user: alice, password: pw, permissions: { publish: ["bar"], subscribe: ["bar"] } }
      { user: carol, password: changed }
    ] }`;
    const transcripts: string[][] = [];
    for (const start of [bnats, reference]) {
      const s = await start({ config: before });
      const alice = await client(s.port, { user: "alice", pass: "pw" });
      const bob = await client(s.port, { user: "bob", pass: "pw" });
      const carol = await client(s.port, { user: "carol", pass: "pw" });
      alice.send("SUB foo 1\r\nSUB bar q 2\r\nPING\r\n");
      await alice.expect("PONG\r\n");
      writeFileSync(s.configFile!, before.replace(/[\s\S]*/, after));
      await reload(s, 1);
      alice.send("PUB foo 1\r\nx\r\nPUB bar 1\r\ny\r\nPING\r\n");
      const a = await alice.readUntil((u) => (u.endsWith("PONG\r\n") ? u.length : false));
      expect(await bob.waitClosed()).toBe(true);
      expect(await carol.waitClosed()).toBe(true);
      transcripts.push([a, bob.unread, carol.unread]);
      const removed = /\[INF\] (Removed sub .*)/.exec(s.logs())?.[1];
      transcripts.push([removed ?? ""]);
    }
    expect(transcripts[0]).toEqual(transcripts[2]!);
    expect(transcripts[1]).toEqual(transcripts[3]!);
    expect(transcripts[0]![0]).toContain(`-ERR 'Permissions Violation for Subscription to "foo" (sid "1")'`);
    expect(transcripts[0]![2]).toBe("-ERR 'Authorization Violation'\r\n");
  });

  test("a bad file is logged with file and line, and the old config keeps serving", async () => {
    const s = await bnats({ config: perms(`["foo"]`) });
    const alice = await client(s.port, { user: "alice", pass: "pw" });
    writeFileSync(s.configFile!, `authorization {\n  users = [\n    { user: alice, password: pw ]\n}\n`);
    const line = await reload(s, 1);
    expect(line).toStartWith(`Failed to reload server configuration: ${s.configFile}:3:`);
    alice.send("PUB bar 1\r\nx\r\nPING\r\n");
    await alice.expect(`-ERR 'Permissions Violation for Publish to "bar"'\r\nPONG\r\n`);
    await client(s.port, { user: "bob", pass: "pw" }); // still the old users
  });

  test("/varz config_load_time moves on a reload, not on a failed one; reloaded limits show", async () => {
    const s = await bnats({ config: "port: -1\nhttp_port: -1\n" });
    const varz = async (): Promise<{ config_load_time: string; max_payload: number }> =>
      (await (await fetch(`http://127.0.0.1:${s.httpPort}/varz`)).json()) as { config_load_time: string; max_payload: number };
    const v0 = await varz();
    writeFileSync(s.configFile!, "port: -1\nhttp_port: -1\nmax_payload: 4096\n");
    expect(await reload(s, 1)).toBe("Reloaded server configuration");
    const v1 = await varz();
    expect(Date.parse(v1.config_load_time)).toBeGreaterThan(Date.parse(v0.config_load_time));
    expect(v1.max_payload).toBe(4096);
    writeFileSync(s.configFile!, "port: -1\nhttp_port: -1\nmax_payload: [\n");
    expect(await reload(s, 2)).toStartWith("Failed to reload server configuration: ");
    expect((await varz()).config_load_time).toBe(v1.config_load_time);
  });

  test.skipIf(!hasReference())("a changed port is refused as the reference refuses it, and the server keeps running", async () => {
    const lines: string[] = [];
    for (const start of [bnats, reference]) {
      const s = await start({ config: "port: -1\n", fixedPort: true });
      writeFileSync(s.configFile!, `port: ${s.port + 1}\n`);
      const line = await reload(s, 1);
      lines.push(line.replace(String(s.port + 1), "NEW").replace(String(s.port), "OLD"));
      await client(s.port);
    }
    expect(lines[0]).toBe("Failed to reload server configuration: config reload not supported for Port: old=OLD, new=NEW");
    expect(lines[0]).toBe(lines[1]!);
  });

  test.skipIf(!hasReference())("each option the reference cannot reload is refused with its words", async () => {
    const changes = [
      `host: "127.0.0.1"`,
      "max_pending: 2000000",
      "max_subscriptions: 10",
      `lame_duck_duration: "1m"`,
      `lame_duck_grace_period: "5s"`,
      "http_port: 18999",
      "no_header_support: true",
      "server_name: foo",
      "logfile_size_limit: 1000",
      "allow_non_tls: true",
      "authorization { users = [ {user: a, password: b} ] }\nno_auth_user: a",
    ];
    const outcomes = async (start: typeof bnats): Promise<string[]> =>
      Promise.all(
        changes.map(async (change) => {
          const s = await start({ config: "port: -1\n", fixedPort: true });
          writeFileSync(s.configFile!, `port: -1\n${change}\n`);
          const line = await reload(s, 1);
          await s.stop();
          return line;
        }),
      );
    const [ours, theirs] = [await outcomes(bnats), await outcomes(reference)];
    expect(ours).toEqual(theirs);
    for (const line of ours) expect(line).toStartWith("Failed to reload server configuration: config reload not supported for ");
  }, 20_000);

  test.skipIf(!hasReference())("the Reloaded lines are the reference's, in its order", async () => {
    const change = `debug: true\nmax_payload: 2000\nping_interval: "30s"\nmax_connections: 100\nwrite_deadline: "3s"\nlogtime: false\n`;
    const seen: string[][] = [];
    for (const start of [bnats, reference]) {
      const s = await start({ config: "port: -1\n", fixedPort: true });
      writeFileSync(s.configFile!, "port: -1\n" + change);
      await reload(s, 1);
      seen.push([...s.logs().matchAll(/\[INF\] (Reloaded.*)/g)].map((m) => m[1]!));
    }
    expect(seen[0]).toEqual(seen[1]!);
    expect(seen[0]).toContain("Reloaded: max_payload = 2000");
  });
});

describe("SIGUSR2: lame duck mode", () => {
  // lame_duck_duration cannot be below 30s in a config file (as the reference); with a 1s grace period
  // and clients closed at most 1s apart, three clients are gone in about 3s.
  const ldmConfig = `port: -1\nlame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\n`;

  test.skipIf(!hasReference())("INFO with ldm, every client closed within the duration, exit 0 (as the reference)", async () => {
    const infos: Record<string, unknown>[] = [];
    for (const start of [bnats, reference]) {
      const s = await start({ config: ldmConfig });
      const cs = [await client(s.port), await client(s.port), await client(s.port)];
      const t0 = performance.now();
      s.signal("SIGUSR2");
      for (const c of cs) {
        const info = parseInfoLine(await c.readLine());
        expect(info.ldm).toBe(true);
        infos.push(info);
      }
      for (const c of cs) expect(await c.waitClosed(10_000)).toBe(true);
      expect(await s.exited).toBe(0);
      const took = performance.now() - t0;
      expect(took).toBeGreaterThanOrEqual(1000);
      expect(took).toBeLessThan(30_000);
      expect(s.logs()).toContain("Entering lame duck mode, stop accepting new clients");
      expect(s.logs()).toContain("Closing existing clients");
    }
    const keys = (i: Record<string, unknown>): string[] => Object.keys(i).sort();
    expect(keys(infos[0]!)).toEqual(keys(infos[3]!));
  }, 30_000);

  test("SIGTERM is ignored during lame duck mode; /healthz is 503 then", async () => {
    const s = await bnats({ config: `port: -1\nhttp_port: -1\nlame_duck_duration: "30s"\nlame_duck_grace_period: "2s"\n` });
    const c = await client(s.port);
    expect((await fetch(`http://127.0.0.1:${s.httpPort}/healthz`)).status).toBe(200);
    s.signal("SIGUSR2");
    await c.readLine();
    expect((await fetch(`http://127.0.0.1:${s.httpPort}/healthz`)).status).toBe(503);
    s.signal("SIGTERM");
    // Still serving the connected client until the grace period is over.
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
    expect(await c.waitClosed(10_000)).toBe(true);
    expect(await s.exited).toBe(0);
  }, 20_000);
});

describe("SIGINT / SIGTERM", () => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    test(`${sig}: clean shutdown, exit 0`, async () => {
      const s = await bnats({ config: "port: -1\n" });
      const c = await client(s.port);
      s.signal(sig);
      expect(await c.waitClosed()).toBe(true);
      expect(await s.exited).toBe(0);
      expect(s.logs()).toContain("Server Exiting..");
    });
  }
});

describe("SIGUSR1: reopen the log file", () => {
  test("after the file was moved away, logging goes to a new file", async () => {
    const s = await bnats({ config: "port: -1\nlog_file: bnats.log\n" });
    const file = join(s.dir, "bnats.log");
    expect(readFileSync(file, "utf8")).toContain("Server is ready");
    renameSync(file, file + ".1");
    s.signal("SIGUSR1");
    const deadline = Date.now() + 5000;
    while (!existsSync(file) && Date.now() < deadline) await Bun.sleep(20);
    expect(readFileSync(file, "utf8")).toContain("File log re-opened");
    // A reload then logs into the new file, not the moved one.
    s.signal("SIGHUP");
    while (!readFileSync(file, "utf8").includes("Reloaded server configuration") && Date.now() < deadline) await Bun.sleep(20);
    expect(readFileSync(file, "utf8")).toContain("Reloaded server configuration");
    expect(readFileSync(file + ".1", "utf8")).not.toContain("File log re-opened");
  });
});

describe("--signal", () => {
  test("reload=<pid file> reaches the process that wrote it, and only that one", async () => {
    const a = await bnats({ config: "port: -1\npid_file: a.pid\n" });
    const b = await bnats({ config: "port: -1\npid_file: b.pid\n" });
    const pidFile = join(a.dir, "a.pid");
    expect(readFileSync(pidFile, "utf8")).toBe(String(a.pid));
    const r = Bun.spawnSync([BNATS_BINARY, "--signal", `reload=${pidFile}`], { stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
    await a.waitForLog("Reloaded server configuration");
    const ldm = Bun.spawnSync([BNATS_BINARY, "-sl", `quit=${join(b.dir, "b.pid")}`]);
    expect(ldm.exitCode).toBe(0);
    expect(await b.exited).toBe(0);
    expect(b.logs()).not.toContain("Reloaded server configuration");
  });
});
