// Authentication on the wire beyond tokens and plain passwords: nkeys (INFO nonce, signature),
// bcrypt passwords, no_auth_user. Recorded nats-server 2.9.10 answers.
import { createUser, encode } from "@nats-io/nkeys";
import type { Conversation } from "./conversation.ts";
import { MASKED } from "./conversation.ts";
import { CONNECT_QUIET, ERR_AUTH, OK, connectLine, diffSuite, referenceInfo } from "./suite.ts";

const nkeyUser = createUser();
const nkeyPub = nkeyUser.getPublicKey();
const otherUser = createUser();
const bcryptHash = Bun.password.hashSync("s3cret", { algorithm: "bcrypt", cost: 4 });

const NKEY_CONFIG = `authorization {
  users = [ { nkey: ${nkeyPub} }, { user: bob, password: "${bcryptHash}" } ]
}
`;
const NO_AUTH_USER_CONFIG = `authorization {
  users = [ { user: guest, password: g, permissions: { publish: "pub.>" } } ]
}
no_auth_user: guest
`;

/** A CONNECT signing the INFO nonce with `kp` (as clients do: base64url signature of the nonce bytes). */
function nkeyConnect(kp: ReturnType<typeof createUser>, asKey = kp.getPublicKey()) {
  return (info: Record<string, unknown>): string => {
    const nonce = String(info.nonce ?? "");
    const sig = Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString("base64url");
    return connectLine({ verbose: true, nkey: asKey, sig });
  };
}

const conversations: Conversation[] = [
  {
    name: "nkey users: INFO carries a nonce",
    config: NKEY_CONFIG,
    steps: [{ info: referenceInfo({ auth_required: true }, { nonce: MASKED }) }],
    noFinalPing: true,
  },
  {
    name: "nkey: a valid signature of the nonce is accepted",
    config: NKEY_CONFIG,
    steps: [{ sendWith: nkeyConnect(nkeyUser) }, { expect: OK }],
  },
  {
    name: "nkey: a signature by another key is refused",
    config: NKEY_CONFIG,
    steps: [{ sendWith: nkeyConnect(otherUser, nkeyPub) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "nkey: an unknown nkey is refused",
    config: NKEY_CONFIG,
    steps: [{ sendWith: nkeyConnect(otherUser) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "nkey: no signature is refused",
    config: NKEY_CONFIG,
    steps: [{ send: connectLine({ verbose: false, nkey: nkeyPub }) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "nkey: a signature that is not base64 is refused",
    config: NKEY_CONFIG,
    steps: [{ send: connectLine({ verbose: false, nkey: nkeyPub, sig: "!!!" }) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "nkey: a malformed public key is refused",
    config: NKEY_CONFIG,
    steps: [{ send: connectLine({ verbose: false, nkey: "UBAD", sig: Buffer.from(encode(new Uint8Array(8))).toString() }) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "bcrypt password: right and wrong",
    config: NKEY_CONFIG,
    steps: [
      { send: connectLine({ verbose: true, user: "bob", pass: "s3cret" }) },
      { expect: OK },
      { c: 1, send: connectLine({ verbose: true, user: "bob", pass: bcryptHash }) },
      { c: 1, expect: ERR_AUTH },
      { c: 1, closed: true },
    ],
  },
  {
    name: "no_auth_user: a CONNECT without credentials becomes that user",
    config: NO_AUTH_USER_CONFIG,
    steps: [
      { send: CONNECT_QUIET + "SUB pub.x 1\r\nPUB pub.x 1\r\nx\r\nPUB other 1\r\ny\r\n" },
      { expect: "MSG pub.x 1 1\r\nx\r\n-ERR 'Permissions Violation for Publish to \"other\"'\r\n" },
    ],
  },
  {
    name: "no_auth_user: wrong credentials are still refused",
    config: NO_AUTH_USER_CONFIG,
    steps: [{ send: connectLine({ verbose: false, user: "guest", pass: "nope" }) }, { expect: ERR_AUTH }, { closed: true }],
  },
  {
    name: "auth_token sent to a server without auth is ignored",
    steps: [{ send: connectLine({ verbose: true, auth_token: "whatever", user: "u", pass: "p" }) }, { expect: OK }],
  },
];

diffSuite("auth", conversations);
