// Publish/subscribe throughput: one publisher writing pre-built frames in large slices, N subscriber
// connections counting MSG frames with the byte scanner. The publisher stops getting ahead of the
// subscribers by more than `windowBytes`, so the run measures sustained delivery, not how much the
// server can buffer. At the end every connection is PINGed: when the PONGs are back, every message
// the server will deliver has arrived, so `received === sent * fanout` is an exact check.

import { RawConn, withTimeout } from "./conn.ts";
import { buildPubBlock, encode } from "./frames.ts";
import { cpuMs, selfCpuMs } from "./proc.ts";
import type { ThroughputResult, ThroughputSpec } from "./spec.ts";

// Bytes per publisher write: small frames need no more than 64 KB to make the per-write cost vanish;
// 4 KB frames are bound by copying through loopback, where 1 MB writes measured ~15% faster (fewer
// wake-ups on both sides) than 64 KB ones.
const blockBytes = (payload: number): number => (payload >= 1024 ? 1024 * 1024 : 64 * 1024);
const DEFAULT_WINDOW_BYTES = 8 * 1024 * 1024;
const FLUSH_TIMEOUT_MS = 30_000;

const PROBE = "_bench.interest";

/**
 * Publishes probes until every subscriber connection got one (their interest reached the publisher's
 * server), lets the last one settle, and returns the probe messages received, to be discounted.
 */
async function awaitRouteInterest(pub: RawConn, subs: RawConn[]): Promise<number> {
  const deadline = performance.now() + 15_000;
  const probe = encode(`PUB ${PROBE} 0\r\n\r\n`);
  while (!subs.every((s) => s.scanner.msgs > 0)) {
    if (performance.now() > deadline) throw new Error("interest never crossed the route");
    pub.write(probe);
    await withTimeout(pub.ping(), FLUSH_TIMEOUT_MS, "publisher PONG");
    await Bun.sleep(20);
  }
  await Bun.sleep(100);
  return subs.reduce((n, s) => n + s.scanner.msgs, 0);
}

