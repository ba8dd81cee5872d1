// TLS end to end through the real server: the official JS client (incl. handshakeFirst) and raw node:tls.
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Options, TLSOptions } from "../../src/options.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { testCerts } from "../helpers/certs.ts";
import { RawClient } from "../helpers/raw.ts";
import { tlsOptions } from "./harness.ts";

const certs = testCerts();
const ca = readFileSync(certs.ca.cert, "utf8");

let srv: InProcessServer | undefined;
const conns: NatsConnection[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
  for (const r of raws.splice(0)) r.close();
  await srv?.stop();
  srv = undefined;
});

async function start(over: Partial<TLSOptions> = {}, extra: Partial<Options> = {}): Promise<InProcessServer> {
  srv = await startBnats({ options: { tls: tlsOptions(over), ...extra } });
  return srv;
}

async function client(tlsOpts: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${srv!.port}`, reconnect: false, ...(tlsOpts ? { tls: tlsOpts } : {}), ...extra });
  conns.push(nc);
  return nc;
}

/** One message from a to b through the server. */
async function roundTrip(a: NatsConnection, b: NatsConnection, subject: string): Promise<string> {
  const sub = b.subscribe(subject, { max: 1 });
  await b.flush();
  a.publish(subject, "hello " + subject);
  for await (const m of sub) return m.string();
  throw new Error("no message");
}

describe("TLS through the server with the official client", () => {
  test("mode 2: tls required; pub/sub over TLS; INFO and /connz data on the Client", async () => {
    await start();
    const a = await client({ ca });
    const b = await client({ ca });
    expect(await roundTrip(a, b, "t.one")).toBe("hello t.one");
    expect(a.info?.tls_required).toBe(true);
    const c = [...srv!.server.clients.values()] as unknown as { tlsVersion?: string; tlsCipher?: string; transport: { tls?: { first: boolean } } }[];
    expect(c.length).toBe(2);
    expect(c[0]!.tlsVersion).toBe("1.3");
    expect(c[0]!.tlsCipher).toMatch(/^TLS_/);
    expect(c[0]!.transport.tls?.first).toBe(false);
    expect(srv!.logs()).toContain("TLS required for client connections");
  });

  test("a plaintext client is refused by a TLS-required server", async () => {
    await start();
    await expect(client(undefined)).rejects.toThrow();
  });

  test("mode 3: handshakeFirst client against handshake_first server", async () => {
    await start({ handshakeFirst: -1 });
    const a = await client({ ca, handshakeFirst: true });
    const b = await client({ ca, handshakeFirst: true });
    expect(await roundTrip(a, b, "t.first")).toBe("hello t.first");
    const first = [...srv!.server.clients.values()].map((c) => c.transport.tls?.first);
    expect(first).toEqual([true, true]);
  });

  test("mode 3 with fallback: handshakeFirst and ordinary TLS clients both connect", async () => {
    await start({ handshakeFirst: 50 });
    const a = await client({ ca, handshakeFirst: true });
    const b = await client({ ca });
    expect(await roundTrip(a, b, "t.fb")).toBe("hello t.fb");
    expect(await roundTrip(b, a, "t.fb2")).toBe("hello t.fb2");
    const first = [...srv!.server.clients.values()].map((c) => c.transport.tls?.first).sort();
    expect(first).toEqual([false, true]);
  });

  test("mode 4: mixed plaintext and TLS clients exchange messages", async () => {
    await start({}, { allowNonTLS: true });
    // nats.js upgrades whenever INFO says tls_available unless told `tls: null`.
    const plain = await client(undefined, { tls: null });
    const secure = await client({ ca });
    expect(plain.info?.tls_available).toBe(true);
    expect(plain.info?.tls_required).toBeUndefined();
    expect(await roundTrip(plain, secure, "m.1")).toBe("hello m.1");
    expect(await roundTrip(secure, plain, "m.2")).toBe("hello m.2");
    const versions = [...srv!.server.clients.values()].map((c) => c.tlsVersion ?? "plain").sort();
    expect(versions).toEqual(["1.3", "plain"]);
  });

  test("the handshake sends cert_file's certificates only, not the ca_file (as nats-server)", async () => {
    // nats.js tls_test "available connects with or without": a client without the CA must fail on the leaf
    // ("unable to verify the first certificate"), not on a CA the server appended to its chain.
    for (const allowNonTLS of [false, true]) {
      await start({}, { allowNonTLS });
      const err = await client({}).then(
        () => new Error("connected"),
        (e: Error) => e,
      );
      expect(err.message).toContain("unable to verify the first certificate");
      await srv!.stop();
      srv = undefined;
    }
  });

  test("verify: INFO tls_verify; a client with the right cert connects, one without is refused", async () => {
    await start({ verify: true });
    const good = await client({ ca, certFile: certs.client.cert, keyFile: certs.client.key });
    expect(good.info?.tls_verify).toBe(true);
    await expect(client({ ca })).rejects.toThrow();
    await expect(client({ ca, certFile: certs.foreignClient.cert, keyFile: certs.foreignClient.key })).rejects.toThrow();
    await expect(client({ ca, certFile: certs.expiredClient.cert, keyFile: certs.expiredClient.key })).rejects.toThrow();
    // the refused ones are in the closed list with the reference's reason
    const reasons = srv!.server.closed.map((c) => c.closeReason);
    expect(reasons.length).toBe(3);
    expect(new Set(reasons)).toEqual(new Set(["TLS Handshake Failure"]));
  });

  test("verify_and_map: the certificate's email SAN logs in as that user", async () => {
    await start({ map: true }, { users: [{ username: certs.email.user, password: "" }] });
    const nc = await client({ ca, certFile: certs.email.cert, keyFile: certs.email.key });
    await nc.flush();
    const c = [...srv!.server.clients.values()][0] as unknown as { user: string };
    expect(c.user).toBe(certs.email.user);
    await expect(client({ ca, certFile: certs.client.cert, keyFile: certs.client.key })).rejects.toThrow();
  });

  test("handshake timeout: closed as TLS Handshake Failure, nothing on the wire", async () => {
    await start({ timeout: 250 });
    const r = await RawClient.connect(srv!.port);
    raws.push(r);
    const info = await r.readInfo();
    expect(info.tls_required).toBe(true);
    expect(await r.waitClosed(2000)).toBe(true);
    expect(r.unread).toBe("");
    expect(srv!.server.closed.map((c) => c.closeReason)).toEqual(["TLS Handshake Failure"]);
    expect(srv!.logs()).toContain("TLS handshake timeout");
  });

  test("connection_rate_limit: -ERR after INFO, closed as Maximum Connections Exceeded, warned", async () => {
    await start({ connectionRateLimit: 1 });
    const a = await RawClient.connect(srv!.port);
    raws.push(a);
    await a.readInfo();
    const b = await RawClient.connect(srv!.port);
    raws.push(b);
    await b.readInfo();
    await b.expect("-ERR 'Connection throttling is active. Please try again later.'\r\n");
    expect(await b.waitClosed()).toBe(true);
    expect(srv!.server.closed.map((c) => c.closeReason)).toEqual(["Maximum Connections Exceeded"]);
  });

  test("bad certificate files fail start-up, naming the file", async () => {
    await expect(startBnats({ options: { tls: tlsOptions({ certFile: "/nonexistent/cert.pem" }) } })).rejects.toThrow(
      "open /nonexistent/cert.pem: no such file or directory",
    );
  });
});
