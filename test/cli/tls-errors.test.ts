// TLS start-up errors of the compiled binary: bad certificate, key or CA files, from a config file (with
// and without -t) or from the --tls* flags. As nats-server 2.9.10 (GenTLSConfig inside the config parser,
// overrideTLS for the flags): one line "nats-server: <file>:<line>:<col>: <error>" or "nats-server: <error>",
// exit 1, nothing started. bnats adds the file at fault to the reference's words: "(cert_file "x.pem")".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { testCerts } from "../helpers/certs.ts";
import { hasReference } from "../helpers/ref.ts";
import { binaryRunner } from "../helpers/cli.ts";

const runner = binaryRunner("bnats-cli-tls-");
const { work, bnats, ref } = runner;
beforeAll(() => runner.prepare(), 120_000);
afterAll(() => runner.cleanUp());
const withRef = test.if(hasReference());

const certs = testCerts();
const file = (name: string, text: string): string => {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
};
const junk = file("junk.pem", "not a pem file\n");
const empty = file("empty.pem", "");
const badDer = file("bad-der.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
const aDir = join(work, "a-dir");
mkdirSync(aDir);
const missing = join(work, "missing.pem");

/** A config with a tls block at line 3, column 1 (where the reference reports GenTLSConfig's errors). */
function conf(name: string, tls: { cert?: string; key?: string; ca?: string }): string {
  const lines = ["port: -1", "", "tls {"];
  if (tls.cert !== undefined) lines.push(`  cert_file: "${tls.cert}"`);
  if (tls.key !== undefined) lines.push(`  key_file: "${tls.key}"`);
  if (tls.ca !== undefined) lines.push(`  ca_file: "${tls.ca}"`);
  lines.push("}", "");
  return file(`${name}.conf`, lines.join("\n"));
}

const good = { cert: certs.server.cert, key: certs.server.key };
const PAIR = "error parsing X509 certificate/key pair";
const q = JSON.stringify;

/** [name, tls block, expected message after "file:3:1: "] */
const CONFIG_CASES: [string, { cert?: string; key?: string; ca?: string }, string][] = [
  ["missing-cert", { ...good, cert: missing }, `${PAIR}: open ${missing}: no such file or directory`],
  ["missing-key", { ...good, key: missing }, `${PAIR}: open ${missing}: no such file or directory`],
  ["dir-cert", { ...good, cert: aDir }, `${PAIR}: read ${aDir}: is a directory`],
  ["junk-cert", { ...good, cert: junk }, `${PAIR}: tls: failed to find any PEM data in certificate input (cert_file ${q(junk)})`],
  ["empty-cert", { ...good, cert: empty }, `${PAIR}: tls: failed to find any PEM data in certificate input (cert_file ${q(empty)})`],
  ["junk-key", { ...good, key: junk }, `${PAIR}: tls: failed to find any PEM data in key input (key_file ${q(junk)})`],
  ["bad-der", { ...good, cert: badDer }, `${PAIR}: x509: malformed certificate (cert_file ${q(badDer)})`],
  [
    "switched",
    { cert: certs.server.key, key: certs.server.cert },
    `${PAIR}: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched (cert_file ${q(certs.server.key)})`,
  ],
  [
    "mismatch",
    { ...good, key: certs.client.key },
    `${PAIR}: tls: private key does not match public key (cert_file ${q(certs.server.cert)}, key_file ${q(certs.client.key)})`,
  ],
  ["missing-ca", { ...good, ca: missing }, `open ${missing}: no such file or directory`],
  ["junk-ca", { ...good, ca: junk }, `failed to parse root ca certificate (ca_file ${q(junk)})`],
];

/** The reference's line as bnats words it: our program name, and no "(cert_file ...)" addition. */
const referenceWords = (line: string): string => line.replace(/ \((cert_file|key_file|ca_file) "[^"]*"(, key_file "[^"]*")?\)$/, "");

describe("a bad tls block in the config file: file:line:col, exit 1, -t and start alike", () => {
  for (const [name, tls, message] of CONFIG_CASES) {
    const path = conf(name, tls);
    const line = `bnats: ${path}:3:1: ${message}\n`;
    test(`${name}: -t`, () => {
      expect(bnats("-t", "-c", path)).toEqual({ code: 1, out: "", err: line });
    });
    test(`${name}: start`, () => {
      // Nothing is logged or started: the error comes from the configuration, before the logger.
      expect(bnats("-c", path)).toEqual({ code: 1, out: "", err: line });
    });
    withRef(`${name}: the reference's words`, () => {
      for (const args of [["-t", "-c", path], ["-c", path]]) {
        const r = ref(...args);
        expect(r.code).toBe(1);
        expect(r.err.trimEnd()).toBe(referenceWords(line.trimEnd()).replace(/^bnats:/, "nats-server:"));
      }
    });
  }
  test("-tls=false does not skip the check (the file is parsed first, as the reference)", () => {
    const path = conf("junk-cert", { ...good, cert: junk });
    const r = bnats("-c", path, "-tls=false");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path}:3:1: ${PAIR}`);
  });
});

describe("bad --tls* flag files: the reference's text, exit 1", () => {
  const FLAG_CASES: [string[], string][] = [
    [["--tls", "--tlscert", missing, "--tlskey", certs.server.key], `${PAIR}: open ${missing}: no such file or directory`],
    [["--tlscert", junk, "--tlskey", certs.server.key], `${PAIR}: tls: failed to find any PEM data in certificate input (cert_file ${q(junk)})`],
    [
      ["--tlscert", certs.server.cert, "--tlskey", certs.client.key],
      `${PAIR}: tls: private key does not match public key (cert_file ${q(certs.server.cert)}, key_file ${q(certs.client.key)})`,
    ],
    [["--tlscert", certs.server.cert, "--tlskey", certs.server.key, "--tlscacert", junk], `failed to parse root ca certificate (ca_file ${q(junk)})`],
  ];
  for (const [args, message] of FLAG_CASES) {
    const label = args.map((a) => a.replace(work, "")).join(" ");
    test(label, () => {
      expect(bnats("-p", "-1", ...args)).toEqual({ code: 1, out: "", err: `bnats: ${message}\n` });
    });
    withRef(`${label}: as the reference`, () => {
      const r = ref("-p", "-1", ...args);
      expect(r.code).toBe(1);
      expect(r.err.trimEnd()).toBe(`nats-server: ${referenceWords(message)}`);
    });
  }
  test("-t with a config file does not read the flags' TLS files (the reference returns before overrideTLS)", () => {
    const path = file("plain.conf", "port: -1\n");
    expect(bnats("-t", "-c", path, "--tlscert", junk, "--tlskey", certs.server.key).code).toBe(0);
  });
});
