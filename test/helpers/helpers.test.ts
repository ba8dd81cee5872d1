// Checks of the test helpers themselves: the raw client, the reference launcher and the certificates.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, connectWithInfo, parseInfoLine, RawClient } from "./raw.ts";
import { hasReference, startReference, type ProcessServer } from "./ref.ts";
import { OPENSSL, testCerts } from "./certs.ts";
import { hasBnatsBinary, startBnats, startBnatsBinary } from "./bnats.ts";

describe("parseInfoLine", () => {
  test("parses INFO with or without CRLF", () => {
    expect(parseInfoLine('INFO {"a":1}\r\n')).toEqual({ a: 1 });
    expect(parseInfoLine('INFO {"a":1}')).toEqual({ a: 1 });
  });
  test("rejects other lines", () => {
    expect(() => parseInfoLine("PING")).toThrow();
    expect(() => parseInfoLine("INFO []")).toThrow();
  });
});

describe("certs", () => {
  const verify = (cert: string, ca: string): string => {
    const r = Bun.spawnSync([OPENSSL, "verify", "-CAfile", ca, cert], { stdout: "pipe", stderr: "pipe" });
    return r.stdout.toString() + r.stderr.toString();
  };
  test("the CA signs the server and client certs; foreign and expired ones fail", () => {
    const c = testCerts();
    expect(testCerts()).toBe(c); // cached per run
    for (const p of [c.server, c.client, c.email, c.dns, c.uri, c.dn, c.dc]) {
      expect(verify(p.cert, c.ca.cert)).toContain(": OK");
    }
    expect(verify(c.foreignClient.cert, c.ca.cert)).toContain("unable to get local issuer certificate");
    expect(verify(c.expiredClient.cert, c.ca.cert)).toContain("certificate has expired");
  });
});

describe.if(hasReference())("raw client against nats-server", () => {
  let ref: ProcessServer;
  beforeAll(async () => {
    ref = await startReference({ config: "max_payload: 2048\n" });
  });
  afterAll(() => ref.stop());

  test("INFO, +OK, PONG, and byte-at-a-time reads", async () => {
    const { client, info } = await connectWithInfo(ref.port);
    expect(info.port).toBe(ref.port);
    expect(info.max_payload).toBe(2048);
    client.send('CONNECT {"verbose":true}\r\n');
    await client.expect("+OK\r\n");
    // Split a PING across writes: the server must still answer once.
    client.send("PI");
    await client.flushed();
    client.send("NG\r\n");
    expect(await client.readLine()).toBe("PONG");
    client.close();
  });

  test("expect() reports a mismatch without waiting for the timeout", async () => {
    const { client } = await connectWithInfo(ref.port);
    client.send("PING\r\n");
    const started = Date.now();
    await expect(client.expect("+OK\r\n", 1500)).rejects.toThrow(/expected "\+OK\\r\\n", got "PONG/);
    expect(Date.now() - started).toBeLessThan(1000);
    client.close();
  });

  test("waitClosed: true after a fatal -ERR, false while open", async () => {
    const c1 = await connect(ref.port);
    await c1.readInfo();
    expect(await c1.waitClosed(100)).toBe(false);
    c1.send("FOO\r\n");
    expect(await c1.waitClosed()).toBe(true);
    expect(c1.unread).toBe("-ERR 'Unknown Protocol Operation'\r\n");
    c1.close();
  });

  test("drain() returns everything until the line goes quiet", async () => {
    const { client } = await connectWithInfo(ref.port);
    client.send('CONNECT {"verbose":false}\r\nSUB a 1\r\nPUB a 1\r\nx\r\nPING\r\n');
    expect(await client.drain()).toBe("MSG a 1 1\r\nx\r\nPONG\r\n");
    client.close();
  });

  test("ports come from the ports file when the server logs nowhere", async () => {
    const quiet = await startReference({ config: 'log_file: "server.log"\nhttp_port: -1\n' });
    try {
      expect(quiet.port).toBeGreaterThan(0);
      expect(quiet.httpPort).toBeGreaterThan(0);
      const { client, info } = await connectWithInfo(quiet.port);
      expect(info.port).toBe(quiet.port);
      client.close();
    } finally {
      await quiet.stop();
    }
  });

  test("a bad config rejects with the server's output", async () => {
    await expect(startReference({ config: "port: [" })).rejects.toThrow(/exited with code/);
  });
});

describe.if(hasReference())("certs against nats-server verify_and_map", () => {
  let ref: ProcessServer;
  const certs = testCerts();
  beforeAll(async () => {
    const users = [certs.email.user, certs.dns.user, certs.uri.user, certs.dn.user, certs.dc.user]
      .map((u) => `    { user: ${JSON.stringify(u)} }`)
      .join("\n");
    ref = await startReference({
      config: `tls {
  cert_file: "${certs.server.cert}"
  key_file: "${certs.server.key}"
  ca_file: "${certs.ca.cert}"
  verify_and_map: true
}
authorization {
  users = [
${users}
  ]
}
`,
    });
  });
  afterAll(() => ref.stop());

  async function tryConnect(pair: { cert: string; key: string }): Promise<string> {
    const client = await RawClient.connect(ref.port);
    const info = await client.readInfo();
    expect(info.tls_required).toBe(true);
    try {
      await client.startTLS({ ca: await Bun.file(certs.ca.cert).text(), cert: await Bun.file(pair.cert).text(), key: await Bun.file(pair.key).text() });
    } catch (err) {
      client.close();
      return `handshake: ${(err as Error).message}`;
    }
    client.send('CONNECT {"verbose":false}\r\nPING\r\n');
    const line = await client.readLine().catch((err: Error) => `closed: ${err.message}`);
    client.close();
    return line;
  }

  for (const name of ["email", "dns", "uri", "dn", "dc"] as const) {
    test(`${name} identity maps to its user`, async () => {
      expect(await tryConnect(certs[name])).toBe("PONG");
    });
  }
  test("a CA-signed cert with no mapped identity is refused", async () => {
    expect(await tryConnect(certs.client)).toBe("-ERR 'Authorization Violation'");
  });
  test("foreign and expired certs fail the handshake", async () => {
    expect(await tryConnect(certs.foreignClient)).not.toBe("PONG");
    expect(await tryConnect(certs.expiredClient)).not.toBe("PONG");
  });
});

describe("bnats launchers", () => {
  test("in-process: random port, config text through the loader, same shape as the reference", async () => {
    const server = await startBnats({ config: "max_payload: 2048\n" });
    try {
      expect(server.kind).toBe("bnats");
      expect(server.port).toBeGreaterThan(0);
      const { client, info } = await connectWithInfo(server.port);
      expect(info.port).toBe(server.port);
      expect(info.max_payload).toBe(2048);
      client.send('CONNECT {"verbose":false}\r\nPING\r\n');
      expect(await client.readLine()).toBe("PONG");
      client.close();
      expect(server.logs()).toContain("Server is ready");
    } finally {
      await server.stop();
    }
  });

  test.if(hasBnatsBinary())("dist/bnats: started with the reference's flags and config", async () => {
    const server = await startBnatsBinary({ config: "max_payload: 2048\n", args: ["-m", "-1"] });
    try {
      const { client, info } = await connectWithInfo(server.port);
      expect(info.max_payload).toBe(2048);
      client.close();
      expect(server.httpPort).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});

describe("bnats in-process monitoring port", () => {
  test("http_port -1 gives a bound monitoring port", async () => {
    const server = await startBnats({ config: "http_port: -1\n" });
    try {
      expect(server.httpPort).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
