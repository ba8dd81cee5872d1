// The subject index: nats-server v2.9.10 server/sublist.go in TypeScript.
//
// A trie of levels keyed by token; each level keeps its `*` (pwc) and `>` (fwc) children apart
// from the literal ones, so a match walks one literal child per token plus the wildcard branches.
// In front sits a bounded cache subject -> result; a cache hit is one Map lookup returning a
// prebuilt, shared result. Results are never mutated once published: insert replaces affected
// cache entries with copies (copy-on-write, as addSubToResult), remove deletes them.
//
// Counters follow Sublist.Stats() exactly, because /subsz reports them.

import { FWC, PWC, subjectIsLiteral, subjectMatchesFilter } from "./subject.ts";

export interface SubscriptionLike {
  readonly subject: string;
  readonly queue: string | undefined;
}

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

/** The shared empty result (emptyResult in the reference); also cached for "no interest". */
const EMPTY_RESULT: SublistResult<never> = Object.freeze({
  psubs: Object.freeze([]) as readonly never[],
  qsubs: Object.freeze([]) as readonly (readonly never[])[],
});

class Node<T> {
  /** Always present once created, as newNode()+insert in the reference. */
  next: Level<T> | null = null;
  readonly psubs = new Set<T>();
  qsubs: Map<string, Set<T>> | null = null;

  isEmpty(): boolean {
    return this.psubs.size === 0 && (this.qsubs === null || this.qsubs.size === 0) && (this.next === null || this.next.numNodes() === 0);
  }
}

class Level<T> {
  readonly nodes = new Map<string, Node<T>>();
  pwc: Node<T> | null = null;
  fwc: Node<T> | null = null;

  numNodes(): number {
    return this.nodes.size + (this.pwc !== null ? 1 : 0) + (this.fwc !== null ? 1 : 0);
  }

  pruneNode(n: Node<T>, t: string): void {
    if (n === this.fwc) this.fwc = null;
    else if (n === this.pwc) this.pwc = null;
    else this.nodes.delete(t);
  }
}

interface MutableResult<T> {
  psubs: T[];
  qsubs: T[][];
}

// Scratch token buffers. JS is single threaded and nothing below re-enters the Sublist, so one
// buffer per operation kind serves every instance without per-call arrays.
const matchToks: string[] = [];
const updateToks: string[] = [];
const pathLevels: Level<unknown>[] = [];
const pathNodes: Node<unknown>[] = [];

/**
 * Tokenizes `subject` into `out` for insert/remove and validates it as Insert does: no empty
 * token and nothing after a `>` token. Returns the token count, or -1 when invalid.
 */
function tokenizeForUpdate(subject: string, out: string[]): number {
  let n = 0;
  let start = 0;
  let sfwc = false;
  for (;;) {
    const dot = subject.indexOf(".", start);
    const end = dot < 0 ? subject.length : dot;
    if (end === start || sfwc) return -1;
    const t = subject.substring(start, end);
    if (end - start === 1 && t.charCodeAt(0) === FWC) sfwc = true;
    out[n++] = t;
    if (dot < 0) return n;
    start = dot + 1;
  }
}

/** findQSlot: queue groups are few per subject, so a linear scan beats a map (as the reference). */
function findQSlot<T extends SubscriptionLike>(queue: string, qsubs: readonly (readonly T[])[]): number {
  for (let i = 0; i < qsubs.length; i++) {
    const qr = qsubs[i]!;
    if (qr.length > 0 && qr[0]!.queue === queue) return i;
  }
  return -1;
}

function addNodeToResults<T extends SubscriptionLike>(n: Node<T>, results: MutableResult<T>): void {
  if (n.psubs.size > 0) {
    const psubs = results.psubs;
    for (const sub of n.psubs) psubs.push(sub);
  }
  if (n.qsubs === null) return;
  for (const [qname, qr] of n.qsubs) {
    if (qr.size === 0) continue;
    let i = findQSlot(qname, results.qsubs);
    if (i < 0) {
      i = results.qsubs.length;
      results.qsubs.push([]);
    }
    const slot = results.qsubs[i]!;
    for (const sub of qr) slot.push(sub);
  }
}

/** matchLevel of the reference: descends literal and `*` branches, collecting `>` on the way. */
function matchLevel<T extends SubscriptionLike>(
  level: Level<T> | null,
  toks: readonly string[],
  from: number,
  end: number,
  results: MutableResult<T>,
): void {
  let l = level;
  let pwc: Node<T> | null = null;
  let n: Node<T> | undefined;
  for (let i = from; i < end; i++) {
    if (l === null) return;
    if (l.fwc !== null) addNodeToResults(l.fwc, results);
    pwc = l.pwc;
    if (pwc !== null) matchLevel(pwc.next, toks, i + 1, end, results);
    n = l.nodes.get(toks[i]!);
    l = n !== undefined ? n.next : null;
  }
  if (n !== undefined) addNodeToResults(n, results);
  if (pwc !== null) addNodeToResults(pwc, results);
}

