// A throw-away self-signed certificate for the TLS scenarios, made with openssl on first use (no key
// material in the repository) and removed when the runner exits.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchCert {
  cert: string;
  key: string;
}

let made: BenchCert | undefined;

const OPENSSL = process.env.OPENSSL_BIN ?? "/usr/bin/openssl";

/** Why TLS scenarios cannot run here, or undefined. */
export function tlsUnavailable(): string | undefined {
  return existsSync(OPENSSL) ? undefined : `openssl not found at ${OPENSSL} (set OPENSSL_BIN)`;
}

export function benchCert(): BenchCert {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), "bnats-bench-tls-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  // EC P-256: generated instantly and accepted by Go and Bun alike.
  const r = Bun.spawnSync(
    [
      OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(`openssl failed: ${r.stderr.toString()}`);
  made = { cert, key };
  return made;
}
