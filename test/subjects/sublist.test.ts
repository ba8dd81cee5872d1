// Sublist behaviour, ported from nats-server v2.9.10 server/sublist_test.go, plus cache
// invalidation, queue grouping, removeBatch and Stats() checks.
import { describe, expect, test } from "bun:test";
import { SL_CACHE_MAX, SL_CACHE_SWEEP, Sublist, SublistError, type SubscriptionLike } from "../../src/subjects/sublist.ts";

class Sub implements SubscriptionLike {
  constructor(
    readonly subject: string,
    readonly queue: string | undefined = undefined,
  ) {}
}
const sub = (s: string): Sub => new Sub(s);
const qsub = (s: string, q: string): Sub => new Sub(s, q);

function qgroup(r: { qsubs: readonly (readonly Sub[])[] }, queue: string): readonly Sub[] {
  const g = r.qsubs.find((x) => x[0]?.queue === queue);
  if (g === undefined) throw new Error(`no queue group ${queue}`);
  return g;
}

// Every behavioural test runs with and without the cache, as the Go tests do.
for (const cache of [true, false]) {
  describe(cache ? "with cache" : "no cache", () => {
    const mk = (): Sublist<Sub> => new Sublist<Sub>(cache);

    test("insert count", () => {
      const s = mk();
      s.insert(sub("foo"));
      s.insert(sub("bar"));
      s.insert(sub("foo.bar"));
      expect(s.count()).toBe(3);
    });

    test("simple and multi-token", () => {
      const s = mk();
      const a = sub("foo");
      const b = sub("foo.bar.baz");
      s.insert(a);
      s.insert(b);
      expect(s.match("foo").psubs).toEqual([a]);
      expect(s.match("foo.bar.baz").psubs).toEqual([b]);
    });

    test("partial wildcard, also at end", () => {
      const s = mk();
      const l = sub("a.b.c");
      const p = sub("a.*.c");
      const e = sub("a.b.*");
      s.insert(l);
      s.insert(p);
      s.insert(e);
      const r = s.match("a.b.c");
      expect(r.psubs.length).toBe(3);
      expect(new Set(r.psubs)).toEqual(new Set([l, p, e]));
    });

    test("full wildcard", () => {
      const s = mk();
      const l = sub("a.b.c");
      const f = sub("a.>");
      s.insert(l);
      s.insert(f);
      expect(new Set(s.match("a.b.c").psubs)).toEqual(new Set([l, f]));
      // As the reference, a wildcard subject passed to match is walked token by token.
      expect(s.match("a.>").psubs).toEqual([f]);
      expect(s.match("a").psubs).toEqual([]);
    });

    test("remove", () => {
      const s = mk();
      const a = sub("a.b.c.d");
      s.insert(a);
      expect(s.match("a.b.c.d").psubs.length).toBe(1);
      expect(s.remove(sub("a.b.c"))).toBe(false);
      expect(s.count()).toBe(1);
      expect(s.remove(a)).toBe(true);
      expect(s.remove(a)).toBe(false);
      expect(s.count()).toBe(0);
      expect(s.match("a.b.c.d").psubs.length).toBe(0);
    });

    test("remove wildcard", () => {
      const s = mk();
      const a = sub("a.b.c.d");
      const p = sub("a.b.*.d");
      const f = sub("a.b.>");
      s.insert(a);
      s.insert(p);
      s.insert(f);
      expect(s.match("a.b.c.d").psubs.length).toBe(3);
      s.remove(a);
      expect(s.count()).toBe(2);
      expect(s.match("a.b.c.d").psubs.length).toBe(2);
      s.remove(f);
      expect(s.match("a.b.c.d").psubs).toEqual([p]);
      s.remove(p);
      expect(s.count()).toBe(0);
      expect(s.match("a.b.c.d").psubs.length).toBe(0);
    });

    test("remove cleans up levels", () => {
      const s = mk();
      for (const subject of ["a.b.c.d.e.f", "a.b.*.d.e.>"]) {
        const x = sub(subject);
        expect(s.numLevels()).toBe(0);
        s.insert(x);
        expect(s.numLevels()).toBe(6);
        s.remove(x);
        expect(s.numLevels()).toBe(0);
      }
    });

    test("remove with many subs on one subject", () => {
      const s = mk();
      for (let i = 0; i < 512; i++) s.insert(sub("foo"));
      const r = s.match("foo");
      expect(r.psubs.length).toBe(512);
      s.remove(r.psubs[256]!);
      s.remove(r.psubs[0]!);
      s.remove(r.psubs[511]!);
      expect(s.match("foo").psubs.length).toBe(509);
      // The result handed out earlier was not mutated.
      expect(r.psubs.length).toBe(512);
    });

    test("invalid subjects on insert and remove", () => {
      const s = mk();
      for (const bad of [".foo", "foo.", "foo..bar", "foo.bar..baz", "foo.>.bar", "", ">.>"]) {
        expect(() => s.insert(sub(bad))).toThrow(SublistError);
        expect(s.remove(sub(bad))).toBe(false);
      }
      expect(s.count()).toBe(0);
      expect(s.numLevels()).toBe(0); // a rejected insert leaves no half-built branch
      expect(() => s.insert(sub("a.b..d"))).toThrow("sublist: invalid subject");
    });

    test("two-token publish does not match one-token sub (bug #18)", () => {
      const s = mk();
      const a = sub("foo");
      s.insert(a);
      expect(s.match("foo").psubs).toEqual([a]);
      expect(s.match("foo.bar").psubs.length).toBe(0);
    });

    test("wildcard characters inside tokens are literals", () => {
      const s = mk();
      for (const subject of ["foo.*-", "foo.>-"]) {
        const x = sub(subject);
        s.insert(x);
        expect(s.match("foo.bar").psubs.length).toBe(0);
        expect(s.match(subject).psubs).toEqual([x]);
        expect(s.remove(sub("foo.bar"))).toBe(false);
        expect(s.count()).toBe(1);
        s.remove(x);
        expect(s.count()).toBe(0);
      }
    });

    test("basic queue results", () => {
      const s = mk();
      const p = sub("foo");
      const q1 = qsub("foo", "bar");
      const q2 = qsub("foo", "baz");
      s.insert(q1);
      let r = s.match("foo");
      expect(r.psubs.length).toBe(0);
      expect(r.qsubs).toEqual([[q1]]);
      s.insert(q2);
      r = s.match("foo");
      expect(r.qsubs.length).toBe(2);
      expect(qgroup(r, "bar")).toEqual([q1]);
      expect(qgroup(r, "baz")).toEqual([q2]);
      s.insert(p);
      const q3 = qsub("foo", "bar");
      const q4 = qsub("foo", "baz");
      s.insert(q3);
      s.insert(q4);
      r = s.match("foo");
      expect(r.psubs).toEqual([p]);
      expect(r.qsubs.length).toBe(2);
      expect(new Set(qgroup(r, "bar"))).toEqual(new Set([q1, q3]));
      expect(new Set(qgroup(r, "baz"))).toEqual(new Set([q2, q4]));
      s.remove(p);
      s.remove(q1);
      r = s.match("foo");
      expect(r.psubs.length).toBe(0);
      expect(qgroup(r, "bar")).toEqual([q3]);
      expect(qgroup(r, "baz").length).toBe(2);
      s.remove(q3); // last "bar"
      r = s.match("foo");
      expect(r.qsubs.length).toBe(1);
      expect(qgroup(r, "baz").length).toBe(2);
      s.remove(q2);
      s.remove(q4);
      r = s.match("foo");
      expect(r.psubs.length + r.qsubs.length).toBe(0);
      expect(s.numLevels()).toBe(0);
    });

    test("queue groups are merged across wildcard and literal subscriptions", () => {
      const s = mk();
      const a = qsub("foo.bar", "g");
      const b = qsub("foo.*", "g");
      const c = qsub("foo.>", "g");
      const d = qsub("foo.>", "h");
      for (const x of [a, b, c, d]) s.insert(x);
      const r = s.match("foo.bar");
      expect(r.qsubs.length).toBe(2);
      expect(new Set(qgroup(r, "g"))).toEqual(new Set([a, b, c]));
      expect(qgroup(r, "h")).toEqual([d]);
      // A queue sub and a plain sub on the same subject are separate.
      const p = sub("foo.bar");
      s.insert(p);
      expect(s.match("foo.bar").psubs).toEqual([p]);
    });

    test("match with empty tokens returns nothing (TestSublistMatchWithEmptyTokens)", () => {
      const s = mk();
      s.insert(sub(">"));
      s.insert(qsub(">", "queue"));
      for (const subj of [".foo", "..foo", "foo..", "foo.", "foo..bar", "foo...bar", ""]) {
        const r = s.match(subj);
        expect(r.psubs.length + r.qsubs.length).toBe(0);
        expect(s.hasInterest(subj)).toBe(false);
      }
      expect(s.cacheCount()).toBe(0); // such subjects are not cached
    });

    test("hasInterest", () => {
      const s = mk();
      expect(s.hasInterest("foo")).toBe(false);
      const a = sub("foo.*.baz");
      s.insert(a);
      expect(s.hasInterest("foo.bar.baz")).toBe(true);
      expect(s.hasInterest("foo.bar")).toBe(false);
      expect(s.hasInterest("foo.bar.baz.x")).toBe(false);
      const q = qsub("x.>", "g");
      s.insert(q);
      expect(s.hasInterest("x.y.z")).toBe(true);
      expect(s.hasInterest("x")).toBe(false);
      s.match("x.y.z");
      expect(s.hasInterest("x.y.z")).toBe(true);
      s.remove(q);
      expect(s.hasInterest("x.y.z")).toBe(false);
      const before = s.stats().numMatches;
      s.hasInterest("foo.bar.baz");
      expect(s.stats().numMatches).toBe(before); // not counted: v2.9.10 has no HasInterest
    });

    test("all", () => {
      const s = mk();
      const subs = [sub("foo.bar.baz"), sub("foo"), sub("baz"), sub("*.>"), qsub("foo", "q"), qsub(">", "q")];
      for (const x of subs) s.insert(x);
      expect(new Set(s.all())).toEqual(new Set(subs));
      expect(s.all().length).toBe(subs.length);
    });

    test("inserting the same subscription twice is a no-op", () => {
      const s = mk();
      const a = sub("foo");
      const q = qsub("foo", "g");
      s.insert(a);
      s.insert(q);
      s.match("foo");
      s.insert(a);
      s.insert(q);
      expect(s.count()).toBe(2);
      const r = s.match("foo");
      expect(r.psubs).toEqual([a]);
      expect(r.qsubs).toEqual([[q]]);
    });

    test("removeBatch", () => {
      const s = mk();
      const others = [sub("foo"), sub("foo.*"), qsub("foo.bar", "g")];
      for (const x of others) s.insert(x);
      const mine: Sub[] = [];
      for (let i = 0; i < 10_000; i++) {
        const x = i % 3 === 0 ? qsub(`foo.${i}`, "g") : i % 3 === 1 ? sub(`foo.${i}`) : sub(`bar.${i}.>`);
        mine.push(x);
        s.insert(x);
      }
      for (let i = 0; i < 100; i++) s.match(`foo.${i}`);
      const genBefore = s.genid;
      const t0 = performance.now();
      s.removeBatch(mine);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(2000); // in practice a few ms
      expect(s.genid).toBeGreaterThan(genBefore);
      expect(s.count()).toBe(3);
      expect(s.cacheCount()).toBe(0);
      expect(s.stats().numRemoves).toBe(10_000);
      expect(s.match("foo.1").psubs).toEqual([others[1]!]);
      expect(new Set(s.all())).toEqual(new Set(others));
      expect(s.numLevels()).toBe(2);
      s.removeBatch([]);
      s.removeBatch(others);
      expect(s.count()).toBe(0);
      expect(s.numLevels()).toBe(0);
    });
  });
}

