// The outbound queue: partial writes are kept and offered again on drain; buffers survive bursts and
// are released once the connection goes idle.
import { expect, test } from "bun:test";
import { Outbound } from "../../src/conn/outbound.ts";
import type { OutboundConn } from "../../src/conn/outbound.ts";

function fakeClient(accept: { n: number }, written: number[]) {
  const transport = {
    write(b: Uint8Array) {
      const n = Math.min(accept.n, b.length);
      for (let i = 0; i < n; i++) written.push(b[i]!);
      return n;
    },
    end() {},
    pause() {},
    resume() {},
    remoteAddress: "127.0.0.1",
    remotePort: 1,
  };
  const client = {
    transport,
    closed: false,
    connectReceived: true,
    kind: 0,
    host: { opts: { maxPending: 1 << 20, writeDeadline: 10_000 }, stallThreshold: 1 << 19, stats: {} },
  };
  return client as unknown as OutboundConn;
}

test("a partial write keeps the rest, in order, until drain", () => {
  const accept = { n: 3 };
  const written: number[] = [];
  const out = new Outbound(fakeClient(accept, written));
  out.append(new Uint8Array([1, 2, 3, 4, 5]));
  out.flush();
  expect(written).toEqual([1, 2, 3]);
  expect(out.pending).toBe(2);
  expect(out.blocked).toBe(true);
  out.append(new Uint8Array([6]));
  out.flush(); // blocked: nothing is written before drain
  expect(written).toEqual([1, 2, 3]);
  accept.n = 100;
  out.onDrain();
  expect(written).toEqual([1, 2, 3, 4, 5, 6]);
  expect(out.pending).toBe(0);
});

test("the buffer is kept across busy flushes and released after an idle sweep period", () => {
  const out = new Outbound(fakeClient({ n: 1 << 30 }, []));
  out.append(new Uint8Array(600 * 1024));
  out.flush();
  const grown = out.buf;
  expect(grown.length).toBeGreaterThanOrEqual(600 * 1024);
  out.append(new Uint8Array(10));
  out.flush();
  expect(out.buf).toBe(grown); // busy: no regrowth per read
  out.sweepIdle(); // used since the last sweep: kept
  expect(out.buf).toBe(grown);
  out.sweepIdle(); // idle for a whole period: released
  expect(out.buf.length).toBe(0);
});

test("reads paused for two reasons resume only when both are over", async () => {
  const { startBnats } = await import("../helpers/bnats.ts");
  const srv = await startBnats();
  try {
    const { RawClient } = await import("../helpers/raw.ts");
    const raw = await RawClient.connect(srv.port);
    await raw.readInfo();
    raw.send('CONNECT {"verbose":false}\r\nPING\r\n');
    await raw.expect("PONG\r\n");
    const client = [...srv.server.clients.values()][0]!;
    const calls: string[] = [];
    const t = client.transport;
    const pause = t.pause.bind(t);
    const resume = t.resume.bind(t);
    t.pause = () => (calls.push("pause"), pause());
    t.resume = () => (calls.push("resume"), resume());
    client.pauseReads(); // e.g. a consumer stalls this producer
    client.pauseReads(); // e.g. the turn's read budget is spent
    client.resumeReads();
    expect(calls).toEqual(["pause"]);
    client.resumeReads();
    expect(calls).toEqual(["pause", "resume"]);
    raw.send("PING\r\n");
    await raw.expect("PONG\r\n");
    raw.close();
  } finally {
    await srv.stop();
  }
});
