// Differential: the same configuration text run by the reference nats-server (when installed) and by
// bnats (through the config loader), driven by the same wire conversations. The recorded answers are
// the reference's; where bnats deliberately differs (security fixes), the reference's answer is
// checked separately so the difference stays documented.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { expectedTranscript, runConversation, type Conversation } from "../diff/conversation.ts";
import { startBnats } from "../helpers/bnats.ts";
import type { RunningServer } from "../helpers/proc.ts";
import { hasReference, startReference } from "../helpers/ref.ts";
import { RawClient } from "../helpers/raw.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-auth-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function bnatsWith(config: string): Promise<RunningServer> {
  const file = join(dir, `c${++n}.conf`);
  writeFileSync(file, config);
  return startBnats({ options: loadConfig(file).options });
}

function referenceWith(config: string): Promise<RunningServer> {
  return startReference({ config });
}

const connect = (f: Record<string, unknown> = {}): string => `CONNECT ${JSON.stringify({ verbose: false, pedantic: false, ...f })}\r\n`;
const ERR_AUTH = "-ERR 'Authorization Violation'\r\n";
const pubErr = (s: string): string => `-ERR 'Permissions Violation for Publish to "${s}"'\r\n`;
const subErr = (s: string, q?: string): string =>
  `-ERR 'Permissions Violation for Subscription to "${s}"${q === undefined ? "" : ` using queue "${q}"`}'\r\n`;
const PONG = "PONG\r\n";

// nats-server test/auth_test.go: bcrypt("IW@$6v(y1(t@fhPDvf!5^%") at cost 4.
const BCRYPT_PASS = "IW@$6v(y1(t@fhPDvf!5^%";
const BCRYPT_HASH = "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq";

interface Case {
  config: string;
  convs: Conversation[];
}

const USERS_CONF = `
authorization {
  PASS: "${BCRYPT_HASH}"
  ADMIN = { publish = ">", subscribe = ">" }
  REQUESTOR = { publish = ["req.foo", "req.bar"], subscribe = "_INBOX.*" }
  DEFAULT_PERMISSIONS = { publish = "SANDBOX.*", subscribe = ["PUBLIC.>", "_INBOX.>"] }
  NEW_STYLE = {
    publish = { allow = "*.*", deny = ["SYS.*", "bar.baz", "foo.*"] }
    subscribe = { allow = "foo.*", deny = "foo.baz" }
  }
  NS_PUB = { publish = "foo.baz", subscribe = "foo.baz" }
  SVC = { subscribe = "my.service.req", allow_responses = true }
  SVCB = { subscribe = "my.service.req", allow_responses = { max = 3 } }
  QUEUES = { subscribe = { allow = ["foo", "foo v1", "> bar.*"], deny = ["> *.dev"] } }
  users = [
    { user: alice, password: $PASS, permissions: $ADMIN }
    { user: bob, password: $PASS, permissions: $REQUESTOR }
    { user: joe, password: $PASS }
    { user: ns, password: $PASS, permissions: $NEW_STYLE }
    { user: nspub, password: $PASS, permissions: $NS_PUB }
    { user: svca, password: plain, permissions: $SVC }
    { user: svcb, password: plain, permissions: $SVCB }
    { user: q, password: plain, permissions: $QUEUES }
  ]
  default_permissions = $DEFAULT_PERMISSIONS
}
`;

const login = (user: string, pass = BCRYPT_PASS): string => connect({ user, pass });

