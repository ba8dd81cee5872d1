// CONNECT, INFO, verbose and pedantic, authentication on the wire: recorded nats-server 2.9.10 answers.
import type { Conversation } from "./conversation.ts";
import {
  CONNECT_PEDANTIC,
  CONNECT_QUIET,
  CONNECT_VERBOSE,
  ERR_AUTH,
  ERR_INVALID_PUB_SUBJECT,
  ERR_INVALID_SUBJECT,
  ERR_UNKNOWN_OP,
  OK,
  PONG,
  connectLine,
  diffSuite,
  referenceInfo,
} from "./suite.ts";

const DEFAULT_INFO = referenceInfo();

const conversations: Conversation[] = [
  { name: "INFO on connect: keys, order and deterministic values", steps: [{ info: DEFAULT_INFO }] },
  {
    name: "INFO reflects max_payload and auth_required",
    server: { maxPayload: 2048, authorization: "s3cr3t" },
    // auth_required sits between headers and max_payload (Go struct order).
    steps: [{ info: { ...referenceInfo({ auth_required: true }), max_payload: 2048 } }],
    noFinalPing: true,
  },
  {
    name: "INFO max_payload from a config size with units",
    config: "max_payload: 1KB\n",
    steps: [{ info: { ...DEFAULT_INFO, max_payload: 1024 } }],
  },
  {
    name: "INFO without header support",
    server: { noHeaderSupport: true },
    steps: [{ info: { ...DEFAULT_INFO, headers: false } }],
  },
  {
    name: "INFO with client_advertise",
    server: { clientAdvertise: "me:1" },
    steps: [{ info: { ...DEFAULT_INFO, host: "me", port: 1 } }],
  },
  {
    name: "CONNECT {} is verbose by default",
    steps: [{ send: "CONNECT {}\r\n" }, { expect: OK }, { send: "SUB foo 1\r\n" }, { expect: OK }],
  },
  {
    name: "verbose: +OK after CONNECT, SUB, PUB, UNSUB; PING gets only PONG",
    steps: [
      { send: CONNECT_VERBOSE },
      { expect: OK },
      { send: "SUB foo 1\r\n" },
      { expect: OK },
      { send: "PUB foo 2\r\nok\r\n" },
      { expect: `${OK}MSG foo 1 2\r\nok\r\n` },
      { send: "PUB foo bar 2\r\nok\r\n" },
      { expect: `${OK}MSG foo 1 bar 2\r\nok\r\n` },
      { send: "UNSUB 1\r\n" },
      { expect: OK },
      { send: "PING\r\n" },
      { expect: PONG },
      { send: "PONG\r\n" },
      { send: "PUB foo 2\r\nok\r\n" },
      { expect: OK },
    ],
  },
  {
    name: "verbose: HPUB gets +OK before the HMSG",
    steps: [
      { send: connectLine({ verbose: true, headers: true }) },
      { expect: OK },
      { send: "SUB foo 9\r\n" },
      { expect: OK },
      { send: "HPUB foo r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n" },
      { expect: `${OK}HMSG foo 9 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n` },
    ],
  },
  {
    name: "verbose: errors replace the +OK",
    steps: [
      { send: CONNECT_VERBOSE },
      { expect: OK },
      { send: "SUB foo. 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      { send: "UNSUB 99\r\n" },
      { expect: OK },
    ],
  },
  {
    name: "verbose toggled by a second CONNECT",
    steps: [
      { send: CONNECT_VERBOSE },
      { expect: OK },
      { send: CONNECT_QUIET },
      { send: "SUB foo 1\r\n" },
      { ping: true },
    ],
  },
  {
    // client.go processConnect unmarshals every CONNECT into the same c.opts: found by fuzz.test.ts.
    name: "a second CONNECT keeps the fields it does not send (headers, verbose)",
    steps: [
      { send: connectLine({ verbose: true, headers: true }) + "SUB > 1\r\n" },
      { expect: OK + OK },
      { send: "CONNECT {}\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nab\r\n" },
      { expect: `${OK}${OK}HMSG foo 1 12 14\r\nNATS/1.0\r\n\r\nab\r\n` },
    ],
  },
  {
    // As nats-server 2.9: pedantic only adds the -ERR; the message is still published.
    name: "pedantic: wildcard and malformed publish subjects get -ERR, connection stays",
    steps: [
      { send: CONNECT_PEDANTIC },
      { send: "SUB foo.bar 1\r\n" },
      { send: "PUB foo.* 2\r\nok\r\n" },
      { expect: ERR_INVALID_PUB_SUBJECT },
      { send: "PUB foo.> 2\r\nok\r\n" },
      { expect: ERR_INVALID_PUB_SUBJECT },
      { send: "PUB foo. 2\r\nok\r\n" },
      { expect: ERR_INVALID_PUB_SUBJECT },
      { send: "PUB .foo 2\r\nok\r\n" },
      { expect: ERR_INVALID_PUB_SUBJECT },
      { send: "PUB foo..* 2\r\nok\r\n" },
      { expect: ERR_INVALID_PUB_SUBJECT },
      { send: "PUB foo.bar 2\r\nok\r\n" },
      { expect: "MSG foo.bar 1 2\r\nok\r\n" },
    ],
  },
  {
    name: "pedantic: the refused publish is still delivered",
    steps: [
      { send: CONNECT_PEDANTIC },
      { send: "SUB foo.* 1\r\n" },
      { send: "PUB foo.* 2\r\nok\r\n" },
      { expect: `${ERR_INVALID_PUB_SUBJECT}MSG foo.* 1 2\r\nok\r\n` },
    ],
  },
  {
    // As nats-server 2.9: the -ERR comes first, then the +OK that every accepted PUB gets.
    name: "pedantic + verbose: invalid publish subject gets -ERR and then +OK",
    steps: [
      { send: connectLine({ verbose: true, pedantic: true }) },
      { expect: OK },
      { send: "PUB foo.* 1\r\nx\r\n" },
      { expect: `${ERR_INVALID_PUB_SUBJECT}${OK}` },
    ],
  },
  {
    // client.go processPub checks the subject on the PUB line, before the payload: found by fuzz.test.ts.
    name: "pedantic: the -ERR comes with the PUB line, even when its payload is malformed",
    steps: [
      { send: CONNECT_PEDANTIC + "PUB > 1\r\nxy\r\n" },
      { expect: `${ERR_INVALID_PUB_SUBJECT}${ERR_UNKNOWN_OP}` },
      { closed: true },
    ],
  },
  {
    name: "pedantic: HPUB subjects are checked too, and still delivered",
    steps: [
      { send: connectLine({ verbose: false, pedantic: true, headers: true }) + "SUB > 1\r\n" },
      { send: "HPUB foo.* 12 13\r\nNATS/1.0\r\n\r\nx\r\n" },
      { expect: `${ERR_INVALID_PUB_SUBJECT}HMSG foo.* 1 12 13\r\nNATS/1.0\r\n\r\nx\r\n` },
    ],
  },
  {
    name: "pedantic: reply subjects are not checked",
    steps: [
      { send: CONNECT_PEDANTIC + "SUB > 1\r\n" },
      { send: "PUB foo bar.* 1\r\nx\r\nPUB foo bar..x 1\r\ny\r\n" },
      { expect: "MSG foo 1 bar.* 1\r\nx\r\nMSG foo 1 bar..x 1\r\ny\r\n" },
    ],
  },
  {
    name: "pedantic: queue names are not checked",
    steps: [
      { send: CONNECT_PEDANTIC + "SUB foo q* 2\r\nSUB foo q.> 3\r\nPUB foo 1\r\nx\r\n" },
      { unordered: ["MSG foo 2 1\r\nx\r\n", "MSG foo 3 1\r\nx\r\n"] },
    ],
  },
  {
    name: "pedantic: invalid SUB subjects",
    steps: [
      { send: CONNECT_PEDANTIC },
      { send: "SUB foo. 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      { send: "SUB .foo. 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      { send: "SUB foo..bar 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      { send: "SUB foo.>.bar 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      // "*bar" is a literal token, not a wildcard: accepted.
      { send: "SUB foo.*bar 1\r\n" },
    ],
  },
  {
    name: "non-pedantic: invalid SUB subjects still refused",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo. 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      { send: "SUB foo..bar 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      { send: "SUB foo.>.bar 1\r\n" },
      { expect: ERR_INVALID_SUBJECT },
      // The queue name is not validated as a subject.
      { send: "SUB foo bar. 1\r\n" },
    ],
  },
  {
    name: "non-pedantic: wildcard publish subjects pass through",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB foo.* 1\r\nSUB foo.> 2\r\n" },
      { send: "PUB foo.* 2\r\nok\r\n" },
      { send: "PUB foo. 2\r\nok\r\n" },
      { send: "PUB foo.> 2\r\nok\r\n" },
      { unordered: ["MSG foo.* 1 2\r\nok\r\n", "MSG foo.* 2 2\r\nok\r\n"] },
      // "foo." matches nothing; the literal token ">" is matched by both "*" and ">".
      { unordered: ["MSG foo.> 1 2\r\nok\r\n", "MSG foo.> 2 2\r\nok\r\n"] },
    ],
  },
  {
    name: "CONNECT with bad JSON closes without -ERR",
    steps: [{ send: "CONNECT {bad}\r\n" }, { closed: true }],
  },
  {
    name: "CONNECT with no argument closes",
    steps: [{ send: "CONNECT\r\n" }, { closed: true }],
  },
  {
    name: "CONNECT with a wrongly typed field closes",
    steps: [{ send: 'CONNECT {"verbose":"yes"}\r\n' }, { closed: true }],
  },
  {
    name: "CONNECT with unknown fields is accepted",
    steps: [
      { send: 'CONNECT {"verbose":false,"foo":"bar","nested":{"a":[1,2]},"lang":"x","version":"1"}\r\n' },
      { ping: true },
    ],
  },
  {
    name: "CONNECT with __proto__ does not change options",
    steps: [{ send: 'CONNECT {"__proto__":{"verbose":false},"constructor":{"prototype":{"verbose":false}}}\r\n' }, { expect: OK }],
  },
  {
    name: "CONNECT with trailing data after the JSON",
    steps: [{ send: 'CONNECT {"verbose":false} junk\r\n' }, { closed: true }],
  },
  {
    name: "CONNECT with protocol 2 is refused",
    steps: [{ send: 'CONNECT {"verbose":false,"protocol":2}\r\n' }, { expect: "-ERR 'invalid client protocol'\r\n" }, { closed: true }],
  },
  {
    name: "CONNECT with protocol -1 is refused",
    steps: [{ send: 'CONNECT {"verbose":false,"protocol":-1}\r\n' }, { expect: "-ERR 'invalid client protocol'\r\n" }, { closed: true }],
  },
  {
    name: "no_responders without headers is refused",
    steps: [
      { send: 'CONNECT {"verbose":false,"no_responders":true}\r\n' },
      { expect: "-ERR 'no responders requires headers support'\r\n" },
      { closed: true },
    ],
  },
  {
    name: "CONNECT split across writes",
    steps: [{ send: 'CONNECT {"verb' }, { send: 'ose":true}' }, { send: "\r\n" }, { expect: OK }],
  },
  {
    // Before CONNECT the client has nats-server's default options, which are verbose.
    name: "ops before CONNECT are processed (verbosely) when no auth is required",
    steps: [
      { send: "SUB foo 1\r\nPUB foo 2\r\nok\r\nPING\r\n" },
      { expect: `${OK}${OK}MSG foo 1 2\r\nok\r\n${PONG}` },
      { send: CONNECT_QUIET },
    ],
  },
  {
    name: "lowercase and mixed-case verbs",
    steps: [
      { send: 'connect {"verbose":false}\r\n' },
      { send: "sub foo 1\r\npub foo 2\r\nok\r\nPuB foo 1\r\nx\r\nping\r\n" },
      { expect: `MSG foo 1 2\r\nok\r\nMSG foo 1 1\r\nx\r\n${PONG}` },
      { send: "unsub 1\r\npub foo 1\r\nx\r\nPiNg\r\n" },
      { expect: PONG },
    ],
  },
  {
    name: "extra spaces and tabs between arguments",
    steps: [
      { send: CONNECT_QUIET },
      { send: "SUB  foo \t 1\r\n" },
      { send: "PUB\tfoo\t 2\r\nok\r\n" },
      { expect: "MSG foo 1 2\r\nok\r\n" },
      { send: "PUB  foo   rep  2 \r\nok\r\n" },
      { expect: "MSG foo 1 rep 2\r\nok\r\n" },
      { send: "SUB\tbar\tq\t2\r\nPUB bar 0\r\n\r\n" },
      { expect: "MSG bar 2 0\r\n\r\n" },
      { send: "UNSUB \t1 \r\nPUB foo 0\r\n\r\n" },
    ],
  },
  {
    name: "a bare LF ends a control line",
    steps: [{ send: CONNECT_QUIET }, { send: "SUB foo 1\nPUB foo 2\nok\r\nPING\n" }, { expect: `MSG foo 1 2\r\nok\r\n${PONG}` }],
  },
  {
    name: "token auth: no CONNECT token is refused and closed",
    server: { authorization: "s3cr3t" },
    steps: [{ send: CONNECT_QUIET }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "token auth: wrong token",
    server: { authorization: "s3cr3t" },
    steps: [{ send: connectLine({ verbose: false, auth_token: "nope" }) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "token auth: right token",
    server: { authorization: "s3cr3t" },
    steps: [{ send: connectLine({ verbose: true, auth_token: "s3cr3t" }) }, { expect: OK }],
  },
  {
    name: "auth required: PING before CONNECT",
    server: { authorization: "s3cr3t" },
    steps: [{ send: "PING\r\n" }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "auth required: SUB before CONNECT",
    server: { authorization: "s3cr3t" },
    steps: [{ send: "SUB foo 1\r\n" }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "user/password auth",
    server: { username: "derek", password: "pass" },
    steps: [
      { send: connectLine({ verbose: false, user: "derek", pass: "wrong" }) },
      { expect: ERR_AUTH },
      { closed: true },
      { c: 1, send: connectLine({ verbose: true, user: "derek", pass: "pass" }) },
      { c: 1, expect: OK },
    ],
  },
  {
    name: "users list auth",
    server: {
      users: [
        { username: "a", password: "pa" },
        { username: "b", password: "pb" },
      ],
    },
    steps: [
      { send: connectLine({ verbose: true, user: "b", pass: "pb" }) },
      { expect: OK },
      { c: 1, send: connectLine({ verbose: true, user: "a", pass: "pb" }) },
      { c: 1, expect: ERR_AUTH },
      { c: 1, closed: true },
    ],
  },
  {
    name: "auth timeout",
    server: { authorization: "s3cr3t", authTimeout: 200 },
    steps: [{ expect: "-ERR 'Authentication Timeout'\r\n", timeoutMs: 3000 }, { closed: true }],
  },
];

diffSuite("connect", conversations, { binary: true });
