// Accounts at run time, side by side with nats-server 2.9.10: the same configuration file to both, the
// same script with the official client, and the observations compared: isolation of two accounts,
// stream imports (prefix, wildcard `to`), service imports answered across accounts with request()
// (the Nats-Request-Info header the responder sees, the `_R_.` reply it cannot reuse), streamed
// responses, no_auth_user into an account, subject mappings, and permissions on both sides.
import { afterEach, describe, expect, test } from "bun:test";
import { createUser } from "@nats-io/nkeys";
import { connect, headers as natsHeaders, nkeyAuthenticator, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { startBnats } from "../helpers/bnats.ts";
import type { RunningServer } from "../helpers/proc.ts";
import { hasReference, startReference } from "../helpers/ref.ts";

const CONFIG = `
listen: 127.0.0.1:-1
accounts {
  A: {
    users: [{user: a, password: a}, {user: a2, password: a2}]
    exports: [
      {stream: "pub.>"}
      {stream: "x.*.*"}
      {service: "svc.>"}
      {service: "stream.svc", response_type: stream}
      {service: "private.svc", accounts: [C]}
    ]
    mappings: { "map.in": "map.out", "map.w.*": "map.dest.$1" }
  }
  B: {
    users: [{user: b, password: b}, {user: nb, password: nb}]
    imports: [
      {stream: {account: A, subject: "pub.>"}, prefix: froma}
      {stream: {account: A, subject: "x.*.*"}, to: "y.$2.$1"}
      {service: {account: A, subject: "svc.>"}, to: "a.svc.>"}
      {service: {account: A, subject: "stream.svc"}}
    ]
  }
  C: {
    users: [{user: c, password: c, permissions: {subscribe: {deny: "froma.>"}, publish: {deny: "a.svc.denied"}}}]
    imports: [
      {stream: {account: A, subject: "pub.>"}, prefix: froma}
      {service: {account: A, subject: "svc.>"}, to: "a.svc.>"}
      {service: {account: A, subject: "private.svc"}}
    ]
  }
}
no_auth_user: nb
`;

type Impl = "reference" | "bnats";
const IMPLS: Impl[] = process.env.ACC_ONLY_REF ? ["reference"] : hasReference() ? ["reference", "bnats"] : ["bnats"];

const servers: RunningServer[] = [];
const conns: NatsConnection[] = [];
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(impl: Impl, config = CONFIG): Promise<RunningServer> {
  const s = impl === "reference" ? await startReference({ config }) : await startBnats({ config });
  servers.push(s);
  return s;
}

async function client(port: number, user?: string): Promise<NatsConnection> {
  const nc = await connect({ port, ...(user === undefined ? {} : { user, pass: user }) });
  conns.push(nc);
  return nc;
}

/** Collects "<who> <subject> <data>" lines for the subscriptions given, until `n` arrived or a flush round passes. */
function collector(): { lines: string[]; on: (who: string) => (err: Error | null, m: Msg) => void } {
  const lines: string[] = [];
  return {
    lines,
    on: (who) => (err, m) => {
      if (err === null) lines.push(`${who} ${m.subject} ${m.string()}`);
    },
  };
}

/** A full round trip on every connection: whatever was published before has been delivered. */
async function settle(...ncs: NatsConnection[]): Promise<void> {
  for (const nc of ncs) await nc.flush();
  for (const nc of ncs) await nc.flush();
}

async function scenario(impl: Impl, run: (port: number) => Promise<unknown>): Promise<unknown> {
  const s = await start(impl);
  try {
    return await run(s.port);
  } finally {
    await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
  }
}

/** Runs the scenario on every implementation and expects the same observations. */
async function same(run: (port: number) => Promise<unknown>, expected?: unknown): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const impl of IMPLS) results[impl] = await scenario(impl, run);
  if (expected !== undefined) expect(results.reference ?? results.bnats).toEqual(expected);
  if (process.env.ACC_SHOW) console.log(JSON.stringify(results));
  if (results.reference !== undefined && IMPLS.includes("bnats")) expect(results.bnats).toEqual(results.reference);
}

