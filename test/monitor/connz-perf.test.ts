// /connz must stay fast with 10,000 connections: the endpoint function plus the JSON encoding, on plain
// objects (the real-socket measurement is bench/connz-inprocess.ts). Prints the timings it sees.
import { expect, test } from "bun:test";
import { handleConnz } from "../../src/monitor/connz.ts";
import { newContext } from "../../src/monitor/context.ts";
import { goJSON } from "../../src/monitor/format.ts";
import { addSub, fakeClient, fakeServer } from "./fake.ts";

const N = 10_000;

test(`/connz over ${N} connections`, () => {
  const clients = [];
  for (let cid = 1; cid <= N; cid++) {
    const c = fakeClient(cid, { inMsgs: (cid * 7919) % 10007, outBytes: (cid * 104729) % 9973, lang: "go", version: "1.30.0" });
    addSub(c, `s.${cid}`, "1");
    addSub(c, `t.${cid}.>`, "2", "q");
    clients.push(c);
  }
  const closed = [];
  for (let cid = N + 1; cid <= N + 10_000; cid++) {
    closed.push(fakeClient(cid, { stop: new Date(Date.UTC(2026, 0, 5) + cid), closeReason: "Client Closed" }));
  }
  const ctx = newContext(fakeServer(clients, closed));
  const timings: string[] = [];
  const time = (query: string, budgetMs: number): void => {
    const q = new URLSearchParams(query);
    handleConnz(ctx, q); // warm
    const t0 = performance.now();
    const rounds = 5;
    let bytes = 0;
    for (let i = 0; i < rounds; i++) bytes = goJSON(handleConnz(ctx, q)).length;
    const ms = (performance.now() - t0) / rounds;
    timings.push(`${(query || "(default)").padEnd(40)} ${ms.toFixed(2).padStart(7)} ms  ${(bytes / 1024).toFixed(0)} KiB`);
    expect(ms).toBeLessThan(budgetMs);
  };
  // Generous budgets for a loaded 2-core CI box; the printed numbers are what matters.
  time("", 150);
  time("offset=9000&limit=100", 50);
  time("sort=bytes_to", 200);
  time("sort=msgs_from&limit=10", 100);
  time("sort=idle", 200);
  time("subs=detail", 200);
  time("state=closed&sort=stop", 200);
  time("state=any&limit=10000", 1000);
  time("cid=5000", 20);
  console.log(`/connz, ${N} open + 10000 closed connections (mean of 5):\n  ${timings.join("\n  ")}`);
});