describe("cache", () => {
  test("shared empty result (TestSublistSharedEmptyResult)", () => {
    const s = new Sublist<Sub>();
    const r1 = s.match("foo");
    const r2 = s.match("bar");
    expect(r1.psubs.length + r1.qsubs.length).toBe(0);
    expect(r1).toBe(r2);
    expect(s.cacheCount()).toBe(2); // no-interest results are cached too
  });

  test("hit returns the identical result object", () => {
    const s = new Sublist<Sub>();
    s.insert(sub("a.*"));
    const r = s.match("a.b");
    expect(s.match("a.b")).toBe(r);
    expect(s.match("a.b")).toBe(r);
  });

  test("TestSublistCache sequence", () => {
    const s = new Sublist<Sub>();
    const a = sub("a.b.c.d");
    const p = sub("a.b.*.d");
    const f = sub("a.b.>");
    s.insert(a);
    expect(s.match("a.b.c.d").psubs.length).toBe(1);
    s.insert(p);
    s.insert(f);
    expect(s.match("a.b.c.d").psubs.length).toBe(3);
    s.remove(a);
    s.remove(f);
    s.remove(p);
    expect(s.cacheCount()).toBe(0);
    expect(s.match("a.b.c.d").psubs.length).toBe(0);

    for (let i = 0; i < 2 * SL_CACHE_MAX; i++) {
      s.match(`foo-${i}\n`);
      expect(s.cacheCount()).toBeLessThanOrEqual(SL_CACHE_MAX);
    }
    expect(s.cacheCount()).toBeGreaterThanOrEqual(SL_CACHE_SWEEP);

    const t = new Sublist<Sub>();
    t.insert(sub("foo.*"));
    t.insert(sub("foo.bar"));
    expect(t.match("foo.baz").psubs.length).toBe(1);
    expect(t.match("foo.bar").psubs.length).toBe(2);
    t.insert(sub("foo.>"));
    expect(t.match("foo.bar").psubs.length).toBe(3);
  });

  test("sweep: past 1024 entries the cache is cut to 512, oldest first", () => {
    const s = new Sublist<Sub>();
    for (let i = 0; i <= SL_CACHE_MAX; i++) s.match(`s.${i}`);
    expect(s.cacheCount()).toBe(SL_CACHE_SWEEP);
    // The newest entry survived; the oldest went.
    const hits = s.stats();
    s.match(`s.${SL_CACHE_MAX}`);
    s.match("s.0");
    const after = s.stats();
    expect(after.numMatches - hits.numMatches).toBe(2);
    expect(after.cacheHitRate * after.numMatches - hits.cacheHitRate * hits.numMatches).toBeCloseTo(1, 6);
  });

  test("literal insert touches only its own cache entry", () => {
    const s = new Sublist<Sub>();
    s.insert(sub("a.*"));
    const rab = s.match("a.b");
    const rac = s.match("a.c");
    const rxy = s.match("x.y");
    const ab = sub("a.b");
    s.insert(ab);
    expect(s.cacheCount()).toBe(3);
    expect(s.match("a.c")).toBe(rac);
    expect(s.match("x.y")).toBe(rxy);
    const rab2 = s.match("a.b");
    expect(rab2).not.toBe(rab);
    expect(rab2.psubs.length).toBe(2);
    expect(rab.psubs.length).toBe(1); // copy-on-write: the old result is untouched
  });

  test("wildcard insert updates exactly the entries it matches", () => {
    const s = new Sublist<Sub>();
    const rab = s.match("a.b");
    const rabc = s.match("a.b.c");
    const rxy = s.match("x.y");
    const w = sub("a.>");
    s.insert(w);
    expect(s.cacheCount()).toBe(3);
    expect(s.match("x.y")).toBe(rxy);
    expect(s.match("a.b").psubs).toEqual([w]);
    expect(s.match("a.b.c").psubs).toEqual([w]);
    expect(rab.psubs.length + rabc.psubs.length).toBe(0);
    const q = qsub("*.b", "g");
    s.insert(q);
    expect(s.match("a.b").qsubs).toEqual([[q]]);
    expect(s.match("a.b.c").qsubs).toEqual([]);
  });

  test("remove drops only entries the subscription could be in", () => {
    const s = new Sublist<Sub>();
    const ab = sub("a.b");
    const w = sub("a.*");
    s.insert(ab);
    s.insert(w);
    s.match("a.b");
    s.match("a.c");
    s.match("x.y");
    s.remove(ab);
    expect(s.cacheCount()).toBe(2); // "a.b" dropped
    s.remove(w);
    expect(s.cacheCount()).toBe(1); // "a.c" dropped, "x.y" kept
    expect(s.match("a.c").psubs.length).toBe(0);
  });

  test("no cache: nothing is cached", () => {
    const s = new Sublist<Sub>(false);
    s.insert(sub("foo"));
    for (let i = 0; i < 10; i++) s.match("foo");
    s.removeBatch([sub("nope")]);
    s.match("foo");
    expect(s.cacheCount()).toBe(0);
  });
});

