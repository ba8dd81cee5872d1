// The subject index: nats-server v2.9.10 server/sublist.go in TypeScript.
//
// A trie of levels keyed by token; each level keeps its `*` (pwc) and `>` (fwc) children apart
// from the literal ones, so a match walks one literal child per token plus the wildcard branches.
// In front sits a bounded cache subject -> result; a cache hit is one Map lookup returning a
// prebuilt, shared result. Results are never mutated once published: insert replaces affected
// cache entries with copies (copy-on-write, as addSubToResult), remove deletes them.
//
// Counters follow Sublist.Stats() exactly, because /subsz reports them.

import { subjectIsLiteral, subjectMatchesFilter } from "./subject.ts";
import {
  collectAllSubs,
  findQSlot,
  Level,
  matchLevel,
  matchLevelForAny,
  type MutableResult,
  nodeForInsert,
  removeFromTrie,
  scanSubject,
  scanSubscriptionSubject,
  type SubscriptionLike,
  visitLevel,
} from "./trie.ts";

export type { SubscriptionLike } from "./trie.ts";

/** psubs: plain subscribers; qsubs: queue subscribers, one array per queue name. */
export interface SublistResult<T> {
  readonly psubs: readonly T[];
  readonly qsubs: readonly (readonly T[])[];
}

/** Sublist.Stats() of the reference (JSON names are the monitor's business). */
export interface SublistStats {
  numSubs: number;
  numCache: number;
  numInserts: number;
  numRemoves: number;
  numMatches: number;
  cacheHitRate: number;
  maxFanout: number;
  avgFanout: number;
}

/** ErrInvalidSubject of the reference. */
export class SublistError extends Error {
  constructor(message = "sublist: invalid subject") {
    super(message);
    this.name = "SublistError";
  }
}

/** slCacheMax / slCacheSweep of v2.9.10: past 1024 entries the cache is cut down to 512. */
export const SL_CACHE_MAX = 1024;
export const SL_CACHE_SWEEP = 512;

/**
 * The shared empty result (emptyResult in the reference); also cached for "no interest". Not
 * frozen on purpose: it keeps the same object and array shapes as every other result, so the
 * delivery loop's property reads stay monomorphic (the readonly types forbid mutation).
 */
const EMPTY_RESULT: SublistResult<never> = { psubs: [], qsubs: [] };

/** addSubToResult: a copy with `sub` added; only the arrays that change are copied. */
function addSubToResult<T extends SubscriptionLike>(r: SublistResult<T>, sub: T): SublistResult<T> {
  if (sub.queue === undefined) {
    const psubs = r.psubs.slice();
    psubs.push(sub);
    return { psubs, qsubs: r.qsubs };
  }
  const qsubs = r.qsubs.slice();
  const i = findQSlot(sub.queue, qsubs);
  if (i >= 0) {
    const group = qsubs[i]!.slice();
    group.push(sub);
    qsubs[i] = group;
  } else {
    qsubs.push([sub]);
  }
  return { psubs: r.psubs, qsubs };
}

export class Sublist<T extends SubscriptionLike> {
  private readonly root = new Level<T>();
  private readonly cacheEnabled: boolean;
  /** subject -> shared immutable result; empty when caching is off. */
  private readonly cache = new Map<string, SublistResult<T>>();
  private numSubs = 0;
  private inserts = 0;
  private removes = 0;
  private matches = 0;
  private cacheHits = 0;
  private gen = 0;
  /**
   * Told of every subscription that really came or went (+1/-1): the cluster keeps the interest it
   * announces to routes from it (route.go updateRouteSubscriptionMap is called on each SUB/UNSUB).
   */
  onChange: ((sub: T, delta: number) => void) | null = null;

  /** NewSublist(enableCache); caching is on by default as NewSublistWithCache. */
  constructor(cacheEnabled = true) {
    this.cacheEnabled = cacheEnabled;
  }

  /**
   * genid of the reference: bumped on every insert/remove, so a caller keeping its own per-client
   * result cache (client.go's c.in.results) can tell when it went stale.
   */
  get genid(): number {
    return this.gen;
  }

  /** Insert; throws SublistError for an empty token or a `>` that is not last (only those, as Insert). */
  insert(sub: T): void {
    const subject = sub.subject;
    const nt = scanSubscriptionSubject(subject);
    if (nt < 0) throw new SublistError();
    const node = nodeForInsert(this.root, subject, nt);
    // Inserting the same subscription twice is a no-op here. The reference would count it twice
    // and append it twice to cached results while its node map holds it once; the server never
    // does it (client.go checks c.subs[sid] first), so the safe behaviour costs nothing.
    if (sub.queue === undefined) {
      const psubs = node.psubs ?? (node.psubs = new Set<T>());
      if (psubs.has(sub)) return;
      psubs.add(sub);
    } else {
      const qsubs = node.qsubs ?? (node.qsubs = new Map<string, Set<T>>());
      let group = qsubs.get(sub.queue);
      if (group === undefined) {
        group = new Set<T>();
        qsubs.set(sub.queue, group);
      }
      if (group.has(sub)) return;
      group.add(sub);
    }
    this.numSubs++;
    this.inserts++;
    this.addToCache(subject, sub);
    this.gen++;
    this.onChange?.(sub, 1);
  }

