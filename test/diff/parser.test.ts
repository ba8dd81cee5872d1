// The wire form of nats-server's parser_test.go TestShouldFail (and neighbours): each malformed
// protocol line after a CONNECT, with what nats-server 2.9.10 answers. "err" = -ERR 'Unknown Protocol
// Operation' then close; "close" = closed without a word; "open" = accepted, connection stays.
import type { Conversation } from "./conversation.ts";
import { CONNECT_QUIET, ERR_UNKNOWN_OP, PONG, diffSuite } from "./suite.ts";

type Outcome = "err" | "close" | "open";

const TABLE: [proto: string, outcome: Outcome, reply?: string][] = [
  ["xxx", "err"],
  ["Px", "err"],
  ["PIx", "err"],
  ["PINx", "err"],
  [" PING", "err"],
  ["POx", "err"],
  ["PONx", "err"],
  ["+x", "err"],
  ["+Ox", "err"],
  ["-x", "err"],
  ["-Ex", "err"],
  ["-ERx", "err"],
  ["-ERRx", "err"],
  ["Cx", "err"],
  ["COx", "err"],
  ["CONx", "err"],
  ["CONNx", "err"],
  ["CONNEx", "err"],
  ["CONNECx", "err"],
  ["CONNECT \r\n", "close"],
  ["PUx", "err"],
  ["PUB foo\r\n", "close"],
  ["PUB  \r\n", "close"],
  ["PUB foo bar       \r\n", "close"],
  ["PUB foo 2\r\nok \r\n", "err"],
  ["PUB foo 2\r\nok\r \n", "err"],
  ["Sx", "err"],
  ["SUx", "err"],
  ["SUB\r\n", "err"],
  ["SUB  \r\n", "close"],
  ["SUB foo\r\n", "close"],
  ["SUB foo bar baz 22\r\n", "close"],
  ["Ux", "err"],
  ["UNx", "err"],
  ["UNSx", "err"],
  ["UNSUx", "err"],
  ["UNSUBx", "err"],
  ["UNSUBUNSUB 1\r\n", "err"],
  ["UNSUB_2\r\n", "err"],
  ["UNSUB_UNSUB_UNSUB 2\r\n", "err"],
  ["UNSUB_\t2\r\n", "err"],
  ["UNSUB\r\n", "err"],
  ["UNSUB \r\n", "close"],
  ["UNSUB          \t       \r\n", "close"],
  ["Ix", "err"],
  ["INx", "err"],
  ["INFx", "err"],
  ["INFO  \r\n", "close"],
  ["Mx", "err"],
  ["MSx", "err"],
  ["MSGx", "err"],
  ["MSG  \r\n", "err"],
  ["Hx", "err"],
  ["HPx", "err"],
  ["HPUx", "err"],
  ["HPUBx", "err"],
  ["HPUB  \r\n", "close"],
  ["HMSG  \r\n", "err"],
  // Trailing and doubled separators are accepted.
  ["PUB foo 2 \r\nok\r\n", "open"],
  ["PUB foo  2\r\nok\r\n", "open"],
  ["SUB foo 1 \r\n", "open"],
  ["PING \r\n", "open", PONG],
  ["PONG \r\n", "open"],
  ["+OK \r\n", "open"],
  // A CR inside an argument line: parser.go then drops the byte before the LF (c.drop), whatever it is,
  // and processPub splits on spaces and tabs only, so the CR belongs to an argument (found by fuzz.test.ts).
  ["SUB > 1\r\nPUB bar 8\ro 1\r\nx\r\n", "open", "MSG bar 1 8\ro 1\r\nx\r\n"],
  ["SUB > 1\r\nPUB \rfoo 1\nx\r\n", "open", "MSG \rfoo 1 1\r\nx\r\n"],
  ["PUB bar\r 1\nx\r\n", "close"],
  ["SUB > 1\r\nSUB foo\r 2 \nPUB foo 1\nx\r\n", "open", "MSG foo 1 1\r\nx\r\nMSG foo 2 1\r\nx\r\n"],
  // The byte that starts an argument belongs to it even when it is an LF (parser.go looks for the line
  // end from the next byte on): found by fuzz.test.ts.
  ["INFO\n{}\r\n", "open"],
  ["SUB > 1\r\nPUB \na 1\n4\r\n", "open", "MSG \na 1 1\r\n4\r\n"],
  ["CONNECT\n{}\r\nPING\r\n", "open", PONG],
];

const conversations: Conversation[] = TABLE.map(([proto, outcome, reply]) => {
  const name = `${JSON.stringify(proto)} -> ${outcome}`;
  if (outcome === "open") {
    return { name, steps: [{ send: CONNECT_QUIET + proto }, ...(reply ? [{ expect: reply }] : []), { ping: true as const }] };
  }
  return {
    name,
    steps: [{ send: CONNECT_QUIET + proto }, ...(outcome === "err" ? [{ expect: ERR_UNKNOWN_OP }] : []), { closed: true as const }],
  };
});

diffSuite("parser", conversations);