function yieldToIO(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runThroughput(spec: ThroughputSpec): Promise<ThroughputResult> {
  const errors: string[] = [];
  const subs: RawConn[] = [];
  let sid = 0;
  const routed = spec.subPort !== undefined;
  for (const [i, s] of spec.subs.entries()) {
    const c = await RawConn.connect({ port: spec.subPort ?? spec.port, name: `bench-sub-${i}`, tls: spec.tls, wsPort: spec.wsPort });
    // One write for all the SUBs (10,000 in the wildcard scenario), then a PING so they are in place.
    const lines = s.subjects.map((subj) => `SUB ${subj}${s.queue ? ` ${s.queue}` : ""} ${++sid}\r\n`);
    // Across a route: a probe subject, subscribed last, tells when this connection's interest arrived.
    if (routed) lines.push(`SUB ${PROBE} ${++sid}\r\n`);
    c.write(encode(lines.join("")));
    await withTimeout(c.ping(), FLUSH_TIMEOUT_MS, "PONG after SUBs");
    subs.push(c);
  }
  const pub = await RawConn.connect({ port: spec.port, name: "bench-pub", tls: spec.tls, wsPort: spec.wsPort });

  const block = buildPubBlock(spec.pubSubjects, spec.payload, spec.blockBytes ?? blockBytes(spec.payload));
  const per = block.count;
  const frameBytes = block.buf.length / per;
  const windowMsgs = Math.max(per * 2, Math.floor((spec.windowBytes ?? DEFAULT_WINDOW_BYTES) / frameBytes));

  const base = routed ? await awaitRouteInterest(pub, subs) : 0;
  const received = (): number => {
    let n = -base;
    for (const s of subs) n += s.scanner.msgs;
    return n;
  };
  let progress: (() => void) | undefined;
  for (const s of subs) {
    s.afterData = () => {
      const p = progress;
      if (p !== undefined) {
        progress = undefined;
        p();
      }
    };
  }

  let sent = 0;
  let stopped = false;
  const fanout = spec.fanout;
  const counted = spec.maxMsgs !== undefined;
  const pump = async (): Promise<void> => {
    while (!stopped && !pub.closed) {
      if (counted && sent >= (spec.maxMsgs as number)) break;
      if (fanout > 0 && sent - received() / fanout > windowMsgs) {
        if (subs.some((s) => s.closed)) break;
        await new Promise<void>((resolve) => {
          progress = resolve;
        });
        continue;
      }
      const k = counted ? Math.min(per, (spec.maxMsgs as number) - sent) : per;
      const ok = pub.write(k === per ? block.buf : block.buf.subarray(0, block.offsets[k]));
      sent += k;
      if (!ok) await pub.waitDrain();
      else await yieldToIO();
    }
  };

  // Marks of the measured window.
  let t0 = 0;
  let sent0 = 0;
  let recv0 = 0;
  let cpu0: number | undefined;
  let self0 = 0;
  let t1 = 0;
  let sent1 = 0;
  let recv1 = 0;
  let cpu1: number | undefined;
  let self1 = 0;
  const pid = spec.serverPid;
  const markStart = (): void => {
    t0 = performance.now();
    sent0 = sent;
    recv0 = received();
    cpu0 = pid !== undefined ? cpuMs(pid) : undefined;
    self0 = selfCpuMs();
  };
  const markEnd = (): void => {
    t1 = performance.now();
    sent1 = sent;
    recv1 = received();
    cpu1 = pid !== undefined ? cpuMs(pid) : undefined;
    self1 = selfCpuMs();
  };

  const timers: ReturnType<typeof setTimeout>[] = [];
  if (counted) {
    markStart();
  } else {
    timers.push(setTimeout(markStart, spec.warmupMs));
    timers.push(
      setTimeout(() => {
        markEnd();
        stopped = true;
        const p = progress;
        progress = undefined;
        p?.();
      }, spec.warmupMs + spec.durationMs),
    );
  }
  await pump();
  for (const t of timers) clearTimeout(t);

  // Flush: the publisher's PONG means the server has processed every PUB; then each subscriber's PONG
  // comes after every MSG the server queued for it.
  try {
    await withTimeout(pub.waitDrain(), FLUSH_TIMEOUT_MS, "publisher drain");
    await withTimeout(pub.ping(), FLUSH_TIMEOUT_MS, "publisher PONG");
    const tPong = performance.now();
    if (counted) markEnd();
    else if (fanout === 0) {
      // Publish-only: the window ends when the server has read everything sent in it.
      t1 = tPong;
      cpu1 = pid !== undefined ? cpuMs(pid) : undefined;
      self1 = selfCpuMs();
    }
    await withTimeout(Promise.all(subs.map((s) => s.ping())), FLUSH_TIMEOUT_MS, "subscriber PONGs");
    // Across a route the subscribers' PONGs do not wait for messages still on the route.
    const deadline = performance.now() + 5_000;
    while (routed && received() < sent * fanout && performance.now() < deadline) await Bun.sleep(10);
  } catch (e) {
    errors.push(String(e));
    if (t1 === 0) markEnd();
  }
  if (counted && fanout > 0) {
    // Count-bounded: deliveries end when the last subscriber PONG arrived.
    t1 = performance.now();
    recv1 = received();
  }

  const total = received();
  const expected = sent * fanout;
  for (const c of [pub, ...subs]) errors.push(...c.errors);
  const perSub = subs.map((s) => s.scanner.msgs);
  await Promise.all([pub, ...subs].map((c) => c.close()));

  const windowMs = t1 - t0;
  const result: ThroughputResult = {
    kind: "throughput",
    sent,
    received: total,
    expected,
    complete: total === expected,
    pubRate: windowMs > 0 ? ((sent1 - sent0) * 1000) / windowMs : 0,
    deliverRate: windowMs > 0 ? ((recv1 - recv0) * 1000) / windowMs : 0,
    windowMs,
    loadgenCpuPct: windowMs > 0 ? ((self1 - self0) * 100) / windowMs : 0,
    perSub,
    errors,
  };
  if (cpu0 !== undefined && cpu1 !== undefined && windowMs > 0) result.serverCpuPct = ((cpu1 - cpu0) * 100) / windowMs;
  return result;
}
