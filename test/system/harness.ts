// Shared pieces of the system account tests: the configuration both servers run (a system account and an
// ordinary one, each with a user) and a requestMany that collects every answer as JSON.
import type { NatsConnection } from "@nats-io/transport-node";

export const SYS_CONFIG = `
server_name: sysdiff
accounts {
  SYS { users: [{user: sys, password: sys}] }
  A { users: [{user: a, password: a}] }
}
system_account: SYS
`;

/**
 * The answers to one request within `maxWait` ms (the $SYS pings may be answered by several servers);
 * with `count`, it returns as soon as that many came.
 */
export async function requestAll(nc: NatsConnection, subject: string, body = "", maxWait = 400, count?: number): Promise<unknown[]> {
  const out: unknown[] = [];
  const opts = count === undefined ? { maxWait } : { maxWait, strategy: "count" as const, maxMessages: count };
  const msgs = await nc.requestMany(subject, body, opts);
  for await (const m of msgs) out.push(m.json());
  return out;
}

/** The answer to a request that must get exactly one. */
export async function requestOne(nc: NatsConnection, subject: string, body = ""): Promise<Record<string, unknown>> {
  const m = await nc.request(subject, body, { timeout: 2000 });
  return m.json<Record<string, unknown>>();
}
