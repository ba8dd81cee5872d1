// Pre-built PUB frames: built once per run, then written as large slices so that publishing costs the
// load generator almost nothing per message.

const enc = new TextEncoder();

export interface FrameBlock {
  /** Whole frames back to back. */
  buf: Uint8Array;
  /** offsets[k] is where frame k starts; offsets[count] === buf.length. */
  offsets: Uint32Array;
  count: number;
}

/**
 * Frames `PUB <subject> [reply] <size>\r\n<payload>\r\n`, cycling through `subjects`, until the block
 * holds at least `minBytes` and at least every subject once.
 */
export function buildPubBlock(subjects: string[], payloadSize: number, minBytes: number, reply?: string): FrameBlock {
  if (subjects.length === 0) throw new Error("no subjects to publish to");
  const payload = new Uint8Array(payloadSize);
  for (let i = 0; i < payloadSize; i++) payload[i] = 97 + (i % 26);
  const frames: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; total < minBytes || i < subjects.length; i++) {
    const subject = subjects[i % subjects.length] as string;
    const head = enc.encode(`PUB ${subject}${reply ? ` ${reply}` : ""} ${payloadSize}\r\n`);
    const f = new Uint8Array(head.length + payloadSize + 2);
    f.set(head, 0);
    f.set(payload, head.length);
    f[f.length - 2] = 13;
    f[f.length - 1] = 10;
    frames.push(f);
    total += f.length;
  }
  const buf = new Uint8Array(total);
  const offsets = new Uint32Array(frames.length + 1);
  let off = 0;
  frames.forEach((f, k) => {
    offsets[k] = off;
    buf.set(f, off);
    off += f.length;
  });
  offsets[frames.length] = off;
  return { buf, offsets, count: frames.length };
}

export function pubFrame(subject: string, payloadSize: number, reply?: string): Uint8Array {
  return buildPubBlock([subject], payloadSize, 0, reply).buf;
}

export function encode(s: string): Uint8Array {
  return enc.encode(s);
}
