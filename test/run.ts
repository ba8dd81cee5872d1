// Runs `bun test` and ends the output with the plain line CI reads: `N passed, N failed`.
const args = ["test", ...process.argv.slice(2)];
const proc = Bun.spawn([process.execPath, ...args], { stdout: "pipe", stderr: "pipe", env: process.env });

let passed = 0;
let failed = 0;
async function pump(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream): Promise<void> {
  const decoder = new TextDecoder();
  let tail = "";
  for await (const chunk of stream) {
    out.write(chunk);
    const text = tail + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    tail = lines.pop() ?? "";
    for (const line of lines) count(line);
  }
  count(tail);
}
function count(line: string): void {
  const m = /^\s*(\d+) (pass|fail)\s*$/.exec(line);
  if (!m) return;
  if (m[2] === "pass") passed += Number(m[1]);
  else failed += Number(m[1]);
}
await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
const code = await proc.exited;
if (code !== 0 && failed === 0) failed = 1; // a crash or a load error is a failure, not a pass
console.log(`${passed} passed, ${failed} failed`);
process.exit(code === 0 ? 0 : 1);

export {};
