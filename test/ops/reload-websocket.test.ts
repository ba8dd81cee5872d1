// Config reload with websocket clients: they are judged again like TCP clients (with the websocket
// block's logins), and the websocket options themselves cannot be changed by a reload (reload.go:
// "config reload not supported for Websocket").
import { afterEach, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tlsConnect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions } from "../../src/options.ts";
import { SignalHandler } from "../../src/process/signals.ts";
import { Server } from "../../src/server/server.ts";
import { MemoryLogger } from "../helpers/bnats.ts";
import { clientFrame, rawUpgrade, readClose, readDataUntil } from "../helpers/ws.ts";
import { testCerts } from "../helpers/certs.ts";

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

test("wss: a reload with new certificate files serves them to new connections; open ones stay", async () => {
  const c = testCerts();
  const dir = mkdtempSync(join(tmpdir(), "bnats-wscert-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  copyFileSync(c.server.cert, cert);
  copyFileSync(c.server.key, key);
  const conf = `websocket { port: -1, tls { cert_file: "${cert}", key_file: "${key}" } }`;
  const r = await start(conf);
  const port = r.server.websocketPort;
  const before = await peerFingerprint(port);
  // An open wss client across the reload.
  const ws = new WebSocket(`wss://localhost:${port}`, { tls: { rejectUnauthorized: false } } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  let got = "";
  ws.onmessage = (ev) => {
    got += Buffer.from(ev.data as ArrayBuffer).toString("latin1");
  };
  await new Promise((res) => (ws.onopen = res));
  copyFileSync(c.client.cert, cert);
  copyFileSync(c.client.key, key);
  expect(await r.reload()).toBe(true);
  expect(r.server.websocketPort).toBe(port);
  const after = await peerFingerprint(port);
  expect(after).not.toBe(before);
  ws.send(new TextEncoder().encode('CONNECT {"verbose":false}\r\nPING\r\n'));
  const deadline = Date.now() + 3000;
  while (!got.includes("PONG") && Date.now() < deadline) await Bun.sleep(10);
  expect(got).toContain("PONG\r\n");
  ws.close();
});

function peerFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.destroy();
      resolve(fp);
    });
    s.on("error", reject);
  });
}