describe("accounts at run time, as nats-server", () => {
  test("two accounts are isolated: the same subject is two subjects", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      const c = collector();
      a.subscribe("iso", { callback: c.on("a") });
      b.subscribe("iso", { callback: c.on("b") });
      await settle(a, b);
      a.publish("iso", "from-a");
      b.publish("iso", "from-b");
      await settle(a, b);
      return c.lines.sort();
    }, ["a iso from-a", "b iso from-b"]);
  });

  test("users of one account share it", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const a2 = await client(port, "a2");
      const c = collector();
      a2.subscribe("share", { callback: c.on("a2") });
      await settle(a, a2);
      a.publish("share", "x");
      await settle(a, a2);
      return c.lines;
    }, ["a2 share x"]);
  });

  test("stream import with a prefix: the exporter's messages arrive under the importer's subject", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      const c = collector();
      b.subscribe("froma.pub.>", { callback: c.on("b-prefix") });
      b.subscribe(">", { callback: c.on("b-all") });
      b.subscribe("pub.>", { callback: c.on("b-own") });
      await settle(a, b);
      a.publish("pub.one", "1");
      a.publish("other", "not exported");
      b.publish("pub.local", "b's own");
      await settle(a, b);
      return c.lines.sort();
    });
  });

  test("stream import with a wildcard `to`: tokens are placed", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      const c = collector();
      b.subscribe("y.>", { callback: c.on("b") });
      b.subscribe("y.k.*", { callback: c.on("b-partial") });
      await settle(a, b);
      a.publish("x.a.b", "ab");
      a.publish("x.j.k", "jk");
      await settle(a, b);
      return c.lines.sort();
    }, ["b y.b.a ab", "b y.k.j jk", "b-partial y.k.j jk"]);
  });

  test("stream import: an unsubscribed importer gets nothing more", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      const c = collector();
      const sub = b.subscribe("froma.pub.>", { callback: c.on("b") });
      await settle(a, b);
      a.publish("pub.1", "before");
      await settle(a, b);
      sub.unsubscribe();
      await settle(a, b);
      a.publish("pub.2", "after");
      await settle(a, b);
      return c.lines;
    }, ["b froma.pub.1 before"]);
  });

  test("service import: request() across accounts; the responder sees Nats-Request-Info and a _R_ reply", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      const seen: string[] = [];
      a.subscribe("svc.>", {
        callback: (_e, m) => {
          const info = m.headers?.get("Nats-Request-Info") ?? "";
          const parsed = info === "" ? {} : (JSON.parse(info) as Record<string, unknown>);
          seen.push(`${m.subject} reply=${m.reply?.startsWith("_R_.") ? "_R_" : m.reply} info-keys=${Object.keys(parsed).sort().join(",")} acc=${String(parsed.acc)}`);
          m.respond(`echo ${m.string()}`);
        },
      });
      await settle(a, b);
      const r = await b.request("a.svc.hello", "hi", { timeout: 2000 });
      const r2 = await b.request("a.svc.deep.er", "there", { timeout: 2000 });
      return { seen, answers: [r.string(), r2.string()] };
    });
  });

  test("service import: a request with headers keeps them; a plain request from a non-header client works", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      const got: string[] = [];
      a.subscribe("svc.h", {
        callback: (_e, m) => {
          got.push(`X=${m.headers?.get("X") ?? ""} info=${m.headers?.has("Nats-Request-Info") ?? false}`);
          m.respond("ok");
        },
      });
      await settle(a, b);
      const h = natsHeaders();
      h.set("X", "y");
      const r = await b.request("a.svc.h", "", { timeout: 2000, headers: h });
      return { got, answer: r.string() };
    }, { got: ["X=y info=true"], answer: "ok" });
  });

  test("service import: the service's own subject is not reachable from the importer without the import", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      a.subscribe("svc.>", { callback: (_e, m) => void m.respond("x") });
      await settle(a, b);
      try {
        await b.request("svc.hello", "", { timeout: 500 });
        return "answered";
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
  });

  test("service import with nobody subscribed in the exporter: the requester's outcome", async () => {
    await same(async (port) => {
      const b = await client(port, "b");
      try {
        await b.request("a.svc.nobody", "", { timeout: 500 });
        return "answered";
      } catch (e) {
        return (e as Error).name;
      }
    });
  });

  test("service import with response_type stream: several answers reach the requester", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      a.subscribe("stream.svc", {
        callback: (_e, m) => {
          for (let i = 0; i < 3; i++) m.respond(`part${i}`);
        },
      });
      await settle(a, b);
      const inbox = b.subscribe("my.inbox.*", { max: 3 });
      b.publish("stream.svc", "go", { reply: "my.inbox.1" });
      const got: string[] = [];
      const done = (async () => {
        for await (const m of inbox) got.push(`${m.subject} ${m.string()}`);
      })();
      await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
      return got;
    }, ["my.inbox.1 part0", "my.inbox.1 part1", "my.inbox.1 part2"]);
  });

  test("singleton service: only the first answer gets back", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const b = await client(port, "b");
      a.subscribe("svc.multi", {
        callback: (_e, m) => {
          m.respond("first");
          m.respond("second");
        },
      });
      await settle(a, b);
      const c = collector();
      b.subscribe("rep.x", { callback: c.on("b") });
      await settle(a, b);
      b.publish("a.svc.multi", "", { reply: "rep.x" });
      await settle(a, b);
      await settle(a, b);
      return c.lines;
    }, ["b rep.x first"]);
  });

  test("a service export limited to some accounts is only reachable from them", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const cc = await client(port, "c");
      a.subscribe("private.svc", { callback: (_e, m) => void m.respond("private") });
      await settle(a, cc);
      return (await cc.request("private.svc", "", { timeout: 2000 })).string();
    }, "private");
  });

  test("no_auth_user lands in its account", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const anon = await client(port);
      const c = collector();
      anon.subscribe("froma.pub.>", { callback: c.on("anon") });
      anon.subscribe("iso", { callback: c.on("anon-iso") });
      await settle(a, anon);
      a.publish("pub.z", "z");
      a.publish("iso", "a-only");
      await settle(a, anon);
      return c.lines;
    }, ["anon froma.pub.z z"]);
  });

  test("subject mappings apply to the publisher's account", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const c = collector();
      a.subscribe("map.>", { callback: c.on("a") });
      await settle(a);
      a.publish("map.in", "1");
      a.publish("map.w.q", "2");
      await settle(a);
      return c.lines.sort();
    }, ["a map.dest.q 2", "a map.out 1"]);
  });

  test("permissions still apply on both sides of an import", async () => {
    await same(async (port) => {
      const a = await client(port, "a");
      const cc = await client(port, "c");
      const errs: string[] = [];
      (async () => {
        for await (const s of cc.status()) if (s.type === "error") errs.push(String((s as { error?: Error }).error?.message ?? s.type));
      })().catch(() => {});
      const c = collector();
      cc.subscribe("froma.pub.>", { callback: c.on("c") });
      a.subscribe("svc.denied", { callback: (_e, m) => void m.respond("should not") });
      await settle(a, cc);
      a.publish("pub.q", "denied stream");
      cc.publish("a.svc.denied", "x");
      await settle(a, cc);
      return { lines: c.lines };
    }, { lines: [] });
  });
});

