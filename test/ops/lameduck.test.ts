// Lame duck mode and the stop signals, in-process (short durations are allowed here; the config file
// requires lame_duck_duration >= 30s, as the reference). The binary is tested in signals.test.ts.
import { afterEach, describe, expect, test } from "bun:test";
import { connect as connectNet, type Socket } from "node:net";
import { mergeOptions, type Options } from "../../src/options.ts";
import { Server } from "../../src/server/server.ts";
import { SignalHandler } from "../../src/process/signals.ts";
import { attachMonitor, type MonitorService } from "../../src/process/monitoring.ts";
import { MemoryLogger } from "../helpers/bnats.ts";
import { parseInfoLine, RawClient } from "../helpers/raw.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(opts: Partial<Options>): Promise<{ server: Server; monitor: MonitorService; log: MemoryLogger; handler: SignalHandler; exits: number[] }> {
  const log = new MemoryLogger();
  const server = new Server(mergeOptions({}, { port: -1, httpPort: -1, ...opts }), log);
  const monitor = attachMonitor(server);
  await server.start();
  cleanups.push(() => server.shutdown());
  const exits: number[] = [];
  const handler = new SignalHandler(server, { flags: {}, exit: (c) => exits.push(c) });
  return { server, monitor, log, handler, exits };
}

async function client(port: number, connect = true): Promise<RawClient> {
  const c = await RawClient.connect(port);
  cleanups.push(() => c.close());
  await c.readInfo();
  if (connect) {
    c.send(`CONNECT {"verbose":false,"protocol":1}\r\nPING\r\n`);
    await c.expect("PONG\r\n");
  }
  return c;
}

/** A subscriber to "foo" that stops reading once subscribed (resume() to read again). */
async function pausedSubscriber(port: number): Promise<Socket> {
  const sub = connectNet({ port, host: "127.0.0.1" });
  cleanups.push(() => void sub.destroy());
  await new Promise<void>((resolve) => {
    let seen = "";
    const onData = (d: Buffer): void => {
      seen += d.toString("latin1");
      if (!seen.includes("PONG")) return;
      sub.off("data", onData);
      sub.pause();
      resolve();
    };
    sub.on("data", onData);
    sub.write(`CONNECT {"verbose":false}\r\nSUB foo 1\r\nPING\r\n`);
  });
  return sub;
}

async function healthz(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
}

describe("lame duck mode", () => {
  test("stops accepting, sends ldm INFO, closes every client within the duration, exits 0", async () => {
    const { server, monitor, log, handler, exits } = await start({ lameDuckDuration: 1500, lameDuckGracePeriod: 300 });
    const port = server.port;
    const clients = [await client(port), await client(port), await client(port)];
    const silent = await client(port, false); // no CONNECT yet: no async INFO for it (sendAsyncInfoToClients)
    expect(await healthz(monitor.httpPort)).toBe(200);

    const t0 = performance.now();
    const done = handler.handle("SIGUSR2");
    for (const c of clients) {
      const info = parseInfoLine(await c.readLine());
      expect(info.ldm).toBe(true);
      expect(typeof info.client_id).toBe("number");
    }
    expect(server.lameDuckMode).toBe(true);
    expect(await healthz(monitor.httpPort)).toBe(503);
    // The listener is closed: a new connection is refused.
    expect(RawClient.connect(port)).rejects.toThrow();
    // SIGTERM is ignored while lame duck mode runs (the Helm chart's preStop + SIGTERM).
    await handler.handle("SIGTERM");
    expect(exits).toEqual([]);

    for (const c of [...clients, silent]) expect(await c.waitClosed(3000)).toBe(true);
    const closedAt = performance.now() - t0;
    expect(closedAt).toBeGreaterThanOrEqual(300); // not before the grace period
    expect(closedAt).toBeLessThan(1500 + 200);
    await done;
    expect(exits).toEqual([0]);
    expect(silent.unread).toBe("");
    expect(server.closed.map((c) => c.closeReason)).toEqual(Array(4).fill("Server Shutdown"));
    const lines = log.lines.join("\n");
    expect(lines).toContain("[INF] Entering lame duck mode, stop accepting new clients");
    expect(lines).toContain("[INF] Closing existing clients");
    expect(lines).toContain("[INF] Initiating Shutdown...");
  });

  test("with no clients it shuts down at once", async () => {
    const { handler, exits } = await start({ lameDuckDuration: 60_000, lameDuckGracePeriod: 10_000 });
    const t0 = performance.now();
    await handler.handle("SIGUSR2");
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(exits).toEqual([0]);
  });

  test("SIGINT during lame duck mode stops at once", async () => {
    const { server, handler, exits } = await start({ lameDuckDuration: 60_000, lameDuckGracePeriod: 10_000 });
    const c = await client(server.port);
    const ldm = handler.handle("SIGUSR2");
    await c.readLine();
    await handler.handle("SIGINT");
    expect(await c.waitClosed()).toBe(true);
    await ldm;
    expect(exits).toEqual([0]);
  });
});

describe("SIGINT / SIGTERM", () => {
  test("clients get what they are owed before the close", async () => {
    const { server, handler, exits } = await start({});
    // The subscriber reads nothing until the stop has begun: most of what it is owed is still in the
    // server's outbound buffer then, and must reach it before its connection closes.
    const sub = await pausedSubscriber(server.port);
    const pub = await client(server.port);
    const payload = "x".repeat(64 * 1024);
    const n = 100;
    let burst = "";
    for (let i = 0; i < n; i++) burst += `PUB foo ${payload.length}\r\n${payload}\r\n`;
    pub.send(burst + "PING\r\n");
    await pub.expect("PONG\r\n", 5000);
    const stopped = handler.handle("SIGTERM");
    let received = "";
    const closed = new Promise<void>((resolve) => sub.on("close", () => resolve()));
    sub.on("data", (d: Buffer) => (received += d.toString("latin1")));
    sub.resume();
    await stopped;
    await closed;
    expect(exits).toEqual([0]);
    expect(received.split(`MSG foo 1 ${payload.length}\r\n`).length - 1).toBe(n);
  });

  test("a client that stops reading does not hold the exit past write_deadline", async () => {
    const { server, handler, exits } = await start({ writeDeadline: 500 });
    await pausedSubscriber(server.port);
    const pub = await client(server.port);
    const payload = "y".repeat(512 * 1024);
    for (let i = 0; i < 40; i++) pub.send(`PUB foo ${payload.length}\r\n${payload}\r\n`);
    pub.send("PING\r\n");
    await pub.expect("PONG\r\n", 5000);
    const t0 = performance.now();
    await handler.handle("SIGINT");
    expect(exits).toEqual([0]);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});
