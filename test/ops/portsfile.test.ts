// A reload that changes ports_file_dir moves the ports file (reload.go: deletePortsFile, logPorts).
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BNATS_BINARY, REPO_ROOT } from "../helpers/bnats.ts";

const work = mkdtempSync(join(tmpdir(), "bnats-ports-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Polls until `cond` holds (the file system offers no event for another process's rename here). */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

const portsIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".ports"));

test("SIGHUP with a new ports_file_dir writes the ports file there and removes the old one", async () => {
  if (!existsSync(BNATS_BINARY)) {
    const r = Bun.spawnSync(["make", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
  }
  const [a, b] = [join(work, "a"), join(work, "b")];
  mkdirSync(a);
  mkdirSync(b);
  const conf = join(work, "bnats.conf");
  writeFileSync(conf, `port: -1\nports_file_dir: "${a}"\n`);
  const proc = Bun.spawn([BNATS_BINARY, "-c", conf], { stdout: "ignore", stderr: "ignore" });
  try {
    await until(() => portsIn(a).length === 1, "the ports file in the first dir");
    writeFileSync(conf, `port: -1\nports_file_dir: "${b}"\n`);
    proc.kill("SIGHUP");
    await until(() => portsIn(b).length === 1, "the ports file in the new dir");
    expect(portsIn(a)).toEqual([]);
    expect(portsIn(b)[0]).toBe(`bnats_${proc.pid}.ports`);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
  expect(portsIn(b)).toEqual([]); // removed at exit
});