const CONFIG2 = `
listen: 127.0.0.1:-1
authorization { users: [{user: g, password: g}] }
mappings: { "g.in": "g.out", "part.*": "part.{{partition(5,1)}}.{{wildcard(1)}}", "split.*": "split.{{splitFromLeft(1,2)}}" }
accounts {
  S: {
    users: [{user: s, password: s}]
    exports: [{service: "deep.svc"}]
  }
  M: {
    users: [{user: m, password: m}]
    imports: [{service: {account: S, subject: "deep.svc"}, to: "mid.svc"}]
    exports: [{service: "mid.svc"}]
  }
  F: {
    users: [{user: f, password: f}]
    imports: [{service: {account: M, subject: "mid.svc"}, to: "front.svc"}]
  }
}
`;

async function scenario2(impl: Impl, run: (port: number) => Promise<unknown>): Promise<unknown> {
  const s = await start(impl, CONFIG2);
  try {
    return await run(s.port);
  } finally {
    await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
  }
}

async function same2(run: (port: number) => Promise<unknown>, expected?: unknown): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const impl of IMPLS) results[impl] = await scenario2(impl, run);
  if (process.env.ACC_SHOW) console.log(JSON.stringify(results));
  if (expected !== undefined) expect(results.reference ?? results.bnats).toEqual(expected);
  if (results.reference !== undefined && IMPLS.includes("bnats")) expect(results.bnats).toEqual(results.reference);
}

