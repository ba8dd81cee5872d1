// The server's id: a public nkey of the server kind ("N..." , 56 characters), as nats-server's
// NewServer creates with nkeys.CreateServer. bnats never signs with the server key, so only the public
// half is made: 32 random bytes encoded the nkeys way (prefix byte, payload, CRC-16/XMODEM little endian,
// RFC 4648 base32 without padding). Generating an ed25519 pair in JavaScript (tweetnacl) cost ~60 ms and
// ~10 MB of resident memory at every start (issue 15).

/** nkeys PrefixByteServer (13 << 3): the encoded key starts with "N". */
const PREFIX_SERVER = 104;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function crc16(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) {
    crc ^= data[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function base32(data: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (let i = 0; i < data.length; i++) {
    value = (value << 8) | data[i]!;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A new server id (the public key nkeys.CreateServer would give). */
export function newServerId(): string {
  const raw = new Uint8Array(1 + 32 + 2);
  raw[0] = PREFIX_SERVER;
  crypto.getRandomValues(raw.subarray(1, 33));
  const sum = crc16(raw.subarray(0, 33));
  raw[33] = sum & 0xff;
  raw[34] = sum >> 8;
  return base32(raw);
}
