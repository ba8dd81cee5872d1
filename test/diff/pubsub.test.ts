// PUB/HPUB/SUB/UNSUB and MSG/HMSG framing, wildcards, queue groups, echo, no responders:
// recorded nats-server 2.9.10 answers.
import type { Conversation } from "./conversation.ts";
import { CONNECT_HEADERS, CONNECT_PEDANTIC, CONNECT_QUIET, PONG, connectLine, diffSuite } from "./suite.ts";

const big = "x".repeat(100_000);
const binaryPayload = "a\r\nb\x00\xff\r\n";
const utf8Subject = Buffer.from("föö.bär", "utf8").toString("latin1");

/** An HPUB frame with its sizes computed. */
function hpub(subject: string, reply: string, headers: string, payload: string): string {
  const h = headers.length;
  return `HPUB ${subject}${reply ? ` ${reply}` : ""} ${h} ${h + payload.length}\r\n${headers}${payload}\r\n`;
}
/** The HMSG frame a subscriber receives for it. */
function hmsg(subject: string, sid: string, reply: string, headers: string, payload: string): string {
  const h = headers.length;
  return `HMSG ${subject} ${sid}${reply ? ` ${reply}` : ""} ${h} ${h + payload.length}\r\n${headers}${payload}\r\n`;
}
const HDRS = "NATS/1.0\r\nA: B\r\nC: D\r\n\r\n";
const EMPTY_HDRS = "NATS/1.0\r\n\r\n";

