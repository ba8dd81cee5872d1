// Go's time.ParseDuration / Duration.String as the config loader uses them.
import { describe, expect, test } from "bun:test";
import { formatGoDuration, parseGoDuration } from "../../src/go/duration.ts";

describe("parseGoDuration", () => {
  test("units and combinations (ms)", () => {
    const cases: [string, number][] = [
      ["0", 0], ["5s", 5000], ["500ms", 500], ["2m", 120_000], ["1h", 3_600_000], ["1h30m", 5_400_000],
      ["1.5s", 1500], [".5s", 500], ["1.s", 1000], ["-5s", -5000], ["+5s", 5000], ["1500us", 1.5], ["1500µs", 1.5],
      ["2000000ns", 2], ["1m30.5s", 90_500],
    ];
    for (const [s, ms] of cases) expect([s, parseGoDuration(s)]).toEqual([s, ms]);
  });
  test("errors with Go's messages", () => {
    expect(() => parseGoDuration("")).toThrow('time: invalid duration ""');
    expect(() => parseGoDuration("abc")).toThrow('time: invalid duration "abc"');
    expect(() => parseGoDuration("10")).toThrow('time: missing unit in duration "10"');
    expect(() => parseGoDuration("5x")).toThrow('time: unknown unit "x" in duration "5x"');
    expect(() => parseGoDuration(".s")).toThrow('time: invalid duration ".s"');
  });
});

describe("formatGoDuration", () => {
  test("as Go's Duration.String", () => {
    const cases: [number, string][] = [
      [0, "0s"], [10_000, "10s"], [60_000, "1m0s"], [90_500, "1m30.5s"], [3_600_000, "1h0m0s"], [500, "500ms"],
      [1.5, "1.5ms"], [0.001, "1µs"], [-5000, "-5s"], [3_723_000, "1h2m3s"],
    ];
    for (const [ms, s] of cases) expect([ms, formatGoDuration(ms)]).toEqual([ms, s]);
  });
});
