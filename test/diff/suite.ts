// Registers a list of conversations against every available implementation:
//  - the reference nats-server, when installed (proves the recorded answers are still its answers);
//  - bnats in-process (the implementation under test; always);
//  - the compiled dist/bnats, when built and the conversation set asks for it (CLI/config path).
import { describe } from "bun:test";
import { defineConversations, MASKED, type Conversation } from "./conversation.ts";
import { bnats, bnatsBinary, hasBnatsBinary, hasReference, reference } from "./servers.ts";

export interface SuiteOptions {
  /** Also run against dist/bnats (slower: a process per conversation). */
  binary?: boolean;
}

export function diffSuite(title: string, convs: readonly Conversation[], options: SuiteOptions = {}): void {
  describe.if(hasReference())(`${title} [nats-server]`, () => defineConversations(convs, reference));
  describe(`${title} [bnats]`, () => defineConversations(convs, bnats));
  if (options.binary) {
    describe.if(hasBnatsBinary())(`${title} [dist/bnats]`, () => defineConversations(convs, bnatsBinary));
  }
}

/** CONNECT with the given fields, as one protocol line. */
export function connectLine(fields: Record<string, unknown> = {}): string {
  return `CONNECT ${JSON.stringify(fields)}\r\n`;
}

/** The usual client CONNECT: no +OK acks, no pedantic checks. */
export const CONNECT_QUIET = connectLine({ verbose: false, pedantic: false });
export const CONNECT_VERBOSE = connectLine({ verbose: true, pedantic: false });
export const CONNECT_PEDANTIC = connectLine({ verbose: false, pedantic: true });
export const CONNECT_HEADERS = connectLine({ verbose: false, pedantic: false, headers: true, no_responders: true });

/**
 * The INFO nats-server 2.9.10 sends a client connecting over 127.0.0.1 to a default server, per-server
 * values MASKED, keys in Go's Info struct order: `flags` (auth_required, tls_required, tls_verify,
 * tls_available) go between headers and max_payload, `tail` (nonce) after client_ip. To change a value
 * (max_payload, headers, ...) spread over the result: the key keeps its place.
 */
export function referenceInfo(flags: Record<string, unknown> = {}, tail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server_id: MASKED,
    server_name: MASKED,
    version: "2.9.10",
    proto: 1,
    go: "go1.19.8",
    host: "0.0.0.0",
    port: MASKED,
    headers: true,
    ...flags,
    max_payload: 1048576,
    client_id: MASKED,
    client_ip: "127.0.0.1",
    ...tail,
  };
}

export const OK = "+OK\r\n";
export const PONG = "PONG\r\n";
export const ERR_UNKNOWN_OP = "-ERR 'Unknown Protocol Operation'\r\n";
export const ERR_INVALID_SUBJECT = "-ERR 'Invalid Subject'\r\n";
export const ERR_INVALID_PUB_SUBJECT = "-ERR 'Invalid Publish Subject'\r\n";
export const ERR_MAX_PAYLOAD = "-ERR 'Maximum Payload Violation'\r\n";
export const ERR_AUTH = "-ERR 'Authorization Violation'\r\n";
