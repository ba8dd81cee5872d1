// The system account's handlers over a plain-object server (test/monitor/fake.ts) and a fake internal
// connection: subjects subscribed, envelopes, filters, errors, and the events.
import { afterEach, describe, expect, test } from "bun:test";
import { newContext } from "../../src/monitor/context.ts";
import type { EventClient } from "../../src/system/messages.ts";
import { crc32c } from "../../src/system/compress.ts";
import { SystemServices } from "../../src/system/system.ts";
import { addSub, fakeClient, fakeServer } from "../monitor/fake.ts";
import { FakeInternalClient } from "./fake.ts";

const ID = "NFAKE";

function setup(opts: { tags?: string[] } = {}): { sys: SystemServices; client: FakeInternalClient } {
  const c1 = fakeClient(1, { lang: "nats.js", version: "3.4.0" });
  addSub(c1, "foo", "1");
  const server = fakeServer([c1], [], { tags: opts.tags ?? [] });
  const client = new FakeInternalClient();
  const sys = new SystemServices({
    ctx: newContext(server, { cpu: 1.5, rss: 1234 }),
    identity: () => ({ name: "fake", host: "0.0.0.0", id: ID, cluster: "", domain: "", tags: opts.tags ?? [], jetstream: false }),
    client,
    systemAccount: "$SYS",
    globalAccount: "$G",
    error: (m) => {
      throw new Error(m);
    },
  });
  sys.start();
  return { sys, client };
}

let current: SystemServices | undefined;
afterEach(() => current?.shutdown());

function started(opts: { tags?: string[] } = {}): FakeInternalClient {
  const { sys, client } = setup(opts);
  current = sys;
  return client;
}

describe("subscriptions", () => {
  test("as initEventTracking: the old ping, each service by id and by PING, the account services", () => {
    const client = started();
    const subjects = client.subs.map((s) => s.subject);
    expect(subjects).toContain("$SYS.REQ.SERVER.PING");
    for (const name of ["STATSZ", "VARZ", "SUBSZ", "CONNZ", "ROUTEZ", "GATEWAYZ", "LEAFZ", "ACCOUNTZ", "JSZ", "HEALTHZ"]) {
      expect(subjects).toContain(`$SYS.REQ.SERVER.PING.${name}`);
      expect(subjects).toContain(`$SYS.REQ.SERVER.${ID}.${name}`);
    }
    for (const name of ["SUBSZ", "CONNZ", "LEAFZ", "JSZ", "INFO", "STATZ", "CONNS"]) {
      expect(subjects).toContain(`$SYS.REQ.ACCOUNT.*.${name}`);
    }
    expect(subjects).toContain("$SYS.REQ.ACCOUNT.PING.STATZ");
  });
});

