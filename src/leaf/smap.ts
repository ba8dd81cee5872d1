// The interest a leaf connection has told its peer about (leafnode.go leaf.smap): a count per
// "subject" or "subject queue" key. LS+ goes out when a key appears and, for queue keys, on every
// weight change (the weight is the count); LS- when it goes away (updateSmap, writeLeafSub).
// The reference's tsub window (a sub racing the initial snapshot across goroutines) is not needed:
// here the snapshot and every later update run on the one event loop, in order.

/** keyFromSub: "subject" or "subject queue". */
export function leafKey(subject: string, queue: string | undefined): string {
  return queue === undefined ? subject : `${subject} ${queue}`;
}

/** writeLeafSub: `LS+ key[ n]` (the weight only for queue keys) or `LS- key`. */
export function leafSubProto(key: string, n: number): string {
  if (n > 0) return key.includes(" ") ? `LS+ ${key} ${n}\r\n` : `LS+ ${key}\r\n`;
  return `LS- ${key}\r\n`;
}

export class Smap {
  readonly counts = new Map<string, number>();

  /** Adds to the initial snapshot (no protocol: the caller sends the whole map once). */
  add(key: string, n: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /** The initial burst of LS+ for every key. */
  all(): string {
    let s = "";
    for (const [key, n] of this.counts) s += leafSubProto(key, n);
    return s;
  }

  /**
   * updateSmap: applies `delta` to `key`; returns the protocol line to send, or "" when the peer's view
   * does not change (a plain key already known, or still known).
   */
  update(key: string, delta: number, isQueue: boolean): string {
    let n = this.counts.get(key) ?? 0;
    const send = isQueue || n === 0 || n + delta <= 0;
    n += delta;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
    return send ? leafSubProto(key, n) : "";
  }

  /** forceAddToSmap: a key the peer must know of (a service import, a mapping), once. */
  force(key: string): string {
    if ((this.counts.get(key) ?? 0) !== 0) return "";
    this.counts.set(key, 1);
    return leafSubProto(key, 1);
  }

  has(key: string): boolean {
    return this.counts.has(key);
  }
}
