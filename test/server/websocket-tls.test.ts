// wss: the websocket block's tls {} on Bun.serve. A client certificate is required and checked against
// the CA with `verify` (Bun.serve cannot show the certificate itself, so verify_and_map and pinned_certs
// are refused at start-up: test/config/websocket.test.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { testCerts } from "../helpers/certs.ts";

let plain: InProcessServer;
let verify: InProcessServer;

beforeAll(async () => {
  const c = testCerts();
  const tls = `cert_file: "${c.server.cert}", key_file: "${c.server.key}", ca_file: "${c.ca.cert}"`;
  plain = await startBnats({ config: `websocket { port: -1, tls { ${tls} } }` });
  verify = await startBnats({ config: `websocket { port: -1, tls { ${tls}, verify: true } }` });
});
afterAll(async () => {
  await plain?.stop();
  await verify?.stop();
});

/** A Bun WebSocket client over wss, CONNECT + PING; resolves with what the server sent, or the close. */
function converse(port: number, tls: Record<string, unknown>): Promise<{ data: string; closed?: number }> {
  return new Promise((resolve) => {
    // Bun's WebSocket takes TLS options (the browser API has none).
    const ws = new WebSocket(`wss://localhost:${port}`, { tls } as unknown as string[]);
    ws.binaryType = "arraybuffer";
    let data = "";
    ws.onmessage = (ev) => {
      data += Buffer.from(ev.data as ArrayBuffer).toString("latin1");
      if (data.includes("INFO") && !data.includes("PONG") && !data.includes("sent")) {
        data += "sent";
        ws.send(new TextEncoder().encode('CONNECT {"verbose":false}\r\nPING\r\n'));
      }
      if (data.includes("PONG")) {
        ws.close();
        resolve({ data });
      }
    };
    ws.onclose = (ev) => resolve({ data, closed: ev.code });
  });
}

test("wss: the server certificate, INFO and PONG; the log says wss", async () => {
  const c = testCerts();
  const r = await converse(plain.server.websocketPort, { ca: readFileSync(c.ca.cert, "utf8") });
  expect(r.data).toContain("PONG\r\n");
  expect(plain.logs()).toMatch(/Listening for websocket clients on wss:\/\/0\.0\.0\.0:\d+/);
  expect(plain.logs()).not.toContain("DO NOT USE IN PRODUCTION");
});

test("verify: a client certificate signed by the CA is required", async () => {
  const c = testCerts();
  const ca = readFileSync(c.ca.cert, "utf8");
  const ok = await converse(verify.server.websocketPort, {
    ca,
    cert: readFileSync(c.client.cert, "utf8"),
    key: readFileSync(c.client.key, "utf8"),
  });
  expect(ok.data).toContain("PONG\r\n");
  const none = await converse(verify.server.websocketPort, { ca });
  expect(none.data).not.toContain("INFO");
  const foreign = await converse(verify.server.websocketPort, {
    ca,
    cert: readFileSync(c.foreignClient.cert, "utf8"),
    key: readFileSync(c.foreignClient.key, "utf8"),
  });
  expect(foreign.data).not.toContain("INFO");
});
