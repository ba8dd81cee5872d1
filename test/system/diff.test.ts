// The $SYS services side by side with nats-server 2.9.10: the same requests, as the system user, and the
// JSON shapes of the answers (keys and types, recursively: test/monitor/shape.ts) must be equal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { hasReference, startReference, type ProcessServer } from "../helpers/ref.ts";
import { diffShapes, shapeOf } from "../monitor/shape.ts";
import { captureEvents, EVENT_KEYS, requestAll, SYS_CONFIG } from "./harness.ts";

/** Requests sent to both servers as the system user (both run SYS_CONFIG). */
const REQUESTS: [string, string][] = [
  ["$SYS.REQ.SERVER.PING", ""],
  ["$SYS.REQ.SERVER.PING.STATSZ", ""],
  ["$SYS.REQ.SERVER.PING.VARZ", ""],
  ["$SYS.REQ.SERVER.PING.SUBSZ", ""],
  ["$SYS.REQ.SERVER.PING.CONNZ", ""],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"auth":true,"subscriptions":true}'],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"subscriptions_detail":true,"sort":"msgs_to"}'],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"sort":"bogus"}'],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"state":"x"}'],
  ["$SYS.REQ.SERVER.PING.ROUTEZ", ""],
  ["$SYS.REQ.SERVER.PING.GATEWAYZ", ""],
  ["$SYS.REQ.SERVER.PING.LEAFZ", ""],
  ["$SYS.REQ.SERVER.PING.JSZ", ""],
  ["$SYS.REQ.SERVER.PING.HEALTHZ", ""],
  ["$SYS.REQ.SERVER.PING.HEALTHZ", '{"server_name":"nomatch"}'],
  ["$SYS.REQ.ACCOUNT.NOPE.INFO", ""],
  ["$SYS.REQ.ACCOUNT.A.INFO", ""],
  ["$SYS.REQ.ACCOUNT.SYS.INFO", ""],
  ["$SYS.REQ.ACCOUNT.A.CONNZ", ""],
  ["$SYS.REQ.ACCOUNT.SYS.CONNZ", ""],
  ["$SYS.REQ.ACCOUNT.A.SUBSZ", ""],
  ["$SYS.REQ.ACCOUNT.SYS.SUBSZ", '{"limit":3}'],
  ["$SYS.REQ.ACCOUNT.A.LEAFZ", ""],
  ["$SYS.REQ.ACCOUNT.A.STATZ", ""],
  ["$SYS.REQ.ACCOUNT.A.STATZ", '{"include_unused":true}'],
  ["$SYS.REQ.ACCOUNT.SYS.STATZ", ""],
  ["$SYS.REQ.ACCOUNT.PING.STATZ", ""],
  ["$SYS.REQ.ACCOUNT.PING.STATZ", '{"include_unused":true}'],
  ["$SYS.REQ.ACCOUNT.SYS.CONNS", ""],
  ["$SYS.REQ.ACCOUNT.PING.CONNZ", ""],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"state":5}'],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"cid":999,"offset":-3}'],
  ["$SYS.REQ.ACCOUNT.A.CONNZ", '{"auth":true,"subscriptions_detail":true,"state":2}'],
  ["$SYS.REQ.SERVER.PING.CONNZ", '{"acc":"A","auth":true,"filter_subject":"foo"}'],
  ["$SYS.REQ.ACCOUNT.A.CONNS", ""],
  ["$SYS.REQ.SERVER.PING.ACCOUNTZ", ""],
  ["$SYS.REQ.SERVER.PING.SUBSZ", '{"subscriptions":true,"limit":2}'],
  ["$SYS.REQ.ACCOUNT.NOPE.JSZ", ""],
];

/**
 * Shape lines allowed to differ: bnats's /varz adds nats-server 2.10's slow_consumer_stats (as over HTTP,
 * test/monitor/differential.test.ts).
 */
const KNOWN = /^\+ \.data\.slow_consumer_stats/;