describe("server services", () => {
  test("the envelope: server info with a growing seq, then data from the monitoring endpoint", async () => {
    const client = started();
    const [a] = await client.request("$SYS.REQ.SERVER.PING.VARZ");
    const [b] = await client.request(`$SYS.REQ.SERVER.${ID}.CONNZ`);
    expect(a!.subject).toBe("_INBOX.r");
    expect(Object.keys(a!.json)).toEqual(["server", "data"]);
    const server = a!.json.server as Record<string, unknown>;
    expect(Object.keys(server)).toEqual(["name", "host", "id", "ver", "seq", "jetstream", "time"]);
    expect((b!.json.server as { seq: number }).seq).toBe((server.seq as number) + 1);
    expect((a!.json.data as { server_id: string; http_req_stats: object }).http_req_stats).toEqual({}); // not counted
    expect((b!.json.data as { connections: { cid: number }[] }).connections.map((c) => c.cid)).toEqual([1]);
  });

  test("STATSZ: the statsz body, to our STATSZ subject when there is no reply", async () => {
    const client = started();
    const [r] = await client.request("$SYS.REQ.SERVER.PING");
    expect(Object.keys(r!.json)).toEqual(["server", "statsz"]);
    expect(Object.keys(r!.json.statsz as object)).toEqual([
      "start", "mem", "cores", "cpu", "connections", "total_connections", "active_accounts", "subscriptions", "sent",
      "received", "slow_consumers", "active_servers",
    ]);
    const [none] = await client.request("$SYS.REQ.SERVER.PING.STATSZ", "", "");
    expect(none!.subject).toBe(`$SYS.SERVER.${ID}.STATSZ`);
  });

  test("filters: silent unless every given field matches (substring, tags all, lower-cased)", async () => {
    const client = started({ tags: ["east", "ssd"] });
    expect(await client.request("$SYS.REQ.SERVER.PING.VARZ", '{"server_name":"nope"}')).toEqual([]);
    expect(await client.request("$SYS.REQ.SERVER.PING.VARZ", '{"server_name":"ak"}')).toHaveLength(1);
    expect(await client.request("$SYS.REQ.SERVER.PING.HEALTHZ", '{"tags":["EAST"," ssd "]}')).toHaveLength(1);
    expect(await client.request("$SYS.REQ.SERVER.PING.HEALTHZ", '{"tags":["east","west"]}')).toEqual([]);
    expect(await client.request("$SYS.REQ.SERVER.PING", '{"host":"1.2.3.4"}')).toEqual([]);
    expect(await client.request("$SYS.REQ.SERVER.PING.JSZ", '{"domain":"x"}')).toEqual([]);
  });

  test("errors: 400 without data for a bad body, 500 with data null when the endpoint fails", async () => {
    const client = started();
    const [bad] = await client.request("$SYS.REQ.SERVER.PING.CONNZ", '{"state":"x"}');
    expect(bad!.json.error).toEqual({
      code: 400,
      description: "json: cannot unmarshal string into Go struct field ConnzEventOptions.state of type server.ConnState",
    });
    expect("data" in bad!.json).toBe(false);
    const [sort] = await client.request("$SYS.REQ.SERVER.PING.CONNZ", '{"sort":"bogus"}');
    expect(sort!.json).toMatchObject({ data: null, error: { code: 500, description: "invalid sorting option: bogus" } });
    const [acc] = await client.request("$SYS.REQ.ACCOUNT.NOPE.INFO");
    expect(acc!.json).toMatchObject({ data: null, error: { code: 500, description: "Account NOPE does not exist" } });
    const [js] = await client.request("$SYS.REQ.ACCOUNT.$G.JSZ");
    expect(js!.json).toMatchObject({ data: null, error: { code: 500, description: "jetstream not enabled" } });
  });

  test("silent: no reply subject, JSZ leader_only without JetStream, account STATZ without connections", async () => {
    const client = started();
    expect(await client.request("$SYS.REQ.SERVER.PING.VARZ", "", "")).toEqual([]);
    expect(await client.request("$SYS.REQ.SERVER.PING.JSZ", '{"leader_only":true}')).toEqual([]);
    expect(await client.request("$SYS.REQ.ACCOUNT.$SYS.STATZ")).toEqual([]);
    const [unused] = await client.request("$SYS.REQ.ACCOUNT.$SYS.STATZ", '{"include_unused":true}');
    expect((unused!.json.data as { account_statz: { acc: string }[] }).account_statz.map((a) => a.acc)).toEqual(["$SYS"]);
  });

  test("account services: SUBSZ lists the account's subscriptions, CONNZ its connections, PING.STATZ the active ones", async () => {
    const client = started();
    const [subs] = await client.request("$SYS.REQ.ACCOUNT.$G.SUBSZ");
    expect((subs!.json.data as { subscriptions_list: { subject: string }[] }).subscriptions_list.map((s) => s.subject)).toEqual(["foo"]);
    const [conns] = await client.request("$SYS.REQ.ACCOUNT.$G.CONNZ");
    expect((conns!.json.data as { num_connections: number }).num_connections).toBe(1);
    const [ping] = await client.request("$SYS.REQ.ACCOUNT.PING.STATZ");
    expect((ping!.json.data as { account_statz: { acc: string }[] }).account_statz.map((a) => a.acc)).toEqual(["$G"]);
    const [c] = await client.request("$SYS.REQ.ACCOUNT.$G.CONNS");
    expect(c!.json).toMatchObject({ type: "io.nats.server.advisory.v1.account_connections", acc: "$G", conns: 1 });
    expect(await client.request("$SYS.REQ.ACCOUNT.$G.CONNS", '{"acc":"other"}')).toEqual([]);
  });
});

const eventClient: EventClient = {
  start: new Date(Date.UTC(2026, 0, 1)),
  ip: "127.0.0.1",
  cid: 7,
  account: "A",
  rawAuthUser: "a",
  name: "acli",
  lang: "nats.js",
  version: "3.4.0",
  rtt: 1.1175,
  kind: "Client",
  clientType: "nats",
  issuerKey: "",
  inMsgs: 1,
  inBytes: 5,
  outMsgs: 0,
  outBytes: 0,
};

