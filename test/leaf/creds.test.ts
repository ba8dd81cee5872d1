// Signing the hub's nonce with a creds file, as leafnode.go sendLeafConnect; errors never carry the seed.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser, fromPublic } from "@nats-io/nkeys";
import { CredsError, signWithCredsFile } from "../../src/leaf/creds.ts";
import { newAccount, newOperator, newUserCreds, operatorConfig } from "../helpers/jwt.ts";
import { REFERENCE_BINARY } from "../helpers/ref.ts";
import { leafz, startServer, waitLeafs, waitLeafSub } from "../helpers/topology.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function credsText(jwt: string, seed: string): string {
  return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n\n*************************************************************\n`;
}

describe("creds", () => {
  test("the JWT and a signature of the nonce that the public key verifies", () => {
    const kp = createUser();
    const seed = new TextDecoder().decode(kp.getSeed());
    const f = join(dir, "u.creds");
    writeFileSync(f, credsText("eyJ0eXAiOiJKV1QifQ.e30.sig", seed));
    const r = signWithCredsFile(f, "abcNONCE");
    expect(r.jwt).toBe("eyJ0eXAiOiJKV1QifQ.e30.sig");
    expect(r.sig).not.toContain("=");
    const ok = fromPublic(kp.getPublicKey()).verify(new TextEncoder().encode("abcNONCE"), Buffer.from(r.sig, "base64url"));
    expect(ok).toBe(true);
  });
  test("malformed files and seeds, missing files", () => {
    const f = join(dir, "bad.creds");
    writeFileSync(f, "just text");
    expect(() => signWithCredsFile(f, "n")).toThrow("Credentials file malformed");
    writeFileSync(f, credsText("jwt", "SUANOTASEEDATALL"));
    expect(() => signWithCredsFile(f, "n")).toThrow(new CredsError("Credentials file has malformed seed"));
    expect(() => signWithCredsFile(join(dir, "none.creds"), "n")).toThrow(`open ${join(dir, "none.creds")}: no such file or directory`);
  });
});

describe.skipIf(!existsSync(REFERENCE_BINARY))("a bnats leaf with a creds file, on a nats-server hub in operator mode", () => {
  test("the hub verifies the JWT and the signed nonce and binds the link to the user's account", async () => {
    const op = newOperator();
    const sys = newAccount(op, "SYS");
    const app = newAccount(op, "APP");
    const leafCreds = join(dir, "leaf.creds");
    writeFileSync(leafCreds, newUserCreds(app, "leaf"));
    const clientCreds = newUserCreds(app, "client");
    const hub = await startServer("reference", `server_name: ophub\n${operatorConfig(op, [sys, app], sys)}leafnodes { listen: "127.0.0.1:-1" }`);
    const leaf = await startServer("bnats", `server_name: credleaf\nleafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${hub.leafPort}", credentials: "${leafCreds}" } ] }`);
    const nh = await connect({ servers: `127.0.0.1:${hub.port}`, authenticator: credsAuthenticator(new TextEncoder().encode(clientCreds)), reconnect: false });
    const nl = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
    try {
      await waitLeafs(hub, 1, [leaf]);
      const z = await leafz(hub);
      expect(z.leafs![0]!.account).toBe(app.pub);
      nl.subscribe("creds.svc", { callback: (_e, m) => void m.respond(`ok:${m.string()}`) });
      await nl.flush();
      await waitLeafSub(hub, "creds.svc");
      expect((await nh.request("creds.svc", "x", { timeout: 3000 })).string()).toBe("ok:x");
      const seed = /-----BEGIN USER NKEY SEED-----\n(.+)\n/.exec(readFileSync(leafCreds, "utf8"))![1]!;
      expect(leaf.logs()).not.toContain(seed);
    } finally {
      await nh.close();
      await nl.close();
      await leaf.stop();
      await hub.stop();
    }
  }, 20_000);
});
