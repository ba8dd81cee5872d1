// A reload that changes ports_file_dir moves the ports file (reload.go: deletePortsFile, logPorts).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BNATS_BINARY, REPO_ROOT, startBnatsBinary, type ProcessServer } from "../helpers/bnats.ts";
import { hasReference, startReference } from "../helpers/ref.ts";

const work = mkdtempSync(join(tmpdir(), "bnats-ports-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Polls until `cond` holds (the file system offers no event for another process's rename here). */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

const portsIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".ports"));

test("SIGHUP with a new ports_file_dir writes the ports file there and removes the old one", async () => {
  if (!existsSync(BNATS_BINARY)) {
    const r = Bun.spawnSync(["make", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
  }
  const [a, b] = [join(work, "a"), join(work, "b")];
  mkdirSync(a);
  mkdirSync(b);
  const conf = join(work, "bnats.conf");
  writeFileSync(conf, `port: -1\nports_file_dir: "${a}"\n`);
  const proc = Bun.spawn([BNATS_BINARY, "-c", conf], { stdout: "ignore", stderr: "ignore" });
  try {
    await until(() => portsIn(a).length === 1, "the ports file in the first dir");
    writeFileSync(conf, `port: -1\nports_file_dir: "${b}"\n`);
    proc.kill("SIGHUP");
    await until(() => portsIn(b).length === 1, "the ports file in the new dir");
    expect(portsIn(a)).toEqual([]);
    expect(portsIn(b)[0]).toBe(`bnats_${proc.pid}.ports`);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
  expect(portsIn(b)).toEqual([]); // removed at exit
});

// nats.js's test launcher (nst) reads a member's route port and the websocket port from the ports file
// (`cluster`, `websocket`): without them NatsServer.cluster() fails with "no cluster port on server" and
// websocket tests dial ws://127.0.0.1:undefined. Same file as nats-server's, ports masked.
describe.skipIf(!hasReference())("ports file with cluster and websocket listeners, beside nats-server", () => {
  const config = [
    "listen: 127.0.0.1:-1",
    "http: 127.0.0.1:-1",
    'cluster { name: C1, listen: "127.0.0.1:-1" }',
    "websocket { listen: 127.0.0.1:-1, no_tls: true }",
    "",
  ].join("\n");
  const servers: ProcessServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  async function portsOf(start: () => Promise<ProcessServer>): Promise<{ file: Record<string, string[]>; logs: string }> {
    const s = await start();
    servers.push(s);
    await s.waitForLog("Listening for route connections");
    const dir = join(s.dir, "ports");
    // The file is renamed into place whole; the reference writes it once every listener is up.
    await until(() => portsIn(dir).length === 1 && readFileSync(join(dir, portsIn(dir)[0]!), "utf8").includes("cluster"), "the ports file");
    return { file: JSON.parse(readFileSync(join(dir, portsIn(dir)[0]!), "utf8")) as Record<string, string[]>, logs: s.logs() };
  }
  const mask = (f: Record<string, string[]>): string => JSON.stringify(f).replace(/:\d+"/g, ':P"');

  test("same keys, schemes and hosts; the ports are the bound ones", async () => {
    if (!existsSync(BNATS_BINARY)) return;
    const ref = await portsOf(() => startReference({ config, fixedPort: true }));
    const got = await portsOf(() => startBnatsBinary({ config, fixedPort: true }));
    expect(mask(got.file)).toBe(mask(ref.file));
    expect(Object.keys(got.file)).toEqual(["nats", "monitoring", "cluster", "websocket"]);
    const route = /Listening for route connections on 127\.0\.0\.1:(\d+)/.exec(got.logs)?.[1];
    const ws = /Listening for websocket clients on ws:\/\/127\.0\.0\.1:(\d+)/.exec(got.logs)?.[1];
    expect(got.file.cluster).toEqual([`nats://127.0.0.1:${route}`]);
    expect(got.file.websocket).toEqual([`ws://127.0.0.1:${ws}`]);
  });
});
