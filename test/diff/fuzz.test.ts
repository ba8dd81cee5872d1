// Randomised differential test: seeded client byte streams (fuzzgen.ts), each on a fresh connection,
// answered by the reference nats-server and by bnats started from the same configuration; the
// transcripts (bytes received, INFO masked, whether the server closed) must be equal.
//
// CI runs a small fixed set. For a longer hunt:  FUZZ_N=3000 FUZZ_SEED=7 bun test test/diff/fuzz.test.ts
// (FUZZ_SEED may list several seeds, "1,2,3"; FUZZ_MINIMISE=1 shrinks each difference before reporting).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBnats } from "../helpers/bnats.ts";
import { hasReference, startReference } from "../helpers/ref.ts";
import { FUZZ_CONFIGS, generateCase, type FuzzCase } from "./fuzzgen.ts";
import { describeDifference, minimise, runCases, type ServerPair } from "./fuzzrun.ts";

const N = Number(process.env.FUZZ_N ?? 300);
const SEEDS = (process.env.FUZZ_SEED ?? "1,2").split(",").map(Number);
/** Server pairs per configuration; cases on one pair run one at a time. */
const LANES = Number(process.env.FUZZ_LANES ?? 4);

describe.if(hasReference())("fuzz: random client streams, nats-server vs bnats", () => {
  const pairs: ServerPair[][] = [];

  beforeAll(async () => {
    for (const cfg of FUZZ_CONFIGS) {
      const lanes: ServerPair[] = [];
      for (let k = 0; k < LANES; k++) {
        const [reference, bnats] = await Promise.all([startReference({ config: cfg.config }), startBnats({ config: cfg.config })]);
        lanes.push({ reference, bnats });
      }
      pairs.push(lanes);
    }
  });

  afterAll(async () => {
    await Promise.all(pairs.flat().flatMap((p) => [p.reference.stop(), p.bnats.stop()]));
  });

  for (const seed of SEEDS) {
    test(
      `seed ${seed}: ${N} streams answered alike`,
      async () => {
        const cases: FuzzCase[] = [];
        for (let i = 0; i < N; i++) cases.push(generateCase(seed, i));
        let diffs = await runCases(cases, pairs);
        if (process.env.FUZZ_MINIMISE) {
          const small = [];
          for (const d of diffs) small.push(await minimise(d, pairs[d.fuzzCase.config]![0]!));
          diffs = small;
        }
        const report = diffs.map(describeDifference);
        if (report.length) console.error(`${report.length} difference(s):\n${report.join("\n\n")}`);
        expect(report).toEqual([]);
      },
      Math.max(30_000, N * 400),
    );
  }
});
