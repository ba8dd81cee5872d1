// Subject transforms and weighted mappings, ported from nats-server v2.9.10 accounts_test.go
// (TestSubjectTransforms, TestAccountMultiWeightedRouteMappings, TestAccountSimpleWeightedRouteMapping).
import { describe, expect, test } from "bun:test";
import { SubjectMapping, SubjectMappings } from "../../src/subjects/mapping.ts";
import { SubjectTransform, TransformError, transformTokenize, transformUntokenize } from "../../src/subjects/transform.ts";

describe("TestSubjectTransforms", () => {
  const shouldErr: [string, string][] = [
    ["foo.*.*", "bar.$2"],
    ["foo", ""],
    ["foo..", "bar"],
    ["foo.*", "bar.*"],
    ["foo.*", "bar.$2"],
    ["foo.*", "bar.$1.>"],
    ["foo.>", "bar.baz"],
    ["foo.*", "foo.$foo"],
    ["foo.*", "foo.{{wildcard(2)}}"],
    ["foo.*", "foo.{{unimplemented(1)}}"],
    ["foo.*", "foo.{{partition(10)}}"],
    ["foo.*", "foo.{{wildcard(foo)}}"],
    ["foo.*", "foo.{{wildcard()}}"],
    ["foo.*", "foo.{{wildcard(1,2)}}"],
    ["foo.*", "foo.{{ wildcard5) }}"],
    ["foo.*", "foo.{{splitLeft(2,2}}"],
  ];
  for (const [src, dest] of shouldErr) {
    test(`error: ${src} -> ${dest}`, () => {
      expect(() => SubjectTransform.create(src, dest)).toThrow(TransformError);
    });
  }
  for (const [src, dest] of [
    ["foo", "bar"],
    ["foo.*.bar.*.baz", "req.$2.$1"],
    ["baz.>", "mybaz.>"],
    ["*", "{{splitfromleft(1,1)}}"],
  ] as const) {
    test(`ok: ${src} -> ${dest}`, () => {
      expect(SubjectTransform.create(src, dest).dest).toBe(dest);
    });
  }
  const shouldMatch: [string, string, string, string][] = [
    ["foo", "bar", "foo", "bar"],
    ["foo.*.bar.*.baz", "req.$2.$1", "foo.A.bar.B.baz", "req.B.A"],
    ["baz.>", "my.pre.>", "baz.1.2.3", "my.pre.1.2.3"],
    ["baz.>", "foo.bar.>", "baz.1.2.3", "foo.bar.1.2.3"],
    ["*", "foo.bar.$1", "foo", "foo.bar.foo"],
    ["*", "{{splitfromleft(1,3)}}", "12345", "123.45"],
    ["*", "{{SplitFromRight(1,3)}}", "12345", "12.345"],
    ["*", "{{SliceFromLeft(1,3)}}", "1234567890", "123.456.789.0"],
    ["*", "{{SliceFromRight(1,3)}}", "1234567890", "1.234.567.890"],
    ["*", "{{split(1,-)}}", "-abc-def--ghi-", "abc.def.ghi"],
    ["*", "{{split(1,-)}}", "abc-def--ghi-", "abc.def.ghi"],
    ["*.*", "{{split(2,-)}}.{{splitfromleft(1,2)}}", "foo.-abc-def--ghij-", "abc.def.ghij.fo.o"],
    // More from the reference's mapping tests.
    ["foo.*", "bar.{{wildcard(1)}}", "foo.x", "bar.x"],
    ["foo.*.*", "foo.$2.$1", "foo.a.b", "foo.b.a"],
    [">", ">", "a.b.c", "a.b.c"],
  ];
  for (const [src, dest, sample, want] of shouldMatch) {
    test(`${src} -> ${dest}: ${sample} => ${want}`, () => {
      expect(SubjectTransform.create(src, dest).match(sample)).toBe(want);
    });
  }

  test("error texts are the reference's", () => {
    const msg = (src: string, dest: string): string => {
      try {
        SubjectTransform.create(src, dest);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(msg("foo.*", "bar.*")).toBe("invalid subject");
    expect(msg("foo.*.*", "bar.$2")).toBe("invalid mapping destination: not using all of the token wildcard(s) in bar.$2");
    expect(msg("foo.*", "foo.{{wildcard(2)}}")).toBe("invalid mapping destination: wildcard index out of range in {{wildcard(2)}}: [2]");
    expect(msg("foo.*", "foo.{{unimplemented(1)}}")).toBe("invalid mapping destination: unknown function in {{unimplemented(1)}}");
    expect(msg("foo.*", "foo.{{partition(10)}}")).toBe("invalid mapping destination: not enough arguments passed to the function in {{partition(10)}}");
    expect(msg("foo.*", "foo.{{wildcard(1,2)}}")).toBe("invalid mapping destination: too many arguments passed to the function in {{wildcard(1,2)}}");
    expect(msg("foo.*", "foo.{{wildcard(x)}}")).toBe("invalid mapping destination: function argument is invalid or in the wrong format in {{wildcard(x)}}");
  });

  test("match errors", () => {
    const tr = SubjectTransform.create("foo.*", "bar.$1");
    expect(() => tr.match("baz.x")).toThrow("no matching transforms available");
    expect(() => tr.match("foo.*")).toThrow("invalid subject");
  });

  test("partition is FNV-1a 32 of the tokens modulo the count", () => {
    const tr = SubjectTransform.create("foo.*", "bar.{{partition(10,1)}}");
    const h = (s: string): number => {
      let x = 0x811c9dc5;
      for (const c of Buffer.from(s)) x = Math.imul(x ^ c, 0x01000193) >>> 0;
      return x;
    };
    for (const k of ["1", "abc", "hello", "0123456789"]) expect(tr.match(`foo.${k}`)).toBe(`bar.${h(k) % 10}`);
  });

  test("tokenize / untokenize / reverse", () => {
    expect(transformTokenize("foo.*.*")).toBe("foo.$1.$2");
    expect(transformUntokenize("foo.$1.$2")).toEqual({ subject: "foo.*.*", placeholders: ["$1", "$2"] });
    const tr = SubjectTransform.create("foo.*.*", "bar.$2.$1");
    const rev = tr.reverse()!;
    expect(rev.match(tr.match("foo.a.b"))).toBe("foo.a.b");
  });
});

describe("weighted mappings (AddWeightedMappings)", () => {
  const err = (dests: { subject: string; weight: number }[]): string => {
    try {
      new SubjectMapping("foo", dests);
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  test("errors", () => {
    expect(err([{ subject: "bar", weight: 150 }])).toBe("individual weights need to be <= 100");
    expect(err([{ subject: "bar", weight: 50 }])).toBe("");
    expect(err([{ subject: "bar", weight: 50 }, { subject: "baz", weight: 50 }])).toBe("");
    expect(err([{ subject: "bar", weight: 50 }, { subject: "bar", weight: 50 }])).toBe('duplicate entry for "bar"');
    expect(err([{ subject: "bar", weight: 50 }, { subject: "baz", weight: 60 }])).toBe("total weight needs to be <= 100");
  });

  test("the original subject takes the missing weight; a listed source drops the rest", () => {
    const ms = new SubjectMappings();
    ms.add(new SubjectMapping("foo", [{ subject: "bar", weight: 50 }, { subject: "baz", weight: 30 }]));
    const counts = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const r = ms.select("foo", "", () => i / 100)!;
      counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ foo: 20, baz: 30, bar: 50 });
    ms.add(new SubjectMapping("foo", [{ subject: "foo", weight: 80 }]));
    let lost = 0;
    for (let i = 0; i < 100; i++) if (ms.select("foo", "", () => i / 100) === "") lost++;
    expect(lost).toBe(20);
    expect(ms.select("other")).toBeNull();
  });

  test("wildcard sources transform, first matching mapping wins", () => {
    const ms = new SubjectMappings();
    ms.add(new SubjectMapping("a.*", [{ subject: "b.$1", weight: 100 }]));
    ms.add(new SubjectMapping("a.>", [{ subject: "c.>", weight: 100 }]));
    expect(ms.select("a.x")).toBe("b.x");
    expect(ms.select("a.x.y")).toBe("c.x.y");
    ms.add(new SubjectMapping("z.*", [{ subject: "q.$1", weight: 40 }]));
    expect(ms.select("z.k", "", () => 0.99)).toBe("z.k");
    expect(ms.select("z.k", "", () => 0.1)).toBe("q.k");
  });

  test("cluster-scoped destinations fall back to the main list", () => {
    const m = new SubjectMappings();
    m.add(new SubjectMapping("foo", [{ subject: "east", weight: 50, cluster: "E" }, { subject: "west", weight: 50 }]));
    expect(m.select("foo", "E", () => 0)).toBe("east");
    expect(m.select("foo", "W", () => 0)).toBe("west");
    expect(m.select("foo", "W", () => 0.6)).toBe("foo");
  });
});
