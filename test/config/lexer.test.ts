// The lexer against nats-server's own conf/lex_test.go (v2.9.10): every case of that file was
// converted mechanically into fixtures/lex_test_cases.json (input and expected items with line and
// column), and is checked here the way the reference's expect() does.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ItemType, Lexer, lexAll, type Item } from "../../src/config/lexer.ts";

interface Case {
  name: string;
  input: string;
  items: [string, string, number, number][];
}

const cases = JSON.parse(readFileSync(join(import.meta.dir, "fixtures/lex_test_cases.json"), "utf8")) as Case[];

/** As lex_test.go's expect(): stop at the first EOF or Error; compare every item before. */
function expectItems(input: string, want: Case["items"]): void {
  const lx = new Lexer(input);
  for (const [typ, val, line, pos] of want) {
    const it = lx.nextItem();
    if (it.typ === ItemType.EOF) break;
    expect({ input, item: it }).toEqual({ input, item: { typ: typ as ItemType, val, line, pos } });
    if (it.typ === ItemType.Error) break;
  }
}

describe("conf/lex_test.go cases", () => {
  test("fixture is complete", () => {
    expect(cases.length).toBe(133);
  });
  for (const c of cases) {
    test(c.name, () => expectItems(c.input, c.items));
  }
  test("TestBlockStringEOF (NUL terminated block)", () => {
    const blockexample = "\nnumbers (\n1234567890\n)\n";
    const input = blockexample.slice(0, -1) + "\u0000";
    expectItems(input, [
      ["Key", "numbers", 2, 1],
      ["String", "\n1234567890\n", 4, 10],
    ]);
  });
});

function kinds(items: Item[]): string[] {
  return items.map((i) => `${i.typ}:${i.val}`);
}

describe("lexer extras", () => {
  test("size suffixes are integers, other letters make strings", () => {
    expect(kinds(lexAll("a = 1KB\nb = 8mb\nc = 1G\nd = 1k\ne = 2GiB\nf = 3xyz\n"))).toEqual([
      "Key:a", "Integer:1KB", "Key:b", "Integer:8mb", "Key:c", "Integer:1G", "Key:d", "Integer:1k",
      "Key:e", "Integer:2GiB", "Key:f", "String:3xyz", "EOF:",
    ]);
  });
  test("durations: bare 2m is a size-suffixed integer, 500ms and 1h30m are strings", () => {
    // As the reference: `2m` lexes as an integer (2 million), which is why durations are quoted.
    expect(kinds(lexAll("a = 2m\nb = 500ms\nc = 1h30m\n"))).toEqual([
      "Key:a", "Integer:2m", "Key:b", "String:500ms", "Key:c", "String:1h30m", "EOF:",
    ]);
  });
  test("IP addresses and host:port are strings", () => {
    expect(kinds(lexAll("listen = 127.0.0.1:4222\n"))).toEqual(["Key:listen", "String:127.0.0.1:4222", "EOF:"]);
    expect(kinds(lexAll("listen: localhost:4222\n"))).toEqual(["Key:listen", "String:localhost:4222", "EOF:"]);
  });
  test("variables, booleans, include", () => {
    expect(kinds(lexAll('a = $FOO\nb = yes\ninclude "x.conf"\ninclude y.conf;\n'))).toEqual([
      "Key:a", "Variable:FOO", "Key:b", "Bool:yes", "Include:x.conf", "Include:y.conf", "EOF:",
    ]);
  });
  test("errors carry line and column", () => {
    const items = lexAll("port: 4222\nfoo {\n  a: [1, 2\n");
    const last = items[items.length - 1] as Item;
    expect(last.typ).toBe(ItemType.Error);
    expect(last.line).toBe(4);
    expect(last.val).toStartWith('Expected an array value terminator "," or an array terminator "]"');
  });
});
