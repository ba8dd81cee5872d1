// Decentralized (operator/JWT) credentials for tests, as `nsc` makes them: an operator, accounts signed
// by it, users signed by their account, and the creds file a user or a leaf remote reads. JWT v2:
// base64url(header).base64url(claims).base64url(ed25519 signature by the issuer's nkey).
import { createAccount, createOperator, createUser, type KeyPair } from "@nats-io/nkeys";

const HEADER = { typ: "JWT", alg: "ed25519-nkey" };

function b64(v: object | Uint8Array): string {
  return Buffer.from(v instanceof Uint8Array ? v : JSON.stringify(v)).toString("base64url");
}

function sign(issuer: KeyPair, subject: string, name: string, nats: object): string {
  const claims = {
    jti: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex").toUpperCase().slice(0, 52),
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    name,
    sub: subject,
    nats,
  };
  const body = `${b64(HEADER)}.${b64(claims)}`;
  return `${body}.${b64(issuer.sign(new TextEncoder().encode(body)))}`;
}

export interface TestOperator {
  jwt: string;
  kp: KeyPair;
}

export interface TestAccount {
  name: string;
  pub: string;
  jwt: string;
  kp: KeyPair;
}

export function newOperator(name = "OP"): TestOperator {
  const kp = createOperator();
  return { kp, jwt: sign(kp, kp.getPublicKey(), name, { type: "operator", version: 2 }) };
}

export function newAccount(op: TestOperator, name: string): TestAccount {
  const kp = createAccount();
  const pub = kp.getPublicKey();
  const nats = {
    limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
    default_permissions: { pub: {}, sub: {} },
    type: "account",
    version: 2,
  };
  return { name, pub, kp, jwt: sign(op.kp, pub, name, nats) };
}

/** A user of `acc`, as the text of its creds file. */
export function newUserCreds(acc: TestAccount, name: string): string {
  const kp = createUser();
  const jwt = sign(acc.kp, kp.getPublicKey(), name, { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: "user", version: 2 });
  const seed = new TextDecoder().decode(kp.getSeed());
  return (
    `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n` +
    `************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\nNKEYs are sensitive and should be treated as secrets.\n\n` +
    `-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n\n*************************************************************\n`
  );
}

/** nats-server config lines for operator mode with these accounts preloaded (resolver MEMORY). */
export function operatorConfig(op: TestOperator, accounts: TestAccount[], system?: TestAccount): string {
  const preload = accounts.map((a) => `  ${a.pub}: "${a.jwt}"`).join("\n");
  return `operator: "${op.jwt}"\n${system ? `system_account: ${system.pub}\n` : ""}resolver: MEMORY\nresolver_preload: {\n${preload}\n}\n`;
}
