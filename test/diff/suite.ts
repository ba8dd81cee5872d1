// Registers a list of conversations against every available implementation:
//  - the reference nats-server, when installed (proves the recorded answers are still its answers);
//  - bnats in-process (the implementation under test; always);
//  - the compiled dist/bnats, when built and the conversation set asks for it (CLI/config path).
import { describe } from "bun:test";
import { defineConversations, type Conversation } from "./conversation.ts";
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

export const OK = "+OK\r\n";
export const PONG = "PONG\r\n";
export const ERR_UNKNOWN_OP = "-ERR 'Unknown Protocol Operation'\r\n";
export const ERR_INVALID_SUBJECT = "-ERR 'Invalid Subject'\r\n";
export const ERR_INVALID_PUB_SUBJECT = "-ERR 'Invalid Publish Subject'\r\n";
export const ERR_MAX_PAYLOAD = "-ERR 'Maximum Payload Violation'\r\n";
export const ERR_AUTH = "-ERR 'Authorization Violation'\r\n";
