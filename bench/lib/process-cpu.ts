/**
 * CPU time a process has used (user + system, all threads), from /proc/<pid>/stat. Linux only; the resolution
 * is one clock tick (10 ms at the usual CLK_TCK of 100), so callers measure phases of a few hundred ms or more.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const text = execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim();
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`getconf CLK_TCK printed '${text}': expected a positive integer`);
    ticksPerSecond = value;
  }
  return ticksPerSecond;
}

/** Milliseconds of CPU time process `pid` has used so far. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at state: utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`/proc/${pid}/stat has no utime/stime: '${stat.slice(0, 200)}'`);
  return (ticks * 1000) / clockTicks();
}
