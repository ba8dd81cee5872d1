// Publish/subscribe permissions and allow_responses on the wire: recorded nats-server 2.9.10 answers.
import type { Conversation } from "./conversation.ts";
import { OK, PONG, connectLine, diffSuite } from "./suite.ts";

const CONFIG = `authorization {
  users = [
    {
      user: alice, password: a
      permissions: {
        publish: { allow: ["foo", "foo.>", "req.>", "svc"], deny: ["foo.secret"] }
        subscribe: { allow: ["bar", "bar.>", "_INBOX.>"], deny: ["bar.secret"] }
      }
    }
    {
      user: rob, password: r
      permissions: { publish: { deny: ">" }, subscribe: "svc", allow_responses: true }
    }
    {
      user: max, password: m
      permissions: { subscribe: "svc", publish: { deny: ">" }, allow_responses: { max: 2 } }
    }
    { user: root, password: x }
  ]
}
`;

const alice = connectLine({ verbose: false, user: "alice", pass: "a" });
const rob = connectLine({ verbose: false, user: "rob", pass: "r" });
const max = connectLine({ verbose: false, user: "max", pass: "m" });
const root = connectLine({ verbose: false, user: "root", pass: "x" });
const pubDenied = (s: string): string => `-ERR 'Permissions Violation for Publish to "${s}"'\r\n`;
const subDenied = (s: string): string => `-ERR 'Permissions Violation for Subscription to "${s}"'\r\n`;

const conversations: Conversation[] = [
  {
    name: "publish outside the allow list: -ERR, connection stays, nothing delivered",
    config: CONFIG,
    steps: [
      { c: 1, send: root + "SUB > 1\r\n" },
      { c: 1, ping: true },
      { send: alice + "PUB baz 1\r\nx\r\n" },
      { expect: pubDenied("baz") },
      { send: "PUB foo 1\r\ny\r\n" },
      { ping: true },
      { c: 1, expect: "MSG foo 1 1\r\ny\r\n" },
    ],
  },
  {
    name: "publish deny wins over allow",
    config: CONFIG,
    steps: [{ send: alice + "PUB foo.secret 1\r\nx\r\n" }, { expect: pubDenied("foo.secret") }],
  },
  {
    name: "HPUB is checked like PUB",
    config: CONFIG,
    steps: [
      { send: connectLine({ verbose: false, headers: true, user: "alice", pass: "a" }) + "HPUB baz 12 13\r\nNATS/1.0\r\n\r\nx\r\n" },
      { expect: pubDenied("baz") },
    ],
  },
  {
    name: "subscribe outside the allow list",
    config: CONFIG,
    steps: [
      { send: alice + "SUB baz 1\r\n" },
      { expect: subDenied("baz") },
      { send: "SUB bar.secret 2\r\n" },
      { expect: subDenied("bar.secret") },
      { send: "SUB > 3\r\n" },
      { expect: subDenied(">") },
    ],
  },
  {
    name: "queue subscribe denied names the queue",
    config: CONFIG,
    steps: [{ send: alice + "SUB baz workers 1\r\n" }, { expect: `-ERR 'Permissions Violation for Subscription to "baz" using queue "workers"'\r\n` }],
  },
  {
    name: "a wildcard subscription does not receive denied subjects",
    config: CONFIG,
    steps: [
      { send: alice + "SUB bar.> 1\r\n" },
      { ping: true },
      { c: 1, send: root + "PUB bar.secret 1\r\nx\r\nPUB bar.open 1\r\ny\r\n" },
      { c: 1, ping: true },
      { expect: "MSG bar.open 1 1\r\ny\r\n" },
    ],
  },
  {
    name: "verbose: a denied publish gets -ERR and no +OK",
    config: CONFIG,
    steps: [
      { send: connectLine({ verbose: true, user: "alice", pass: "a" }) },
      { expect: OK },
      { send: "PUB baz 1\r\nx\r\n" },
      { expect: pubDenied("baz") },
      { send: "PUB foo 1\r\nx\r\n" },
      { expect: OK },
    ],
  },
  {
    name: "allow_responses: one reply per request, then denied",
    config: CONFIG,
    steps: [
      { c: 1, send: rob + "SUB svc 1\r\n" },
      { c: 1, ping: true },
      { send: alice + "SUB _INBOX.a 9\r\nPUB svc _INBOX.a 3\r\nreq\r\n" },
      { c: 1, expect: "MSG svc 1 _INBOX.a 3\r\nreq\r\n" },
      { c: 1, send: "PUB _INBOX.a 3\r\nrep\r\n" },
      { expect: "MSG _INBOX.a 9 3\r\nrep\r\n" },
      { c: 1, send: "PUB _INBOX.a 4\r\nrep2\r\n" },
      { c: 1, expect: pubDenied("_INBOX.a") },
      { c: 1, send: "PUB other 1\r\nx\r\n" },
      { c: 1, expect: pubDenied("other") },
    ],
  },
  {
    name: "allow_responses with max 2",
    config: CONFIG,
    steps: [
      { c: 1, send: max + "SUB svc 1\r\n" },
      { c: 1, ping: true },
      { send: alice + "SUB _INBOX.b 9\r\nPUB svc _INBOX.b 1\r\nq\r\n" },
      { c: 1, expect: "MSG svc 1 _INBOX.b 1\r\nq\r\n" },
      { c: 1, send: "PUB _INBOX.b 1\r\n1\r\nPUB _INBOX.b 1\r\n2\r\nPUB _INBOX.b 1\r\n3\r\n" },
      { c: 1, expect: pubDenied("_INBOX.b") },
      { expect: "MSG _INBOX.b 9 1\r\n1\r\nMSG _INBOX.b 9 1\r\n2\r\n" },
    ],
  },
  {
    name: "a user without permissions may do anything",
    config: CONFIG,
    steps: [{ send: root + "SUB > 1\r\nPUB anything.at.all 1\r\nx\r\nPING\r\n" }, { expect: `MSG anything.at.all 1 1\r\nx\r\n${PONG}` }],
  },
];

diffSuite("permissions", conversations);
