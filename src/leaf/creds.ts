// A remote's credentials file (the user JWT and seed that `nsc` writes): leafnode.go sendLeafConnect
// sends the JWT and the server's nonce signed with the seed. The file is read for each CONNECT (a
// rotated file is picked up on reconnect, as the reference), the buffers holding the seed are wiped
// after signing, and the seed is never returned, logged or kept.
import { readFileSync } from "node:fs";
import { fromSeed } from "@nats-io/nkeys";

/** leafnode.go credsRe: the blocks between `-----BEGIN ...-----` / `------END ...------` lines. */
const CREDS_RE = /\s*(?:(?:[-]{3,}[^\n]*[-]{3,}\n)(.+)(?:\n\s*[-]{3,}[^\n]*[-]{3,}\n))/g;

export interface SignedCreds {
  jwt: string;
  /** The nonce signed with the seed, base64url without padding (base64.RawURLEncoding). */
  sig: string;
}

/** Thrown with the reference's log texts ("Credentials file malformed", ...); never the file's content. */
export class CredsError extends Error {}

/** Reads `path` and signs `nonce`. */
export function signWithCredsFile(path: string, nonce: string): SignedCreds {
  let contents: Buffer;
  try {
    contents = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CredsError(err.code === "ENOENT" ? `open ${path}: no such file or directory` : `open ${path}: ${err.message}`);
  }
  try {
    const items = [...contents.toString("latin1").matchAll(CREDS_RE)];
    if (items.length < 2) throw new CredsError("Credentials file malformed");
    const jwt = items[0]![1]!.trim();
    const seed = Buffer.from(items[1]![1]!.trim(), "latin1");
    let sig: Uint8Array;
    try {
      const kp = fromSeed(seed);
      sig = kp.sign(Buffer.from(nonce, "latin1"));
      kp.clear();
    } catch {
      throw new CredsError("Credentials file has malformed seed");
    } finally {
      seed.fill(0);
    }
    return { jwt, sig: Buffer.from(sig).toString("base64url") };
  } finally {
    contents.fill(0);
  }
}
