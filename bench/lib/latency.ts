// Sequential request/reply latency: a requester publishes to `bench.req` with a reply inbox and waits
// for the answer before sending the next; a responder connection subscribed to `bench.req` answers
// each request on its reply subject. Round-trip times are taken with Bun.nanoseconds().

import { RawConn, withTimeout } from "./conn.ts";
import { encode, pubFrame } from "./frames.ts";
import { cpuMs, selfCpuMs } from "./proc.ts";
import { latin1 } from "./scanner.ts";
import type { LatencyResult, LatencySpec } from "./spec.ts";

const REQ_SUBJECT = "bench.req";
const REPLY_TIMEOUT_MS = 5_000;

export async function runLatency(spec: LatencySpec): Promise<LatencyResult> {
  const errors: string[] = [];
  const responder = await RawConn.connect({ port: spec.port, name: "bench-responder", ...spec.responder });
  responder.write(encode(`SUB ${REQ_SUBJECT} 1\r\n`));
  await responder.ping();

  // The responder answers each request once its payload has fully arrived.
  const replyFrames = new Map<string, Uint8Array>();
  const pendingReplies: Uint8Array[] = [];
  responder.scanner.onMsgLine = (buf, start, end) => {
    const tokens = latin1(buf, start, end).split(" ");
    const reply = tokens.length === 5 ? tokens[3] : undefined;
    if (reply === undefined) {
      errors.push(`request without reply subject: ${tokens.join(" ")}`);
      return;
    }
    let f = replyFrames.get(reply);
    if (f === undefined) {
      f = pubFrame(reply, spec.payload);
      replyFrames.set(reply, f);
    }
    pendingReplies.push(f);
  };
  responder.afterData = () => {
    const ready = responder.scanner.skip === 0 ? pendingReplies.length : pendingReplies.length - 1;
    for (let k = 0; k < ready; k++) responder.write(pendingReplies[k] as Uint8Array);
    pendingReplies.splice(0, ready);
  };

  const requester = await RawConn.connect({ port: spec.port, name: "bench-requester", ...spec.requester });
  const inbox = `_INBOX.bench.${Math.random().toString(36).slice(2)}`;
  requester.write(encode(`SUB ${inbox} 1\r\n`));
  await requester.ping();
  const request = pubFrame(spec.subject ?? REQ_SUBJECT, spec.payload, inbox);

  let want = 0;
  let wake: (() => void) | undefined;
  requester.afterData = () => {
    if (wake !== undefined && requester.scanner.msgs >= want && requester.scanner.skip === 0) {
      const w = wake;
      wake = undefined;
      w();
    }
  };

  const samples: number[] = [];
  const tStart = performance.now();
  const warmEnd = tStart + spec.warmupMs;
  const end = warmEnd + spec.durationMs;
  let cpu0: number | undefined;
  let self0 = 0;
  let tWarm = 0;
  const pid = spec.serverPid;
  let n = 0;
  const max = spec.maxReqs ?? Number.MAX_SAFE_INTEGER;
  try {
    for (;;) {
      const now = performance.now();
      if (n >= max || (spec.maxReqs === undefined && now >= end)) break;
      if (tWarm === 0 && (now >= warmEnd || spec.maxReqs !== undefined)) {
        tWarm = now;
        cpu0 = pid !== undefined ? cpuMs(pid) : undefined;
        self0 = selfCpuMs();
      }
      want = requester.scanner.msgs + 1;
      const replied = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const t = Bun.nanoseconds();
      requester.write(request);
      await withTimeout(replied, REPLY_TIMEOUT_MS, "reply");
      const dt = Bun.nanoseconds() - t;
      n++;
      if (tWarm !== 0) samples.push(dt);
    }
  } catch (e) {
    errors.push(String(e));
  }
  const tEnd = performance.now();
  const cpu1 = pid !== undefined ? cpuMs(pid) : undefined;
  const self1 = selfCpuMs();
  for (const c of [requester, responder]) errors.push(...c.errors);
  await Promise.all([requester.close(), responder.close()]);

  samples.sort((a, b) => a - b);
  const pct = (p: number): number =>
    samples.length === 0 ? 0 : (samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] as number) / 1000;
  const sum = samples.reduce((a, b) => a + b, 0);
  const windowMs = tEnd - tWarm;
  const result: LatencyResult = {
    kind: "latency",
    count: samples.length,
    p50Us: pct(0.5),
    p90Us: pct(0.9),
    p99Us: pct(0.99),
    meanUs: samples.length === 0 ? 0 : sum / samples.length / 1000,
    maxUs: samples.length === 0 ? 0 : (samples[samples.length - 1] as number) / 1000,
    loadgenCpuPct: windowMs > 0 ? ((self1 - self0) * 100) / windowMs : 0,
    errors,
  };
  if (cpu0 !== undefined && cpu1 !== undefined && windowMs > 0) result.serverCpuPct = ((cpu1 - cpu0) * 100) / windowMs;
  return result;
}
