// Measures /connz over real sockets: `bun test/monitor/connz-bench.ts [connections]` (default 10000).
// bnats runs in this process with monitoring on; the clients live in a child process (file descriptors).
import { join } from "node:path";
import { startBnats } from "../helpers/bnats.ts";
import { request } from "./scenario.ts";

const n = Number(process.argv[2] ?? 10_000);
const s = await startBnats({ options: { httpPort: -1, maxConnections: n + 100 } });
const child = Bun.spawn([process.execPath, join(import.meta.dir, "connz-bench-clients.ts"), String(s.port), String(n)], {
  stdout: "pipe",
  stdin: "pipe",
});
const t0 = performance.now();
for await (const chunk of child.stdout) if (new TextDecoder().decode(chunk).includes("ready")) break;
console.log(`${n} connections up in ${(performance.now() - t0).toFixed(0)} ms`);
for (const path of ["/connz", "/connz?sort=bytes_to", "/connz?subs=1&limit=100", "/connz?limit=10000", "/varz", "/subsz"]) {
  await request({ httpPort: s.httpPort }, { path });
  const rounds = 10;
  const t = performance.now();
  let size = 0;
  for (let i = 0; i < rounds; i++) size = (await request({ httpPort: s.httpPort }, { path })).body.length;
  console.log(`${path.padEnd(26)} ${((performance.now() - t) / rounds).toFixed(2).padStart(8)} ms/request  ${(size / 1024).toFixed(0)} KiB`);
}
child.stdin.end();
child.kill();
await s.stop();
