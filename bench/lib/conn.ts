// A raw NATS client connection for the load generator: Bun.connect, the INFO/CONNECT/PING handshake,
// a write queue that honours Bun's partial socket.write (it takes what the kernel accepts and drops
// nothing only if we keep the rest ourselves; see BUN-NOTES), and a MsgScanner on the read side.

import type { Socket } from "bun";
import { MsgScanner } from "./scanner.ts";

export interface ConnOptions {
  port: number;
  host?: string;
  name?: string;
  /** Milliseconds to wait for INFO + the first PONG. */
  timeoutMs?: number;
  /**
   * Upgrade to TLS after the server's INFO, as nats clients do when INFO says tls_required (the
   * reference 2.9 has no TLS-first). The server's certificate is not verified: loopback benchmark.
   */
  tls?: boolean;
  /**
   * Connect as a websocket client of this port instead (ws://, Bun's WebSocket, no compression): the
   * NATS protocol inside binary frames; `port` is then unused.
   */
  wsPort?: number;
  /** Log in as this user (configured accounts: the account the connection is bound to). */
  user?: string;
  pass?: string;
}

/** Websocket writes wait for drain past this many buffered bytes (the client has no drain event). */
const WS_HIGH_WATER = 1024 * 1024;

const enc = new TextEncoder();
const PING = enc.encode("PING\r\n");
const PONG = enc.encode("PONG\r\n");

export class RawConn {
  readonly scanner = new MsgScanner();
  errors: string[] = [];
  closed = false;
  /** Called after each chunk has been fed to the scanner (the hook the latency client and the flow control use). */
  afterData: (() => void) | undefined;

  private socket: Socket<undefined> | undefined;
  private ws: WebSocket | undefined;
  private queue: Uint8Array[] = [];
  private drainWaiters: (() => void)[] = [];
  private pongWaiters: (() => void)[] = [];
  private closeWaiters: (() => void)[] = [];
  private infoWaiter: (() => void) | undefined;

  static async connect(opts: ConnOptions): Promise<RawConn> {
    const c = new RawConn();
    await c.open(opts);
    return c;
  }

  private async open(opts: ConnOptions): Promise<void> {
    const sc = this.scanner;
    sc.onPing = () => this.write(PONG);
    sc.onPong = () => this.pongWaiters.shift()?.();
    sc.onErr = (t) => this.errors.push(t);
    const gotInfo = new Promise<void>((resolve) => {
      this.infoWaiter = resolve;
    });
    sc.onInfo = () => {
      const w = this.infoWaiter;
      this.infoWaiter = undefined;
      w?.();
    };
    const timeoutMs = opts.timeoutMs ?? 10_000;
    if (opts.wsPort !== undefined) {
      await this.openWebSocket(opts.host ?? "127.0.0.1", opts.wsPort, timeoutMs);
      await withTimeout(gotInfo, timeoutMs, "INFO");
      return this.handshake(opts, timeoutMs);
    }
    let upgraded = false;
    const handlers = {
      data: (_s: Socket<undefined>, data: Uint8Array) => {
        if (upgraded) return; // the raw socket still sees the ciphertext after upgradeTLS
        this.scanner.feed(data);
        if (this.afterData !== undefined) this.afterData();
      },
      drain: () => this.flush(),
      close: () => this.onClose(),
      error: (_s: Socket<undefined>, err: Error) => {
        this.errors.push(String(err));
      },
    };
    this.socket = await Bun.connect<undefined>({ hostname: opts.host ?? "127.0.0.1", port: opts.port, socket: handlers });
    this.socket.setNoDelay(true);
    await withTimeout(gotInfo, timeoutMs, "INFO");
    if (opts.tls === true) {
      const raw = this.socket;
      const handshake = new Promise<void>((resolve) => {
        const [, tls] = raw.upgradeTLS<undefined>({
          tls: { rejectUnauthorized: false },
          socket: {
            data: (_s, data) => {
              this.scanner.feed(data);
              if (this.afterData !== undefined) this.afterData();
            },
            drain: () => this.flush(),
            close: () => this.onClose(),
            error: (_s, err) => {
              this.errors.push(String(err));
            },
            // Called with authorized=false for the self-signed certificate (unverified by choice);
            // a failed handshake closes the socket instead, which the check below reports.
            handshake: () => resolve(),
          },
        });
        upgraded = true;
        this.socket = tls;
      });
      await withTimeout(handshake, timeoutMs, "TLS handshake");
      if (this.closed) throw new Error(`TLS handshake failed: ${this.errors.join("; ")}`);
    }
    return this.handshake(opts, timeoutMs);
  }

