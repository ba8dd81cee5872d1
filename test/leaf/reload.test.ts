// Config reload and leaf nodes (reload.go "leafnode"): the leafnodes block cannot change, except its TLS
// files; an unchanged block (random port included) reloads fine and the links stay.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions } from "../../src/options.ts";
import { SignalHandler } from "../../src/process/signals.ts";
import { Server } from "../../src/server/server.ts";
import { MemoryLogger } from "../helpers/bnats.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(config: string) {
  const dir = mkdtempSync(join(tmpdir(), "bnats-leafreload-"));
  const file = join(dir, "bnats.conf");
  writeFileSync(file, config);
  const log = new MemoryLogger();
  const server = new Server(mergeOptions(loadConfig(file).options, { port: -1 }), log);
  await server.start();
  const handler = new SignalHandler(server, { flags: { port: -1 }, exit: () => {} });
  cleanups.push(async () => {
    await server.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  return { server, log, write: (t: string) => writeFileSync(file, t), reload: () => handler.reload() };
}

const LN = 'leafnodes { listen: "127.0.0.1:-1" }';

test("an unchanged leafnodes block reloads; the listener keeps its port", async () => {
  const r = await start(`${LN}\ndebug: false`);
  const port = r.server.leafPort;
  r.write(`${LN}\ndebug: true`);
  expect(await r.reload()).toBe(true);
  expect(r.server.leafPort).toBe(port);
});

test("a changed leafnodes block is refused, as nats-server", async () => {
  const r = await start(LN);
  r.write('leafnodes { listen: "127.0.0.1:-1", authorization { user: a, password: b } }');
  expect(await r.reload()).toBe(false);
  expect(r.log.lines.join("\n")).toContain("config reload not supported for LeafNode");
});
