// Differential wire conversations: a script of sends and expected replies, run against any server
// (the reference nats-server or bnats), producing a transcript that is compared with the recorded one.
//
// The recorded answers are the reference's exact bytes, written into the test files; so the suite checks
// bnats even where nats-server is not installed, and, where it is, the same script run against the
// reference proves the recording is still right.
import { expect, test } from "bun:test";
import type tls from "node:tls";
import type { Options } from "../../src/options.ts";
import { ReadTimeout, RawClient, connect } from "../helpers/raw.ts";
import type { RunningServer } from "../helpers/proc.ts";
import { toConfig } from "./config.ts";

/** One step of a conversation; `c` names the client (0 by default; a new index opens a new connection). */
export type Step =
  /** Write these bytes (latin1: one char per byte). */
  | { c?: number; send: string }
  /** Write what the function makes of this client's INFO (e.g. a CONNECT signing its nonce). */
  | { c?: number; sendWith: (info: Record<string, unknown>) => string }
  /** The next bytes received must be exactly these. */
  | { c?: number; expect: string; timeoutMs?: number }
  /** The next bytes received must be exactly one of these (e.g. which queue member got a message). */
  | { c?: number; oneOf: string[]; timeoutMs?: number }
  /** The next bytes are these pieces in some order (deliveries to several subscriptions). */
  | { c?: number; unordered: string[]; timeoutMs?: number }
  /** The INFO this client got on connect: deterministic values as given; masked keys as MASKED. */
  | { c?: number; info: Record<string, unknown>; suffix?: string }
  /** The server closes this connection (within timeoutMs); nothing unread may remain. */
  | { c?: number; closed: true; timeoutMs?: number }
  /** Upgrade this client to TLS (after INFO); the transcript records "tls ok" or the failure. */
  | { c?: number; startTLS: tls.ConnectionOptions; fails?: boolean }
  /**
   * Upgrade to TLS, send CONNECT + PING, and record the outcome: "accepted" (PONG), "rejected" (handshake
   * failed or the server closed; with TLS 1.3 a refused client certificate shows only after the
   * handshake), or the line received instead. The client is done afterwards.
   */
  | { c?: number; tlsProbe: tls.ConnectionOptions; outcome: string }
  /** PING -> PONG: a barrier proving all earlier input of this client was processed. */
  | { c?: number; ping: true };

export interface Conversation {
  name: string;
  /** Server options over the defaults; translated to a config file (see config.ts). */
  server?: Partial<Options>;
  /** Or: the configuration file text itself (for what config.ts does not translate). */
  config?: string;
  steps: Step[];
  /** Skip the automatic final PING/PONG for clients left open (e.g. when they cannot answer). */
  noFinalPing?: boolean;
}

/** Starts a server from a configuration text. */
export type StartServer = (config: string) => Promise<RunningServer>;

/** INFO keys whose values differ per server or per connection: only their presence is compared. */
export const MASKED_INFO_KEYS = new Set([
  "server_id",
  "server_name",
  "port",
  "client_id",
  "nonce",
  "connect_urls",
  "ws_connect_urls",
  "xkey",
]);
export const MASKED = "<masked>";

const DEFAULT_TIMEOUT = 1500;

/**
 * Masks the non-deterministic INFO values, keeping the key order (which the transcript compares too).
 * The port is masked only when it is the server's own (client_advertise makes it deterministic).
 */
export function maskInfo(info: Record<string, unknown>, serverPort: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) {
    if (k === "port") out[k] = v === serverPort ? MASKED : v;
    else out[k] = MASKED_INFO_KEYS.has(k) ? MASKED : v;
  }
  return out;
}

/** The transcript a server that answers exactly as recorded produces. */
export function expectedTranscript(conv: Conversation): string[] {
  const out: string[] = [];
  const closed = new Set<number>();
  const seen = new Set<number>();
  for (const step of conv.steps) {
    const c = step.c ?? 0;
    seen.add(c);
    if ("expect" in step) out.push(`c${c} recv ${JSON.stringify(step.expect)}`);
    else if ("oneOf" in step) out.push(`c${c} recv one of ${JSON.stringify(step.oneOf)}`);
    else if ("unordered" in step) out.push(`c${c} recv unordered ${JSON.stringify([...step.unordered].sort())}`);
    else if ("info" in step) out.push(`c${c} INFO ${JSON.stringify(step.info)}${JSON.stringify(step.suffix ?? " \r\n")}`);
    else if ("closed" in step) {
      out.push(`c${c} closed`);
      closed.add(c);
    } else if ("ping" in step) out.push(`c${c} recv ${JSON.stringify("PONG\r\n")}`);
    else if ("tlsProbe" in step) {
      out.push(`c${c} tls probe ${step.outcome}`);
      closed.add(c);
    } else if ("startTLS" in step) {
      out.push(`c${c} tls ${step.fails ? "failed" : "ok"}`);
      if (step.fails) closed.add(c);
    }
  }
  if (!conv.noFinalPing) {
    for (const c of [...seen].sort()) if (!closed.has(c)) out.push(`c${c} end ${JSON.stringify("PONG\r\n")}`);
  }
  return out;
}