  private openWebSocket(host: string, port: number, timeoutMs: number): Promise<void> {
    const ws = new WebSocket(`ws://${host}:${port}`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent) => {
      const d = ev.data;
      this.scanner.feed(typeof d === "string" ? new TextEncoder().encode(d) : new Uint8Array(d as ArrayBuffer));
      if (this.afterData !== undefined) this.afterData();
    };
    ws.onerror = () => this.errors.push("websocket error");
    ws.onclose = () => this.onClose();
    return withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.addEventListener("close", () => reject(new Error("websocket closed during the upgrade")));
      }),
      timeoutMs,
      "websocket open",
    );
  }

  /** CONNECT, then a PING whose PONG says the server took it. */
  private async handshake(opts: ConnOptions, timeoutMs: number): Promise<void> {
    const connect = {
      verbose: false,
      pedantic: false,
      tls_required: false,
      name: opts.name ?? "bench",
      lang: "bnats-bench",
      version: "0.1.0",
      protocol: 1,
      echo: true,
      headers: false,
      no_responders: false,
      ...(opts.user !== undefined ? { user: opts.user, pass: opts.pass ?? "" } : {}),
    };
    this.write(enc.encode(`CONNECT ${JSON.stringify(connect)}\r\n`));
    await withTimeout(this.ping(), timeoutMs, "PONG");
    if (this.errors.length > 0) throw new Error(`server refused the connection: ${this.errors.join("; ")}`);
  }

  /** Writes what the socket takes and queues the rest. Returns true when nothing is left queued. */
  write(b: Uint8Array): boolean {
    const ws = this.ws;
    if (ws !== undefined) {
      if (this.closed) return false;
      // WebSocket.send buffers everything; past the high-water mark the caller waits (waitDrain).
      ws.send(b);
      return ws.bufferedAmount <= WS_HIGH_WATER;
    }
    if (this.closed || this.socket === undefined) return false;
    if (this.queue.length > 0) {
      this.queue.push(b);
      return false;
    }
    const n = this.socket.write(b);
    if (n < b.length) {
      // The bytes are never mutated after being handed over (pre-built frames), so keep a view, no copy.
      this.queue.push(b.subarray(n < 0 ? 0 : n));
      return false;
    }
    return true;
  }

  get pendingWrites(): boolean {
    if (this.ws !== undefined) return this.ws.bufferedAmount > WS_HIGH_WATER;
    return this.queue.length > 0;
  }

  private flush(): void {
    const s = this.socket;
    if (s === undefined) return;
    while (this.queue.length > 0) {
      const b = this.queue[0] as Uint8Array;
      const n = s.write(b);
      if (n < b.length) {
        this.queue[0] = b.subarray(n < 0 ? 0 : n);
        return;
      }
      this.queue.shift();
    }
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }

  /** Resolves when the write queue is empty (immediately if it is). */
  waitDrain(): Promise<void> {
    const ws = this.ws;
    if (ws !== undefined) {
      // No drain event on a client WebSocket: poll its buffer.
      return new Promise((resolve) => {
        const check = (): void => {
          if (this.closed || ws.bufferedAmount <= WS_HIGH_WATER / 2) resolve();
          else setTimeout(check, 1);
        };
        check();
      });
    }
    if (this.queue.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** PING and wait for its PONG: once it arrives the server has processed everything sent before. */
  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error("connection closed"));
        return;
      }
      this.pongWaiters.push(resolve);
      this.write(PING);
    });
  }

  private onClose(): void {
    this.closed = true;
    this.queue = [];
    for (const f of this.drainWaiters) f();
    this.drainWaiters = [];
    for (const f of this.closeWaiters) f();
    this.closeWaiters = [];
    // Fail pending pings rather than hanging the run.
    const p = this.pongWaiters;
    this.pongWaiters = [];
    if (p.length > 0) this.errors.push("connection closed while waiting for PONG");
    for (const f of p) f();
  }

  close(): Promise<void> {
    if (this.closed || (this.socket === undefined && this.ws === undefined)) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.ws !== undefined) this.ws.close();
    else this.socket?.end();
    return done;
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