const conversations: Conversation[] = [
  {
    name: "SUB/PUB: MSG framing",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo 1\r\nPUB foo 5\r\nhello\r\n" },
      { expect: "MSG foo 1 5\r\nhello\r\n" },
    ],
  },
  {
    name: "PUB with a reply subject",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo 1\r\nPUB foo _INBOX.abc 2\r\nok\r\n" },
      { expect: "MSG foo 1 _INBOX.abc 2\r\nok\r\n" },
    ],
  },
  {
    name: "zero-length payload",
    steps: [{ send: CONNECT_QUIET }, { send: "SUB foo 1\r\nPUB foo 0\r\n\r\n" }, { expect: "MSG foo 1 0\r\n\r\n" }],
  },
  {
    name: "payload with CR, LF, NUL and high bytes is opaque",
    steps: [
      { send: CONNECT_QUIET },
      { send: `SUB foo 1\r\nPUB foo ${binaryPayload.length}\r\n${binaryPayload}\r\n` },
      { expect: `MSG foo 1 ${binaryPayload.length}\r\n${binaryPayload}\r\n` },
    ],
  },
  {
    name: "UTF-8 subjects are passed through byte for byte",
    steps: [
      { send: CONNECT_QUIET },
      { send: `SUB ${utf8Subject} 1\r\nPUB ${utf8Subject} 1\r\nx\r\n` },
      { expect: `MSG ${utf8Subject} 1 1\r\nx\r\n` },
    ],
  },
  {
    name: "a large payload split across many writes",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB big 1\r\n" },
      { send: `PUB big ${big.length}\r\n${big.slice(0, 1000)}` },
      { send: big.slice(1000, 60_000) },
      { send: big.slice(60_000) },
      { send: "\r" },
      { send: "\n" },
      { expect: `MSG big 1 ${big.length}\r\n${big}\r\n` },
    ],
  },
  {
    name: "a payload of exactly the default max_payload (1 MB) is delivered",
    steps: [
      { send: CONNECT_QUIET + "SUB big 1\r\n" + `PUB big ${1 << 20}\r\n${"m".repeat(1 << 20)}\r\n` },
      { expect: `MSG big 1 ${1 << 20}\r\n${"m".repeat(1 << 20)}\r\n`, timeoutMs: 5000 },
    ],
  },
  {
    name: "a frame split at every byte",
    steps: [
      { send: CONNECT_HEADERS },
      ...`SUB foo 1\r\nPUB foo bar 3\r\nabc\r\n${hpub("foo", "", EMPTY_HDRS, "hi")}`.split("").map((ch) => ({ send: ch })),
      { expect: `MSG foo 1 bar 3\r\nabc\r\n${hmsg("foo", "1", "", EMPTY_HDRS, "hi")}` },
    ],
  },
  {
    name: "pipelined PUBs in one write",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo 1\r\n" + "PUB foo 2\r\nok\r\n".repeat(50) + "PING\r\n" },
      { expect: "MSG foo 1 2\r\nok\r\n".repeat(50) + PONG },
    ],
  },
  {
    name: "sid is an arbitrary token",
    steps: [{ send: CONNECT_QUIET }, { send: "SUB foo abc.DEF-1\r\nPUB foo 1\r\nx\r\n" }, { expect: "MSG foo abc.DEF-1 1\r\nx\r\n" }],
  },
  {
    name: "two subscriptions on one connection both receive",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo 1\r\nSUB * 2\r\nPUB foo 2\r\nok\r\n" },
      { unordered: ["MSG foo 1 2\r\nok\r\n", "MSG foo 2 2\r\nok\r\n"] },
    ],
  },
  {
    name: "duplicate SUB with the same sid is one subscription",
    steps: [{ send: CONNECT_QUIET }, { send: "SUB foo 1\r\nSUB foo 1\r\nPUB foo 2\r\nok\r\n" }, { expect: "MSG foo 1 2\r\nok\r\n" }],
  },
  {
    name: "reusing a sid for another subject keeps the first",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo 1\r\nSUB bar 1\r\nPUB bar 1\r\nb\r\nPUB foo 1\r\nf\r\n" },
      { expect: "MSG foo 1 1\r\nf\r\n" },
    ],
  },
  {
    name: "wildcards: * matches one token, > one or more",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo.* 1\r\nSUB foo.> 2\r\nSUB foo.*.baz 3\r\nSUB > 4\r\nSUB *.bar 5\r\n" },
      { send: "PUB foo 1\r\na\r\n" },
      { expect: "MSG foo 4 1\r\na\r\n" },
      { send: "PUB foo.bar 1\r\nb\r\n" },
      {
        unordered: ["MSG foo.bar 1 1\r\nb\r\n", "MSG foo.bar 2 1\r\nb\r\n", "MSG foo.bar 4 1\r\nb\r\n", "MSG foo.bar 5 1\r\nb\r\n"],
      },
      { send: "PUB foo.bar.baz 1\r\nc\r\n" },
      { unordered: ["MSG foo.bar.baz 2 1\r\nc\r\n", "MSG foo.bar.baz 3 1\r\nc\r\n", "MSG foo.bar.baz 4 1\r\nc\r\n"] },
      { send: "PUB foo.bar.baz.qux 1\r\nd\r\n" },
      { unordered: ["MSG foo.bar.baz.qux 2 1\r\nd\r\n", "MSG foo.bar.baz.qux 4 1\r\nd\r\n"] },
      { send: "PUB bar 1\r\ne\r\n" },
      { expect: "MSG bar 4 1\r\ne\r\n" },
    ],
  },
  {
    name: "wildcard tokens must be whole tokens",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo.b* 1\r\nSUB foo.> 2\r\n" },
      { send: "PUB foo.bar 1\r\nx\r\n" },
      { expect: "MSG foo.bar 2 1\r\nx\r\n" },
      { send: "PUB foo.b* 1\r\ny\r\n" },
      { unordered: ["MSG foo.b* 1 1\r\ny\r\n", "MSG foo.b* 2 1\r\ny\r\n"] },
    ],
  },
  {
    name: "messages between two connections",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB foo 1\r\n" },
      { c: 1, ping: true },
      { c: 2, send: CONNECT_QUIET + "PUB foo reply 3\r\nabc\r\n" },
      { c: 1, expect: "MSG foo 1 reply 3\r\nabc\r\n" },
    ],
  },
  {
    name: "queue group: one member of each group, plus every plain subscriber",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB foo g1 1\r\nSUB foo 2\r\n" },
      { c: 1, ping: true },
      { c: 2, send: CONNECT_QUIET + "SUB foo g2 1\r\n" },
      { c: 2, ping: true },
      { c: 3, send: CONNECT_QUIET + "PUB foo 2\r\nok\r\n" },
      { c: 1, unordered: ["MSG foo 1 2\r\nok\r\n", "MSG foo 2 2\r\nok\r\n"] },
      { c: 2, expect: "MSG foo 1 2\r\nok\r\n" },
    ],
  },
  {
    name: "queue group: each message to exactly one member",
    steps: [
      { send: CONNECT_QUIET + "SUB foo qg 1\r\nSUB foo qg 2\r\nPUB foo 2\r\nok\r\n" },
      { oneOf: ["MSG foo 1 2\r\nok\r\n", "MSG foo 2 2\r\nok\r\n"] },
      { send: "PUB foo 2\r\nok\r\n" },
      { oneOf: ["MSG foo 1 2\r\nok\r\n", "MSG foo 2 2\r\nok\r\n"] },
    ],
  },
  {
    name: "queue group with wildcards and a reply",
    steps: [
      { send: CONNECT_QUIET + "SUB foo.* workers 7\r\nPUB foo.bar _INBOX.1 1\r\nx\r\n" },
      { expect: "MSG foo.bar 7 _INBOX.1 1\r\nx\r\n" },
    ],
  },
  {
    name: "UNSUB stops delivery",
    steps: [
      { send: CONNECT_QUIET + "SUB foo 1\r\nPUB foo 1\r\na\r\nUNSUB 1\r\nPUB foo 1\r\nb\r\n" },
      { expect: "MSG foo 1 1\r\na\r\n" },
    ],
  },
  {
    name: "UNSUB of an unknown sid is silent",
    steps: [{ send: CONNECT_QUIET + "UNSUB 42\r\nUNSUB 42 5\r\n" }],
  },
  {
    name: "UNSUB with max: auto-unsubscribe after N messages",
    steps: [
      { send: CONNECT_QUIET + "SUB foo 22\r\nUNSUB 22 2\r\n" + "PUB foo 2\r\nok\r\n".repeat(10) },
      { expect: "MSG foo 22 2\r\nok\r\n".repeat(2) },
    ],
  },
  {
    name: "UNSUB with max below the delivered count unsubscribes at once",
    steps: [
      { send: CONNECT_QUIET + "SUB foo 1\r\n" + "PUB foo 1\r\nx\r\n".repeat(3) },
      { expect: "MSG foo 1 1\r\nx\r\n".repeat(3) },
      { send: "UNSUB 1 2\r\nPUB foo 1\r\ny\r\n" },
    ],
  },
  {
    name: "UNSUB with max 0 unsubscribes",
    steps: [{ send: CONNECT_QUIET + "SUB foo 1\r\nUNSUB 1 0\r\nPUB foo 1\r\nx\r\n" }],
  },
  {
    name: "UNSUB max can be raised again before it is reached",
    steps: [
      { send: CONNECT_QUIET + "SUB foo 1\r\nUNSUB 1 1\r\nUNSUB 1 3\r\n" + "PUB foo 1\r\nx\r\n".repeat(5) },
      { expect: "MSG foo 1 1\r\nx\r\n".repeat(3) },
    ],
  },
  {
    name: "UNSUB max on a queue subscription",
    steps: [
      { send: CONNECT_QUIET + "SUB foo q 1\r\nUNSUB 1 1\r\n" + "PUB foo 1\r\nx\r\n".repeat(3) },
      { expect: "MSG foo 1 1\r\nx\r\n" },
    ],
  },
  {
    name: "echo false: no copy to the publisher's own subscriptions",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB foo 1\r\n" },
      { c: 1, ping: true },
      { send: connectLine({ verbose: false, echo: false }) + "SUB foo 1\r\nPUB foo 1\r\nx\r\n" },
      { c: 1, expect: "MSG foo 1 1\r\nx\r\n" },
    ],
  },
  {
    name: "echo true is the default",
    steps: [{ send: connectLine({ verbose: false, echo: true }) + "SUB foo 1\r\nPUB foo 1\r\nx\r\n" }, { expect: "MSG foo 1 1\r\nx\r\n" }],
  },
  {
    name: "HPUB/HMSG framing with and without reply",
    steps: [
      { send: CONNECT_HEADERS + "SUB foo 1\r\n" },
      { send: hpub("foo", "", HDRS, "hello") },
      { expect: hmsg("foo", "1", "", HDRS, "hello") },
      { send: hpub("foo", "rep", EMPTY_HDRS, "") },
      { expect: hmsg("foo", "1", "rep", EMPTY_HDRS, "") },
    ],
  },
  {
    name: "HPUB header block is opaque to the server",
    steps: [
      { send: CONNECT_HEADERS + "SUB foo 1\r\n" },
      { send: hpub("foo", "", "garbage", "x") },
      { expect: hmsg("foo", "1", "", "garbage", "x") },
      // As nats-server: an empty header block is delivered as a plain MSG.
      { send: "HPUB foo 0 0\r\n\r\n" },
      { expect: "MSG foo 1 0\r\n\r\n" },
    ],
  },
  {
    name: "HPUB to a subscriber without header support: MSG without the headers",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB foo 1\r\n" },
      { c: 1, ping: true },
      { send: CONNECT_HEADERS + hpub("foo", "r", HDRS, "hello") },
      { c: 1, expect: "MSG foo 1 r 5\r\nhello\r\n" },
    ],
  },
  {
    name: "HPUB from a client that did not announce headers closes without -ERR",
    steps: [{ send: CONNECT_QUIET + "SUB foo 1\r\n" + hpub("foo", "", EMPTY_HDRS, "hi") }, { closed: true }],
  },
  {
    name: "HPUB when the server has no header support closes",
    server: { noHeaderSupport: true },
    steps: [{ send: connectLine({ verbose: false, headers: true }) + hpub("foo", "", EMPTY_HDRS, "hi") }, { closed: true }],
  },
  {
    name: "no_responders is refused when the server has no header support",
    server: { noHeaderSupport: true },
    steps: [{ send: CONNECT_HEADERS }, { expect: "-ERR 'no responders requires headers support'\r\n" }, { closed: true }],
  },
  {
    name: "no responders: 503 status HMSG to the requester's reply subscription",
    steps: [
      { send: CONNECT_HEADERS + "SUB _INBOX.x 5\r\nPUB nobody _INBOX.x 2\r\nhi\r\n" },
      { expect: "HMSG _INBOX.x 5 16 16\r\nNATS/1.0 503\r\n\r\n\r\n" },
    ],
  },
  {
    name: "no responders on HPUB too",
    steps: [
      { send: CONNECT_HEADERS + "SUB r 5\r\n" + hpub("nobody", "r", EMPTY_HDRS, "hi") },
      { expect: "HMSG r 5 16 16\r\nNATS/1.0 503\r\n\r\n\r\n" },
    ],
  },
  {
    name: "no responders: nothing without a reply subject",
    steps: [{ send: CONNECT_HEADERS + "SUB r 5\r\nPUB nobody 2\r\nhi\r\n" }],
  },
  {
    name: "no responders: nothing when a subscriber exists",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB svc 1\r\n" },
      { c: 1, ping: true },
      { send: CONNECT_HEADERS + "SUB r 5\r\nPUB svc r 2\r\nhi\r\n" },
      { c: 1, expect: "MSG svc 1 r 2\r\nhi\r\n" },
    ],
  },
  {
    name: "no responders: not without the no_responders option",
    steps: [{ send: connectLine({ verbose: false, headers: true }) + "SUB r 5\r\nPUB nobody r 2\r\nhi\r\n" }],
  },
  {
    name: "no responders: the reply subscription on the requester only",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB r 9\r\n" },
      { c: 1, ping: true },
      { send: CONNECT_HEADERS + "PUB nobody r 2\r\nhi\r\n" },
      { c: 1, ping: true },
    ],
  },
  {
    // TestClientPubWithQueueSubNoEcho: with echo off, the publisher's own queue member is skipped.
    name: "echo false: the publisher's queue member is skipped in favour of another",
    steps: [
      { c: 1, send: CONNECT_QUIET + "SUB foo q 1\r\n" },
      { c: 1, ping: true },
      { send: connectLine({ verbose: false, echo: false }) + "SUB foo q 1\r\n" + "PUB foo 1\r\nx\r\n".repeat(5) },
      { ping: true },
      { c: 1, expect: "MSG foo 1 1\r\nx\r\n".repeat(5) },
    ],
  },
  {
    name: "UNSUB after an auto-unsubscribe max (TestClientUnsubAfterAutoUnsub)",
    steps: [{ send: CONNECT_QUIET + "SUB foo 1\r\nUNSUB 1 1\r\nUNSUB 1\r\nPUB foo 1\r\nx\r\n" }],
  },
  {
    name: "auto-unsubscribe delivers exactly max (TestClientAutoUnsubExactReceived)",
    steps: [{ send: CONNECT_QUIET + "SUB foo 1\r\nUNSUB 1 1\r\nPUB foo 1\r\nx\r\nPUB foo 1\r\ny\r\n" }, { expect: "MSG foo 1 1\r\nx\r\n" }],
  },
  {
    name: "wildcard characters inside a token are literal (TestWildcardCharsInLiteralSubjectWorks)",
    steps: [
      { send: CONNECT_PEDANTIC + "SUB foo.bar,*,>,baz 1\r\nPUB foo.bar,*,>,baz 3\r\nmsg\r\n" },
      { expect: "MSG foo.bar,*,>,baz 1 3\r\nmsg\r\n" },
    ],
  },
  {
    name: "a subject of 1000 tokens",
    steps: [
      { send: CONNECT_QUIET + `SUB ${Array(1000).fill("a").join(".")} 1\r\nSUB ${Array(999).fill("a").join(".")}.> 2\r\n` },
      { send: `PUB ${Array(1000).fill("a").join(".")} 1\r\nx\r\n` },
      { unordered: [`MSG ${Array(1000).fill("a").join(".")} 1 1\r\nx\r\n`, `MSG ${Array(1000).fill("a").join(".")} 2 1\r\nx\r\n`] },
    ],
  },
  {
    name: "subject validity table for SUB",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB * 1\r\nSUB > 2\r\nSUB foo.*.> 3\r\nSUB *.*.* 4\r\nSUB $SYS.x 5\r\nSUB foo-bar_baz 6\r\n" },
      { ping: true },
      { send: "SUB >.foo 7\r\n" },
      { expect: "-ERR 'Invalid Subject'\r\n" },
      { send: "SUB foo..> 8\r\n" },
      { expect: "-ERR 'Invalid Subject'\r\n" },
      { send: "SUB . 9\r\n" },
      { expect: "-ERR 'Invalid Subject'\r\n" },
      { send: "SUB .. 10\r\n" },
      { expect: "-ERR 'Invalid Subject'\r\n" },
      { send: "SUB foo.> q 11\r\nSUB foo.>.> 12\r\n" },
      { expect: "-ERR 'Invalid Subject'\r\n" },
    ],
  },
  {
    // TestClientDenySysGroupSub: the _sys_ queue group is reserved.
    name: "the _sys_ queue group is refused",
    steps: [{ send: CONNECT_QUIET + "SUB foo _sys_ 1\r\n" }, { expect: `-ERR 'Permissions Violation for Subscription to "foo" using queue "_sys_"'\r\n` }],
  },
];

diffSuite("pubsub", conversations);