/**
 * Reads what the server sent in place of `want`: exactly want.length bytes, or less if it diverges
 * (then up to the end of the diverging line, so the report shows a whole -ERR), or what came before
 * a timeout / close.
 */
async function readLike(client: RawClient, want: string, timeoutMs: number): Promise<string> {
  try {
    return await client.readUntil(
      (u, closed) => {
        if (u.length >= want.length) {
          if (u.startsWith(want)) return want.length;
        } else if (want.startsWith(u)) {
          return closed && u.length > 0 ? u.length : false;
        }
        // Diverged: take the rest of the current line.
        let i = 0;
        while (i < u.length && i < want.length && u[i] === want[i]) i++;
        const nl = u.indexOf("\n", i);
        if (nl >= 0) return nl + 1;
        return closed ? u.length : false;
      },
      timeoutMs,
      JSON.stringify(want),
    );
  } catch (err) {
    const partial = client.unread;
    await client.drain(0);
    if (err instanceof ReadTimeout) return `${partial}<timeout>`;
    return `${partial}<closed>`;
  }
}

async function probeTLS(client: RawClient, options: tls.ConnectionOptions): Promise<string> {
  try {
    await client.startTLS(options);
  } catch {
    return "rejected";
  }
  client.send('CONNECT {"verbose":false}\r\nPING\r\n');
  try {
    const line = await client.readLine(DEFAULT_TIMEOUT);
    return line === "PONG" ? "accepted" : JSON.stringify(line);
  } catch (err) {
    return err instanceof ReadTimeout ? "<timeout>" : "rejected";
  }
}

/** Reads as many bytes as the (equally long) alternatives have. */
async function readOneOf(client: RawClient, alternatives: string[], timeoutMs: number): Promise<string> {
  const n = alternatives[0]!.length;
  if (alternatives.some((a) => a.length !== n)) throw new Error("oneOf alternatives must have the same length");
  try {
    return await client.readUntil((u, closed) => (u.length >= n ? n : closed && u.length > 0 ? u.length : false), timeoutMs, "one of");
  } catch (err) {
    const partial = client.unread;
    await client.drain(0);
    return `${partial}${err instanceof ReadTimeout ? "<timeout>" : "<closed>"}`;
  }
}

