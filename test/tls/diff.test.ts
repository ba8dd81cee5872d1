// Differential: TLS modes 2 (required) and 4 (allow_non_tls) and the rate limit, bnats beside nats-server
// 2.9.10, the same raw-byte script against both.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Options } from "../../src/options.ts";
import { startBnats } from "../helpers/bnats.ts";
import { testCerts } from "../helpers/certs.ts";
import { RawClient } from "../helpers/raw.ts";
import { hasReference, startReference } from "../helpers/ref.ts";
import type { RunningServer } from "../helpers/proc.ts";

const certs = testCerts();
const ca = readFileSync(certs.ca.cert);

interface Setup {
  config: string;
  options: Partial<Options>;
}

function setup(timeoutSec: number, extra: { allowNonTLS?: boolean; rateLimit?: number } = {}): Setup {
  const lines = [`cert_file: "${certs.server.cert}"`, `key_file: "${certs.server.key}"`, `timeout: ${timeoutSec}`];
  if (extra.rateLimit) lines.push(`connection_rate_limit: ${extra.rateLimit}`);
  return {
    config: `tls {\n  ${lines.join("\n  ")}\n}\n${extra.allowNonTLS ? "allow_non_tls: true\n" : ""}`,
    options: {
      allowNonTLS: extra.allowNonTLS ?? false,
      tls: {
        certFile: certs.server.cert,
        keyFile: certs.server.key,
        verify: false,
        map: false,
        timeout: timeoutSec * 1000,
        handshakeFirst: 0,
        connectionRateLimit: extra.rateLimit ?? 0,
      },
    },
  };
}

/** The INFO keys in order, with the TLS flags' values (ids and ports differ between the servers). */
function infoShape(info: Record<string, unknown>): string {
  return Object.keys(info)
    .map((k) => (k.startsWith("tls_") ? `${k}=${String(info[k])}` : k))
    .join(",");
}

async function both(s: Setup, script: (srv: RunningServer) => Promise<unknown>): Promise<[unknown, unknown]> {
  const ref = await startReference({ config: s.config });
  const mine = await startBnats({ options: s.options });
  try {
    return [await script(ref), await script(mine)];
  } finally {
    await ref.stop();
    await mine.stop();
  }
}

const run = describe.if(hasReference());

run("TLS against nats-server 2.9.10", () => {
  const clients: RawClient[] = [];
  const open = async (port: number): Promise<RawClient> => {
    const c = await RawClient.connect(port);
    clients.push(c);
    return c;
  };
  afterAll(() => clients.forEach((c) => c.close()));
  beforeAll(() => void testCerts());

  test("mode 2: INFO, TLS round trip, plaintext refused silently, silent client dropped after the timeout", async () => {
    const [ref, mine] = await both(setup(0.5), async (srv) => {
      const out: Record<string, unknown> = {};
      const a = await open(srv.port);
      out.info = infoShape(await a.readInfo());
      await a.startTLS({ ca });
      a.send('CONNECT {"verbose":true}\r\nPING\r\n');
      out.tls = await a.readBytes("+OK\r\nPONG\r\n".length);
      const b = await open(srv.port);
      await b.readInfo();
      b.send("CONNECT {}\r\nPING\r\n");
      out.plainClosed = await b.waitClosed();
      out.plainGot = b.unread;
      const c = await open(srv.port);
      await c.readInfo();
      const t0 = performance.now();
      out.silentClosed = await c.waitClosed(3000);
      const ms = performance.now() - t0;
      out.silentTiming = ms > 400 && ms < 1500;
      out.silentGot = c.unread;
      return out;
    });
    if (process.env.TLS_DIFF_SHOW) console.log(ref, mine);
    expect(mine).toEqual(ref);
    expect((ref as { tls: string }).tls).toBe("+OK\r\nPONG\r\n");
  });

  test("mode 4: INFO with tls_available; plaintext and TLS clients both served", async () => {
    const [ref, mine] = await both(setup(0.5, { allowNonTLS: true }), async (srv) => {
      const out: Record<string, unknown> = {};
      const a = await open(srv.port);
      out.info = infoShape(await a.readInfo());
      a.send('CONNECT {"verbose":true}\r\nPING\r\n');
      out.plain = await a.readBytes("+OK\r\nPONG\r\n".length);
      const b = await open(srv.port);
      await b.readInfo();
      await b.startTLS({ ca });
      b.send('CONNECT {"verbose":true}\r\nPING\r\n');
      out.tls = await b.readBytes("+OK\r\nPONG\r\n".length);
      return out;
    });
    expect(mine).toEqual(ref);
  });

  test("connection_rate_limit: the same -ERR after INFO, then close", async () => {
    const [ref, mine] = await both(setup(2, { rateLimit: 1 }), async (srv) => {
      // The limit counts per second: two connections can straddle a second boundary, three in a row
      // cannot all be in different seconds, so one of the later two is throttled.
      const a = await open(srv.port);
      await a.readInfo();
      for (let k = 0; k < 2; k++) {
        const b = await open(srv.port);
        const info = infoShape(await b.readInfo());
        const closed = await b.waitClosed(k === 0 ? 500 : 2000);
        if (closed || k === 1) return { info, closed, got: b.unread };
      }
      return undefined;
    });
    expect(mine).toEqual(ref);
    expect((ref as { got: string }).got).toBe("-ERR 'Connection throttling is active. Please try again later.'\r\n");
  });
});
