// Child process of connz-inprocess.ts: opens N idle connections (CONNECT, one SUB each, PING) to
// 127.0.0.1:PORT with the bench's idle-connection code, prints "ready" once every PONG arrived (or
// "failed: ..."), and holds them until stdin closes.
import { openIdleConns } from "./lib/idle.ts";

const [port, n] = [Number(process.argv[2]), Number(process.argv[3])];
const errors: string[] = [];
const conns = await openIdleConns({ port, conns: n, batch: 250, namePrefix: "connz-inprocess-", subscribePrefix: "bench.connz." }, errors);
console.log(errors.length === 0 ? "ready" : `failed: ${errors[0]}`);
for await (const _ of Bun.stdin.stream()) void _;
await Promise.all(conns.map((c) => c.close()));
