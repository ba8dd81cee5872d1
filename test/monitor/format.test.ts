import { describe, expect, test } from "bun:test";
import { goDuration } from "../../src/go/duration.ts";
import { goJSON, goTime, myUptime, rttString } from "../../src/monitor/format.ts";
import { BadRequest, decodeBool, decodeInt, decodeState, decodeSubs, decodeUint64 } from "../../src/monitor/query.ts";

describe("Go formats", () => {
  test("time.Time as RFC 3339 with trimmed nanoseconds", () => {
    const base = Date.UTC(2026, 10, 25, 9, 35, 37);
    expect(goTime(base)).toBe("2026-11-25T09:35:37Z");
    expect(goTime(base + 290.41907)).toBe("2026-11-25T09:35:37.290419Z");
    expect(goTime(base + 500)).toBe("2026-11-25T09:35:37.5Z");
    expect(goTime(base + 0.001)).toBe("2026-11-25T09:35:37.000001Z");
  });

  test("myUptime", () => {
    expect(myUptime(0)).toBe("0s");
    expect(myUptime(999)).toBe("0s");
    expect(myUptime(61_000)).toBe("1m1s");
    expect(myUptime(((26 * 60 + 3) * 60 + 4) * 1000)).toBe("1d2h3m4s");
    expect(myUptime(3600_000)).toBe("1h0m0s");
    expect(myUptime(366 * 86400_000 + 5000)).toBe("1y1d0h0m5s");
  });

  test("time.Duration.String", () => {
    expect(goDuration(0)).toBe("0s");
    expect(goDuration(999)).toBe("999ns");
    expect(goDuration(624_000)).toBe("624µs");
    expect(goDuration(1_500)).toBe("1.5µs");
    expect(goDuration(3_021_434)).toBe("3.021434ms");
    expect(goDuration(1_500_000_000)).toBe("1.5s");
    expect(goDuration(62_500_000_000)).toBe("1m2.5s");
    expect(goDuration(3_600_000_000_000)).toBe("1h0m0s");
  });

  test("rtt as getRTT: microseconds below 1ms, nanoseconds above", () => {
    expect(rttString(0)).toBe("0s");
    expect(rttString(0.6244)).toBe("624µs");
    expect(rttString(3.021434)).toBe("3.021434ms");
  });

  test("encoding/json escapes <, > and & and indents with two spaces", () => {
    expect(goJSON({ s: "q.>", t: "<a&b>" })).toBe('{\n  "s": "q.\\u003e",\n  "t": "\\u003ca\\u0026b\\u003e"\n}');
    expect(goJSON({ status: "ok" }, false)).toBe('{"status":"ok"}');
  });
});

describe("query decoding (the reference's 400 texts)", () => {
  const q = (s: string): URLSearchParams => new URLSearchParams(s);
  const err = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BadRequest);
      return (e as Error).message;
    }
    throw new Error("no error");
  };

  test("booleans: Go's twelve spellings", () => {
    for (const t of ["1", "t", "T", "TRUE", "true", "True"]) expect(decodeBool(q(`a=${t}`), "a")).toBe(true);
    for (const f of ["0", "f", "F", "FALSE", "false", "False", ""]) expect(decodeBool(q(`a=${f}`), "a")).toBe(false);
    expect(err(() => decodeBool(q("a=yes"), "a"))).toBe(`Error decoding boolean for 'a': strconv.ParseBool: parsing "yes": invalid syntax`);
  });

  test("ints and uint64s", () => {
    expect(decodeInt(q("n=-5"), "n")).toBe(-5);
    expect(decodeInt(q("n=%2B7"), "n")).toBe(7);
    expect(err(() => decodeInt(q("n=1.5"), "n"))).toBe(`Error decoding int for 'n': strconv.Atoi: parsing "1.5": invalid syntax`);
    expect(err(() => decodeInt(q("n=99999999999999999999"), "n"))).toBe(
      `Error decoding int for 'n': strconv.Atoi: parsing "99999999999999999999": value out of range`,
    );
    expect(decodeUint64(q("cid=12"), "cid")).toBe(12);
    expect(err(() => decodeUint64(q("cid=-1"), "cid"))).toBe(`Error decoding uint64 for 'cid': strconv.ParseUint: parsing "-1": invalid syntax`);
  });

  test("state and subs", () => {
    expect(decodeState(q(""))).toBe("open");
    expect(decodeState(q("state=CLOSED"))).toBe("closed");
    expect(decodeState(q("state=all"))).toBe("any");
    expect(err(() => decodeState(q("state=x")))).toBe("Error decoding state for x");
    expect(decodeSubs(q("subs=DETAIL"))).toEqual({ subs: false, detail: true });
    expect(decodeSubs(q("subs=1"))).toEqual({ subs: true, detail: false });
  });
});
