// A listener that drives src/tls/negotiate.ts with a stand-in for the Client (PING -> PONG, everything else
// echoed as "ECHO <bytes>"), so the four modes can be tested on real sockets without the rest of the server.
import type { Socket } from "bun";
import { loadTLSContext, type TLSContext } from "../../src/transport/tls/context.ts";
import { TLSConnection, type NegotiationConfig } from "../../src/transport/tls/negotiate.ts";
import { RateCounter } from "../../src/transport/tls/ratelimit.ts";
import type { InfoTLSFlags, TLSHost } from "../../src/transport/tls/state.ts";
import type { TLSOptions } from "../../src/options.ts";
import { testCerts } from "../helpers/certs.ts";
import type { RawClient } from "../helpers/raw.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");

export class TestConn implements TLSHost {
  readonly logs: string[] = [];
  readonly log = {
    debug: (m: string) => this.logs.push(`[DBG] ${m}`),
    error: (m: string) => this.logs.push(`[ERR] ${m}`),
    trace: (m: string) => this.logs.push(`[TRC] ${m}`),
  };
  conn!: TLSConnection;
  readyAt?: number;
  failure?: string;
  isClosed = false;
  readonly infos: InfoTLSFlags[] = [];
  readonly start = performance.now();
  private out: Uint8Array[] = [];
  private closeWaiters: (() => void)[] = [];

  constructor(readonly id: number) {}

  infoBytes(flags: InfoTLSFlags): Uint8Array {
    this.infos.push(flags);
    const info: Record<string, unknown> = { server_id: "TEST", client_id: this.id, max_payload: 1048576 };
    if (flags.tlsRequired) info.tls_required = true;
    if (flags.tlsAvailable) info.tls_available = true;
    return encoder.encode(`INFO ${JSON.stringify(info)}\r\n`);
  }
  admit(): boolean {
    return true;
  }
  ready(): void {
    this.readyAt = performance.now();
  }
  data(chunk: Buffer): void {
    const text = decoder.decode(chunk);
    for (const line of text.split("\r\n")) {
      if (line === "") continue;
      this.send(line === "PING" ? "PONG\r\n" : `ECHO ${line}\r\n`);
    }
  }
  drain(): void {
    while (this.out.length > 0) {
      const b = this.out[0]!;
      const n = this.conn.write(b);
      if (n < b.length) {
        this.out[0] = b.subarray(n);
        return;
      }
      this.out.shift();
    }
  }
  failed(reason: string): void {
    this.failure ??= reason;
  }
  closed(): void {
    this.isClosed = true;
    for (const w of this.closeWaiters.splice(0)) w();
  }
  /** Resolves once the negotiation reported the socket closed. */
  waitClosed(timeoutMs = 3000): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`conn ${this.id} not closed; logs: ${this.logs.join(" | ")}`)), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  private send(text: string): void {
    this.out.push(encoder.encode(text));
    this.drain();
  }
}

export interface Harness {
  port: number;
  ctx: TLSContext;
  conns: TestConn[];
  /** The next connection's TestConn, once it is accepted. */
  nextConn(): Promise<TestConn>;
  stop(): void;
}

export function tlsOptions(over: Partial<TLSOptions> = {}): TLSOptions {
  const c = testCerts();
  return {
    certFile: c.server.cert,
    keyFile: c.server.key,
    caFile: c.ca.cert,
    verify: false,
    map: false,
    timeout: 2000,
    handshakeFirst: 0,
    connectionRateLimit: 0,
    ...over,
  };
}

/** What the tests opened: closed by cleanUp() after each test. */
const started: Harness[] = [];
const tracked: RawClient[] = [];

/** Registers a raw client to be closed after the test. */
export function track(c: RawClient): RawClient {
  tracked.push(c);
  return c;
}

/** For afterEach: closes the tracked clients, then stops every harness started since the last call. */
export function cleanUp(): void {
  for (const c of tracked.splice(0)) c.close();
  for (const h of started.splice(0)) h.stop();
}

export function startHarness(over: Partial<TLSOptions> = {}, allowNonTLS = false): Harness {
  const ctx = loadTLSContext(tlsOptions(over));
  const cfg: NegotiationConfig = {
    ctx,
    allowNonTLS,
    rateCounter: ctx.opts.connectionRateLimit > 0 ? new RateCounter(ctx.opts.connectionRateLimit) : undefined,
  };
  const conns: TestConn[] = [];
  const waiting: ((c: TestConn) => void)[] = [];
  let seen = 0;
  const listener = Bun.listen<TestConn>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(s: Socket<TestConn>) {
        const host = new TestConn(conns.length + 1);
        conns.push(host);
        s.data = host;
        host.conn = new TLSConnection(s as Socket<unknown>, cfg, host);
        host.conn.start();
        const w = waiting.shift();
        if (w) {
          seen++;
          w(host);
        }
      },
      data(s, d) {
        s.data.conn.rawData(d);
      },
      drain(s) {
        s.data.conn.rawDrain();
      },
      close(s) {
        s.data.conn.rawClose();
      },
      error(s) {
        s.data.conn.rawClose();
      },
    },
  });
  let stopped = false;
  const harness: Harness = {
    port: listener.port,
    ctx,
    conns,
    nextConn(): Promise<TestConn> {
      if (seen < conns.length) return Promise.resolve(conns[seen++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    stop() {
      // A test may stop a harness itself before cleanUp() does.
      if (stopped) return;
      stopped = true;
      listener.stop(true);
    },
  };
  started.push(harness);
  return harness;
}