/** matchLevelForAny (2.10's HasInterest): stops at the first subscriber found. */
function matchLevelForAny<T>(level: Level<T> | null, toks: readonly string[], from: number, end: number): boolean {
  let l = level;
  let pwc: Node<T> | null = null;
  let n: Node<T> | undefined;
  for (let i = from; i < end; i++) {
    if (l === null) return false;
    if (l.fwc !== null) return true; // a `>` node only exists while it holds subscribers
    pwc = l.pwc;
    if (pwc !== null && matchLevelForAny(pwc.next, toks, i + 1, end)) return true;
    n = l.nodes.get(toks[i]!);
    l = n !== undefined ? n.next : null;
  }
  if (n !== undefined && (n.psubs.size > 0 || (n.qsubs !== null && n.qsubs.size > 0))) return true;
  return pwc !== null && (pwc.psubs.size > 0 || (pwc.qsubs !== null && pwc.qsubs.size > 0));
}

/**
 * Tokenizes a publish subject for matching; -1 for an empty token (the reference returns the
 * empty result for those without caching them).
 */
function tokenizeForMatch(subject: string, out: string[]): number {
  let n = 0;
  let start = 0;
  for (;;) {
    const dot = subject.indexOf(".", start);
    if (dot < 0) {
      if (start >= subject.length) return -1;
      out[n++] = subject.substring(start);
      return n;
    }
    if (dot === start) return -1;
    out[n++] = subject.substring(start, dot);
    start = dot + 1;
  }
}

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
    const nt = tokenizeForUpdate(subject, updateToks);
    if (nt < 0) throw new SublistError();

    let l = this.root;
    let n: Node<T> | undefined;
    for (let i = 0; i < nt; i++) {
      const t = updateToks[i]!;
      let wc = 0;
      if (t.length === 1) {
        const c = t.charCodeAt(0);
        if (c === PWC || c === FWC) wc = c;
      }
      if (wc === PWC) {
        n = l.pwc ?? (l.pwc = new Node<T>());
      } else if (wc === FWC) {
        n = l.fwc ?? (l.fwc = new Node<T>());
      } else {
        n = l.nodes.get(t);
        if (n === undefined) {
          n = new Node<T>();
          l.nodes.set(t, n);
        }
      }
      l = n.next ?? (n.next = new Level<T>());
    }
    const node = n!;
    // Inserting the same subscription twice is a no-op here. The reference would count it twice
    // and append it twice to cached results while its node map holds it once; the server never
    // does it (client.go checks c.subs[sid] first), so the safe behaviour costs nothing.
    if (sub.queue === undefined) {
      if (node.psubs.has(sub)) return;
      node.psubs.add(sub);
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
    const nt = tokenizeForMatch(subject, matchToks);
    if (nt < 0) return EMPTY_RESULT;
    const result: MutableResult<T> = { psubs: [], qsubs: [] };
    matchLevel(this.root, matchToks, 0, nt, result);
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
    const nt = tokenizeForMatch(subject, matchToks);
    if (nt < 0) return false;
    return matchLevelForAny(this.root, matchToks, 0, nt);
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
    const nt = tokenizeForUpdate(subject, updateToks);
    if (nt < 0) return false;
    const levels = pathLevels as unknown as Level<T>[];
    const nodes = pathNodes as unknown as Node<T>[];
    let l: Level<T> | null = this.root;
    let n: Node<T> | null | undefined;
    let depth = 0;
    for (let i = 0; i < nt; i++) {
      if (l === null) return false;
      const t = updateToks[i]!;
      if (t.length === 1 && t.charCodeAt(0) === PWC) n = l.pwc;
      else if (t.length === 1 && t.charCodeAt(0) === FWC) n = l.fwc;
      else n = l.nodes.get(t);
      if (n === null || n === undefined) return false;
      levels[depth] = l;
      nodes[depth] = n;
      depth++;
      l = n.next;
    }
    const node = n!;
    if (sub.queue === undefined) {
      if (!node.psubs.delete(sub)) return false;
    } else {
      const group = node.qsubs?.get(sub.queue);
      if (group === undefined || !group.delete(sub)) return false;
      // The last member gone ends the group's interest (not an empty qsubs map).
      if (group.size === 0) node.qsubs!.delete(sub.queue);
    }
    this.numSubs--;
    this.removes++;
    // Prune empty nodes bottom-up so the trie does not keep dead branches.
    for (let i = depth - 1; i >= 0; i--) {
      const pn = nodes[i]!;
      if (pn.isEmpty()) levels[i]!.pruneNode(pn, updateToks[i]!);
    }
    levels.length = 0;
    nodes.length = 0;
    if (doCacheUpdates) {
      this.removeFromCache(subject);
      this.gen++;
    }
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

function addAllNodeToSubs<T>(n: Node<T>, out: T[]): void {
  for (const sub of n.psubs) out.push(sub);
  if (n.qsubs !== null) {
    for (const qr of n.qsubs.values()) for (const sub of qr) out.push(sub);
  }
}

function collectAllSubs<T>(l: Level<T>, out: T[]): void {
  for (const n of l.nodes.values()) {
    addAllNodeToSubs(n, out);
    if (n.next !== null) collectAllSubs(n.next, out);
  }
  for (const n of [l.pwc, l.fwc]) {
    if (n === null) continue;
    addAllNodeToSubs(n, out);
    if (n.next !== null) collectAllSubs(n.next, out);
  }
}

function visitLevel<T>(l: Level<T> | null, depth: number): number {
  if (l === null || l.numNodes() === 0) return depth;
  const d = depth + 1;
  let max = d;
  for (const n of l.nodes.values()) max = Math.max(max, visitLevel(n.next, d));
  if (l.pwc !== null) max = Math.max(max, visitLevel(l.pwc.next, d));
  if (l.fwc !== null) max = Math.max(max, visitLevel(l.fwc.next, d));
  return max;
}
