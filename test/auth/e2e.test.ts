// Authentication and authorization end to end: the official JS client and raw wire conversations
// against an in-process bnats.
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AuthorizationError, PermissionViolationError, nkeyAuthenticator } from "@nats-io/nats-core";
import { createUser } from "@nats-io/nkeys";
import type { Options } from "../../src/options.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { RawClient } from "../helpers/raw.ts";

const servers: InProcessServer[] = [];
const conns: NatsConnection[] = [];
const raws: RawClient[] = [];

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  for (const r of raws) r.close();
  await Promise.all(servers.map((s) => s.stop()));
});

async function server(options: Partial<Options>, trace = false): Promise<InProcessServer> {
  const s = await startBnats({ options, trace, debug: trace });
  servers.push(s);
  return s;
}

async function client(s: InProcessServer, opts: Record<string, unknown> = {}): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false, ...opts });
  conns.push(nc);
  return nc;
}

async function raw(s: InProcessServer): Promise<{ c: RawClient; info: Record<string, unknown> }> {
  const c = await RawClient.connect(s.port);
  raws.push(c);
  const info = await c.readInfo();
  return { c, info };
}

const connectLine = (f: Record<string, unknown>): string => `CONNECT ${JSON.stringify({ verbose: false, pedantic: false, ...f })}\r\n`;
const ERR_AUTH = "-ERR 'Authorization Violation'\r\n";

// Hash of "IW@$6v(y1(t@fhPDvf!5^%" from nats-server's test/auth_test.go.
const BCRYPT_PASS = "IW@$6v(y1(t@fhPDvf!5^%";
const BCRYPT_HASH = "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq";

