// The 101 response goes out in its own TCP write, before the connection's INFO, as nats-server's
// (wsUpgrade writes the response, then createWSClient sends INFO). nats-pure.rb feeds its first read to
// the handshake parser and drops what follows the response: an INFO sent in the same write as the 101
// was lost and the client timed out (its websocket spec, against bnats). Bun writes what open() sends
// together with the 101, so the listener starts the connection on the next turn of the event loop;
// messages that arrive before then are handed over in order.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { defaultWebsocketOptions } from "../../../src/options.ts";
import { WebsocketListener } from "../../../src/transport/websocket/listener.ts";
import { hasBnatsBinary, startBnatsBinary, type ProcessServer } from "../../helpers/bnats.ts";
import { RawClient } from "../../helpers/raw.ts";
import { clientFrame, readFrame, readHttpAnswer, upgradeRequest } from "../../helpers/ws.ts";

let listener: WebsocketListener;
beforeAll(() => {
  const log = { notice: () => {}, warn: () => {}, error: () => {} };
  listener = new WebsocketListener(
    { opts: { ...defaultWebsocketOptions(), host: "127.0.0.1", port: -1, noTLS: true }, maxMessage: 1024 * 1024 },
    {
      log,
      // A stand-in for the server: greets on accept (as INFO), then echoes.
      accept(t) {
        t.write(Buffer.from("HELLO\r\n"));
        return {
          data: (chunk) => void t.write(chunk),
          drain() {},
          closed() {},
        };
      },
    },
  );
  listener.start();
});
afterAll(() => listener.stop());

/** The first chunk a fresh connection reads after sending the upgrade request. */
async function firstChunk(port: number): Promise<string> {
  let resolve!: (s: string) => void;
  const got = new Promise<string>((r) => (resolve = r));
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, chunk) => resolve(Buffer.from(chunk).toString("latin1")),
    },
  });
  socket.write(upgradeRequest());
  const first = await got;
  socket.end();
  return first;
}

// In one process the reader runs after both writes; the compiled server is another process.
test.skipIf(!hasBnatsBinary())("dist/bnats: the 101 response is written alone; INFO follows in another write", async () => {
  const srv: ProcessServer = await startBnatsBinary({ config: "websocket { listen: 127.0.0.1:-1, no_tls: true }\n" });
  try {
    const port = Number(/Listening for websocket clients on ws:\/\/127\.0\.0\.1:(\d+)/.exec(srv.logs())?.[1]);
    // Chunks can still merge on the reading side (both arrived before the read), so look for one
    // connection where they did not: with the two in one write, none ever does.
    let alone = 0;
    for (let i = 0; i < 20 && alone === 0; i++) {
      const first = await firstChunk(port);
      expect(first.startsWith("HTTP/1.1 101")).toBe(true);
      if (first.endsWith("\r\n\r\n")) alone++;
    }
    expect(alone).toBeGreaterThan(0);
  } finally {
    await srv.stop();
  }
});

test("messages sent with the upgrade request reach the connection after its first write, in order", async () => {
  const c = await RawClient.connect(listener.port);
  try {
    // Request and frames in one write: Bun reads the frames before the connection has started.
    const req = Buffer.from(upgradeRequest(), "latin1");
    c.send(Buffer.concat([req, clientFrame("one "), clientFrame("two "), clientFrame("three")]));
    expect((await readHttpAnswer(c)).status).toBe(101);
    let text = "";
    while (!text.endsWith("three")) text += (await readFrame(c)).payload;
    expect(text).toBe("HELLO\r\none two three");
  } finally {
    c.close();
  }
});
