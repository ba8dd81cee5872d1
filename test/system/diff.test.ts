// The $SYS services side by side with nats-server 2.9.10: the same requests, as the system user, and the
// JSON shapes of the answers (keys and types, recursively: test/monitor/shape.ts) must be equal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { newContext } from "../../src/monitor/context.ts";
import { SystemServices } from "../../src/system/system.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { hasReference, startReference, type ProcessServer } from "../helpers/ref.ts";
import { diffShapes, shapeOf } from "../monitor/shape.ts";
import { FakeInternalClient } from "./fake.ts";
import { captureEvents, EVENT_KEYS, requestAll, SYS_CONFIG } from "./harness.ts";

/** Requests whose answers do not depend on accounts being configured. */
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
  ["$SYS.REQ.ACCOUNT.NOPE.JSZ", ""],
];

/**
 * Shape lines allowed to differ: bnats's /varz adds nats-server 2.10's slow_consumer_stats (as over HTTP,
 * test/monitor/differential.test.ts); the `account` of a connection needs accounts in bnats (issue 11).
 */
const KNOWN = /^\+ \.data\.slow_consumer_stats|^- \.data\.connections\[\]\.account:/;

/** Which answers bnats gives to a request (the handlers over an in-process server). */
type Ask = (subject: string, body: string) => Promise<unknown[]>;

describe.if(hasReference())("$SYS answers have the reference's shapes", () => {
  let ref: ProcessServer;
  let refConn: NatsConnection;
  let bnats: InProcessServer;
  let ours: Ask;
  let sys: SystemServices;
  let client: NatsConnection;
  let internal: FakeInternalClient;

  beforeAll(async () => {
    ref = await startReference({ config: SYS_CONFIG });
    refConn = await connect({ port: ref.port, user: "sys", pass: "sys", name: "diff" });
    bnats = await startBnats({ config: "authorization { users: [{user: sys, password: sys}] }\nserver_name: sysdiff\n" });
    internal = new FakeInternalClient();
    const s = bnats.server;
    sys = new SystemServices({
      ctx: newContext(s),
      identity: () => {
        const i = s.baseInfo();
        return { name: i.server_name, host: i.host, id: i.server_id, cluster: "", domain: "", tags: s.opts.tags, jetstream: false };
      },
      client: internal,
      systemAccount: "$SYS",
      globalAccount: "$G",
      error: () => undefined,
    });
    sys.start();
    // A connected client, so connz has a connection to show on both sides.
    client = await connect({ port: bnats.port, user: "sys", pass: "sys", name: "diff" });
    client.subscribe("foo");
    await client.flush();
    ours = async (subject, body) => (await internal.request(subject.replace("<id>", s.id), body)).map((p) => p.json);
  });
  afterAll(async () => {
    sys?.shutdown();
    await client?.close();
    await refConn?.close();
    await ref?.stop();
    await bnats?.stop();
  });

  test("Accept-Encoding: the same Content-Encoding for snappy, s2, gzip and others", async () => {
    for (const ae of ["snappy", "S2", "gzip, deflate", "br"]) {
      const h = headers();
      h.set("Accept-Encoding", ae);
      const m = await refConn.request("$SYS.REQ.SERVER.PING.HEALTHZ", "", { timeout: 2000, headers: h });
      const [mine] = await internal.request("$SYS.REQ.SERVER.PING.HEALTHZ", "", "_INBOX.x", `NATS/1.0\r\nAccept-Encoding: ${ae}\r\n\r\n`);
      expect(mine?.hdr).toBe(`NATS/1.0\r\nContent-Encoding: ${m.headers?.get("Content-Encoding")}\r\n\r\n`);
    }
  });

  for (const [subject, body] of REQUESTS) {
    test(`${subject} ${body}`, async () => {
      const theirs = await requestAll(refConn, subject, body, 300, 1);
      const mine = await ours(subject, body);
      expect(mine.length).toBe(theirs.length);
      if (theirs.length === 0) return;
      expect(diffShapes(shapeOf(theirs[0]), shapeOf(mine[0])).filter((l) => !KNOWN.test(l))).toEqual([]);
    });
  }
});

describe.if(hasReference())("events: nats-server's, recorded (the shapes bnats must match)", () => {
  test("CONNECT, DISCONNECT, SERVER.CONNS (both subjects), CLIENT.AUTH.ERR, STATSZ", async () => {
    const ref = await startReference({ config: SYS_CONFIG });
    try {
      const id = /ID:\s+(\S+)/.exec(ref.logs())?.[1] ?? "";
      const seen = await captureEvents(ref.port, id, (m) => EVENT_KEYS.every((k) => m.has(k)));
      expect([...seen.keys()].filter((k) => EVENT_KEYS.includes(k)).sort()).toEqual([...EVENT_KEYS].sort());
      expect(Object.keys(seen.get("$SYS.ACCOUNT.<acc>.CONNECT") as object)).toEqual(["type", "id", "timestamp", "server", "client"]);
    } finally {
      await ref.stop();
    }
  });
});
