// Validation and matching tables ported from nats-server v2.9.10 server/sublist_test.go.
import { describe, expect, test } from "bun:test";
import {
  isValidLiteralSubject,
  isValidPublishSubject,
  isValidQueueName,
  isValidSubject,
  numTokens,
  subjectIsLiteral,
  subjectIsSubsetMatch,
  subjectMatchesFilter,
  tokenAt,
  tokenizeSubject,
} from "../../src/subjects/subject.ts";

function table(fn: (s: string) => boolean, rows: [string, boolean][]): void {
  for (const [input, want] of rows) {
    test(`${JSON.stringify(input)} -> ${want}`, () => expect(fn(input)).toBe(want));
  }
}

describe("isValidLiteralSubject (TestSublistValidLiteralSubjects)", () => {
  table(isValidLiteralSubject, [
    ["foo", true],
    [".foo", false],
    ["foo.", false],
    ["foo..bar", false],
    ["foo.bar.*", false],
    ["foo.bar.>", false],
    ["*", false],
    [">", false],
    // Wildcard characters that are not whole tokens are literal.
    ["foo*", true],
    ["foo**", true],
    ["foo.**", true],
    ["foo*bar", true],
    ["foo.*bar", true],
    ["foo*.bar", true],
    ["*bar", true],
    ["foo>", true],
    ["foo>>", true],
    ["foo.>>", true],
    ["foo>bar", true],
    ["foo.>bar", true],
    ["foo>.bar", true],
    [">bar", true],
    // Not in the Go table; follows from strings.Split("", ".") == [""].
    ["", false],
    // As the reference, no whitespace check here (the parser splits on it).
    ["foo\fbar", true],
  ]);
});

describe("isValidSubject (TestSublistValidSubjects)", () => {
  table(isValidSubject, [
    [".", false],
    [".foo", false],
    ["foo.", false],
    ["foo..bar", false],
    [">.bar", false],
    ["foo.>.bar", false],
    ["foo", true],
    ["foo.bar.*", true],
    ["foo.bar.>", true],
    ["*", true],
    [">", true],
    ["foo*", true],
    ["foo**", true],
    ["foo.**", true],
    ["foo*bar", true],
    ["foo.*bar", true],
    ["foo*.bar", true],
    ["*bar", true],
    ["foo>", true],
    ["foo.>>", true],
    ["foo>bar", true],
    ["foo.>bar", true],
    ["foo>.bar", true],
    [">bar", true],
    // Whitespace and empty subjects (IsValidSubject's ContainsAny "\t\n\f\r ").
    ["", false],
    ["foo bar", false],
    ["foo.\t", false],
    [" ", false],
    ["foo\r\n", false],
    ["a.\f.b", false],
    ["*.*.>", true],
    ["\xff.\xe9t\xe9", true], // latin1 binary strings: any non-space byte is allowed
  ]);
});

describe("isValidPublishSubject", () => {
  table(isValidPublishSubject, [
    ["foo.bar", true],
    ["foo.*", false],
    ["foo bar", false],
    ["foo*", true],
  ]);
});

describe("isValidQueueName (v2.9.10 accepts any whitespace-free token)", () => {
  table(isValidQueueName, [
    ["q", true],
    ["workers.v1", true],
    ["*", true],
    ["a..b", true],
    ["", false],
    ["a b", false],
    ["a\tb", false],
  ]);
});

describe("subjectMatchesFilter (TestSublistMatchLiterals)", () => {
  const rows: [string, string, boolean][] = [
    ["foo", "foo", true],
    ["foo", "bar", false],
    ["foo", "*", true],
    ["foo", ">", true],
    ["foo.bar", ">", true],
    ["foo.bar", "foo.>", true],
    ["foo.bar", "bar.>", false],
    ["stats.test.22", "stats.>", true],
    ["stats.test.22", "stats.*.*", true],
    ["foo.bar", "foo", false],
    ["stats.test.foos", "stats.test.foos", true],
    ["stats.test.foos", "stats.test.foo", false],
    ["stats.test", "stats.test.*", false],
    ["stats.test.foos", "stats.*", false],
    ["stats.test.foos", "stats.*.*.foos", false],
    ["*bar", "*bar", true],
    ["foo*", "foo*", true],
    ["foo*bar", "foo*bar", true],
    ["foo.***.bar", "foo.***.bar", true],
    [">bar", ">bar", true],
    ["foo>", "foo>", true],
    ["foo>bar", "foo>bar", true],
    ["foo.>>>.bar", "foo.>>>.bar", true],
    // Extra edge cases.
    ["foo", "foo.>", false],
    ["foo.bar.baz", "*.bar.*", true],
    ["foo.bar.baz", "*.*", false],
    ["foo", "", false],
    ["", "foo", false],
    ["a.b", "a.*b", false],
  ];
  for (const [literal, filter, want] of rows) {
    test(`${literal} ~ ${filter} -> ${want}`, () => expect(subjectMatchesFilter(literal, filter)).toBe(want));
  }
});

describe("subjectIsLiteral (TestSubjectIsLiteral)", () => {
  table(subjectIsLiteral, [
    ["foo", true],
    ["foo.bar", true],
    ["foo*.bar", true],
    ["*", false],
    [">", false],
    ["foo.*", false],
    ["foo.>", false],
    ["foo.*.>", false],
    ["foo.*.bar", false],
    ["foo.bar.>", false],
  ]);
});

describe("subjectIsSubsetMatch (TestIsSubsetMatch)", () => {
  const rows: [string, string, boolean][] = [
    ["foo.*", ">", true],
    ["foo.*", "*.*", true],
    ["foo.*", "foo.*", true],
    ["foo.*", "foo.bar", false],
    ["foo.>", ">", true],
    ["foo.>", "*.>", true],
    ["foo.>", "foo.>", true],
    ["foo.>", "foo.bar", false],
    ["foo..bar", "foo.*", false],
    ["foo.*", "foo..bar", false],
    // Extra: literal subsets and length mismatches.
    ["foo.bar", "foo.*", true],
    ["foo.bar", "foo.bar", true],
    ["foo.bar.baz", "foo.*", false],
    ["foo", "foo.>", false],
    [">", "foo.>", false],
    ["*", ">", true],
  ];
  for (const [subject, t, want] of rows) {
    test(`${subject} within ${t} -> ${want}`, () => expect(subjectIsSubsetMatch(subject, t)).toBe(want));
  }
});

describe("tokens", () => {
  test("tokenAt (TestSubjectToken)", () => {
    expect(tokenAt("foo.bar.baz.*", 0)).toBe("");
    expect(tokenAt("foo.bar.baz.*", 1)).toBe("foo");
    expect(tokenAt("foo.bar.baz.*", 2)).toBe("bar");
    expect(tokenAt("foo.bar.baz.*", 3)).toBe("baz");
    expect(tokenAt("foo.bar.baz.*", 4)).toBe("*");
    expect(tokenAt("foo.bar.baz.*", 5)).toBe("");
  });
  test("numTokens and tokenizeSubject", () => {
    expect(numTokens("")).toBe(0);
    expect(numTokens("a")).toBe(1);
    expect(numTokens("a.b.c")).toBe(3);
    const out: string[] = [];
    expect(tokenizeSubject("a..b.", out)).toBe(4);
    expect(out.slice(0, 4)).toEqual(["a", "", "b", ""]);
  });
});
