// An app process's memory: RSS from /proc (what the machine pays), and the V8 heap from the probe
// the bench preloads into it (bench/memory-probe.mjs).
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

export type Memory = { rssMb: number; heapUsedMb: number | null; heapTotalMb: number | null };

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round((Number(kb) / 1024) * 10) / 10;
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
