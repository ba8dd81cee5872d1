// The default listeners are dual-stack, as nats-server's (Go's net.Listen on 0.0.0.0 opens [::] with
// IPV6_V6ONLY off): an IPv6 peer ([::1]) connects to a server on the default host, and IPv4 peers are
// reported as plain IPv4 addresses. nats.py's nats-core suite connects to nats://[::1]:<port> of a
// server started without a host. Checked beside nats-server (INFO client_ip, /connz ip, /varz over ::1).
import { afterAll, describe, expect, test } from "bun:test";
import { listenDualStack, unmapIPv4 } from "../../src/transport/address.ts";
import { hasBnatsBinary, startBnatsBinary, type ProcessServer } from "../helpers/bnats.ts";
import { connectWithInfo } from "../helpers/raw.ts";
import { hasReference, startReference } from "../helpers/ref.ts";

describe("listenDualStack / unmapIPv4", () => {
  test("the IPv4 wildcard (or no host) binds \"::\"; any other host as given", () => {
    const seen: string[] = [];
    for (const h of ["0.0.0.0", "", "127.0.0.1", "::1", "::"]) listenDualStack(h, (n) => seen.push(n));
    expect(seen).toEqual(["::", "::", "127.0.0.1", "::1", "::"]);
  });
  test("without IPv6 (\"::\" refused) the IPv4 wildcard is used, and its error is the one thrown", () => {
    const tried: string[] = [];
    const got = listenDualStack("0.0.0.0", (n) => {
      tried.push(n);
      if (n === "::") throw new Error("EAFNOSUPPORT");
      return n;
    });
    expect(got).toBe("0.0.0.0");
    expect(tried).toEqual(["::", "0.0.0.0"]);
    expect(() => listenDualStack("0.0.0.0", (n) => {
      throw new Error(`in use: ${n}`);
    })).toThrow("in use: 0.0.0.0");
  });
  test("IPv4-mapped peers read as IPv4; real IPv6 addresses stay", () => {
    expect(unmapIPv4("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(unmapIPv4("::1")).toBe("::1");
    expect(unmapIPv4("::ffff:7f00:1")).toBe("::ffff:7f00:1");
    expect(unmapIPv4("10.1.2.3")).toBe("10.1.2.3");
  });
});

describe.skipIf(!hasReference() || !hasBnatsBinary())("a server on the default host, beside nats-server", () => {
  const servers: ProcessServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  async function observe(start: () => Promise<ProcessServer>): Promise<unknown[]> {
    const s = await start();
    servers.push(s);
    const v6 = await connectWithInfo(s.port, "::1");
    const v4 = await connectWithInfo(s.port, "127.0.0.1");
    try {
      v4.client.send("CONNECT {}\r\nPING\r\n");
      await v4.client.readLine();
      const connz = (await (await fetch(`http://[::1]:${s.httpPort}/connz`)).json()) as { connections: { ip: string }[] };
      return [v6.info.client_ip, v4.info.client_ip, connz.connections.map((c) => c.ip).sort()];
    } finally {
      v6.client.close();
      v4.client.close();
    }
  }

  test("IPv6 and IPv4 peers on one listener; client_ip and connz ip as the reference's", async () => {
    const args = ["-a", "0.0.0.0", "-m", "-1"];
    const ref = await observe(() => startReference({ args }));
    const got = await observe(() => startBnatsBinary({ args }));
    expect(ref).toEqual(["::1", "127.0.0.1", ["127.0.0.1", "::1"]]);
    expect(got).toEqual(ref);
  });
});

test("unmapIPv4 passes a vanished socket's undefined address through (Bun types it as a string)", () => {
  expect(unmapIPv4(undefined as unknown as string)).toBeUndefined();
});
