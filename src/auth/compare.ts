// Secret comparison: comparePasswords / isBcrypt of nats-server auth.go, in constant time.

import type * as NodeCrypto from "node:crypto";
// Node built-ins are required on first use: loading one costs a few MB of resident memory (issue 15).
const nodeCrypto = (): typeof NodeCrypto => require("node:crypto") as typeof NodeCrypto;

/** auth.go validBcryptPrefix: `^\$2[abxy]\$\d{2}\$.*`. */
const BCRYPT_PREFIX = /^\$2[abxy]\$\d{2}\$/;

/** isBcrypt of auth.go: is the configured password or token a bcrypt hash? */
export function isBcrypt(password: string): boolean {
  return password.length > 0 && password.charCodeAt(0) === 0x24 /* $ */ && BCRYPT_PREFIX.test(password);
}

const encoder = new TextEncoder();

function digest(s: string): Buffer {
  return nodeCrypto().createHash("sha256").update(s, "utf8").digest();
}

/**
 * Plain-text comparison in constant time: both sides are hashed to equal-length digests first, so
 * neither the content nor the length of the configured secret leaks through timing.
 */
export function constantTimeEquals(a: string, b: string): boolean {
  return nodeCrypto().timingSafeEqual(digest(a), digest(b));
}

/** bcrypt only reads the first 72 bytes of the password (Go's x/crypto/bcrypt truncates silently). */
const BCRYPT_MAX_PASSWORD = 72;

/**
 * The client password in the form Bun's bcrypt must see to behave as Go's: Bun pre-hashes
 * passwords longer than 72 bytes with SHA-512, Go ignores everything past byte 72. Passing the
 * first 72 bytes makes both compute the same thing.
 */
function bcryptInput(clientPassword: string): Uint8Array {
  const bytes = encoder.encode(clientPassword);
  return bytes.length > BCRYPT_MAX_PASSWORD ? bytes.subarray(0, BCRYPT_MAX_PASSWORD) : bytes;
}

/** bcrypt.CompareHashAndPassword; a malformed hash is a failed comparison, as in Go. */
export function bcryptVerifySync(hash: string, clientPassword: string): boolean {
  try {
    return Bun.password.verifySync(bcryptInput(clientPassword), hash, "bcrypt");
  } catch {
    return false;
  }
}

/** The same, off the event loop (Bun runs the hash on its thread pool). */
export async function bcryptVerify(hash: string, clientPassword: string): Promise<boolean> {
  try {
    return await Bun.password.verify(bcryptInput(clientPassword), hash, "bcrypt");
  } catch {
    return false;
  }
}

/** comparePasswords of auth.go, synchronous (bcrypt blocks for its cost). */
export function comparePasswords(serverPassword: string, clientPassword: string): boolean {
  if (isBcrypt(serverPassword)) return bcryptVerifySync(serverPassword, clientPassword);
  return constantTimeEquals(serverPassword, clientPassword);
}
