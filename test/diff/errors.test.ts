// Bad input: which -ERR the reference sends (if any) and whether it closes the connection.
// Recorded nats-server 2.9.10 answers; many come from its test/proto_test.go.
import type { Conversation } from "./conversation.ts";
import { CONNECT_HEADERS, CONNECT_QUIET, ERR_MAX_PAYLOAD, ERR_UNKNOWN_OP, PONG, diffSuite } from "./suite.ts";

const ERR_MAX_CONTROL_LINE = "-ERR 'maximum control line exceeded'\r\n";

/** Sends `line` after a quiet CONNECT and expects the connection to close with `err` (or silently). */
function fatal(name: string, line: string, err?: string): Conversation {
  return {
    name,
    steps: [{ send: CONNECT_QUIET }, { send: line }, ...(err ? [{ expect: err }] : []), { closed: true as const }],
  };
}

/** Sends `line` after a quiet CONNECT; the connection stays open and answers as `reply` (may be ""). */
function survives(name: string, line: string, reply: string): Conversation {
  return { name, steps: [{ send: CONNECT_QUIET }, { send: line + "PING\r\n" }, { expect: reply + PONG }] };
}

const tenK = "A".repeat(10_000);

const conversations: Conversation[] = [
  fatal("unknown op", "ZZZ\r\n", ERR_UNKNOWN_OP),
  fatal("unknown op without newline", "ZZZ", ERR_UNKNOWN_OP),
  // MSG_END_R: the byte after the payload must be CR, and the close does not wait for a further byte
  // (found by the fuzz differential: "PUB foo.* 12\r\ncbchddfPING\r\n").
  fatal("payload followed by a non-CR byte, nothing after it", "PUB foo 2\r\nabX", ERR_UNKNOWN_OP),
  fatal("PUBS: a known verb with extra letters", "PUBS foo 2\r\nok\r\n", ERR_UNKNOWN_OP),
  fatal("SUBZZZ", "SUBZZZ foo 1\r\n", ERR_UNKNOWN_OP),
  // As nats-server: after "PING" the parser skips to the end of the line.
  survives("PINGX is a PING", "PINGX\r\n", PONG),
  survives("PING with an argument is a PING", "PING foo\r\n", PONG),
  survives("PONGX is a PONG", "PONGXYZ\r\n", ""),
  fatal("MSG from a client", "MSG foo 1 2\r\nok\r\n", ERR_UNKNOWN_OP),
  fatal("HMSG from a client", "HMSG foo 1 2 2\r\nok\r\n", ERR_UNKNOWN_OP),
  fatal("-ERR from a client closes without an answer", "-ERR 'boom'\r\n"),
  survives("+OK from a client is ignored", "+OK\r\n", ""),
  survives("INFO from a client is ignored", 'INFO {"server_id":"x"}\r\n', ""),
  fatal("an empty line", "\r\n", ERR_UNKNOWN_OP),
  fatal("a line of spaces", "   \r\n", ERR_UNKNOWN_OP),
  fatal("a NUL byte", "\x00\r\n", ERR_UNKNOWN_OP),
  fatal("a TLS ClientHello on a plain port", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", ERR_UNKNOWN_OP),
  fatal("an HTTP request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", ERR_UNKNOWN_OP),

  // PUB arguments
  fatal("PUB above max_payload", "PUB foo 199380988\r\n", ERR_MAX_PAYLOAD),
  fatal("PUB size overflowing int64", "PUB foo 18446744073709551615123\r\n"),
  fatal("PUB size -1", "PUB foo -1\r\n"),
  fatal("PUB size 1e3", "PUB foo 1e3\r\n"),
  fatal("PUB size with a plus sign", "PUB foo +3\r\nabc\r\n"),
  fatal("PUB size in hex", "PUB foo 0x3\r\nabc\r\n"),
  fatal("PUB without size", "PUB foo\r\n"),
  fatal("PUB without arguments", "PUB\r\n", ERR_UNKNOWN_OP),
  fatal("PUB with a space only", "PUB \r\n"),
  fatal("PUB with too many arguments", "PUB foo bar baz 2\r\nok\r\n"),
  fatal("PUB payload longer than its size", "PUB foo 3\r\nabcde\r\n", ERR_UNKNOWN_OP),
  fatal("PUB payload not followed by CRLF", "PUB foo 3\r\nabcXY", ERR_UNKNOWN_OP),
  fatal("PUB payload followed by LF only", "PUB foo 3\r\nabc\nPING\r\n", ERR_UNKNOWN_OP),
  // As nats-server: MSG repeats the size bytes as the publisher wrote them.
  survives("PUB size with leading zeros", "SUB foo 1\r\nPUB foo 003\r\nabc\r\n", "MSG foo 1 003\r\nabc\r\n"),
  {
    // TestIncompletePubArg: a short payload swallows the next PUB and breaks the framing.
    name: "incomplete PUB payload swallows the next frame",
    steps: [
      { send: CONNECT_QUIET },
      { send: `PUB example 10000\r\n${tenK}\r\nPUB example 10000\r\n${tenK}\r\nPUB example 10000\r\n${"B".repeat(3371)}PUB example 10000\r\n${"C".repeat(10_000)}\r\n` },
      { expect: ERR_UNKNOWN_OP },
      { closed: true },
    ],
  },
  {
    name: "PUB at exactly max_payload is accepted, one byte more is not",
    server: { maxPayload: 16 },
    steps: [
      { send: CONNECT_QUIET + "SUB foo 1\r\n" },
      { send: `PUB foo 16\r\n${"p".repeat(16)}\r\n` },
      { expect: `MSG foo 1 16\r\n${"p".repeat(16)}\r\n` },
      { send: `PUB foo 17\r\n${"p".repeat(17)}\r\n` },
      { expect: ERR_MAX_PAYLOAD },
      { closed: true },
    ],
  },
  {
    name: "max_payload from config applies to HPUB's total size",
    server: { maxPayload: 16 },
    steps: [{ send: CONNECT_HEADERS }, { send: "HPUB foo 12 17\r\nNATS/1.0\r\n\r\nhello\r\n" }, { expect: ERR_MAX_PAYLOAD }, { closed: true }],
  },

  // HPUB arguments
  fatal("HPUB header size larger than total", "HPUB foo 12 10\r\nNATS/1.0\r\n\r\n\r\n"),
  fatal("HPUB with one size only", "HPUB foo 12\r\nNATS/1.0\r\n\r\n\r\n"),
  fatal("HPUB with negative header size", "HPUB foo -1 2\r\nok\r\n"),
  fatal("HPUB above max_payload", "HPUB foo 12 199380988\r\n"),
  {
    name: "HPUB header size larger than total (headers on)",
    steps: [{ send: CONNECT_HEADERS + "HPUB foo 12 10\r\nNATS/1.0\r\n\r\n\r\n" }, { closed: true }],
  },
  {
    name: "HPUB with one size only (headers on)",
    steps: [{ send: CONNECT_HEADERS + "HPUB foo 12\r\n" }, { closed: true }],
  },
  {
    name: "HPUB above max_payload (headers on)",
    steps: [{ send: CONNECT_HEADERS + "HPUB foo 12 199380988\r\n" }, { expect: ERR_MAX_PAYLOAD }, { closed: true }],
  },
  {
    name: "HPUB with too many arguments",
    steps: [{ send: CONNECT_HEADERS + "HPUB foo bar baz 12 14\r\nNATS/1.0\r\n\r\nhi\r\n" }, { closed: true }],
  },

  // SUB / UNSUB arguments
  fatal("SUB without sid", "SUB foo\r\n"),
  fatal("SUB without arguments", "SUB\r\n", ERR_UNKNOWN_OP),
  fatal("SUB with too many arguments", "SUB foo q 1 extra\r\n"),
  fatal("UNSUB without sid", "UNSUB\r\n", ERR_UNKNOWN_OP),
  fatal("UNSUB with too many arguments", "UNSUB 1 2 3\r\n"),
  // As nats-server: an unparsable max is -1, i.e. a plain UNSUB.
  survives("UNSUB with a non-numeric max unsubscribes", "SUB foo 1\r\nUNSUB 1 x\r\nPUB foo 1\r\na\r\n", ""),
  survives("UNSUB with a negative max unsubscribes", "SUB foo 1\r\nUNSUB 1 -1\r\nPUB foo 1\r\na\r\n", ""),
  survives("SUB with a control byte in the subject", "SUB fo\x01o 1\r\nPUB fo\x01o 1\r\na\r\n", "MSG fo\x01o 1 1\r\na\r\n"),

  // Control line length
  {
    name: "control line over max_control_line (TestControlLineMaximums)",
    server: { maxControlLine: 256 },
    steps: [{ send: CONNECT_QUIET }, { send: "PUB foo " + "2222222222".repeat(32) }, { expect: ERR_MAX_CONTROL_LINE }, { closed: true }],
  },
  {
    // The limit applies to the arguments (after the verb and its space), inclusive.
    name: "control line of exactly max_control_line is accepted",
    server: { maxControlLine: 32 },
    steps: [
      { send: 'CONNECT {"verbose":false}\r\n' },
      { send: `SUB ${"s".repeat(30)} 1\r\n` },
      { send: `PUB ${"s".repeat(30)} 1\r\nx\r\n` },
      { expect: `MSG ${"s".repeat(30)} 1 1\r\nx\r\n` },
      { send: `SUB ${"s".repeat(31)} 2\r\n` },
      { expect: ERR_MAX_CONTROL_LINE },
      { closed: true },
    ],
  },
  {
    name: "CONNECT longer than max_control_line",
    server: { maxControlLine: 32 },
    steps: [{ send: `CONNECT {"verbose":false,"name":"${"n".repeat(40)}"}\r\n` }, { expect: ERR_MAX_CONTROL_LINE }, { closed: true }],
  },
  fatal("a 1 MB PUB line without newline", "PUB foo " + "2".repeat(1 << 20), ERR_MAX_CONTROL_LINE),
  fatal("a 1 MB SUB line without newline", "SUB " + "a".repeat(1 << 20), ERR_MAX_CONTROL_LINE),
  // As nats-server: the spaces before the first argument are skipped, not counted.
  survives("a 1 MB run of spaces after PUB", "SUB foo 1\r\nPUB" + " ".repeat(1 << 20) + "foo 1\r\nx\r\n", "MSG foo 1 1\r\nx\r\n"),
  {
    name: "a 1 MB CONNECT line without newline",
    steps: [{ send: `CONNECT {"name":"${"n".repeat(1 << 20)}` }, { expect: ERR_MAX_CONTROL_LINE }, { closed: true }],
  },

  // CONNECT sent slowly (TestProtoCrash)
  {
    name: "CONNECT line completed by a later write",
    steps: [
      { send: 'CONNECT {"verbose":true,"tls_required":false,"user":"test","pedantic":true,"pass":"password"}' },
      { send: "\r\n" },
      { expect: "+OK\r\n" },
    ],
  },
];

diffSuite("errors", conversations);
