// An app process's memory: RSS from /proc (what the machine pays), and the V8 heap from the probe
// the bench preloads into it (bench/memory-probe.mjs).
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

export type Memory = { rssMb: number; heapUsedMb: number | null; heapTotalMb: number | null };

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Fields of /proc/<pid>/status in kB (VmRSS: resident now, VmHWM: the most it has been resident). */
function statusKb(pid: number, fields: string[]): number[] {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return fields.map((field) => {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
    if (!kb) throw new Error(`no ${field} for pid ${pid}`);
    return Number(kb);
  });
}

export function rssMb(pid: number): number {
  const [kb] = statusKb(pid, ["VmRSS"]);
  return Math.round((kb! / 1024) * 10) / 10;
}

/** A process's resident memory now and its peak since it started, in whole MB. */
export type MemoryUse = { rssMb: number; peakMb: number };

/** MemoryUse of a process, or null once it is gone. */
export function memoryUse(pid: number): MemoryUse | null {
  try {
    const [rss, peak] = statusKb(pid, ["VmRSS", "VmHWM"]);
    return { rssMb: Math.round(rss! / 1024), peakMb: Math.round(peak! / 1024) };
  } catch {
    return null;
  }
}

export async function sample(pid: number, probeDir: string): Promise<Memory> {
  const file = path.join(probeDir, `memory-${pid}.json`);
  // Without the probe, SIGUSR2 would kill the app: report RSS alone.
  if (!existsSync(path.join(probeDir, `probe-${pid}`)))
    return { rssMb: rssMb(pid), heapUsedMb: null, heapTotalMb: null };
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 3000;
  while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const rss = rssMb(pid);
  if (!existsSync(file)) return { rssMb: rss, heapUsedMb: null, heapTotalMb: null };
  const usage = JSON.parse(readFileSync(file, "utf8")) as { heapUsed: number; heapTotal: number };
  return { rssMb: rss, heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal) };
}