describe("stats", () => {
  test("cache hit rate (TestSublistAddCacheHitRate)", () => {
    const s = new Sublist<Sub>();
    s.insert(sub("foo"));
    for (let i = 0; i < 4; i++) s.match("foo");
    expect(s.stats().cacheHitRate).toBe(0.75);
  });

  test("no-cache stats (TestSublistNoCacheStats)", () => {
    const s = new Sublist<Sub>(false);
    for (const x of ["foo", "bar", "baz", "foo.bar.baz"]) s.insert(sub(x));
    s.match("a.b.c");
    s.match("bar");
    const st = s.stats();
    expect(st).toEqual({
      numSubs: 4,
      numCache: 0,
      numInserts: 4,
      numRemoves: 0,
      numMatches: 2,
      cacheHitRate: 0,
      maxFanout: 0,
      avgFanout: 0,
    });
  });

  test("fanout counts psubs plus queue groups over cached results", () => {
    const s = new Sublist<Sub>();
    const subs = [sub("foo"), sub("foo"), qsub("foo", "g"), qsub("foo", "g"), qsub("*", "h"), sub("bar")];
    for (const x of subs) s.insert(x);
    s.match("foo"); // 2 psubs + groups g and h = 4
    s.match("bar"); // 1
    s.match("none.here"); // 0, cached empty
    s.match("foo"); // hit
    s.remove(subs[5]!); // drops the "bar" entry
    expect(s.stats()).toEqual({
      numSubs: 5,
      numCache: 2,
      numInserts: 6,
      numRemoves: 1,
      numMatches: 4,
      cacheHitRate: 0.25,
      maxFanout: 4,
      avgFanout: 2,
    });
  });

  test("empty sublist", () => {
    const st = new Sublist<Sub>().stats();
    expect(st.numMatches).toBe(0);
    expect(st.cacheHitRate).toBe(0);
    expect(st.avgFanout).toBe(0);
  });
});

