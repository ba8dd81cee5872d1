// Sublist micro-benchmark (not a test): `node_modules/.bin/bun bench/sublist.ts`.
// Prints matches/s for 100k subscriptions with wildcards (cached and uncached) and insert/remove
// rates. Shapes follow sublist_test.go's benchmarks (token alphabet, `cloud.>`-style wildcards).
import { Sublist, type SubscriptionLike } from "../src/subjects/sublist.ts";

class Sub implements SubscriptionLike {
  constructor(
    readonly subject: string,
    readonly queue: string | undefined = undefined,
  ) {}
}

let seed = 42;
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const TOKENS = ["synadia", "nats", "jetstream", "nkeys", "jwt", "deny", "auth", "drain", "cloud", "router",
  "orders", "eu", "us", "billing", "stats", "events", "v1", "v2", "alpha", "omega"];
const pick = (): string => TOKENS[Math.floor(rand() * TOKENS.length)]!;

function literal(depth: number): string {
  let s = pick();
  for (let i = 1; i < depth; i++) s += "." + pick();
  return s;
}

// 100k subscriptions: 3-5 tokens; ~10% with a `*` somewhere, ~3% ending in `>`, ~10% queue subs.
const N = 100_000;
const subs: Sub[] = [];
for (let i = 0; i < N; i++) {
  const depth = 3 + Math.floor(rand() * 3);
  const toks = literal(depth).split(".");
  const r = rand();
  if (r < 0.1) toks[1 + Math.floor(rand() * (depth - 1))] = "*";
  else if (r < 0.13) toks[depth - 1] = ">";
  subs.push(new Sub(toks.join("."), rand() < 0.1 ? `q${i % 4}` : undefined));
}
// A few broad wildcards so many publishes fan out, as addWildcards() in the Go benchmarks.
const extra = [new Sub("cloud.>"), new Sub("cloud.nats.*.>"), new Sub("*.*.*.nkeys.*"), new Sub("synadia.>", "workers")];

// Publish subjects: 10k distinct literal subjects, 3-5 tokens.
const pubs: string[] = [];
for (let i = 0; i < 10_000; i++) pubs.push(literal(3 + Math.floor(rand() * 3)));

function rate(label: string, ops: number, fn: () => number): void {
  fn(); // warm-up (JIT)
  const t0 = Bun.nanoseconds();
  let sink = 0;
  let rounds = 0;
  while (Bun.nanoseconds() - t0 < 1e9) {
    sink += fn();
    rounds++;
  }
  const secs = (Bun.nanoseconds() - t0) / 1e9;
  const perSec = (ops * rounds) / secs;
  console.log(`${label.padEnd(52)} ${(perSec / 1e6).toFixed(2).padStart(8)} M ops/s  ${(1e9 / perSec).toFixed(0).padStart(6)} ns/op  (sink ${sink})`);
}

function build(cache: boolean): Sublist<Sub> {
  const sl = new Sublist<Sub>(cache);
  for (const s of subs) sl.insert(s);
  for (const s of extra) sl.insert(s);
  return sl;
}

console.log(`bun ${Bun.version}; ${N} subscriptions (+${extra.length} broad wildcards); ${pubs.length} publish subjects`);

// Insert into an empty sublist, and remove one by one.
{
  const t0 = Bun.nanoseconds();
  const sl = build(true);
  const ins = (N + extra.length) / ((Bun.nanoseconds() - t0) / 1e9);
  const st = (() => {
    let hits = 0;
    for (const p of pubs) hits += sl.match(p).psubs.length;
    return hits;
  })();
  const t1 = Bun.nanoseconds();
  for (const s of subs) sl.remove(s);
  const rem = N / ((Bun.nanoseconds() - t1) / 1e9);
  console.log(`insert 100k (cold, cache on)`.padEnd(52) + ` ${(ins / 1e6).toFixed(2).padStart(8)} M ops/s`);
  console.log(`remove 100k one by one (cache ~1k entries)`.padEnd(52) + ` ${(rem / 1e6).toFixed(2).padStart(8)} M ops/s  (fanout sink ${st})`);
}
{
  const sl = build(true);
  const t0 = Bun.nanoseconds();
  sl.removeBatch(subs);
  const rem = N / ((Bun.nanoseconds() - t0) / 1e9);
  console.log(`removeBatch 100k`.padEnd(52) + ` ${(rem / 1e6).toFixed(2).padStart(8)} M ops/s`);
}
{
  // Steady state churn: insert+remove of one sub into the full sublist with a warm cache.
  const sl = build(true);
  for (let i = 0; i < 1024; i++) sl.match(pubs[i]!);
  const lit = new Sub("orders.eu.v1.billing");
  const wc = new Sub("orders.*.v1.>");
  rate("insert+remove literal (100k subs, warm cache)", 2, () => {
    sl.insert(lit);
    sl.remove(lit);
    return 0;
  });
  rate("insert+remove wildcard (100k subs, warm cache)", 2, () => {
    sl.insert(wc);
    sl.remove(wc);
    return 0;
  });
}

const cached = build(true);
const uncached = build(false);

// Cache hits: a hot subject, and 512 subjects that all fit in the cache.
const hot = "cloud.nats.component.router";
rate("match cached, one hot subject", 1000, () => {
  let n = 0;
  for (let i = 0; i < 1000; i++) n += cached.match(hot).psubs.length;
  return n;
});
const warm = pubs.slice(0, 512);
for (const p of warm) cached.match(p);
rate("match cached, 512 subjects rotating", warm.length, () => {
  let n = 0;
  for (const p of warm) n += cached.match(p).psubs.length;
  return n;
});
// Misses: the trie walk (cache off) over 10k distinct subjects.
rate("match uncached (cache off), 10k subjects", pubs.length, () => {
  let n = 0;
  for (const p of pubs) n += uncached.match(p).psubs.length;
  return n;
});
rate("match uncached, hot subject (cache off)", 1000, () => {
  let n = 0;
  for (let i = 0; i < 1000; i++) n += uncached.match(hot).psubs.length;
  return n;
});
// Cache on but 10k distinct subjects cycling: mostly misses, plus the 1024->512 sweeps.
rate("match cache thrash, 10k subjects cycling", pubs.length, () => {
  let n = 0;
  for (const p of pubs) n += cached.match(p).psubs.length;
  return n;
});
rate("hasInterest uncached, 10k subjects", pubs.length, () => {
  let n = 0;
  for (const p of pubs) n += uncached.hasInterest(p) ? 1 : 0;
  return n;
});
const st = cached.stats();
console.log(`stats: ${JSON.stringify(st)}`);