/** Runs the conversation against a running server and returns its transcript. */
export async function runConversation(conv: Conversation, port: number): Promise<string[]> {
  const clients = new Map<number, { client: RawClient; infoLine: string }>();
  const closed = new Set<number>();
  const out: string[] = [];
  const get = async (c: number): Promise<{ client: RawClient; infoLine: string }> => {
    let entry = clients.get(c);
    if (!entry) {
      const client = await connect(port);
      const infoLine = await client
        .readUntil((u) => (u.indexOf("\n") >= 0 ? u.indexOf("\n") + 1 : false), DEFAULT_TIMEOUT, "INFO")
        .catch((err: Error) => `<no INFO: ${err.message}>`);
      entry = { client, infoLine };
      clients.set(c, entry);
    }
    return entry;
  };
  try {
    for (const step of conv.steps) {
      const c = step.c ?? 0;
      const { client, infoLine } = await get(c);
      if ("send" in step) {
        client.send(step.send);
      } else if ("sendWith" in step) {
        client.send(step.sendWith(parseInfo(infoLine)));
      } else if ("expect" in step) {
        out.push(`c${c} recv ${JSON.stringify(await readLike(client, step.expect, step.timeoutMs ?? DEFAULT_TIMEOUT))}`);
      } else if ("oneOf" in step) {
        const got = await readOneOf(client, step.oneOf, step.timeoutMs ?? DEFAULT_TIMEOUT);
        out.push(step.oneOf.includes(got) ? `c${c} recv one of ${JSON.stringify(step.oneOf)}` : `c${c} recv ${JSON.stringify(got)}`);
      } else if ("unordered" in step) {
        const n = step.unordered.reduce((sum, piece) => sum + piece.length, 0);
        const got = await readOneOf(client, ["x".repeat(n)], step.timeoutMs ?? DEFAULT_TIMEOUT);
        const pieces = splitInto(got, step.unordered);
        out.push(`c${c} recv ${pieces ? `unordered ${JSON.stringify(pieces.sort())}` : JSON.stringify(got)}`);
      } else if ("info" in step) {
        out.push(`c${c} INFO ${describeInfo(infoLine, port)}`);
      } else if ("closed" in step) {
        const isClosed = await client.waitClosed(step.timeoutMs ?? DEFAULT_TIMEOUT);
        const rest = isClosed ? client.unread : await client.drain(0);
        out.push(`c${c} ${isClosed ? "closed" : "open"}${rest ? ` then ${JSON.stringify(rest)}` : ""}`);
        closed.add(c);
      } else if ("tlsProbe" in step) {
        out.push(`c${c} tls probe ${await probeTLS(client, step.tlsProbe)}`);
        client.close();
        closed.add(c);
      } else if ("startTLS" in step) {
        const ok = await client.startTLS(step.startTLS).then(
          () => true,
          () => false,
        );
        out.push(`c${c} tls ${ok ? "ok" : "failed"}`);
        if (!ok) closed.add(c);
      } else if ("ping" in step) {
        client.send("PING\r\n");
        out.push(`c${c} recv ${JSON.stringify(await readLike(client, "PONG\r\n", DEFAULT_TIMEOUT))}`);
      }
    }
    if (!conv.noFinalPing) {
      for (const c of [...clients.keys()].sort()) {
        if (closed.has(c)) continue;
        const { client } = clients.get(c)!;
        client.send("PING\r\n");
        out.push(`c${c} end ${JSON.stringify(await readLike(client, "PONG\r\n", DEFAULT_TIMEOUT))}`);
      }
    }
  } finally {
    for (const { client } of clients.values()) client.close();
  }
  return out;
}

/** `text` as a concatenation of all `pieces` in some order (backtracking), or undefined. */
function splitInto(text: string, pieces: readonly string[]): string[] | undefined {
  if (pieces.length === 0) return text === "" ? [] : undefined;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (!text.startsWith(p)) continue;
    const rest = splitInto(text.slice(p.length), [...pieces.slice(0, i), ...pieces.slice(i + 1)]);
    if (rest) return [p, ...rest];
  }
  return undefined;
}

function parseInfo(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line.slice(5, line.lastIndexOf("}") + 1)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function describeInfo(line: string, serverPort: number): string {
  const end = line.lastIndexOf("}");
  if (!line.startsWith("INFO ") || end < 0) return JSON.stringify(line);
  try {
    const info = JSON.parse(line.slice(5, end + 1)) as Record<string, unknown>;
    return `${JSON.stringify(maskInfo(info, serverPort))}${JSON.stringify(line.slice(end + 1))}`;
  } catch {
    return JSON.stringify(line);
  }
}

/** Starts a server for the conversation, runs it, stops the server. */
export async function transcriptOn(conv: Conversation, start: StartServer): Promise<string[]> {
  if (conv.server && conv.config !== undefined) throw new Error(`${conv.name}: give server or config, not both`);
  const server = await start(conv.config ?? toConfig(conv.server ?? {}));
  try {
    return await runConversation(conv, server.port);
  } finally {
    await server.stop();
  }
}

/** Registers one bun test per conversation, asserting the server answers exactly as recorded. */
export function defineConversations(convs: readonly Conversation[], start: StartServer, timeout = 15_000): void {
  const names = new Set<string>();
  for (const conv of convs) {
    if (names.has(conv.name)) throw new Error(`duplicate conversation name: ${conv.name}`);
    names.add(conv.name);
    test(
      conv.name,
      async () => {
        const transcript = await transcriptOn(conv, start);
        // DIFF_RECORD=1 prints what the server said, to (re)record a conversation from the reference.
        if (process.env.DIFF_RECORD) console.error(`RECORD ${conv.name}\n  ${transcript.join("\n  ")}`);
        expect(transcript).toEqual(expectedTranscript(conv));
      },
      timeout,
    );
  }
}