describe.if(hasReference())("$SYS answers have the reference's shapes", () => {
  let ref: ProcessServer;
  let refConn: NatsConnection;
  let bnats: InProcessServer;
  let client: NatsConnection;

  beforeAll(async () => {
    ref = await startReference({ config: SYS_CONFIG });
    refConn = await connect({ port: ref.port, user: "sys", pass: "sys", name: "diff" });
    bnats = await startBnats({ config: SYS_CONFIG });
    client = await connect({ port: bnats.port, user: "sys", pass: "sys", name: "diff" });
    for (const nc of [refConn, client]) nc.subscribe("foo");
    await Promise.all([refConn.flush(), client.flush()]);
  });
  afterAll(async () => {
    await client?.close();
    await refConn?.close();
    await ref?.stop();
    await bnats?.stop();
  });

  test("Accept-Encoding: the same Content-Encoding for snappy, s2, gzip and others", async () => {
    for (const ae of ["snappy", "S2", "gzip, deflate", "br"]) {
      const h = headers();
      h.set("Accept-Encoding", ae);
      const theirs = await refConn.request("$SYS.REQ.SERVER.PING.HEALTHZ", "", { timeout: 2000, headers: h });
      const mine = await client.request("$SYS.REQ.SERVER.PING.HEALTHZ", "", { timeout: 2000, headers: h });
      expect(mine.headers?.get("Content-Encoding")).toBe(theirs.headers?.get("Content-Encoding") ?? "");
    }
  });

  test("by server id: the same services answer on $SYS.REQ.SERVER.<id>.<name>", async () => {
    const id = bnats.server.id;
    for (const name of ["STATSZ", "VARZ", "SUBSZ", "CONNZ", "ROUTEZ", "GATEWAYZ", "LEAFZ", "ACCOUNTZ", "JSZ", "HEALTHZ"]) {
      const [r] = (await requestAll(client, `$SYS.REQ.SERVER.${id}.${name}`, "", 500, 1)) as { server: { id: string } }[];
      expect(r?.server.id).toBe(id);
    }
  });

  for (const [subject, body] of REQUESTS) {
    test(`${subject} ${body}`, async () => {
      const [theirs, mine] = await Promise.all([requestAll(refConn, subject, body, 300, 1), requestAll(client, subject, body, 300, 1)]);
      expect(mine.length).toBe(theirs.length);
      if (theirs.length === 0) return;
      expect(diffShapes(shapeOf(theirs[0]), shapeOf(mine[0])).filter((l) => !KNOWN.test(l))).toEqual([]);
    });
  }
});

describe.if(hasReference())("through the imports every account has, as a user of A", () => {
  test("CONNZ and STATZ answer for A's own connections on both servers", async () => {
    const ref = await startReference({ config: SYS_CONFIG });
    const b = await startBnats({ config: SYS_CONFIG });
    try {
      for (const subject of ["$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.ACCOUNT.PING.CONNZ", "$SYS.REQ.ACCOUNT.PING.STATZ"]) {
        const answers: { data: { connections?: { name?: string }[]; account_statz?: { acc: string; conns: number }[] } }[] = [];
        for (const port of [ref.port, b.port]) {
          const nc = await connect({ port, user: "a", pass: "a", name: "acli" });
          const [r] = (await requestAll(nc, subject, "", 2000, 1)) as (typeof answers)[number][];
          answers.push(r!);
          await nc.close();
        }
        const [theirs, mine] = answers;
        expect([subject, ...diffShapes(shapeOf(theirs), shapeOf(mine)).filter((l) => !KNOWN.test(l))]).toEqual([subject]);
        expect(mine!.data.connections?.map((c) => c.name)).toEqual(theirs!.data.connections?.map((c) => c.name));
        expect(mine!.data.account_statz?.map((a) => [a.acc, a.conns])).toEqual(theirs!.data.account_statz?.map((a) => [a.acc, a.conns]));
      }
    } finally {
      await ref.stop();
      await b.stop();
    }
  });
});

