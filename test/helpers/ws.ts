// Websocket at the byte level, for tests that must see exact upgrade answers and frames: a raw HTTP
// upgrade over RawClient, masked client frames, and a decoder for server frames (permessage-deflate
// ones inflated as RFC 7692 says: append 00 00 ff ff, raw inflate).
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { RawClient } from "./raw.ts";

export const WS_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
/** The Sec-WebSocket-Accept of WS_KEY (RFC 6455 1.3). */
export const WS_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

export interface HttpAnswer {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

/** The standard upgrade request headers; override or remove (value null) any. */
export function upgradeRequest(extra: Record<string, string | null> = {}, method = "GET", path = "/"): string {
  const h: Record<string, string | null> = {
    Host: "127.0.0.1",
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": WS_KEY,
    "Sec-WebSocket-Version": "13",
    ...extra,
  };
  let s = `${method} ${path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(h)) if (v !== null) s += `${k}: ${v}\r\n`;
  return s + "\r\n";
}

/** Reads an HTTP answer head (and a Content-Length body) from the raw client. */
export async function readHttpAnswer(c: RawClient): Promise<HttpAnswer> {
  const head = await c.readUntil((u) => {
    const i = u.indexOf("\r\n\r\n");
    return i < 0 ? false : i + 4;
  }, 3000, "HTTP head");
  const lines = head.slice(0, -4).split("\r\n");
  const status = Number(lines[0]!.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  const len = Number(headers["content-length"] ?? 0);
  const body = len > 0 ? await c.readBytes(len) : "";
  return { status, headers, body };
}

/** Connects, sends the upgrade request, returns the client and the answer (frames follow on 101). */
export async function rawUpgrade(
  port: number,
  extra: Record<string, string | null> = {},
  method = "GET",
  path = "/",
): Promise<{ c: RawClient; answer: HttpAnswer }> {
  const c = await RawClient.connect(port);
  c.send(upgradeRequest(extra, method, path));
  return { c, answer: await readHttpAnswer(c) };
}

/** A masked client frame (FIN set unless `fin` false). */
export function clientFrame(payload: Uint8Array | string, opcode = 2, fin = true, compressed = false): Uint8Array {
  let data = typeof payload === "string" ? new Uint8Array(Buffer.from(payload, "latin1")) : payload;
  if (compressed) {
    // RFC 7692: raw deflate, sync-flushed, without the trailing 00 00 ff ff; RSV1 set.
    const d = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
    data = new Uint8Array(d.subarray(0, d.length - 4));
  }
  const len = data.length;
  const head: number[] = [(fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | opcode];
  if (len < 126) head.push(0x80 | len);
  else if (len < 65536) head.push(0x80 | 126, len >> 8, len & 0xff);
  else {
    head.push(0x80 | 127, 0, 0, 0, 0);
    head.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  const mask = [0x12, 0x34, 0x56, 0x78];
  const out = new Uint8Array(head.length + 4 + len);
  out.set(head, 0);
  out.set(mask, head.length);
  for (let i = 0; i < len; i++) out[head.length + 4 + i] = data[i]! ^ mask[i & 3]!;
  return out;
}

export interface ServerFrame {
  fin: boolean;
  compressed: boolean;
  opcode: number;
  /** Inflated when compressed; latin1. */
  payload: string;
  /** For close frames. */
  code?: number;
  reason?: string;
}

/** Reads one server frame (unmasked). */
export async function readFrame(c: RawClient, timeoutMs = 3000): Promise<ServerFrame> {
  let need = 2;
  const raw = await c.readUntil((u) => {
    if (u.length < 2) return false;
    const b1 = u.charCodeAt(1) & 0x7f;
    let off = 2;
    let len = b1;
    if (b1 === 126) {
      if (u.length < 4) return false;
      len = (u.charCodeAt(2) << 8) | u.charCodeAt(3);
      off = 4;
    } else if (b1 === 127) {
      if (u.length < 10) return false;
      len = 0;
      for (let i = 2; i < 10; i++) len = len * 256 + u.charCodeAt(i);
      off = 10;
    }
    need = off + len;
    return u.length >= need ? need : false;
  }, timeoutMs, "a websocket frame");
  const b0 = raw.charCodeAt(0);
  const b1 = raw.charCodeAt(1) & 0x7f;
  const off = b1 === 126 ? 4 : b1 === 127 ? 10 : 2;
  let payload = raw.slice(off);
  const compressed = (b0 & 0x40) !== 0;
  if (compressed) {
    const bytes = Buffer.concat([Buffer.from(payload, "latin1"), Buffer.from([0, 0, 0xff, 0xff])]);
    payload = inflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString("latin1");
  }
  const f: ServerFrame = { fin: (b0 & 0x80) !== 0, compressed, opcode: b0 & 0x0f, payload };
  if (f.opcode === 8 && payload.length >= 2) {
    f.code = (payload.charCodeAt(0) << 8) | payload.charCodeAt(1);
    f.reason = Buffer.from(payload.slice(2), "latin1").toString("utf8");
  }
  return f;
}

/** Reads frames until the concatenated data payloads contain `text`; returns them all. */
export async function readDataUntil(c: RawClient, text: string, timeoutMs = 3000): Promise<string> {
  let data = "";
  const end = Date.now() + timeoutMs;
  while (!data.includes(text)) {
    const f = await readFrame(c, Math.max(1, end - Date.now()));
    if (f.opcode === 8) throw new Error(`close frame ${f.code} ${f.reason} before ${JSON.stringify(text)}; got ${JSON.stringify(data)}`);
    data += f.payload;
  }
  return data;
}

/** Reads frames until a close frame; returns it (data frames before it are skipped). */
export async function readClose(c: RawClient, timeoutMs = 3000): Promise<ServerFrame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const f = await readFrame(c, Math.max(1, end - Date.now()));
    if (f.opcode === 8) return f;
  }
}
