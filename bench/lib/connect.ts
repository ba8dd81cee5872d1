// Connection set-up rate (TLS handshakes/s when `tls`): `concurrency` loops each connect, upgrade to
// TLS if asked, send CONNECT and wait for the PONG (the server has then accepted the client), and
// close, again and again. Counts the set-ups completed inside the measured window.

import { RawConn } from "./conn.ts";
import { cpuMs, selfCpuMs } from "./proc.ts";
import type { ConnectResult, ConnectSpec } from "./spec.ts";

export async function runConnect(spec: ConnectSpec): Promise<ConnectResult> {
  const errors: string[] = [];
  const counted = spec.maxConns !== undefined;
  const t0 = performance.now();
  const tWarm = counted ? t0 : t0 + spec.warmupMs;
  const tEnd = tWarm + spec.durationMs;
  let started = 0;
  let inWindow = 0;
  let cpu0: number | undefined;
  let self0 = 0;
  let marked = false;
  const pid = spec.serverPid;
  const mark = (): void => {
    if (marked) return;
    marked = true;
    cpu0 = pid !== undefined ? cpuMs(pid) : undefined;
    self0 = selfCpuMs();
  };
  if (counted) mark();
  const loop = async (): Promise<void> => {
    for (;;) {
      const now = performance.now();
      if (counted ? started >= (spec.maxConns as number) : now >= tEnd) return;
      if (!counted && now >= tWarm) mark();
      started++;
      const c = await RawConn.connect({ port: spec.port, name: "bench-connect", tls: spec.tls });
      if (c.errors.length > 0) errors.push(...c.errors);
      const done = performance.now();
      if (counted || (done >= tWarm && done < tEnd)) inWindow++;
      await c.close();
      if (errors.length > 0) return;
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, loop));
  } catch (e) {
    errors.push(String(e));
  }
  const end = counted ? performance.now() : Math.min(performance.now(), tEnd);
  const start = counted ? t0 : tWarm;
  const windowMs = end - start;
  const cpu1 = pid !== undefined ? cpuMs(pid) : undefined;
  const result: ConnectResult = {
    kind: "connect",
    count: inWindow,
    perSecond: windowMs > 0 ? (inWindow * 1000) / windowMs : 0,
    loadgenCpuPct: windowMs > 0 ? ((selfCpuMs() - self0) * 100) / (performance.now() - start) : 0,
    errors: errors.slice(0, 5),
  };
  if (cpu0 !== undefined && cpu1 !== undefined && windowMs > 0) {
    result.serverCpuPct = ((cpu1 - cpu0) * 100) / (performance.now() - start);
  }
  return result;
}
