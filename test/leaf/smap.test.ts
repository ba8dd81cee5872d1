// The smap's protocol decisions, as leafnode.go updateSmap / writeLeafSub.
import { describe, expect, test } from "bun:test";
import { leafKey, leafSubProto, Smap } from "../../src/leaf/smap.ts";

describe("smap", () => {
  test("plain keys: LS+ on 0 -> 1, LS- on 1 -> 0, nothing in between", () => {
    const m = new Smap();
    expect(m.update("foo", 1, false)).toBe("LS+ foo\r\n");
    expect(m.update("foo", 1, false)).toBe("");
    expect(m.update("foo", -1, false)).toBe("");
    expect(m.update("foo", -1, false)).toBe("LS- foo\r\n");
    expect(m.has("foo")).toBe(false);
  });
  test("queue keys: every weight change is sent with the weight", () => {
    const m = new Smap();
    const k = leafKey("foo", "q");
    expect(m.update(k, 1, true)).toBe("LS+ foo q 1\r\n");
    expect(m.update(k, 1, true)).toBe("LS+ foo q 2\r\n");
    expect(m.update(k, -1, true)).toBe("LS+ foo q 1\r\n");
    expect(m.update(k, -1, true)).toBe("LS- foo q\r\n");
  });
  test("the initial burst and forced keys", () => {
    const m = new Smap();
    m.add("a", 1);
    m.add("b q", 3);
    expect(m.all()).toBe("LS+ a\r\nLS+ b q 3\r\n");
    expect(m.force("a")).toBe("");
    expect(m.force("c")).toBe("LS+ c\r\n");
    expect(leafSubProto("x y", 0)).toBe("LS- x y\r\n");
  });
});