describe("events", () => {
  test("connect and disconnect of an account's client, with the reference's JSON", async () => {
    const client = started();
    const { sys } = { sys: current! };
    sys.clientConnected(eventClient);
    sys.clientDisconnected(eventClient, "Client Closed");
    sys.clientConnected({ ...eventClient, account: "$G" }); // the global account sends none
    await Promise.resolve();
    const [conn, disc] = client.published;
    expect(client.published).toHaveLength(2);
    expect(conn!.subject).toBe("$SYS.ACCOUNT.A.CONNECT");
    expect(Object.keys(conn!.json)).toEqual(["type", "id", "timestamp", "server", "client"]);
    expect(conn!.json.client).toEqual({
      start: "2026-01-01T00:00:00Z", host: "127.0.0.1", id: 7, acc: "A", user: "a", name: "acli", lang: "nats.js",
      ver: "3.4.0", kind: "Client", client_type: "nats",
    });
    expect(disc!.subject).toBe("$SYS.ACCOUNT.A.DISCONNECT");
    expect(disc!.json).toMatchObject({
      type: "io.nats.server.advisory.v1.client_disconnect",
      client: { rtt: 1117500 },
      sent: { msgs: 1, bytes: 5 },
      received: { msgs: 0, bytes: 0 },
      reason: "Client Closed",
    });
    expect((conn!.json.id as string).length).toBe(22);
  });

  test("auth error, account conns (old and new subject), shutdown last", async () => {
    const client = started();
    const sys = current!;
    sys.authFailed({ ...eventClient, account: "$G" }, "Authentication Failure");
    sys.accountConnsChanged("$G", true);
    sys.accountConnsChanged("$G", false); // leaving the global account sends nothing
    sys.shutdown();
    current = undefined;
    expect(client.published.map((p) => p.subject)).toEqual([
      `$SYS.SERVER.${ID}.CLIENT.AUTH.ERR`,
      "$SYS.SERVER.ACCOUNT.$G.CONNS",
      "$SYS.ACCOUNT.$G.SERVER.CONNS",
      `$SYS.SERVER.${ID}.SHUTDOWN`,
    ]);
    expect(Object.keys(client.published[3]!.json)).toEqual(["name", "host", "id", "ver", "seq", "jetstream", "time"]);
    expect(client.closed).toBe(true);
  });
});

describe("compression (Accept-Encoding)", () => {
  const H = (v: string): string => `NATS/1.0\r\nAccept-Encoding: ${v}\r\n\r\n`;
  test("snappy (framed, uncompressed chunks), gzip, identity for anything else; none for errors", async () => {
    const client = started();
    const [plain] = await client.request("$SYS.REQ.SERVER.PING.VARZ");
    const text = JSON.stringify(plain!.json.data);
    const [s] = await client.request("$SYS.REQ.SERVER.PING.VARZ", "", "_INBOX.r", H("s2, snappy"));
    expect(s!.hdr).toBe("NATS/1.0\r\nContent-Encoding: snappy\r\n\r\n");
    expect(JSON.parse(new TextDecoder().decode(unframe(s!.raw))).data.server_id).toBe("NFAKE");
    const [g] = await client.request("$SYS.REQ.SERVER.PING.VARZ", "", "_INBOX.r", H("gzip"));
    expect(g!.hdr).toContain("Content-Encoding: gzip");
    expect(JSON.parse(new TextDecoder().decode(Bun.gunzipSync(g!.raw as Uint8Array<ArrayBuffer>))).data.server_id).toBe("NFAKE");
    const [i] = await client.request("$SYS.REQ.SERVER.PING.VARZ", "", "_INBOX.r", H("br"));
    expect(i!.hdr).toContain("Content-Encoding: identity");
    expect(Object.keys(i!.json.data as object)).toEqual(Object.keys(JSON.parse(text)));
    const [e] = await client.request("$SYS.REQ.SERVER.PING.CONNZ", '{"sort":"x"}', "_INBOX.r", H("gzip"));
    expect(e!.hdr).toBeUndefined();
    const [other] = await client.request("$SYS.REQ.SERVER.PING.VARZ", "", "_INBOX.r", "NATS/1.0\r\nX-Accept-Encoding: gzip\r\n\r\n");
    expect(other!.hdr).toBeUndefined();
  });
});

