// Compressed answers (events.go getAcceptEncoding, internalSendLoop): a request with an `Accept-Encoding`
// header naming snappy or s2 gets a snappy-framed body, gzip a gzip body, anything else the body as is
// with `Content-Encoding: identity`. natscli asks for snappy on the $SYS.REQ.SERVER.PING.* requests.
// The snappy stream is written with uncompressed chunks (valid framing any snappy/s2 reader decodes).

export type Compression = "none" | "gzip" | "snappy" | "identity";

/** getHeader's exact-key lookup (client.go): the key must start a header line and be followed by ':'. */
export function headerValue(hdr: string, key: string): string | undefined {
  const i = hdr.indexOf(key);
  if (i < 2 || hdr[i - 1] !== "\n" || hdr[i - 2] !== "\r") return undefined;
  let at = i + key.length;
  if (hdr[at] !== ":") return undefined;
  at++;
  while (hdr[at] === " ") at++;
  const end = hdr.indexOf("\r\n", at);
  return hdr.slice(at, end < 0 ? hdr.length : end);
}

/** getAcceptEncoding: snappy or s2 first, then gzip; another non-empty value is "identity". */
export function acceptEncoding(hdr: string): Compression {
  const ae = (headerValue(hdr, "Accept-Encoding") ?? "").toLowerCase();
  if (ae === "") return "none";
  if (ae.includes("snappy") || ae.includes("s2")) return "snappy";
  if (ae.includes("gzip")) return "gzip";
  return "identity";
}

/** The header block and body to publish for a body under a compression (nothing to add for "none"). */
export function compressBody(c: Compression, body: Uint8Array): { hdr: string | undefined; body: Uint8Array } {
  if (c === "none" || body.length === 0) return { hdr: undefined, body };
  const hdr = `NATS/1.0\r\nContent-Encoding: ${c}\r\n\r\n`;
  if (c === "gzip") return { hdr, body: Bun.gzipSync(body as Uint8Array<ArrayBuffer>) };
  if (c === "snappy") return { hdr, body: snappyFrame(body) };
  return { hdr, body };
}

const STREAM_ID = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]; // "sNaPpY"
const MAX_CHUNK = 65536;

/** The snappy framing format with uncompressed-data chunks (type 0x01), each with its masked CRC-32C. */
export function snappyFrame(data: Uint8Array): Uint8Array {
  const chunks = Math.max(1, Math.ceil(data.length / MAX_CHUNK));
  const out = new Uint8Array(STREAM_ID.length + chunks * 8 + data.length);
  out.set(STREAM_ID, 0);
  let at = STREAM_ID.length;
  for (let off = 0; off < data.length || off === 0; off += MAX_CHUNK) {
    const piece = data.subarray(off, Math.min(off + MAX_CHUNK, data.length));
    const len = piece.length + 4;
    out[at++] = 0x01;
    out[at++] = len & 0xff;
    out[at++] = (len >> 8) & 0xff;
    out[at++] = (len >> 16) & 0xff;
    const crc = maskedCrc(piece);
    out[at++] = crc & 0xff;
    out[at++] = (crc >>> 8) & 0xff;
    out[at++] = (crc >>> 16) & 0xff;
    out[at++] = (crc >>> 24) & 0xff;
    out.set(piece, at);
    at += piece.length;
    if (data.length === 0) break;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli). */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The snappy framing's mask: rotate right by 15 and add 0xa282ead8. */
function maskedCrc(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
