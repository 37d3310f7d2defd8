// How busy the machine and the processes under test were during a case, from /proc: the whole
// machine (all cores, /proc/stat) and each named process (its user + system time, /proc/<pid>/stat).
// A latency tail with the machine near 100% busy is contention, not a slow code path.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { TICKS_PER_SECOND, type MachineReading } from "../tooling/bench-figures";

export type CpuSnapshot = { at: number; machine: { busy: number; total: number }; ticks: Record<string, number> };
/** Busy share of the whole machine (100% = every core busy), and each process in cores (100% = one core). */
export type CpuUsage = { machineBusyPct: number; processCorePct: Record<string, number> };

function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

function processTicks(pid: number): number {
  return ticksOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

function ticksOfStat(stat: string): number {
  // Fields after the command name (which may contain spaces), 1-based: utime is 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]);
}

/**
 * The machine and every process on it, for tooling/bench-figures.ts's cpuPerRequest: a few hundred
 * small reads of /proc, a few milliseconds, taken once at each end of a measured window.
 */
export function machineReading(): MachineReading {
  const processes: MachineReading["processes"] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      processes.push({ pid: Number(entry), comm, ticks: ticksOfStat(stat) });
    } catch {
      // ended between the listing and the read
    }
  }
  return { at: performance.now(), machine: machineTicks(), processes };
}

export function cpuSnapshot(pids: Record<string, number>): CpuSnapshot {
  const ticks: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    try {
      ticks[name] = processTicks(pid);
    } catch {
      // the process is gone: left out
    }
  }
  return { at: performance.now(), machine: machineTicks(), ticks };
}

export function cpuUsage(from: CpuSnapshot, to: CpuSnapshot): CpuUsage {
  const seconds = (to.at - from.at) / 1000;
  const pct = (n: number) => Math.round(n * 10) / 10;
  const machineTotal = to.machine.total - from.machine.total || 1;
  const processCorePct: Record<string, number> = {};
  for (const name of Object.keys(to.ticks)) {
    if (from.ticks[name] === undefined) continue;
    processCorePct[name] = pct(((to.ticks[name]! - from.ticks[name]!) / TICKS_PER_SECOND / seconds) * 100);
  }
  return { machineBusyPct: pct(((to.machine.busy - from.machine.busy) / machineTotal) * 100), processCorePct };
}

export const cores = () => os.cpus().length;
