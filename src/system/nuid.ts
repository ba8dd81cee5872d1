// NUID (github.com/nats-io/nuid), the event ids of the reference (s.eventIds.Next()): 22 base-62 characters,
// a 12-character random prefix and a 10-character sequence that advances by a random increment and
// renews the prefix when it overflows.
// Web Crypto's getRandomValues (a global), not node:crypto: the system account runs by default and
// loading node:crypto at start costs resident memory (issue 15).

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE = 62;
const PRE_LEN = 12;
const SEQ_LEN = 10;
// 62^10 in the reference; doubles are exact only below 2^53, so the sequence renews there.
const MAX_SEQ = 2 ** 53;
const MIN_INC = 33;
const MAX_INC = 333;

export class Nuid {
  private pre = "";
  private seq = 0;
  private inc = 0;

  constructor() {
    this.randomizePrefix();
    this.resetSequential();
  }

  next(): string {
    this.seq += this.inc;
    if (this.seq >= MAX_SEQ) {
      this.randomizePrefix();
      this.resetSequential();
    }
    let l = this.seq;
    let s = "";
    for (let i = 0; i < SEQ_LEN; i++) {
      s = DIGITS[l % BASE] + s;
      l = Math.floor(l / BASE);
    }
    return this.pre + s;
  }

  private randomizePrefix(): void {
    const b = crypto.getRandomValues(new Uint8Array(PRE_LEN));
    let p = "";
    for (let i = 0; i < PRE_LEN; i++) p += DIGITS[b[i]! % BASE];
    this.pre = p;
  }

  private resetSequential(): void {
    this.seq = randomBelow(2 ** 47) * 64;
    this.inc = MIN_INC + randomBelow(MAX_INC - MIN_INC);
  }
}

/** A uniform integer in [0, n) for n <= 2^48 (crypto.randomInt's contract, from 48 random bits). */
function randomBelow(n: number): number {
  const w = crypto.getRandomValues(new Uint16Array(3));
  const x = (w[0]! * 2 ** 32 + w[1]! * 2 ** 16 + w[2]!) / 2 ** 48;
  return Math.floor(x * n);
}