describe("the JS client's credentials", () => {
  test("user/pass accepted, wrong password refused", async () => {
    const s = await server({ users: [{ username: "alice", password: "foo" }, { username: "bob", password: BCRYPT_HASH }] });
    const nc = await client(s, { user: "alice", pass: "foo" });
    await nc.flush();
    const bob = await client(s, { user: "bob", pass: BCRYPT_PASS });
    await bob.flush();
    const err = await client(s, { user: "alice", pass: "bar" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthorizationError);
    expect(String(err)).toContain("Authorization Violation");
    expect(await client(s).catch((e: unknown) => e)).toBeInstanceOf(AuthorizationError);
    expect(s.logs()).toContain("[WRN] Plaintext passwords detected, use nkeys or bcrypt");
    const users = [...s.server.clients.values()].map((c) => c.user).sort();
    expect(users).toEqual(["alice", "bob"]);
  });

  test("token accepted, wrong token refused; the token never shows as the user", async () => {
    const s = await server({ authorization: "s3cr3t" });
    const nc = await client(s, { token: "s3cr3t" });
    await nc.flush();
    expect([...s.server.clients.values()][0]!.user).toBe("[REDACTED]");
    expect(await client(s, { token: "nope" }).catch((e: unknown) => e)).toBeInstanceOf(AuthorizationError);
    expect(s.logs()).not.toContain("s3cr3t");
    expect(s.logs()).not.toContain("nope");
  });

  test("nkey authenticator signs the nonce", async () => {
    const kp = createUser();
    const other = createUser();
    const s = await server({ nkeys: [{ nkey: kp.getPublicKey() }] });
    const nc = await client(s, { authenticator: nkeyAuthenticator(kp.getSeed()) });
    await nc.flush();
    expect([...s.server.clients.values()][0]!.user).toBe(kp.getPublicKey());
    const err = await client(s, { authenticator: nkeyAuthenticator(other.getSeed()) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthorizationError);
    expect(s.logs()).toContain(`authentication error - Nkey "${other.getPublicKey()}"`);
  });

  test("permission violations surface and the connection stays up", async () => {
    const s = await server({
      users: [{ username: "u", password: "p", permissions: { publish: { allow: ["ok.>"] }, subscribe: { allow: ["ok.>", "_INBOX.>"] } } }],
    });
    const nc = await client(s, { user: "u", pass: "p" });
    const errors: unknown[] = [];
    (async () => {
      for await (const st of nc.status()) if (st.type === "error") errors.push(st.error);
    })().catch(() => {});

    const denied = nc.subscribe("secret.>");
    const subErr = (async () => {
      try {
        for await (const _ of denied) {
          /* nothing */
        }
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(await subErr).toBeInstanceOf(PermissionViolationError);
    expect(String(await subErr)).toContain('Permissions Violation for Subscription to "secret.>"');

    nc.publish("secret.x", "nope");
    await nc.flush();
    // Still connected and working.
    const sub = nc.subscribe("ok.x", { max: 1 });
    nc.publish("ok.x", "yes");
    for await (const m of sub) expect(m.string()).toBe("yes");
    expect(nc.isClosed()).toBe(false);
    const pubErr = errors.find((e) => String(e).includes("Publish"));
    expect(String(pubErr)).toContain('Permissions Violation for Publish to "secret.x"');
  });

  test("allow_responses: a responder may answer the requests it receives, once", async () => {
    const s = await server({
      users: [
        { username: "req", password: "p" },
        { username: "svc", password: "p", permissions: { subscribe: { allow: ["svc.req"] }, response: { max: 0, expires: 0 } } },
      ],
    });
    const requester = await client(s, { user: "req", pass: "p" });
    const svc = await client(s, { user: "svc", pass: "p" });
    const sub = svc.subscribe("svc.req");
    (async () => {
      for await (const m of sub) {
        m.respond(`re:${m.string()}`);
        // A second answer is over the limit of one.
        m.respond("again");
      }
    })().catch(() => {});
    await svc.flush();
    const r = await requester.request("svc.req", "hello", { timeout: 1000 });
    expect(r.string()).toBe("re:hello");
    // Publishing anywhere else is refused.
    svc.publish("svc.req", "not allowed");
    await svc.flush();
    expect(svc.isClosed()).toBe(false);
  });
});

describe("raw wire", () => {
  test("INFO: auth_required, nonce only with nkey users; no auth_required with no_auth_user", async () => {
    const a = await server({ username: "u", password: "p" });
    const { info: ia } = await raw(a);
    expect(ia.auth_required).toBe(true);
    expect(ia.nonce).toBeUndefined();
    const b = await server({ nkeys: [{ nkey: createUser().getPublicKey() }] });
    const { info: ib } = await raw(b);
    expect(ib.auth_required).toBe(true);
    expect(String(ib.nonce)).toMatch(/^[A-Za-z0-9_-]{15}$/);
    const { info: ib2 } = await raw(b);
    expect(ib2.nonce).not.toBe(ib.nonce);
    const c = await server({ users: [{ username: "x", password: "y" }], noAuthUser: "x" });
    const { info: ic } = await raw(c);
    expect(ic.auth_required).toBeUndefined();
    const d = await server({});
    const { info: id } = await raw(d);
    expect(id.auth_required).toBeUndefined();
  });

  test("failed login: -ERR 'Authorization Violation', closed with Authentication Failure", async () => {
    const s = await server({ username: "u", password: "p" });
    const { c } = await raw(s);
    c.send(connectLine({ user: "u", pass: "wrong" }));
    await c.expect(ERR_AUTH);
    expect(await c.waitClosed()).toBe(true);
    expect(s.server.closed.at(-1)?.closeReason).toBe("Authentication Failure");
    expect(s.logs()).not.toContain("wrong");
  });

  test("operations before CONNECT are an Authorization Violation", async () => {
    const s = await server({ authorization: "t" });
    for (const op of ["PING\r\n", "SUB foo 1\r\n", "PUB foo 2\r\nok\r\n"]) {
      const { c } = await raw(s);
      c.send(op);
      await c.expect(ERR_AUTH);
      expect(await c.waitClosed()).toBe(true);
    }
  });

  test("with no_auth_user a first op other than CONNECT logs in as that user", async () => {
    const s = await server({
      users: [{ username: "n", password: "p", permissions: { publish: { allow: ["foo"] } } }],
      noAuthUser: "n",
    });
    const { c } = await raw(s);
    c.send("PUB foo 2\r\nok\r\nPUB bar 2\r\nok\r\nPING\r\n");
    // Without a CONNECT the defaults hold: verbose, so the allowed PUB gets +OK.
    await c.expect(`+OK\r\n-ERR 'Permissions Violation for Publish to "bar"'\r\nPONG\r\n`);
    expect([...s.server.clients.values()].map((x) => x.user)).toEqual(["n"]);
  });

  test("authentication timeout", async () => {
    const s = await server({ username: "u", password: "p", authTimeout: 100 });
    const { c } = await raw(s);
    await c.expect("-ERR 'Authentication Timeout'\r\n", 2000);
    expect(await c.waitClosed()).toBe(true);
    expect(s.server.closed.at(-1)?.closeReason).toBe("Authentication Timeout");
  });

  test("permission errors keep the connection open; denied messages are dropped", async () => {
    const s = await server({
      users: [
        { username: "ns", password: "p", permissions: { publish: { allow: ["*.*"], deny: ["SYS.*", "bar.baz", "foo.*"] }, subscribe: { allow: ["foo.*"], deny: ["foo.baz"] } } },
        { username: "pub", password: "p" },
      ],
    });
    const { c } = await raw(s);
    c.send(connectLine({ user: "ns", pass: "p" }));
    c.send("PUB foo.bar 2\r\nok\r\nSUB foo 1\r\nSUB foo.baz 2\r\nSUB foo.baz q 3\r\nSUB foo.bar 4\r\nPUB baz.foo 2\r\nok\r\nPING\r\n");
    await c.expect(
      `-ERR 'Permissions Violation for Publish to "foo.bar"'\r\n` +
        `-ERR 'Permissions Violation for Subscription to "foo"'\r\n` +
        `-ERR 'Permissions Violation for Subscription to "foo.baz"'\r\n` +
        `-ERR 'Permissions Violation for Subscription to "foo.baz" using queue "q"'\r\n` +
        "PONG\r\n",
    );
    expect(s.logs()).toContain('Publish Violation - User "ns", Subject "foo.bar"');
    // A wildcard wider than the deny is allowed; foo.baz is withheld at delivery.
    c.send("SUB foo.* 5\r\nSUB foo.* grp 6\r\nPING\r\n");
    await c.expect("PONG\r\n");
    const { c: p } = await raw(s);
    p.send(connectLine({ user: "pub", pass: "p" }));
    p.send("PUB foo.baz 2\r\nno\r\nPUB foo.bar 2\r\nok\r\nPING\r\n");
    await p.expect("PONG\r\n");
    c.send("PING\r\n");
    await c.expect("MSG foo.bar 4 2\r\nok\r\nMSG foo.bar 5 2\r\nok\r\nMSG foo.bar 6 2\r\nok\r\nPONG\r\n");
  });

  test("a queue member denied at delivery is skipped for another member of the group", async () => {
    const s = await server({
      users: [
        { username: "ns", password: "p", permissions: { subscribe: { deny: ["foo.baz"] } } },
        { username: "other", password: "p" },
      ],
    });
    const { c } = await raw(s);
    c.send(connectLine({ user: "ns", pass: "p" }) + "SUB foo.* grp 1\r\nPING\r\n");
    await c.expect("PONG\r\n");
    const { c: o } = await raw(s);
    o.send(connectLine({ user: "other", pass: "p" }) + "SUB foo.baz grp 2\r\nPING\r\n");
    await o.expect("PONG\r\n");
    for (let i = 0; i < 20; i++) o.send("PUB foo.baz 2\r\nok\r\n");
    o.send("PING\r\n");
    await o.expect("MSG foo.baz 2 2\r\nok\r\n".repeat(20) + "PONG\r\n");
    c.send("PING\r\n");
    await c.expect("PONG\r\n");
  });

  test("response permissions over the wire (the reference's svca/svcb)", async () => {
    const s = await server({
      users: [
        { username: "alice", password: "p" },
        { username: "svcb", password: "p", permissions: { subscribe: { allow: ["my.service.req"] }, response: { max: 2, expires: 60_000 } } },
      ],
    });
    const { c: rc } = await raw(s);
    rc.send(connectLine({ user: "alice", pass: "p" }) + "SUB resp.> 9\r\nPING\r\n");
    await rc.expect("PONG\r\n");
    const { c } = await raw(s);
    c.send(connectLine({ user: "svcb", pass: "p" }) + "SUB my.service.req 1\r\nPING\r\n");
    await c.expect("PONG\r\n");
    rc.send("PUB my.service.req resp.bar.22 2\r\nok\r\nPING\r\n");
    await rc.expect("PONG\r\n");
    await c.expect("MSG my.service.req 1 resp.bar.22 2\r\nok\r\n");
    c.send("PUB resp.bar.22 2\r\nr1\r\nPUB resp.bar.33 2\r\nno\r\nPUB resp.bar.22 2\r\nr2\r\nPUB resp.bar.22 2\r\nr3\r\nPING\r\n");
    await c.expect(
      `-ERR 'Permissions Violation for Publish to "resp.bar.33"'\r\n` +
        `-ERR 'Permissions Violation for Publish to "resp.bar.22"'\r\nPONG\r\n`,
    );
    rc.send("PING\r\n");
    await rc.expect("MSG resp.bar.22 9 2\r\nr1\r\nMSG resp.bar.22 9 2\r\nr2\r\nPONG\r\n");
  });

  test("the _sys_ queue is refused even without permissions", async () => {
    const s = await server({});
    const { c } = await raw(s);
    c.send(connectLine({}) + "SUB foo _sys_ 1\r\nPING\r\n");
    await c.expect(`-ERR 'Permissions Violation for Subscription to "foo" using queue "_sys_"'\r\nPONG\r\n`);
  });

  test("secrets never reach the trace log", async () => {
    const kp = createUser();
    const s = await server({ users: [{ username: "u", password: "hunter2" }], nkeys: [{ nkey: kp.getPublicKey() }] }, true);
    const { c, info } = await raw(s);
    const sig = Buffer.from(kp.sign(new TextEncoder().encode(String(info.nonce)))).toString("base64url");
    c.send(connectLine({ user: "u", pass: "hunter2", auth_token: "tok-secret", sig, nkey: kp.getPublicKey() }) + "PING\r\n");
    await c.expect("PONG\r\n");
    const { c: c2 } = await raw(s);
    c2.send(connectLine({ user: "u", pass: "wrong-hunter3" }));
    await c2.expect(ERR_AUTH);
    // Escaped key names, non-string values and broken JSON.
    for (const line of [
      'CONNECT {"user":"u","p\\u0061ss":"escaped-hunter4"}\r\n',
      'CONNECT {"user":"u","pass":5551234}\r\n',
      'CONNECT {"user":"u","pass":unquoted-hunter5}\r\n',
    ]) {
      const { c: c3 } = await raw(s);
      c3.send(line);
      expect(await c3.waitClosed()).toBe(true);
    }
    const logs = s.logs();
    expect(logs).toContain("[REDACTED]");
    for (const secret of ["hunter2", "tok-secret", sig, "wrong-hunter3", "escaped-hunter4", "5551234", "unquoted-hunter5"]) {
      expect(logs).not.toContain(secret);
    }
  });
});
