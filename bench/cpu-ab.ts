// CPU per message, A/B: `bun bench/cpu-ab.ts <binA> <binB> [rounds] [scenario...]`. Each server runs a fixed
// amount of work (pub-only, or 1 pub -> N subs) from a raw-socket publisher in this process; the
// server's CPU time (utime+stime from /proc) over the work is divided by the message count. CPU time
// is far less sensitive than throughput to a busy shared machine, so this is the regression check for
// hot-path changes (the comparison with nats-server is `make bench`).
import { connect, type Socket } from "node:net";
import { cpuMs } from "./lib/proc.ts";
import { freePort } from "./lib/servers.ts";

interface Scn {
  name: string;
  subs: number;
  queue: boolean;
  size: number;
  count: number;
}
const ALL: Scn[] = [
  { name: "pub-16", subs: 0, queue: false, size: 16, count: 4_000_000 },
  { name: "pub-4k", subs: 0, queue: false, size: 4096, count: 300_000 },
  { name: "pubsub", subs: 1, queue: false, size: 16, count: 2_000_000 },
  { name: "fanout-4", subs: 4, queue: false, size: 16, count: 1_000_000 },
  { name: "queue-4", subs: 4, queue: true, size: 16, count: 2_000_000 },
];

async function open(port: number): Promise<Socket> {
  for (let i = 0; i < 100; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect({ port, host: "127.0.0.1" }, () => resolve(s));
        s.once("error", reject);
      });
    } catch {
      await Bun.sleep(20);
    }
  }
  throw new Error("cannot connect");
}

/** Resolves when `needle` has been seen `times` times in what the socket sends. */
function waitFor(s: Socket, needle: string, times = 1): Promise<void> {
  return new Promise((resolve) => {
    let tail = "";
    let seen = 0;
    const on = (d: Buffer): void => {
      const text = tail + d.toString("latin1");
      let at = 0;
      for (;;) {
        const i = text.indexOf(needle, at);
        if (i < 0) break;
        seen++;
        at = i + needle.length;
      }
      tail = text.slice(Math.max(at, text.length - needle.length));
      if (seen >= times) {
        s.off("data", on);
        resolve();
      }
    };
    s.on("data", on);
  });
}

/** Counts MSG bytes until `bytes` have arrived. */
function drain(s: Socket, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const on = (d: Buffer): void => {
      got += d.length;
      if (got >= bytes) {
        s.off("data", on);
        resolve();
      }
    };
    s.on("data", on);
  });
}

async function run(bin: string, scn: Scn): Promise<number> {
  const port = freePort();
  const proc = Bun.spawn([bin, "-p", String(port), "-a", "127.0.0.1"], { stdout: "ignore", stderr: "ignore" });
  try {
    const subs: Socket[] = [];
    for (let i = 0; i < scn.subs; i++) {
      const s = await open(port);
      const ok = waitFor(s, "PONG\r\n");
      s.write(`CONNECT {"verbose":false,"pedantic":false}\r\nSUB foo ${scn.queue ? "q " : ""}1\r\nPING\r\n`);
      await ok;
      subs.push(s);
    }
    const pub = await open(port);
    const ready = waitFor(pub, "PONG\r\n");
    pub.write(`CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n`);
    await ready;
    const one = `PUB foo ${scn.size}\r\n${"x".repeat(scn.size)}\r\n`;
    const batch = Buffer.from(one.repeat(Math.max(1, Math.floor(65536 / one.length))));
    const perBatch = batch.length / one.length;
    const batches = Math.ceil(scn.count / perBatch);
    const total = batches * perBatch;
    const msgLen = `MSG foo 1 ${scn.size}\r\n`.length + scn.size + 2;
    const perSub = scn.queue ? Math.ceil(total / scn.subs) : total;
    const done = scn.queue
      ? drainAll(subs, total * msgLen)
      : Promise.all(subs.map((s) => drain(s, perSub * msgLen)));
    const cpu0 = cpuMs(proc.pid)!;
    const pong = waitFor(pub, "PONG\r\n");
    for (let i = 0; i < batches; i++) {
      if (!pub.write(batch)) await new Promise((r) => pub.once("drain", r));
    }
    pub.write("PING\r\n");
    await pong;
    await done;
    const cpu1 = cpuMs(proc.pid)!;
    for (const s of [...subs, pub]) s.destroy();
    return ((cpu1 - cpu0) * 1e6) / total; // ns per published message
  } finally {
    proc.kill();
    await proc.exited;
  }
}

function drainAll(subs: Socket[], bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    for (const s of subs) {
      s.on("data", (d: Buffer) => {
        got += d.length;
        if (got >= bytes) resolve();
      });
    }
  });
}

const [binA, binB, roundsArg, ...names] = process.argv.slice(2);
if (binA === undefined || binB === undefined) throw new Error("usage: bun bench/cpu-ab.ts <binA> <binB> [rounds] [scenario...]");
const rounds = Number(roundsArg ?? 3);
const scns = names.length > 0 ? ALL.filter((s) => names.includes(s.name)) : ALL;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const scn of scns) {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await run(binA, scn));
    b.push(await run(binB, scn));
  }
  const ma = median(a);
  const mb = median(b);
  console.log(`${scn.name.padEnd(10)} A ${ma.toFixed(1).padStart(7)} ns/msg   B ${mb.toFixed(1).padStart(7)} ns/msg   B/A ${(mb / ma).toFixed(3)}   (A ${a.map((x) => x.toFixed(0)).join(",")}; B ${b.map((x) => x.toFixed(0)).join(",")})`);
}
