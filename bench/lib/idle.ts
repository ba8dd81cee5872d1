// Idle memory per connection: open `conns` client connections (CONNECT + PING, each waits for its
// PONG so the server has fully registered it), let the server settle, and divide the growth of its
// VmRSS by the number of connections. The baseline is read with one warm connection already open, so
// the first-connection costs (code paths, buffers) do not count as per-connection memory.

import { RawConn } from "./conn.ts";
import { rssBytes } from "./proc.ts";
import type { IdleResult, IdleSpec } from "./spec.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runIdle(spec: IdleSpec): Promise<IdleResult> {
  const errors: string[] = [];
  const warm = await RawConn.connect({ port: spec.port, name: "bench-idle-warm" });
  await sleep(spec.settleMs);
  const rssBefore = rssBytes(spec.serverPid);
  if (rssBefore === undefined) throw new Error(`cannot read /proc/${spec.serverPid}/status`);

  const conns: RawConn[] = [];
  const t0 = performance.now();
  for (let i = 0; i < spec.conns && errors.length === 0; i += spec.batch) {
    const n = Math.min(spec.batch, spec.conns - i);
    const batch = await Promise.allSettled(
      Array.from({ length: n }, (_, k) => RawConn.connect({ port: spec.port, name: `bench-idle-${i + k}` })),
    );
    for (const r of batch) {
      if (r.status === "fulfilled") conns.push(r.value);
      else errors.push(String(r.reason));
    }
  }
  const connectMs = performance.now() - t0;
  await sleep(spec.settleMs);
  const rssAfter = rssBytes(spec.serverPid) ?? rssBefore;
  const open = conns.filter((c) => !c.closed).length;
  if (open < spec.conns) errors.push(`only ${open} of ${spec.conns} connections stayed open`);
  for (const c of conns) errors.push(...c.errors);
  await Promise.all([warm, ...conns].map((c) => c.close()));
  return {
    kind: "idle",
    conns: open,
    rssBefore,
    rssAfter,
    bytesPerConn: open > 0 ? (rssAfter - rssBefore) / open : 0,
    connectMs,
    errors: errors.slice(0, 10),
  };
}
