// /connz with many connections against bnats running from source inside this process, for quick
// iteration on src/monitor without `make build`:
//   bun bench/connz-inprocess.ts [connections]      (default 10000)
// The side-by-side figures against nats-server are the `connz-10k` scenario of `make bench` (same
// paths, same idle connections from bench/lib/idle.ts); profile with `bench/run.ts --scenarios=connz-10k
// --profile=dir`. The clients live in a child process (file descriptors, and their CPU is not ours).
import { join } from "node:path";
import { startBnats } from "../test/helpers/bnats.ts";
import { medianOf, timedGet } from "./lib/monitor.ts";
import { CONNZ_PATHS } from "./scenarios.ts";

const n = Number(process.argv[2] ?? 10_000);
const rounds = 10;
const s = await startBnats({ options: { httpPort: -1, maxConnections: n + 100 } });
const httpPort = s.httpPort;
if (httpPort === undefined) throw new Error("no monitoring port");
const child = Bun.spawn([process.execPath, join(import.meta.dir, "connz-inprocess-clients.ts"), String(s.port), String(n)], {
  stdout: "pipe",
  stdin: "pipe",
});
try {
  const t0 = performance.now();
  let out = "";
  for await (const chunk of child.stdout) {
    out += new TextDecoder().decode(chunk);
    if (out.includes("ready") || out.includes("failed")) break;
  }
  if (!out.includes("ready")) throw new Error(`clients: ${out.trim()}`);
  console.log(`${n} connections up in ${(performance.now() - t0).toFixed(0)} ms`);
  for (const path of [...CONNZ_PATHS, "/subsz"]) {
    await timedGet(httpPort, path);
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < rounds; i++) {
      const r = await timedGet(httpPort, path);
      times.push(r.ms);
      size = r.body.length;
    }
    console.log(`${path.padEnd(26)} ${medianOf(times).toFixed(2).padStart(8)} ms/request (median of ${rounds})  ${(size / 1024).toFixed(0)} KiB`);
  }
} finally {
  child.stdin.end();
  child.kill();
  await s.stop();
}
