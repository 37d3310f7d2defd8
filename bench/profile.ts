// Where a process spent its CPU, from a V8 .cpuprofile: time summed by who caused it (a package in
// node_modules or a file of ours; node's internals and native code are counted to the nearest
// caller that is one of those, so a socket write made by pg counts as pg's), and the hottest
// functions by their own time. `npm run bench -- --profile` profiles the app and the
// worker for the whole run and prints this for each; a .cpuprofile also opens in Chrome's DevTools
// (Performance panel) or speedscope as a flame graph.
//
//   node --import tsx bench/profile.ts <file.cpuprofile> [top]
import { readFileSync } from "node:fs";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type ProfileSummary = {
  totalMs: number;
  /** Share of samples that were not idle. */
  busyShare: number;
  /** By the nearest package or file of ours on the stack (native and node internals folded in). */
  byOwner: { owner: string; ms: number; share: number }[];
  byFunction: { name: string; owner: string; ms: number; share: number }[];
};

/** Who owns a frame: "next", "@prisma/client", "ours: server/likes.ts", "node:internals", "(gc)"… */
export function ownerOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith("node:")) return "node:internals";
  // Next compiles our route handlers into .next/server chunks.
  if (url.includes("/.next/")) return "ours: .next bundle (route handlers, pages)";
  const ours = /\/((?:server|workers|app|types|scripts)\/.+)$/.exec(url.replace(/^file:\/\//, ""));
  return ours ? `ours: ${ours[1]}` : url;
}

/** Owners that are somebody's code (a package, a file of ours), not node's or V8's. */
const isCode = (owner: string) => !owner.startsWith("(") && owner !== "node:internals";

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** The nearest frame, from this one up, whose owner is code; else this frame's own owner. */
  const causeOf = (id: number): string => {
    const own = ownerOf(byId.get(id)!.callFrame);
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const owner = ownerOf(byId.get(at)!.callFrame);
      if (isCode(owner)) return owner;
    }
    return own;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const owners = new Map<string, number>();
  const functions = new Map<string, { owner: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const owner = ownerOf(frame);
    const cause = causeOf(id);
    owners.set(cause, (owners.get(cause) ?? 0) + us);
    const key = `${frame.functionName || "(anonymous)"}\u0000${owner}:${frame.lineNumber + 1}`;
    const entry = functions.get(key) ?? { owner, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busyUs = totalUs - idleUs || 1;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  return {
    totalMs: ms(totalUs),
    busyShare: Math.round(((totalUs - idleUs) / (totalUs || 1)) * 1000) / 10,
    byOwner: [...owners]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([owner, us]) => ({ owner, ms: ms(us), share: share(us) })),
    byFunction: [...functions]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([key, { us }]) => ({
        name: key.split("\u0000")[0]!,
        owner: key.split("\u0000")[1]!,
        ms: ms(us),
        share: share(us),
      })),
  };
}

export function formatProfile(title: string, s: ProfileSummary): string {
  return [
    `${title}: ${(s.totalMs / 1000).toFixed(1)} s profiled, ${s.busyShare}% busy; shares are of the busy time`,
    "  by the code that caused it (native work and node internals counted to their caller):",
    ...s.byOwner.map((o) => `    ${String(o.share).padStart(5)}%  ${o.owner}`),
    "  hottest functions (self time):",
    ...s.byFunction.map((f) => `    ${String(f.share).padStart(5)}%  ${f.name}  (${f.owner})`),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node --import tsx bench/profile.ts <file.cpuprofile> [top]");
    process.exit(64);
  }
  console.log(
    formatProfile(file, summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, Number(top ?? 20))),
  );
}