const cases: Record<string, Case> = {
  token: {
    config: `authorization { token: "s3cr3t" }\n`,
    convs: [
      { name: "good token", steps: [{ send: connect({ auth_token: "s3cr3t" }) + "PING\r\n" }, { expect: PONG }] },
      { name: "bad token", steps: [{ send: connect({ auth_token: "s3cr3" }) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "no token", steps: [{ send: connect() }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "user/pass is not a token", steps: [{ send: connect({ user: "s3cr3t", pass: "s3cr3t" }) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "PING before CONNECT", steps: [{ send: "PING\r\n" }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "SUB before CONNECT", steps: [{ send: "SUB foo 1\r\n" }, { expect: ERR_AUTH }, { closed: true }] },
      {
        name: "verbose CONNECT gets +OK",
        steps: [{ send: connect({ verbose: true, auth_token: "s3cr3t" }) }, { expect: "+OK\r\n" }],
      },
      {
        name: "account in CONNECT is refused",
        steps: [{ send: connect({ auth_token: "s3cr3t", account: "A" }) }, { expect: ERR_AUTH }, { closed: true }],
      },
    ],
  },
  bcryptToken: {
    config: `authorization { token: "$2a$04$u5ZClXpcjHgpfc61Ee0VKuwI1K3vTC4zq7SjphjnlHMeb1Llkb5Y6" }\n`,
    convs: [
      { name: "good bcrypt token", steps: [{ send: connect({ auth_token: "0uhJOSr3GW7xvHvtd^K6pa" }) + "PING\r\n" }, { expect: PONG }] },
      {
        name: "the hash itself is not the token",
        steps: [{ send: connect({ auth_token: "$2a$04$u5ZClXpcjHgpfc61Ee0VKuwI1K3vTC4zq7SjphjnlHMeb1Llkb5Y6" }) }, { expect: ERR_AUTH }, { closed: true }],
      },
    ],
  },
  singleUser: {
    config: `authorization { user: derek, password: "porkchop", timeout: 0.5 }\n`,
    convs: [
      { name: "good user", steps: [{ send: connect({ user: "derek", pass: "porkchop" }) + "PING\r\n" }, { expect: PONG }] },
      { name: "bad password", steps: [{ send: connect({ user: "derek", pass: "pork" }) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "bad user", steps: [{ send: connect({ user: "derk", pass: "porkchop" }) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "password only", steps: [{ send: connect({ pass: "porkchop" }) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "auth timeout", steps: [{ expect: "-ERR 'Authentication Timeout'\r\n", timeoutMs: 3000 }, { closed: true }] },
    ],
  },
  users: {
    config: USERS_CONF,
    convs: [
      {
        name: "alice can do anything",
        steps: [{ send: login("alice") + "SUB foo 1\r\nPUB foo 2\r\nok\r\nPUB _ 2\r\nok\r\nPING\r\n" }, { expect: "MSG foo 1 2\r\nok\r\nPONG\r\n" }],
      },
      { name: "wrong password", steps: [{ send: login("alice", "nope") }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "the hash is not the password", steps: [{ send: login("alice", BCRYPT_HASH) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "unknown user", steps: [{ send: login("mallory") }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "no credentials", steps: [{ send: connect() }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "a token is no user", steps: [{ send: connect({ auth_token: BCRYPT_PASS }) }, { expect: ERR_AUTH }, { closed: true }] },
      {
        name: "bob is a requestor",
        steps: [
          { send: login("bob") + "SUB foo 1\r\nPUB foo 2\r\nok\r\nSUB _INBOX.abcd 2\r\nPUB req.foo 2\r\nok\r\nPUB req.bar 2\r\nok\r\nSUB _INBOX.a.b 3\r\nSUB _INBOX.* 4\r\nPING\r\n" },
          { expect: subErr("foo") + pubErr("foo") + subErr("_INBOX.a.b") + PONG },
        ],
      },
      {
        name: "joe gets the default permissions",
        steps: [
          { send: login("joe") + "SUB foo.bar.* 1\r\nPUB foo.bar.baz 2\r\nok\r\nSUB _INBOX.abcd 2\r\nSUB PUBLIC.abcd 3\r\nPUB SANDBOX.foo 2\r\nok\r\nPUB SANDBOX.foo.bar 2\r\nok\r\nPING\r\n" },
          { expect: subErr("foo.bar.*") + pubErr("foo.bar.baz") + pubErr("SANDBOX.foo.bar") + PONG },
        ],
      },
      {
        name: "new style allow/deny",
        steps: [
          { send: login("ns") + "PUB SANDBOX.foo 2\r\nok\r\nPUB baz.bar 2\r\nok\r\nPUB foo 2\r\nok\r\nPUB bar 2\r\nok\r\nPUB foo.bar 2\r\nok\r\nPUB foo.bar.baz 2\r\nok\r\nPUB SYS.1 2\r\nok\r\nPING\r\n" },
          { expect: pubErr("foo") + pubErr("bar") + pubErr("foo.bar") + pubErr("foo.bar.baz") + pubErr("SYS.1") + PONG },
          { send: "SUB foo.bar 1\r\nSUB foo.foo 2\r\nSUB foo 3\r\nSUB foo.baz 4\r\nSUB > 5\r\nSUB foo.> 6\r\nSUB foo.baz q 7\r\nPING\r\n" },
          // As the reference, allow "foo.*" admits SUB "foo.>" (its '*' matches the literal token '>').
          { expect: subErr("foo") + subErr("foo.baz") + subErr(">") + subErr("foo.baz", "q") + PONG },
        ],
      },
      {
        name: "subscribe deny filters a wider wildcard at delivery; queues route around",
        steps: [
          { send: login("ns") + "SUB foo.* 1\r\nSUB foo.* bar 2\r\nPING\r\n" },
          { expect: PONG },
          { c: 1, send: login("nspub") + "PUB foo.baz 2\r\nok\r\nSUB foo.baz bar 2\r\nPING\r\n" },
          { c: 1, expect: PONG },
          { c: 1, send: "PUB foo.baz 2\r\nok\r\n".repeat(10) + "PING\r\n" },
          { c: 1, expect: "MSG foo.baz 2 2\r\nok\r\n".repeat(10) + PONG },
          { ping: true },
        ],
      },
      {
        name: "allow_responses: one response per request",
        steps: [
          { c: 1, send: login("alice") + "SUB resp.> 9\r\nPING\r\n" },
          { c: 1, expect: PONG },
          { send: connect({ user: "svca", pass: "plain" }) + "SUB my.service.req 1\r\nPING\r\n" },
          { expect: PONG },
          { c: 1, send: "PUB my.service.req resp.bar.22 2\r\nok\r\nPING\r\n" },
          { c: 1, expect: PONG },
          { expect: "MSG my.service.req 1 resp.bar.22 2\r\nok\r\n" },
          { send: "PUB resp.bar.22 2\r\nr1\r\nPUB resp.bar.33 2\r\nno\r\nPUB resp.bar.22 2\r\nr2\r\nPUB my.service.req 2\r\nno\r\nPING\r\n" },
          { expect: pubErr("resp.bar.33") + pubErr("resp.bar.22") + pubErr("my.service.req") + PONG },
          { c: 1, expect: "MSG resp.bar.22 9 2\r\nr1\r\n" },
        ],
      },
      {
        name: "allow_responses with max 3",
        steps: [
          { c: 1, send: login("alice") + "PING\r\n" },
          { c: 1, expect: PONG },
          { send: connect({ user: "svcb", pass: "plain" }) + "SUB my.service.req 1\r\nPING\r\n" },
          { expect: PONG },
          { c: 1, send: "PUB my.service.req r.1 2\r\nok\r\nPING\r\n" },
          { c: 1, expect: PONG },
          { expect: "MSG my.service.req 1 r.1 2\r\nok\r\n" },
          { send: "PUB r.1 0\r\n\r\n".repeat(4) + "PING\r\n" },
          { expect: pubErr("r.1") + PONG },
        ],
      },
      {
        name: "queue permissions",
        steps: [
          { send: connect({ user: "q", pass: "plain" }) + "SUB foo 1\r\nSUB foo v1 2\r\nSUB foo v2 3\r\nSUB x 4\r\nSUB x bar.y 5\r\nSUB x bar.dev 6\r\nSUB x bar 7\r\nPING\r\n" },
          { expect: subErr("foo", "v2") + subErr("x") + subErr("x", "bar.dev") + subErr("x", "bar") + PONG },
        ],
      },
      {
        name: "the reserved _sys_ queue",
        steps: [{ send: login("alice") + "SUB foo _sys_ 1\r\nPING\r\n" }, { expect: subErr("foo", "_sys_") + PONG }],
      },
    ],
  },
  noAuthUser: {
    config: `
authorization {
  users = [
    { user: a, password: pa, permissions: { publish: "foo" } }
    { user: b, password: pb }
  ]
}
no_auth_user: a
`,
    convs: [
      {
        name: "no credentials: the no_auth_user, with its permissions",
        steps: [{ send: connect() + "PUB foo 0\r\n\r\nPUB bar 0\r\n\r\nPING\r\n" }, { expect: pubErr("bar") + PONG }],
      },
      { name: "other credentials are still checked", steps: [{ send: connect({ user: "b", pass: "pb" }) + "PUB bar 0\r\n\r\nPING\r\n" }, { expect: PONG }] },
      { name: "wrong password is not the no_auth_user", steps: [{ send: connect({ user: "b", pass: "x" }) }, { expect: ERR_AUTH }, { closed: true }] },
      { name: "a token is not the no_auth_user", steps: [{ send: connect({ auth_token: "x" }) }, { expect: ERR_AUTH }, { closed: true }] },
      {
        name: "no CONNECT at all: telnet style, defaults verbose",
        steps: [{ send: "PUB foo 0\r\n\r\nPUB bar 0\r\n\r\nPING\r\n" }, { expect: "+OK\r\n" + pubErr("bar") + PONG }],
      },
    ],
  },
  nkeyInfo: {
    config: `authorization { users = [ { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }, { user: a, password: b } ] }\n`,
    convs: [
      {
        name: "a bad signature",
        steps: [{ send: connect({ nkey: "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4", sig: "AAAA" }) }, { expect: ERR_AUTH }, { closed: true }],
      },
      {
        name: "no signature",
        steps: [{ send: connect({ nkey: "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4" }) }, { expect: ERR_AUTH }, { closed: true }],
      },
      { name: "users still log in", steps: [{ send: connect({ user: "a", pass: "b" }) + "PING\r\n" }, { expect: PONG }] },
    ],
  },
};

function register(title: string, start: (config: string) => Promise<RunningServer>): void {
  for (const [name, c] of Object.entries(cases)) {
    describe(`${title} ${name}`, () => {
      for (const conv of c.convs) {
        test(conv.name, async () => {
          const s = await start(c.config);
          try {
            expect(await runConversation(conv, s.port)).toEqual(expectedTranscript(conv));
          } finally {
            await s.stop();
          }
        });
      }
    });
  }
}

describe.if(hasReference())("[nats-server]", () => register("auth", referenceWith));

// INFO's auth fields, compared between the two (the rest of INFO is the core suites' business).
describe.if(hasReference())("INFO auth fields equal the reference's", () => {
  const configs: Record<string, string> = {
    none: "",
    token: cases.token!.config,
    singleUser: cases.singleUser!.config,
    users: USERS_CONF,
    noAuthUser: cases.noAuthUser!.config,
    nkeys: cases.nkeyInfo!.config,
  };
  for (const [name, config] of Object.entries(configs)) {
    test(name, async () => {
      const got: Record<string, unknown>[] = [];
      for (const start of [referenceWith, bnatsWith]) {
        const s = await start(config);
        const c = await RawClient.connect(s.port);
        try {
          const info = await c.readInfo();
          got.push({ auth_required: info.auth_required, nonce: typeof info.nonce === "string" ? info.nonce.length : undefined });
        } finally {
          c.close();
          await s.stop();
        }
      }
      expect(got[1]).toEqual(got[0]!);
    });
  }
});
describe("[bnats]", () => register("auth", bnatsWith));

// Where bnats is deliberately stricter than 2.9.10 (later releases' fixes / the issue's security
// requirements). Each runs against both: the reference shows the old answer, bnats the fixed one.
const DEVIATIONS_CONF = `
authorization {
  users = [
    { user: qd, password: p, permissions: { subscribe: { deny: ["foo", "foo bar"] } } }
    { user: od, password: p, permissions: { subscribe: { deny: ["secret.>"] } } }
    { user: wide, password: p, permissions: { subscribe: { allow: ["foo.*"] } } }
    { user: pub, password: p }
  ]
}
`;

const queueDeny: Conversation = {
  name: "a queue subscription never gets past a subject deny",
  steps: [{ send: connect({ user: "qd", pass: "p" }) + "SUB foo baz 1\r\nPING\r\n" }, { expect: subErr("foo", "baz") + PONG }],
};
const overlapDeny: Conversation = {
  name: "a wildcard overlapping a deny does not receive the denied subjects",
  steps: [
    { send: connect({ user: "od", pass: "p" }) + "SUB *.x 1\r\nPING\r\n" },
    { expect: PONG },
    { c: 1, send: connect({ user: "pub", pass: "p" }) + "PUB secret.x 2\r\nno\r\nPUB public.x 2\r\nok\r\nPING\r\n" },
    { c: 1, expect: PONG },
    { expect: "MSG public.x 1 2\r\nok\r\n" },
  ],
};

const wideWildcard: Conversation = {
  name: "a wildcard accepted beyond the allow list receives only allowed subjects",
  steps: [
    { send: connect({ user: "wide", pass: "p" }) + "SUB foo.> 1\r\nPING\r\n" },
    { expect: PONG },
    { c: 1, send: connect({ user: "pub", pass: "p" }) + "PUB foo.a.b 2\r\nno\r\nPUB foo.a 2\r\nok\r\nPING\r\n" },
    { c: 1, expect: PONG },
    { expect: "MSG foo.a 1 2\r\nok\r\n" },
  ],
};

describe("deliberate differences", () => {
  for (const conv of [queueDeny, overlapDeny, wideWildcard]) {
    test(`[bnats] ${conv.name}`, async () => {
      const s = await bnatsWith(DEVIATIONS_CONF);
      try {
        expect(await runConversation(conv, s.port)).toEqual(expectedTranscript(conv));
      } finally {
        await s.stop();
      }
    });
    test.if(hasReference())(`[nats-server 2.9.10 differs] ${conv.name}`, async () => {
      const s = await referenceWith(DEVIATIONS_CONF);
      try {
        expect(await runConversation(conv, s.port)).not.toEqual(expectedTranscript(conv));
      } finally {
        await s.stop();
      }
    });
  }
});
