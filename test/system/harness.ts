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

/**
 * The events a server publishes in the system account while a user of account A connects, publishes and
 * leaves, and a login fails: the first message of each kind, keyed by its subject with the server id and
 * the account replaced (`$SYS.SERVER.<id>.CLIENT.AUTH.ERR`, `$SYS.ACCOUNT.<acc>.CONNECT`, ...).
 */
export async function captureEvents(
  port: number,
  serverId: string,
  wait: (seen: Map<string, unknown>) => boolean,
  /** Runs once the system user is connected (bnats tests bind it to the system account there). */
  afterConnect?: () => void,
): Promise<Map<string, unknown>> {
  const { connect } = await import("@nats-io/transport-node");
  const sys = await connect({ port, user: "sys", pass: "sys", name: "events" });
  await sys.flush();
  afterConnect?.();
  const seen = new Map<string, unknown>();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const sub = sys.subscribe("$SYS.>");
  void (async () => {
    for await (const m of sub) {
      if (m.subject.startsWith("$SYS.REQ.") || m.data.length === 0) continue;
      const key = m.subject.replace(serverId, "<id>").replace(/^\$SYS\.ACCOUNT\.[^.]+\./, "$SYS.ACCOUNT.<acc>.").replace(/^\$SYS\.SERVER\.ACCOUNT\.[^.]+\./, "$SYS.SERVER.ACCOUNT.<acc>.");
      if (!seen.has(key)) seen.set(key, m.json());
      if (wait(seen)) done();
    }
  })();
  await sys.flush();
  // A STATSZ request without a reply is answered on the server's STATSZ subject (statszReq).
  sys.publish("$SYS.REQ.SERVER.PING.STATSZ");
  const a = await connect({ port, user: "a", pass: "a", name: "acli" });
  a.publish("foo", "hello");
  await a.flush();
  await a.close();
  await connect({ port, user: "a", pass: "bad", reconnect: false, maxReconnectAttempts: 0 }).then(
    (c) => c.close(),
    () => undefined,
  );
  await Promise.race([finished, new Promise((r) => setTimeout(r, 3000))]);
  await sys.close();
  return seen;
}

/** The event kinds captureEvents waits for. */
export const EVENT_KEYS = [
  "$SYS.ACCOUNT.<acc>.CONNECT",
  "$SYS.ACCOUNT.<acc>.DISCONNECT",
  "$SYS.ACCOUNT.<acc>.SERVER.CONNS",
  "$SYS.SERVER.ACCOUNT.<acc>.CONNS",
  "$SYS.SERVER.<id>.CLIENT.AUTH.ERR",
  "$SYS.SERVER.<id>.STATSZ",
];
