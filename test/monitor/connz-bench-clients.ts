// Child process of connz-bench.ts: opens N raw NATS connections (CONNECT + SUB + PING) to 127.0.0.1:PORT,
// prints "ready" once every PONG arrived, and holds them until stdin closes.
const [port, n] = [Number(process.argv[2]), Number(process.argv[3])];
let ready = 0;
const hello = new TextEncoder().encode('CONNECT {"verbose":false,"lang":"bench","version":"1"}\r\nSUB bench.> 1\r\nPING\r\n');
for (let i = 0; i < n; i++) {
  await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      open: (s) => void s.write(hello),
      data: (_s, d) => {
        if (d.toString("latin1").includes("PONG") && ++ready === n) console.log("ready");
      },
    },
  });
}
for await (const _ of Bun.stdin.stream()) void _;
export {};
