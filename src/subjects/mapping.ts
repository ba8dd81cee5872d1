// Subject mappings of an account (`mappings {}`): nats-server v2.9.10 accounts.go
// AddWeightedMappings and selectMappedSubject. A published subject matching a mapping's source is
// replaced by one of its destinations, picked by weight; weights under 100 in total leave the
// rest to the original subject, unless the source is itself listed (then the rest is dropped:
// "loss injection").

import { isSubsetMatchTokenized, isValidSubject, subjectHasWildcard, tokenizeSubject } from "./subject.ts";
import { ERR_BAD_SUBJECT, SubjectTransform, TransformError, transformTokenize, validateMappingDestination } from "./transform.ts";

/** MapDest of the reference: one destination as configured. */
export interface MapDest {
  subject: string;
  /** 0..100 */
  weight: number;
  /** Only for servers in this cluster (`cluster` in the config). */
  cluster?: string;
}

interface Destination {
  tr: SubjectTransform;
  /** Cumulative weight after processing (the upper bound of its random range). */
  weight: number;
}

/** A source with its weighted destinations, ready for selection. Throws TransformError on creation. */
export class SubjectMapping {
  readonly src: string;
  readonly wildcard: boolean;
  /** As configured, for /accountz. */
  readonly configured: readonly MapDest[];
  private readonly dests: Destination[];
  private readonly clusterDests = new Map<string, Destination[]>();

  constructor(src: string, dests: readonly MapDest[]) {
    if (!isValidSubject(src)) throw new TransformError(ERR_BAD_SUBJECT);
    this.src = src;
    this.wildcard = subjectHasWildcard(src);
    this.configured = dests.map((d) => ({ ...d }));
    const seen = new Set<string>();
    const plain: Destination[] = [];
    let tw = 0;
    for (const d of dests) {
      if (seen.has(d.subject)) throw new TransformError(`duplicate entry for ${JSON.stringify(d.subject)}`);
      seen.add(d.subject);
      if (d.weight > 100) throw new TransformError("individual weights need to be <= 100");
      tw += d.weight;
      if (tw > 100) throw new TransformError("total weight needs to be <= 100");
      validateMappingDestination(d.subject);
      const tr = SubjectTransform.create(src, d.subject);
      if (d.cluster === undefined || d.cluster === "") plain.push({ tr, weight: d.weight });
      else {
        let list = this.clusterDests.get(d.cluster);
        if (list === undefined) this.clusterDests.set(d.cluster, (list = []));
        list.push({ tr, weight: d.weight });
      }
    }
    const haveSrc = seen.has(src);
    this.dests = this.process(plain, haveSrc);
    for (const [cluster, list] of this.clusterDests) this.clusterDests.set(cluster, this.process(list, haveSrc));
  }

  /** processDestinations: the original subject takes the missing weight, then weights become cumulative. */
  private process(dests: Destination[], haveSrc: boolean): Destination[] {
    let ltw = 0;
    for (const d of dests) ltw += d.weight;
    if (ltw !== 100 && !haveSrc) {
      const dest = this.wildcard ? transformTokenize(this.src) : this.src;
      const tr = SubjectTransform.create(this.src, dest);
      dests.push({ tr, weight: dests.length === 0 ? 100 : 100 - ltw });
    }
    dests.sort((a, b) => a.weight - b.weight);
    let lw = 0;
    for (const d of dests) {
      d.weight += lw;
      lw = d.weight;
    }
    return dests;
  }

  /**
   * The destinations as /accountz shows them (ExtMap): each transform's destination with its
   * cumulative weight, the original subject included when it took the missing weight; cluster-scoped
   * ones after, with their cluster.
   */
  destinations(): MapDest[] {
    const out: MapDest[] = this.dests.map((d) => ({ subject: d.tr.dest, weight: d.weight }));
    for (const [cluster, list] of this.clusterDests) for (const d of list) out.push({ subject: d.tr.dest, weight: d.weight, cluster });
    return out;
  }

  /** Does this mapping apply to the literal subject (tokens given)? */
  matches(subject: string, tokens: readonly string[], n: number, srcTokens: readonly string[]): boolean {
    if (!this.wildcard) return this.src === subject;
    return isSubsetMatchTokenized(tokens, n, srcTokens, srcTokens.length);
  }

  /**
   * The chosen destination for a subject this mapping applies to; "" when the weights leave the
   * message out (the reference then publishes to an empty subject, which nobody receives).
   */
  select(tokens: readonly string[], n: number, cluster: string, random: () => number): string {
    let dests = this.dests;
    if (this.clusterDests.size > 0) dests = this.clusterDests.get(cluster) ?? this.dests;
    let d: Destination | undefined;
    if (dests.length === 1 && dests[0]!.weight === 100) d = dests[0];
    else {
      const w = Math.floor(random() * 100);
      for (const x of dests) {
        if (w < x.weight) {
          d = x;
          break;
        }
      }
    }
    if (d === undefined) return "";
    if (!d.tr.usesWildcards) return d.tr.dest;
    try {
      return d.tr.transformTokens(tokens, n);
    } catch {
      return "";
    }
  }
}

/** The mappings of one account, in configuration order (selectMappedSubject takes the first match). */
export class SubjectMappings {
  private readonly list: { m: SubjectMapping; srcTokens: string[] }[] = [];
  private readonly tokens: string[] = [];

  get size(): number {
    return this.list.length;
  }

  all(): SubjectMapping[] {
    return this.list.map((e) => e.m);
  }

  /** Adds, or replaces the mapping of the same source (AddWeightedMappings). */
  add(m: SubjectMapping): void {
    const e = { m, srcTokens: m.src.split(".") };
    const i = this.list.findIndex((x) => x.m.src === m.src);
    if (i >= 0) this.list[i] = e;
    else this.list.push(e);
  }

  clear(): void {
    this.list.length = 0;
  }

  /** RemoveMapping. */
  remove(src: string): boolean {
    const i = this.list.findIndex((x) => x.m.src === src);
    if (i < 0) return false;
    this.list.splice(i, 1);
    return true;
  }

  /**
   * selectMappedSubject: the mapped subject, or null when no mapping applies. `random` returns
   * [0, 1) (Math.random by default).
   */
  select(subject: string, cluster = "", random: () => number = Math.random): string | null {
    if (this.list.length === 0) return null;
    let n = 0;
    for (const e of this.list) {
      if (!e.m.wildcard) {
        if (e.m.src === subject) return e.m.select(this.tokens, n || (n = tokenizeSubject(subject, this.tokens)), cluster, random);
        continue;
      }
      if (n === 0) n = tokenizeSubject(subject, this.tokens);
      if (e.m.matches(subject, this.tokens, n, e.srcTokens)) return e.m.select(this.tokens, n, cluster, random);
    }
    return null;
  }
}
