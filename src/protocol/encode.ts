// Every frame the server writes that is not a delivered message (MSG/HMSG are encoded per message by
// src/conn/deliver.ts into reused buffers): PING, PONG, +OK, the -ERR framing, INFO, and the empty 503
// HMSG a requester with no_responders gets. The wire spelling of each lives here once.
import type { ServerInfo } from "./info.ts";

const encoder = new TextEncoder();

export const PING = encoder.encode("PING\r\n");
export const PONG = encoder.encode("PONG\r\n");
export const OK = encoder.encode("+OK\r\n");

/** `-ERR '<text>'\r\n` (client.go sendErr); the texts are protocol/errors.ts's. */
export function encodeErr(text: string): Uint8Array {
  return encoder.encode(`-ERR '${text}'\r\n`);
}

/** `INFO {...} \r\n`: nats-server writes a space before the CRLF (`"INFO %s %s"`). */
export function encodeInfo(info: ServerInfo): Uint8Array {
  return encoder.encode(`INFO ${JSON.stringify(info)} \r\n`);
}

/** The no-responders status (client.go sendNoResponders... `NATS/1.0 503`) as an HMSG to `sid`. */
export function encodeNoResponders(reply: string, sid: string): Uint8Array {
  return encoder.encode(`HMSG ${reply} ${sid} 16 16\r\nNATS/1.0 503\r\n\r\n\r\n`);
}