describe("token hash collisions (the trie keys literal tokens by FNV-1a hash)", () => {
  function fnv1a(t: string): number {
    let x = 0x811c9dc5 | 0;
    for (let i = 0; i < t.length; i++) x = Math.imul(x ^ t.charCodeAt(i), 16777619);
    return x;
  }
  // Found by search; all three hash to the same 32-bit value.
  const triple = ["poc40", "p7lv8E", "p8jz4T"];

  test("the fixture really collides", () => {
    expect(new Set(triple.map(fnv1a)).size).toBe(1);
    expect(fnv1a("t7pfs")).toBe(fnv1a("tovja"));
  });

  for (const cache of [true, false]) {
    test(`colliding tokens stay distinct (cache ${cache}), removal from any chain position`, () => {
      for (const order of [[0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0]]) {
        const s = new Sublist<Sub>(cache);
        const subs = triple.map((t) => sub(`a.${t}.z`));
        const deep = triple.map((t) => sub(`${t}`));
        for (const x of [...subs, ...deep]) s.insert(x);
        triple.forEach((t, i) => {
          expect(s.match(`a.${t}.z`).psubs).toEqual([subs[i]!]);
          expect(s.match(t).psubs).toEqual([deep[i]!]);
        });
        expect(s.match("a.tovja.z").psubs.length).toBe(0);
        let left = 3;
        for (const i of order) {
          expect(s.remove(subs[i]!)).toBe(true);
          expect(s.remove(deep[i]!)).toBe(true);
          left--;
          expect(s.match(`a.${triple[i]}.z`).psubs.length).toBe(0);
          expect(s.hasInterest(triple[i]!)).toBe(false);
          triple.forEach((t, j) => {
            if (order.indexOf(j) > order.indexOf(i)) {
              expect(s.match(`a.${t}.z`).psubs).toEqual([subs[j]!]);
              expect(s.hasInterest(t)).toBe(true);
            }
          });
          expect(s.count()).toBe(2 * left);
        }
        expect(s.numLevels()).toBe(0);
      }
    });
  }
});
