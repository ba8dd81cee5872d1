// Idle memory per connection: open `conns` client connections (CONNECT + PING, each waits for its
// PONG so the server has fully registered it), let the server settle, and divide the growth of its
// VmRSS by the number of connections. The baseline is read with one warm connection already open, so
// the first-connection costs (code paths, buffers) do not count as per-connection memory.
// `openIdleConns` is also how the monitoring scenarios (bench/lib/monitor.ts) fill a server.

import { RawConn } from "./conn.ts";
import { encode } from "./frames.ts";
import { rssBytes } from "./proc.ts";
import type { IdleResult, IdleSpec } from "./spec.ts";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface IdleConnOptions {
  port: number;
  conns: number;
  /** Connections opened concurrently. */
  batch: number;
  /** Client names are `<namePrefix><i>`. */
  namePrefix: string;
  /** Each connection also subscribes to `<subscribePrefix><i>` (and waits for the PONG after it). */
  subscribePrefix?: string;
}

/** Opens the connections batch by batch; stops at the first failed batch and reports why in `errors`. */
export async function openIdleConns(o: IdleConnOptions, errors: string[]): Promise<RawConn[]> {
  const conns: RawConn[] = [];
  const one = async (i: number): Promise<RawConn> => {
    const c = await RawConn.connect({ port: o.port, name: `${o.namePrefix}${i}` });
    if (o.subscribePrefix !== undefined) {
      c.write(encode(`SUB ${o.subscribePrefix}${i} 1\r\n`));
      await c.ping();
    }
    return c;
  };
  for (let i = 0; i < o.conns && errors.length === 0; i += o.batch) {
    const n = Math.min(o.batch, o.conns - i);
    const batch = await Promise.allSettled(Array.from({ length: n }, (_, k) => one(i + k)));
    for (const r of batch) {
      if (r.status === "fulfilled") conns.push(r.value);
      else errors.push(String(r.reason));
    }
  }
  return conns;
}

export async function runIdle(spec: IdleSpec): Promise<IdleResult> {
  const errors: string[] = [];
  const warm = await RawConn.connect({ port: spec.port, name: "bench-idle-warm" });
  await sleep(spec.settleMs);
  const rssBefore = rssBytes(spec.serverPid);
  if (rssBefore === undefined) throw new Error(`cannot read /proc/${spec.serverPid}/status`);

  const t0 = performance.now();
  const conns = await openIdleConns({ port: spec.port, conns: spec.conns, batch: spec.batch, namePrefix: "bench-idle-" }, errors);
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