describe("mappings of the global account, chained service imports, queue responders", () => {
  test("top-level mappings (the global account): literal, partition, splitFromLeft", async () => {
    await same2(async (port) => {
      const g = await client(port, "g");
      const c = collector();
      g.subscribe("part.>", { callback: c.on("g") });
      g.subscribe("g.*", { callback: c.on("g") });
      g.subscribe("split.>", { callback: c.on("g") });
      await settle(g);
      g.publish("g.in", "1");
      for (const k of ["a", "bb", "key-1", "key-2", "xyz", "0", "99"]) g.publish(`part.${k}`, k);
      g.publish("split.abcdef", "s");
      await settle(g);
      return c.lines.sort();
    });
  });

  test("a request crosses two service imports (F -> M -> S); the answer comes back to F", async () => {
    await same2(async (port) => {
      const s = await client(port, "s");
      const f = await client(port, "f");
      const seen: string[] = [];
      s.subscribe("deep.svc", {
        callback: (_e, m) => {
          const info = JSON.parse(m.headers?.get("Nats-Request-Info") ?? "{}") as Record<string, unknown>;
          seen.push(`acc=${String(info.acc)} svc=${String(info.svc)}`);
          m.respond(`deep:${m.string()}`);
        },
      });
      await settle(s, f);
      const r = await f.request("front.svc", "q", { timeout: 2000 });
      return { seen, answer: r.string() };
    });
  });

  test("queue group responders in the exporter: one answers each request", async () => {
    await same2(async (port) => {
      const s1 = await client(port, "s");
      const s2 = await client(port, "s");
      const m = await client(port, "m");
      let n = 0;
      for (const s of [s1, s2]) s.subscribe("deep.svc", { queue: "q", callback: (_e, msg) => { n++; msg.respond("x"); } });
      await settle(s1, s2, m);
      const answers: string[] = [];
      for (let i = 0; i < 10; i++) answers.push((await m.request("mid.svc", "", { timeout: 2000 })).string());
      await settle(s1, s2);
      return { answers: answers.length, handled: n };
    }, { answers: 10, handled: 10 });
  });
});

describe("account limits (limits {}), as nats-server", () => {
  const LIMITS = `
listen: 127.0.0.1:-1
accounts {
  L: { users: [{user: l, password: l}], limits: { max_connections: 2, max_subscriptions: 2, max_payload: 8 } }
}
`;
  test("max_connections, max_subscriptions and max_payload of the account", async () => {
    const results: Record<string, unknown> = {};
    for (const impl of IMPLS) {
      const s = await start(impl, LIMITS);
      const out: string[] = [];
      const c1 = await client(s.port, "l");
      await client(s.port, "l");
      try {
        const c3 = await connect({ port: s.port, user: "l", pass: "l", reconnect: false, timeout: 2000 });
        conns.push(c3);
        await c3.flush();
        out.push("third connected");
      } catch (e) {
        out.push(`third: ${(e as Error).message}`);
      }
      const errs: string[] = [];
      (async () => {
        for await (const st of c1.status()) if (st.type === "error") errs.push(String((st as { error?: Error }).error?.message));
      })().catch(() => {});
      c1.subscribe("a", { callback: () => {} });
      c1.subscribe("b", { callback: () => {} });
      c1.subscribe("c", { callback: () => {} });
      await c1.flush().catch(() => {});
      await c1.flush().catch(() => {});
      out.push(...errs.map((e) => `sub: ${e}`));
      out.push(`info max_payload ${c1.info?.max_payload}`);
      results[impl] = out;
      await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
    }
    if (process.env.ACC_SHOW) console.log(JSON.stringify(results));
    if (results.reference !== undefined && IMPLS.includes("bnats")) expect(results.bnats).toEqual(results.reference);
  }, 20_000);
});

