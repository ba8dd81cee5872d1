// Randomized differential test: Sublist.match() (cached and uncached) against a brute-force
// matcher over thousands of interleaved inserts, removes, batch removes and matches, with a small
// token alphabet so that wildcard overlaps (and therefore cache invalidation) happen constantly.
import { describe, expect, test } from "bun:test";
import { Sublist, SL_CACHE_MAX, type SublistResult, type SubscriptionLike } from "../../src/subjects/sublist.ts";

class Sub implements SubscriptionLike {
  constructor(
    readonly id: number,
    readonly subject: string,
    readonly queue: string | undefined,
  ) {}
}

/** mulberry32: small seeded PRNG so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Independent matcher on split tokens; deliberately nothing like the trie. */
function bruteMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== "*" && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

function describeResult(r: SublistResult<Sub>): { p: number[]; q: Record<string, number[]> } {
  const q: Record<string, number[]> = {};
  for (const group of r.qsubs) {
    expect(group.length).toBeGreaterThan(0);
    const name = group[0]!.queue!;
    expect(q[name]).toBeUndefined(); // one group per queue name
    for (const x of group) expect(x.queue).toBe(name);
    q[name] = group.map((x) => x.id).sort((a, b) => a - b);
  }
  return { p: r.psubs.map((x) => x.id).sort((a, b) => a - b), q };
}

function expected(live: Map<number, Sub>, subject: string): { p: number[]; q: Record<string, number[]> } {
  const p: number[] = [];
  const q: Record<string, number[]> = {};
  for (const x of live.values()) {
    if (!bruteMatches(x.subject, subject)) continue;
    if (x.queue === undefined) p.push(x.id);
    else (q[x.queue] ??= []).push(x.id);
  }
  p.sort((a, b) => a - b);
  for (const k of Object.keys(q)) q[k]!.sort((a, b) => a - b);
  return { p, q };
}

function canon(r: { p: number[]; q: Record<string, number[]> }): string {
  const keys = Object.keys(r.q).sort();
  return JSON.stringify([r.p, keys.map((k) => [k, r.q[k]])]);
}

interface Shape {
  tokens: string[];
  maxDepth: number;
  /** Probability that a subscription token is `*`, and that a subscription ends with `>`. */
  pwc: number;
  fwc: number;
}

function run(seed: number, ops: number, shape: Shape): void {
  const rand = rng(seed);
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rand() * xs.length)]!;
  const literal = (): string => {
    const n = 1 + Math.floor(rand() * shape.maxDepth);
    const t: string[] = [];
    for (let i = 0; i < n; i++) t.push(pick(shape.tokens));
    return t.join(".");
  };
  const filter = (): string => {
    const n = 1 + Math.floor(rand() * shape.maxDepth);
    const t: string[] = [];
    for (let i = 0; i < n; i++) t.push(rand() < shape.pwc ? "*" : pick(shape.tokens));
    if (rand() < shape.fwc) t[n - 1] = ">";
    return t.join(".");
  };

  const cached = new Sublist<Sub>(true);
  const plain = new Sublist<Sub>(false);
  const live = new Map<number, Sub>();
  const liveIds: number[] = [];
  let nextId = 1;
  let inserts = 0;
  let removes = 0;
  let matches = 0;

  const removeAt = (idx: number): Sub => {
    const id = liveIds[idx]!;
    liveIds[idx] = liveIds[liveIds.length - 1]!;
    liveIds.pop();
    const x = live.get(id)!;
    live.delete(id);
    return x;
  };

  for (let op = 0; op < ops; op++) {
    const roll = rand();
    if (roll < 0.3 || live.size === 0) {
      const queue = rand() < 0.3 ? pick(["q1", "q2", "q3"]) : undefined;
      const x = new Sub(nextId++, filter(), queue);
      cached.insert(x);
      plain.insert(x);
      live.set(x.id, x);
      liveIds.push(x.id);
      inserts++;
    } else if (roll < 0.5) {
      const x = removeAt(Math.floor(rand() * liveIds.length));
      expect(cached.remove(x)).toBe(true);
      expect(plain.remove(x)).toBe(true);
      expect(cached.remove(x)).toBe(false);
      removes++;
    } else if (roll < 0.52) {
      // A "connection" closing: a handful of subscriptions at once.
      const batch: Sub[] = [];
      const n = Math.min(liveIds.length, 1 + Math.floor(rand() * 8));
      for (let i = 0; i < n; i++) batch.push(removeAt(Math.floor(rand() * liveIds.length)));
      cached.removeBatch(batch);
      plain.removeBatch(batch);
      removes += n;
    } else if (roll < 0.53) {
      // A never-matched subject: a no-op remove must not disturb anything.
      expect(cached.remove(new Sub(-1, literal(), undefined))).toBe(false);
    } else {
      const subject = literal();
      const want = expected(live, subject);
      const got = describeResult(cached.match(subject));
      if (canon(got) !== canon(want)) {
        throw new Error(`seed ${seed} op ${op} match(${subject}): got ${canon(got)} want ${canon(want)}`);
      }
      expect(describeResult(plain.match(subject))).toEqual(want);
      const any = want.p.length > 0 || Object.keys(want.q).length > 0;
      expect(cached.hasInterest(subject)).toBe(any);
      expect(plain.hasInterest(subject)).toBe(any);
      matches++;
    }
    expect(cached.cacheCount()).toBeLessThanOrEqual(SL_CACHE_MAX);
  }

  // Counters and bookkeeping agree with what was done.
  expect(cached.count()).toBe(live.size);
  expect(plain.count()).toBe(live.size);
  expect(new Set(cached.all().map((x) => x.id))).toEqual(new Set(live.keys()));
  const st = cached.stats();
  expect(st.numInserts).toBe(inserts);
  expect(st.numRemoves).toBe(removes);
  expect(st.numMatches).toBe(matches);
  expect(plain.stats().numCache).toBe(0);

  // Empty everything: the trie must prune back to nothing.
  cached.removeBatch([...live.values()]);
  for (const x of live.values()) plain.remove(x);
  expect(cached.count()).toBe(0);
  expect(cached.numLevels()).toBe(0);
  expect(plain.numLevels()).toBe(0);
}

describe("randomized match vs brute force", () => {
  // Dense: 3 tokens, depth 4 -> at most 120 literal subjects, so the cache holds them all and
  // every insert/remove has to patch or drop live entries.
  const dense: Shape = { tokens: ["a", "b", "c"], maxDepth: 4, pwc: 0.3, fwc: 0.2 };
  for (const seed of [1, 2, 3, 4, 5]) {
    test(`dense seed ${seed}`, () => run(seed, 4000, dense));
  }
  // Wide: enough distinct subjects that the cache keeps sweeping while being invalidated.
  const wide: Shape = { tokens: "abcdefghijklmnop".split(""), maxDepth: 4, pwc: 0.25, fwc: 0.15 };
  for (const seed of [11, 12]) {
    test(`wide seed ${seed}`, () => run(seed, 8000, wide));
  }
  // Tokens that look like wildcards but are not ("*x", ">x") must stay literal.
  const tricky: Shape = { tokens: ["a", "*x", ">x", "x*"], maxDepth: 3, pwc: 0.3, fwc: 0.2 };
  test("wildcard-looking literal tokens", () => run(21, 3000, tricky));
});
