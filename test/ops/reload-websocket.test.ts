// Config reload with websocket clients: they are judged again like TCP clients (with the websocket
// block's logins), and the websocket options themselves cannot be changed by a reload (reload.go:
// "config reload not supported for Websocket").
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions } from "../../src/options.ts";
import { SignalHandler } from "../../src/process/signals.ts";
import { Server } from "../../src/server/server.ts";
import { MemoryLogger } from "../helpers/bnats.ts";
import { clientFrame, rawUpgrade, readClose, readDataUntil } from "../helpers/ws.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(config: string) {
  const dir = mkdtempSync(join(tmpdir(), "bnats-wsreload-"));
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

async function wsClient(port: number, user: string, pass: string) {
  const { c } = await rawUpgrade(port);
  cleanups.push(() => c.close());
  await readDataUntil(c, "\r\n");
  c.send(clientFrame(`CONNECT ${JSON.stringify({ verbose: false, user, pass })}\r\nPING\r\n`));
  await readDataUntil(c, "PONG\r\n");
  return c;
}

const WS = "websocket { port: -1, no_tls: true }";

test("a websocket client whose user is gone is closed; the others stay", async () => {
  const r = await start(`authorization { users: [ {user: a, password: pa}, {user: b, password: pb} ] }\n${WS}`);
  const a = await wsClient(r.server.websocketPort, "a", "pa");
  const b = await wsClient(r.server.websocketPort, "b", "pb");
  r.write(`authorization { users: [ {user: b, password: pb} ] }\n${WS}`);
  expect(await r.reload()).toBe(true);
  expect(await a.waitClosed()).toBe(true);
  b.send(clientFrame("PING\r\n"));
  expect(await readDataUntil(b, "PONG\r\n")).toBe("PONG\r\n");
});

test("a changed password fails the websocket client's login again: -ERR, then close 1008", async () => {
  const r = await start(`authorization { users: [ {user: a, password: pa} ] }\n${WS}`);
  const a = await wsClient(r.server.websocketPort, "a", "pa");
  r.write(`authorization { users: [ {user: a, password: other} ] }\n${WS}`);
  expect(await r.reload()).toBe(true);
  expect(await readDataUntil(a, "\r\n")).toBe("-ERR 'Authorization Violation'\r\n");
  expect((await readClose(a)).code).toBe(1008);
});

test("websocket options cannot be reloaded", async () => {
  const r = await start(WS);
  r.write("websocket { port: -1, no_tls: true, compression: true }");
  expect(await r.reload()).toBe(false);
  expect(r.log.lines.join("\n")).toContain("config reload not supported for Websocket");
});
