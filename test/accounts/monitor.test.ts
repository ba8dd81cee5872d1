// Accounts in the monitoring endpoints, field by field beside nats-server 2.9.10 with the same
// configuration and the same clients: /accountz (list and ?acc= detail: exports, imports, mappings,
// subscriptions, sublist stats), /accstatz, /connz `account` and ?acc=, /subsz?acc=, /varz
// system_account. Times and ids are dropped; lists the reference builds from Go maps (random order)
// are compared as sets. Also the system imports every account gets: `$SYS.REQ.ACCOUNT.PING.STATZ`
// asked from an ordinary account is answered for that account.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startBnats } from "../helpers/bnats.ts";
import type { RunningServer } from "../helpers/proc.ts";
import { hasReference, startReference } from "../helpers/ref.ts";

const CONFIG = `
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
accounts {
  A: {
    users: [{user: a, password: a}]
    exports: [
      {stream: "pub.>"}
      {service: "svc.>"}
      {service: "stream.svc", response_type: stream}
      {service: "private.svc", accounts: [B]}
    ]
    mappings: { "map.in": "map.out", "w": [{destination: w1, weight: 30}, {destination: w2, weight: 50}] }
  }
  B: {
    users: [{user: b, password: b}]
    imports: [
      {stream: {account: A, subject: "pub.>"}, prefix: froma}
      {service: {account: A, subject: "svc.>"}, to: "a.svc.>"}
      {service: {account: A, subject: "private.svc"}}
    ]
  }
}
`;

type Json = Record<string, unknown>;

interface Side {
  server: RunningServer;
  conns: NatsConnection[];
}

const sides: Record<string, Side> = {};
const IMPLS = hasReference() ? ["reference", "bnats"] : [];

async function setUp(impl: string): Promise<Side> {
  const server = impl === "reference" ? await startReference({ config: CONFIG }) : await startBnats({ config: CONFIG });
  const a = await connect({ port: server.port, user: "a", pass: "a", name: "client-a" });
  const b = await connect({ port: server.port, user: "b", pass: "b", name: "client-b" });
  a.subscribe("svc.>", { callback: (_e, m) => void m.respond("ok") });
  b.subscribe("froma.pub.>", { callback: () => {} });
  b.subscribe("own", { callback: () => {} });
  await a.flush();
  await b.flush();
  a.publish("pub.x", "1");
  await b.request("a.svc.q", "", { timeout: 2000 });
  await a.flush();
  await b.flush();
  return { server, conns: [a, b] };
}

beforeAll(async () => {
  for (const impl of IMPLS) sides[impl] = await setUp(impl);
}, 30_000);

afterAll(async () => {
  for (const s of Object.values(sides)) {
    await Promise.all(s.conns.map((c) => c.close()));
    await s.server.stop();
  }
});

async function get(impl: string, path: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`http://127.0.0.1:${sides[impl]!.server.httpPort}${path}`);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a plain-text error
  }
  return { status: r.status, body };
}

const DROP = new Set(["server_id", "now", "update_time", "start", "last_activity", "rtt", "uptime", "idle", "port", "cid", "server_name"]);

/** Drop times/ids and random names (inboxes, `_R_` prefixes), sort arrays (the reference's come from Go maps). */
function normalize(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/^_INBOX\.[A-Za-z0-9]+/, "_INBOX.X").replace(/^_R_\.[A-Za-z0-9]{6}/, "_R_.X");
  if (Array.isArray(v)) return v.map(normalize).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  if (v !== null && typeof v === "object") {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) if (!DROP.has(k)) out[k] = normalize(x);
    return out;
  }
  return v;
}

async function both(path: string): Promise<[unknown, unknown]> {
  const r = await get("reference", path);
  const b = await get("bnats", path);
  expect(b.status).toBe(r.status);
  return [normalize(r.body), normalize(b.body)];
}