/** Reads a snappy framing stream of uncompressed chunks, checking each chunk's masked CRC-32C. */
function unframe(b: Uint8Array): Uint8Array {
  expect([...b.subarray(0, 10)]).toEqual([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
  const parts: number[] = [];
  let at = 10;
  while (at < b.length) {
    expect(b[at]).toBe(0x01);
    const len = b[at + 1]! | (b[at + 2]! << 8) | (b[at + 3]! << 16);
    const data = b.subarray(at + 8, at + 4 + len);
    const c = crc32c(data);
    const masked = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    expect(new DataView(b.buffer, b.byteOffset + at + 4, 4).getUint32(0, true)).toBe(masked);
    parts.push(...data);
    at += 4 + len;
  }
  return new Uint8Array(parts);
}

describe("a failing handler", () => {
  test("is logged and answers nothing; the delivery (the publisher's read) does not throw", async () => {
    const server = fakeServer([]);
    Object.defineProperty(server, "stats", {
      get() {
        throw new Error("boom");
      },
    });
    const client = new FakeInternalClient();
    const errors: string[] = [];
    const sys = new SystemServices({
      ctx: newContext(server),
      identity: () => ({ name: "fake", host: "0.0.0.0", id: ID, cluster: "", domain: "", tags: [], jetstream: false }),
      client,
      systemAccount: "$SYS",
      globalAccount: "$G",
      error: (m) => errors.push(m),
    });
    sys.start();
    current = sys;
    expect(await client.request("$SYS.REQ.SERVER.PING")).toEqual([]);
    expect(errors.join("\n")).toContain('Internal subscription on "$SYS.REQ.SERVER.PING" failed');
    // zReq turns an endpoint's exception into its 500 answer instead.
    const [varz] = await client.request("$SYS.REQ.SERVER.PING.VARZ");
    expect(varz!.json).toMatchObject({ data: null, error: { code: 500, description: "boom" } });
  });
});

describe("other servers (updateRemoteServer, remoteServerShutdown)", () => {
  test("a new server gets our STATSZ at once, is counted in active_servers, must go in order, and leaves on SHUTDOWN", async () => {
    const server = fakeServer([]);
    const client = new FakeInternalClient();
    const errors: string[] = [];
    const sys = new SystemServices({
      ctx: newContext(server),
      identity: () => ({ name: "fake", host: "0.0.0.0", id: ID, cluster: "", domain: "", tags: [], jetstream: false }),
      client,
      systemAccount: "$SYS",
      globalAccount: "$G",
      error: (m) => errors.push(m),
    });
    sys.start();
    current = sys;
    const other = (seq: number): string => JSON.stringify({ server: { name: "o", host: "h", id: "NOTHER", ver: "2.9.10", seq, jetstream: false, time: "" }, statsz: {} });
    client.deliver("$SYS.SERVER.NOTHER.STATSZ", "", other(5));
    await Promise.resolve();
    const announce = client.published.at(-1)!;
    expect(announce.subject).toBe(`$SYS.SERVER.${ID}.STATSZ`);
    expect((announce.json.statsz as { active_servers: number }).active_servers).toBe(2);
    client.deliver("$SYS.SERVER.NOTHER.STATSZ", "", other(4));
    expect(errors).toEqual(['Received out of order remote server update from: "NOTHER"']);
    client.deliver("$SYS.SERVER.NOTHER.SHUTDOWN", "", JSON.stringify({ name: "o", id: "NOTHER", seq: 6 }));
    const [r] = await client.request("$SYS.REQ.SERVER.PING");
    expect((r!.json.statsz as { active_servers: number }).active_servers).toBe(1);
  });
});

describe("CONNZ options decoded from the body", () => {
  test("a state other than 0, 1, 2 matches nothing (the reference's switch has no case for it)", async () => {
    const client = started();
    const [r] = await client.request("$SYS.REQ.SERVER.PING.CONNZ", '{"state":5}');
    expect(r!.json.data).toMatchObject({ num_connections: 0, total: 0, connections: [] });
    const [all] = await client.request("$SYS.REQ.SERVER.PING.CONNZ", '{"state":2}');
    expect((all!.json.data as { total: number }).total).toBe(1);
  });
});