  /** Remove; false when the subject is invalid or the subscription is not there. */
  remove(sub: T): boolean {
    return this.removeSub(sub, true);
  }

  /**
   * RemoveBatch, used when a connection closes. As the reference, the cache is dropped wholesale
   * rather than patched per subscription: one clear beats thousands of cache scans.
   */
  removeBatch(subs: Iterable<T>): void {
    let any = false;
    for (const sub of subs) {
      this.removeSub(sub, false);
      any = true;
    }
    if (!any) return;
    this.cache.clear();
    this.gen++;
  }

  /**
   * All subscribers of a literal subject. A cache hit is one Map lookup and no allocation. The
   * result may be shared with the cache and other callers: never mutate it.
   */
  match(subject: string): SublistResult<T> {
    this.matches++;
    const cached = this.cache.get(subject);
    if (cached !== undefined) {
      this.cacheHits++;
      return cached;
    }
    const nt = scanSubject(subject);
    if (nt < 0) return EMPTY_RESULT;
    const result: MutableResult<T> = { psubs: [], qsubs: [] };
    matchLevel(this.root, subject, 0, nt, result);
    const r: SublistResult<T> = result.psubs.length === 0 && result.qsubs.length === 0 ? EMPTY_RESULT : result;
    if (this.cacheEnabled) {
      this.cache.set(subject, r);
      if (this.cache.size > SL_CACHE_MAX) this.reduceCacheCount();
    }
    return r;
  }

  /**
   * Is there any subscriber for this literal subject? Uses the cache when it has the answer but
   * never fills it, and moves no counter: v2.9.10 has no HasInterest, so counting here would
   * skew /subsz against the reference.
   */
  hasInterest(subject: string): boolean {
    const cached = this.cache.get(subject);
    if (cached !== undefined) return cached.psubs.length > 0 || cached.qsubs.length > 0;
    const nt = scanSubject(subject);
    if (nt < 0) return false;
    return matchLevelForAny(this.root, subject, 0, nt);
  }

  count(): number {
    return this.numSubs;
  }

  /** Number of cached results (CacheCount). */
  cacheCount(): number {
    return this.cache.size;
  }

  /** Stats() of the reference; fanout is computed over the cached results. */
  stats(): SublistStats {
    const st: SublistStats = {
      numSubs: this.numSubs,
      numCache: this.cache.size,
      numInserts: this.inserts,
      numRemoves: this.removes,
      numMatches: this.matches,
      cacheHitRate: this.matches > 0 ? this.cacheHits / this.matches : 0,
      maxFanout: 0,
      avgFanout: 0,
    };
    if (this.cacheEnabled) {
      let tot = 0;
      let max = 0;
      let clen = 0;
      for (const r of this.cache.values()) {
        clen++;
        // As the reference: a queue group counts as one, whatever its size.
        const l = r.psubs.length + r.qsubs.length;
        tot += l;
        if (l > max) max = l;
      }
      st.maxFanout = max;
      if (tot > 0) st.avgFanout = tot / clen;
    }
    return st;
  }

  /** numLevels of the reference: depth of the trie (tests use it to check pruning). */
  numLevels(): number {
    return visitLevel(this.root, 0);
  }

  /** Every subscription (All), for /subsz?subs=1. */
  all(): T[] {
    const out: T[] = [];
    collectAllSubs(this.root, out);
    return out;
  }

  private removeSub(sub: T, doCacheUpdates: boolean): boolean {
    const subject = sub.subject;
    const nt = scanSubscriptionSubject(subject);
    if (nt < 0 || !removeFromTrie(this.root, subject, nt, sub)) return false;
    this.numSubs--;
    this.removes++;
    if (doCacheUpdates) {
      this.removeFromCache(subject);
      this.gen++;
    }
    this.onChange?.(sub, -1);
    return true;
  }

  /** addToCache: patch (copy-on-write) the cached results the new subscription belongs to. */
  private addToCache(subject: string, sub: T): void {
    const cache = this.cache;
    if (cache.size === 0) return;
    if (subjectIsLiteral(subject)) {
      // A literal subscription can only be in the result for exactly its subject.
      const r = cache.get(subject);
      if (r !== undefined) cache.set(subject, addSubToResult(r, sub));
      return;
    }
    for (const [key, r] of cache) {
      if (subjectMatchesFilter(key, subject)) cache.set(key, addSubToResult(r, sub));
    }
  }

  /** removeFromCache: drop the cached results the removed subscription could be in. */
  private removeFromCache(subject: string): void {
    const cache = this.cache;
    if (cache.size === 0) return;
    if (subjectIsLiteral(subject)) {
      cache.delete(subject);
      return;
    }
    for (const key of cache.keys()) {
      if (subjectMatchesFilter(key, subject)) cache.delete(key);
    }
  }

  /**
   * reduceCacheCount: the reference drops random entries (Go map order) until 512 remain. A JS
   * Map iterates in insertion order, so this drops the oldest entries first; a still-hot subject
   * costs one trie walk to come back.
   */
  private reduceCacheCount(): void {
    const cache = this.cache;
    for (const key of cache.keys()) {
      cache.delete(key);
      if (cache.size <= SL_CACHE_SWEEP) break;
    }
  }
}
