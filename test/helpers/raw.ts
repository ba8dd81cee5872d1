// A raw TCP client for tests that must see the exact wire bytes (no NATS client library in the way).
// Everything received is kept as a latin1 "binary string" (one char per byte, like the server's subjects),
// so a test can compare bytes with ordinary string equality and chunking never matters: readers only look
// at the accumulated buffer, never at the chunks as they arrived.
import net from "node:net";
import tls from "node:tls";

export const DEFAULT_READ_TIMEOUT = 2000;

/** Thrown when a read does not complete in time; carries what was received so far, for the report. */
export class ReadTimeout extends Error {
  constructor(what: string, readonly pending: string) {
    super(`timed out waiting for ${what}; unread: ${JSON.stringify(pending)}`);
  }
}

/** Thrown when the server closed the connection before a read could complete. */
export class ConnectionClosed extends Error {
  constructor(what: string, readonly pending: string) {
    super(`connection closed while waiting for ${what}; unread: ${JSON.stringify(pending)}`);
  }
}

/**
 * A predicate over the unread text: return the number of chars to consume (> 0) when satisfied,
 * or -1 / false when more input is needed.
 */
export type ReadPredicate = (unread: string, closed: boolean) => number | false;

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}

export class RawClient {
  /** Every byte received since connect, as a latin1 string. */
  received = "";
  /** Index into `received` of the first byte not yet consumed by a read. */
  private cursor = 0;
  private closedFlag = false;
  private waiters = new Set<() => void>();
  /** An error the socket reported (ECONNRESET after the server's close, typically). */
  socketError?: Error;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => {
      this.received += chunk.toString("latin1");
      this.wake();
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on("end", () => {
      // The server half-closed: with allowHalfOpen false node closes our side too; treat it as closed.
      this.closedFlag = true;
      this.wake();
    });
    socket.on("error", (err) => {
      // A reset after the server's -ERR + close is normal; keep it for tests that care.
      this.socketError = err;
      this.closedFlag = true;
      this.wake();
    });
  }

  /**
   * Upgrades the connection to TLS (after the plaintext INFO, as a NATS client does when INFO says
   * tls_required), resolving once the handshake completes; rejects with the handshake error.
   * Everything read later comes through TLS.
   */
  startTLS(options: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("close");
    plain.removeAllListeners("end");
    plain.removeAllListeners("error");
    return new Promise((resolve, reject) => {
      const secure = tls.connect({ servername: "localhost", ...options, socket: plain });
      this.socket = secure;
      const onError = (err: Error): void => reject(err);
      secure.once("error", onError);
      secure.once("secureConnect", () => {
        secure.off("error", onError);
        resolve(secure);
      });
      this.attach(secure);
    });
  }

