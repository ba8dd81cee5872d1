// Signing the hub's nonce with a creds file, as leafnode.go sendLeafConnect; errors never carry the seed.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser, fromPublic } from "@nats-io/nkeys";
import { CredsError, signWithCredsFile } from "../../src/leaf/creds.ts";

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
