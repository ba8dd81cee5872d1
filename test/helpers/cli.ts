// Running the compiled binary (dist/bnats, or one compiled for the test file when `make build` has not
// run) and the reference side by side, for tests of the command line.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BNATS_BINARY, REPO_ROOT } from "./bnats.ts";
import { REFERENCE_BINARY } from "./ref.ts";

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export interface BinaryRunner {
  /** A temp dir, the working directory of every run; removed by cleanUp(). */
  readonly work: string;
  /** The bnats executable in use (dist/bnats, or the one prepare() compiled). */
  readonly binary: string;
  /** Compile a binary into `work` if dist/bnats is missing (call from beforeAll, with a long timeout). */
  prepare(): void;
  bnats(...args: string[]): Ran;
  ref(...args: string[]): Ran;
  cleanUp(): void;
}

export function binaryRunner(prefix: string): BinaryRunner {
  const work = mkdtempSync(join(tmpdir(), prefix));
  let binary = BNATS_BINARY;
  const run = (exe: string, args: string[]): Ran => {
    const r = Bun.spawnSync([exe, ...args], { cwd: work, stdout: "pipe", stderr: "pipe", timeout: 10_000 });
    return { code: r.exitCode ?? -1, out: r.stdout.toString(), err: r.stderr.toString() };
  };
  return {
    work,
    get binary() {
      return binary;
    },
    prepare(): void {
      if (existsSync(binary)) return;
      binary = join(work, "bnats");
      const main = join(REPO_ROOT, "src", "main.ts");
      const r = Bun.spawnSync([process.execPath, "build", "--compile", main, "--outfile", binary], {
        stdout: "pipe",
        stderr: "pipe",
      });
      if (r.exitCode !== 0) throw new Error(`bun build failed: ${r.stderr.toString()}`);
    },
    bnats: (...args) => run(binary, args),
    ref: (...args) => run(REFERENCE_BINARY, args),
    cleanUp: () => rmSync(work, { recursive: true, force: true }),
  };
}