  /** Connects to host:port (127.0.0.1 by default); resolves once the TCP connection is established. */
  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.setNoDelay(true);
      const client = new RawClient(socket);
      const onError = (err: Error): void => reject(err);
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        resolve(client);
      });
    });
  }

  /** Connects with TLS from the first byte (TLS-first / handshake_first servers). */
  static connectTLS(port: number, options: tls.ConnectionOptions = {}, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ port, host, servername: "localhost", ...options });
      const client = new RawClient(socket);
      const onError = (err: Error): void => reject(err);
      socket.once("error", onError);
      socket.once("secureConnect", () => {
        socket.off("error", onError);
        resolve(client);
      });
    });
  }

  /** Stops reading from the socket: what the server writes backs up (a slow consumer). */
  pause(): void {
    this.socket.pause();
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** What has arrived and not been consumed by a read yet. */
  get unread(): string {
    return this.received.slice(this.cursor);
  }

  /** Sends a string (taken as latin1 bytes, so "\xff" is one byte) or raw bytes. Errors after close are ignored. */
  send(data: string | Uint8Array): void {
    if (this.socket.destroyed) return;
    const buf = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
    this.socket.write(buf, () => undefined);
  }

  /** Resolves when everything written so far has been handed to the kernel. */
  flushed(): Promise<void> {
    if (this.socket.destroyed || this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(Buffer.alloc(0), () => resolve()));
  }

  /** Consumes input as the predicate says; the general form of every read below. */
  readUntil(pred: ReadPredicate, timeoutMs = DEFAULT_READ_TIMEOUT, what = "data"): Promise<string> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const check = (): boolean => {
        const n = pred(this.unread, this.closedFlag);
        if (n !== false && n > 0) {
          const out = this.received.slice(this.cursor, this.cursor + n);
          this.cursor += n;
          done();
          resolve(out);
          return true;
        }
        if (this.closedFlag) {
          done();
          reject(new ConnectionClosed(what, this.unread));
          return true;
        }
        return false;
      };
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => void check();
      if (check()) return;
      this.waiters.add(waiter);
      timer = setTimeout(() => {
        done();
        reject(new ReadTimeout(what, this.unread));
      }, timeoutMs);
    });
  }

  /** Reads exactly n bytes. */
  readBytes(n: number, timeoutMs = DEFAULT_READ_TIMEOUT): Promise<string> {
    return this.readUntil((u) => (u.length >= n ? n : false), timeoutMs, `${n} bytes`);
  }

  /** Reads one line and returns it without its "\r\n" (or "\n"). */
  async readLine(timeoutMs = DEFAULT_READ_TIMEOUT): Promise<string> {
    const line = await this.readUntil(
      (u) => {
        const i = u.indexOf("\n");
        return i >= 0 ? i + 1 : false;
      },
      timeoutMs,
      "a line",
    );
    return line.endsWith("\r\n") ? line.slice(0, -2) : line.slice(0, -1);
  }

  /** Reads exactly `text` (byte for byte) or throws with what came instead. */
  async expect(text: string, timeoutMs = DEFAULT_READ_TIMEOUT): Promise<void> {
    const got = await this.readUntil(
      (u, closed) => {
        if (u.length >= text.length) return text.length;
        // Stop early on a mismatch so the error shows the difference instead of a timeout.
        if (!text.startsWith(u) || closed) return u.length > 0 ? u.length : false;
        return false;
      },
      timeoutMs,
      JSON.stringify(text),
    );
    if (got !== text) {
      throw new Error(`expected ${JSON.stringify(text)}, got ${JSON.stringify(got)}`);
    }
  }

  /** Reads the INFO line and returns its JSON. */
  async readInfo(timeoutMs = DEFAULT_READ_TIMEOUT): Promise<Record<string, unknown>> {
    return parseInfoLine(await this.readLine(timeoutMs));
  }

  /**
   * Waits until the server closes the connection; returns false if it is still open after timeoutMs.
   * Whatever arrives meanwhile is collected in `received` (and left unread).
   */
  waitClosed(timeoutMs = DEFAULT_READ_TIMEOUT): Promise<boolean> {
    if (this.closedFlag) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (): void => {
        if (!this.closedFlag) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /**
   * Waits until no new byte has arrived for quietMs (or the connection closed), then returns all unread
   * input, consuming it. For "the server sends nothing (more)" assertions.
   */
  async drain(quietMs = 100): Promise<string> {
    let seen = -1;
    while (seen !== this.received.length && !this.closedFlag) {
      seen = this.received.length;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.delete(waiter);
          resolve();
        }, quietMs);
        const waiter = (): void => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
      });
    }
    const out = this.unread;
    this.cursor = this.received.length;
    return out;
  }

  /** Closes our side and releases the socket. */
  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** `connect(port)`: the raw client, connected. */
export function connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
  return RawClient.connect(port, host);
}

/** Parses `INFO {...}` (with or without the trailing CRLF) into its JSON object. */
export function parseInfoLine(line: string): Record<string, unknown> {
  const text = line.replace(/\r?\n$/, "");
  if (!text.startsWith("INFO ")) throw new Error(`not an INFO line: ${JSON.stringify(text)}`);
  const json: unknown = JSON.parse(text.slice(5));
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`INFO is not a JSON object: ${text}`);
  }
  return json as Record<string, unknown>;
}

/** Connects and consumes the INFO line; returns the client and the parsed INFO. */
export async function connectWithInfo(
  port: number,
  host = "127.0.0.1",
): Promise<{ client: RawClient; info: Record<string, unknown> }> {
  const client = await RawClient.connect(port, host);
  const info = await client.readInfo();
  return { client, info };
}