describe("users of every kind inside accounts, as nats-server", () => {
  test("an nkey user, a bcrypt user and a user with permissions land in their accounts", async () => {
    const nk = createUser();
    const seed = nk.getSeed();
    // The bcrypt pair of nats-server's test/auth_test.go.
    const pass = "IW@$6v(y1(t@fhPDvf!5^%";
    const hash = "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq";
    const config = `
listen: 127.0.0.1:-1
accounts {
  N: { users: [{nkey: ${nk.getPublicKey()}}], exports: [{stream: "n.>"}] }
  P: {
    users: [{user: bc, password: "${hash}"}, {user: lim, password: lim, permissions: {publish: "ok.>", subscribe: ">"}}]
    imports: [{stream: {account: N, subject: "n.>"}}]
  }
}
`;
    const results: Record<string, unknown> = {};
    for (const impl of IMPLS) {
      const s = await start(impl, config);
      const n = await connect({ port: s.port, authenticator: nkeyAuthenticator(seed) });
      const bc = await connect({ port: s.port, user: "bc", pass });
      const lim = await connect({ port: s.port, user: "lim", pass: "lim" });
      conns.push(n, bc, lim);
      const c = collector();
      bc.subscribe(">", { callback: c.on("bc") });
      await settle(n, bc, lim);
      n.publish("n.x", "from-n");
      lim.publish("ok.1", "allowed");
      lim.publish("no.1", "denied");
      await settle(n, bc, lim);
      results[impl] = c.lines.sort();
      await Promise.all(conns.splice(0).map((x) => x.close().catch(() => {})));
    }
    if (process.env.ACC_SHOW) console.log(JSON.stringify(results));
    expect(results.reference ?? results.bnats).toEqual(["bc n.x from-n", "bc ok.1 allowed"]);
    if (results.reference !== undefined && IMPLS.includes("bnats")) expect(results.bnats).toEqual(results.reference);
  }, 20_000);
});

describe("stream imports and partially overlapping subscriptions (accounts_test.go TestImportSubscriptionPartialOverlap*)", () => {
  const template = (exp: string, imp: string, extra: string): string => `
listen: 127.0.0.1:-1
accounts: {
  X: { users: [{user: publisher, password: p}], exports: [{stream: "${exp}"}] }
  Y: { users: [{user: subscriber, password: p}], imports: [{stream: {account: X, subject: "${imp}"}, ${extra}}] }
}
`;
  const cases: [string, string, string[], string, string][] = [
    [">", "prefix: myprefix", [">", "myprefix.*", "myprefix.>", "myprefix.test", "*.>", "*.*", "*.test"], "test", "myprefix.test"],
    [
      "*.*.>",
      "to: myprefix.$2.$1.>",
      [">", "*.*.*.>", "*.2.*.>", "*.*.1.>", "*.2.1.>", "*.*.*.*", "*.2.1.*", "*.*.*.test", "*.*.1.test", "*.2.*.test", "*.2.1.test",
        "myprefix.*.*.*", "myprefix.>", "myprefix.*.>", "myprefix.*.*.>", "myprefix.2.>", "myprefix.2.1.>", "myprefix.*.1.>",
        "myprefix.2.*.>", "myprefix.2.1.*", "myprefix.*.*.test", "myprefix.2.1.test"],
      "1.2.test",
      "myprefix.2.1.test",
    ],
  ];
  for (const [exp, extra, subjects, pub, want] of cases) {
    test(`export ${exp}, import ${extra}: every overlapping subscription gets ${want}`, async () => {
      const results: Record<string, unknown> = {};
      for (const impl of IMPLS) {
        const s = await start(impl, template(exp, exp, extra));
        const x = await connect({ port: s.port, user: "publisher", pass: "p" });
        const y = await connect({ port: s.port, user: "subscriber", pass: "p" });
        conns.push(x, y);
        const got: string[] = [];
        for (const subj of subjects) {
          const sub = y.subscribe(subj, { max: 1 });
          await y.flush();
          x.publish(pub, "hello");
          await x.flush();
          const timer = setTimeout(() => sub.unsubscribe(), 1000);
          for await (const m of sub) got.push(`${subj} -> ${m.subject} ${m.string()}`);
          clearTimeout(timer);
        }
        results[impl] = got;
        await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
      }
      expect(results.reference ?? results.bnats).toEqual(subjects.map((s) => `${s} -> ${want} hello`));
      if (results.reference !== undefined && IMPLS.includes("bnats")) expect(results.bnats).toEqual(results.reference);
    }, 60_000);
  }
});
