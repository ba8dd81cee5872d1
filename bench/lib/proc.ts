// Reading another process's memory and CPU time from /proc (Linux only), for the memory scenario and
// for the server-CPU column that shows which side of the benchmark is saturated.

import { readFileSync } from "node:fs";

/** VmRSS of a process in bytes, or undefined when /proc is unavailable. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "latin1");
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// USER_HZ is 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)); Bun has no sysconf binding.
const CLK_TCK = 100;

/** utime + stime of a process (all its threads) in milliseconds, or undefined. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) may contain spaces; fields after the closing paren are fixed.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return ((utime + stime) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** This process's CPU time (user + system) in milliseconds. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