describe.if(hasReference())("events side by side", () => {
  test("CONNECT, DISCONNECT, SERVER.CONNS (both subjects), CLIENT.AUTH.ERR, STATSZ: same shapes", async () => {
    const ref = await startReference({ config: SYS_CONFIG });
    const b = await startBnats({ config: SYS_CONFIG });
    try {
      const id = /ID:\s+(\S+)/.exec(ref.logs())?.[1] ?? "";
      const theirs = await captureEvents(ref.port, id, (m) => EVENT_KEYS.every((k) => m.has(k)));
      expect([...theirs.keys()].filter((k) => EVENT_KEYS.includes(k)).sort()).toEqual([...EVENT_KEYS].sort());
      expect(Object.keys(theirs.get("$SYS.ACCOUNT.<acc>.CONNECT") as object)).toEqual(["type", "id", "timestamp", "server", "client"]);
      const mine = await captureEvents(b.port, b.server.id, (m) => EVENT_KEYS.every((k) => m.has(k)));
      for (const k of EVENT_KEYS) {
        expect([k, mine.has(k)]).toEqual([k, true]);
        expect([k, ...diffShapes(shapeOf(theirs.get(k)), shapeOf(mine.get(k)))]).toEqual([k]);
      }
    } finally {
      await ref.stop();
      await b.stop();
    }
  });
});

describe.if(hasReference())("$SYS.DEBUG.SUBSCRIBERS side by side", () => {
  test("subscriber counts for literal, queue and wildcard subjects, as the system user", async () => {
    const config = "accounts { SYS { users: [{user: sys, password: sys}] } }\nsystem_account: SYS\n";
    const ref = await startReference({ config });
    const b = await startBnats({ config });
    try {
      const answers: string[][] = [];
      for (const port of [ref.port, b.port]) {
        const nc = await connect({ port, user: "sys", pass: "sys" });
        nc.subscribe("foo");
        nc.subscribe("foo");
        nc.subscribe("foo", { queue: "q" });
        nc.subscribe("bar.*");
        await nc.flush();
        const got: string[] = [];
        for (const body of ["foo", "foo q", "bar.x", "bar.*", "*", ">", "nope", ""]) {
          got.push(`${body}=${(await nc.request("$SYS.DEBUG.SUBSCRIBERS", body, { timeout: 2000 })).string()}`);
        }
        answers.push(got);
        await nc.close();
      }
      expect(answers[1]).toEqual(answers[0]!);
    } finally {
      await ref.stop();
      await b.stop();
    }
  });
});

describe.if(hasReference())("values side by side", () => {
  test("the same subscription counts (every internal subscription of the system account) and the same claims-update refusals", async () => {
    const ref = await startReference({ config: SYS_CONFIG });
    const b = await startBnats({ config: SYS_CONFIG });
    try {
      const out: string[][] = [];
      for (const port of [ref.port, b.port]) {
        const nc = await connect({ port, user: "sys", pass: "sys" });
        const got: string[] = [];
        for (const [subject, body] of [
          ["$SYS.REQ.SERVER.PING.SUBSZ", ""],
          ["$SYS.REQ.ACCOUNT.SYS.INFO", ""],
          ["$SYS.REQ.ACCOUNT.A.INFO", ""],
          ["$SYS.REQ.ACCOUNT.X.CLAIMS.UPDATE", ""],
          ["$SYS.REQ.ACCOUNT.X.CLAIMS.UPDATE", "not a jwt"],
          ["$SYS.ACCOUNT.X.CLAIMS.UPDATE", ""],
        ] as const) {
          const [x] = (await requestAll(nc, subject, body, 1000, 1)) as { data?: { num_subscriptions?: number; subscriptions?: number }; error?: object }[];
          got.push(JSON.stringify([x?.data?.num_subscriptions ?? x?.data?.subscriptions, x?.error, Object.keys(x ?? {})]));
        }
        out.push(got);
        await nc.close();
      }
      expect(out[1]).toEqual(out[0]!);
    } finally {
      await ref.stop();
      await b.stop();
    }
  });
});