describe.skipIf(!hasReference())("accounts in monitoring, as nats-server", () => {
  test("/accountz lists every account (the reference in map order); the system account is named", async () => {
    const [r, b] = await both("/accountz");
    expect(b).toEqual(r);
    expect((r as Json).accounts).toEqual(["$G", "$SYS", "A", "B"]);
  });

  for (const acc of ["A", "B", "$G"]) {
    test(`/accountz?acc=${acc}: exports, imports, mappings, subscriptions, sublist stats`, async () => {
      const [r, b] = await both(`/accountz?acc=${encodeURIComponent(acc)}`);
      // Sublist cache counters depend on how many lookups each implementation's caches make.
      const strip = (x: unknown): unknown => {
        const d = (x as Json).account_detail as Json;
        const st = d.sublist_stats as Json;
        return { ...(x as Json), account_detail: { ...d, sublist_stats: { num_subscriptions: st.num_subscriptions } } };
      };
      expect(strip(b)).toEqual(strip(r));
    });
  }

  test("/accountz?acc=$SYS: the system exports (its own subscriptions are the system services')", async () => {
    const [r, b] = await both("/accountz?acc=%24SYS");
    const pick = (x: unknown): unknown => {
      const d = (x as Json).account_detail as Json;
      return { name: d.account_name, is_system: d.is_system, exports: d.exports };
    };
    expect(pick(b)).toEqual(pick(r));
  });

  test("/accountz?acc=nope: 400 and the reference's text", async () => {
    const r = await get("reference", "/accountz?acc=nope");
    const b = await get("bnats", "/accountz?acc=nope");
    expect(b).toEqual(r);
    expect(r.body).toBe("Account nope does not exist");
  });

  test("/accstatz and ?unused=1", async () => {
    for (const path of ["/accstatz", "/accstatz?unused=1"]) {
      const [r, b] = await both(path);
      // Messages: sent counts in the account a message was routed in (a stream-imported delivery in the
      // exporter's), received what the account's clients published. The system account's own traffic
      // (its services' subscriptions and answers) is left out.
      const pick = (x: unknown): unknown =>
        ((x as Json).account_statz as Json[])
          .filter((s) => s.acc !== "$SYS")
          // Sent bytes include the Nats-Request-Info header, whose rtt digits vary: messages only.
          .map((s) => ({ acc: s.acc, conns: s.conns, leafnodes: s.leafnodes, total_conns: s.total_conns, sent: (s.sent as Json).msgs, received: s.received }));
      expect(pick(b)).toEqual(pick(r));
    }
  });

  test("/connz?auth=1: the account of each client; ?acc= filters", async () => {
    for (const path of ["/connz?auth=1", "/connz?acc=A&auth=1", "/connz?acc=B&auth=1&subs=1", "/connz?acc=nope&auth=1", "/connz?acc=%24G&auth=1"]) {
      const [r, b] = await both(path);
      const pick = (x: unknown): unknown => {
        const c = x as Json;
        const list = (c.connections as Json[] | null)?.map((ci) => ({
          name: ci.name,
          account: ci.account,
          authorized_user: ci.authorized_user,
          subscriptions: ci.subscriptions,
          subscriptions_list: ci.subscriptions_list,
        }));
        return { total: c.total, num_connections: c.num_connections, connections: list ?? null };
      };
      expect(pick(b)).toEqual(pick(r));
    }
  });

  test("/subsz?acc=B&subs=1 lists B's subscriptions; ?acc=A includes the shadow of B's import", async () => {
    for (const acc of ["A", "B"]) {
      const [r, b] = await both(`/subsz?acc=${acc}&subs=1`);
      const pick = (x: unknown): unknown => {
        const s = x as Json;
        const list = (s.subscriptions_list as Json[] | undefined)?.map((d) => ({ account: d.account, subject: d.subject, qgroup: d.qgroup }));
        return { num_subscriptions: s.num_subscriptions, total: s.total, list };
      };
      expect(pick(b)).toEqual(pick(r));
    }
  });

  test("/varz system_account", async () => {
    const r = (await get("reference", "/varz")).body as Json;
    const b = (await get("bnats", "/varz")).body as Json;
    expect(b.system_account).toBe(r.system_account as string);
  });

  test("$SYS.REQ.ACCOUNT.PING.STATZ from an ordinary account is answered for that account", async () => {
    const ask = async (impl: string): Promise<unknown> => {
      const nc = sides[impl]!.conns[1]!;
      const m = await nc.request("$SYS.REQ.ACCOUNT.PING.STATZ", "", { timeout: 2000 });
      const d = JSON.parse(m.string()) as Json;
      const data = d.data as Json;
      return ((data.account_statz as Json[]) ?? []).map((s) => ({ acc: s.acc, conns: s.conns }));
    };
    expect(await ask("bnats")).toEqual(await ask("reference"));
  });
});

describe.skipIf(!hasReference())("response imports in /accountz, as nats-server", () => {
  const THRESH = `
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
accounts {
  A: { users: [{user: a, password: a}], exports: [{service: "slow", response_threshold: "300ms"}, {service: "many", response_type: stream}] }
  B: { users: [{user: b, password: b}], imports: [{service: {account: A, subject: "slow"}}, {service: {account: A, subject: "many"}}] }
}
`;
  test("an unanswered request's response import is listed, then gone after response_threshold", async () => {
    const out: Record<string, unknown> = {};
    for (const impl of ["reference", "bnats"]) {
      const server = impl === "reference" ? await startReference({ config: THRESH }) : await startBnats({ config: THRESH });
      const a = await connect({ port: server.port, user: "a", pass: "a" });
      const b = await connect({ port: server.port, user: "b", pass: "b" });
      a.subscribe("slow", { callback: () => {} });
      b.subscribe("my.reply", { callback: () => {} });
      await a.flush();
      await b.flush();
      b.publish("slow", "", { reply: "my.reply" });
      await b.flush();
      await a.flush();
      const url = `http://127.0.0.1:${server.httpPort}/accountz?acc=A`;
      const detail = async (): Promise<Json> => ((await (await fetch(url)).json()) as Json).account_detail as Json;
      const before = Object.values((await detail()).responses ?? {}).map((r) => ({ ...(normalize(r) as Json), subject: "_R_" }));
      await Bun.sleep(800);
      const after = (await detail()).responses;
      out[impl] = { before, after: after ?? null };
      await a.close();
      await b.close();
      await server.stop();
    }
    expect(out.bnats).toEqual(out.reference);
    expect((out.reference as { before: unknown[] }).before.length).toBe(1);
  }, 20_000);
});
