// Server limits on the wire: max_connections, max_subscriptions, ping interval / stale connections.
// Recorded nats-server 2.9.10 answers (ping cases ported from its test/ping_test.go).
import type { Conversation } from "./conversation.ts";
import { CONNECT_QUIET, OK, PONG, connectLine, diffSuite } from "./suite.ts";

const PING = "PING\r\n";
const STALE = "-ERR 'Stale Connection'\r\n";
const slow = { timeoutMs: 3000 };

const conversations: Conversation[] = [
  {
    name: "max_connections: the connection over the limit gets INFO, -ERR and is closed",
    server: { maxConnections: 2 },
    steps: [
      { c: 0, send: CONNECT_QUIET },
      { c: 0, ping: true },
      { c: 1, send: CONNECT_QUIET },
      { c: 1, ping: true },
      { c: 2, expect: "-ERR 'maximum connections exceeded'\r\n" },
      { c: 2, closed: true },
    ],
  },
  {
    name: "max_connections: existing connections keep working",
    server: { maxConnections: 1 },
    steps: [
      { c: 0, send: CONNECT_QUIET + "SUB foo 1\r\n" },
      { c: 0, ping: true },
      { c: 1, expect: "-ERR 'maximum connections exceeded'\r\n" },
      { c: 1, closed: true },
      { c: 0, send: "PUB foo 1\r\nx\r\n" },
      { c: 0, expect: "MSG foo 1 1\r\nx\r\n" },
    ],
  },
  {
    name: "max_subscriptions: the SUB over the limit gets -ERR, the connection stays",
    server: { maxSubscriptions: 2 },
    steps: [
      { send: CONNECT_QUIET + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n" },
      { expect: "-ERR 'maximum subscriptions exceeded'\r\n" },
      { send: "PUB c 1\r\nx\r\nPUB b 1\r\ny\r\n" },
      { expect: "MSG b 2 1\r\ny\r\n" },
    ],
  },
  {
    name: "max_subscriptions: a freed slot can be reused",
    server: { maxSubscriptions: 1 },
    steps: [
      { send: CONNECT_QUIET + "SUB a 1\r\nUNSUB 1\r\nSUB b 2\r\nPUB b 1\r\ny\r\n" },
      { expect: "MSG b 2 1\r\ny\r\n" },
    ],
  },
  {
    name: "max_subscriptions: verbose client gets -ERR instead of +OK",
    server: { maxSubscriptions: 1 },
    steps: [
      { send: connectLine({ verbose: true }) },
      { expect: OK },
      { send: "SUB a 1\r\nSUB b 2\r\n" },
      { expect: OK + "-ERR 'maximum subscriptions exceeded'\r\n" },
    ],
  },
  {
    // As nats-server 2.9: the limit is checked before the sid lookup, so a duplicate SUB is refused too.
    name: "max_subscriptions: a duplicate sid at the limit is refused",
    server: { maxSubscriptions: 1 },
    steps: [
      { send: CONNECT_QUIET + "SUB a 1\r\nSUB a 1\r\n" },
      { expect: "-ERR 'maximum subscriptions exceeded'\r\n" },
      { send: "PUB a 1\r\nx\r\n" },
      { expect: "MSG a 1 1\r\nx\r\n" },
    ],
  },
  {
    name: "max_subscriptions is per connection",
    server: { maxSubscriptions: 1 },
    steps: [
      { c: 0, send: CONNECT_QUIET + "SUB a 1\r\n" },
      { c: 0, ping: true },
      { c: 1, send: CONNECT_QUIET + "SUB a 1\r\nPUB a 1\r\nx\r\n" },
      { c: 1, expect: "MSG a 1 1\r\nx\r\n" },
      { c: 0, expect: "MSG a 1 1\r\nx\r\n" },
    ],
  },
  {
    name: "ping interval: PINGs up to ping_max, then Stale Connection (TestPingInterval)",
    server: { pingInterval: 100, pingMax: 2 },
    steps: [
      { send: CONNECT_QUIET },
      { expect: PING, ...slow },
      { expect: PING, ...slow },
      { expect: STALE, ...slow },
      { closed: true },
    ],
  },
  {
    name: "ping interval: answered PINGs keep the connection",
    server: { pingInterval: 100, pingMax: 1 },
    steps: [
      { send: CONNECT_QUIET },
      { expect: PING, ...slow },
      { send: PONG },
      { expect: PING, ...slow },
      { send: PONG },
      { expect: PING, ...slow },
      { expect: STALE, ...slow },
      { closed: true },
    ],
  },
  {
    name: "ping interval: unprompted PONGs do not count (TestUnpromptedPong)",
    server: { pingInterval: 100, pingMax: 2 },
    steps: [
      { send: CONNECT_QUIET + PONG.repeat(100) },
      { expect: PING, ...slow },
      { expect: PING, ...slow },
      { expect: STALE, ...slow },
      { closed: true },
    ],
  },
  {
    // As nats-server: ping_max 0 means the default, 2.
    name: "ping interval: ping_max 0 is the default 2",
    server: { pingInterval: 100, pingMax: 0 },
    steps: [{ send: CONNECT_QUIET }, { expect: PING, ...slow }, { expect: PING, ...slow }, { expect: STALE, ...slow }, { closed: true }],
  },
];

diffSuite("limits", conversations, { binary: true });
