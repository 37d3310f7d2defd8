// The load client's process: runs what bench/client.ts asks over IPC, one job at a time. Apart
// from the bench's own process, so the orchestrator's work (Prisma, Playwright, bookkeeping) and
// its garbage collector never pause the clock that times the servers. It still shares the
// machine's cores with everything it measures: the docs say so.
import { performance } from "node:perf_hooks";
import { runClosed, runOpen, type ClosedJob, type OpenJob } from "./load";
import { SocketCrowd, Watcher } from "./sockets";

export type ClientRequest =
  | { type: "closed"; job: ClosedJob }
  | { type: "open"; job: OpenJob; eventWaitMs: number }
  | { type: "watch"; url: string; cookie: string }
  | { type: "unwatch" }
  | { type: "sockets-open"; url: string; cookies: string[]; count: number; concurrency: number }
  | { type: "sockets-connected" }
  | { type: "sockets-close" };

let watcher: Watcher | null = null;
const crowd = new SocketCrowd();

/** After an open-loop run: waits for the events its requests should cause, then times them. */
async function matchEvents(job: OpenJob, result: Awaited<ReturnType<typeof runOpen>>, waitMs: number) {
  const w = watcher!;
  const expected = job.requests.map((r, i) => ({ key: r.eventKey, i })).filter((e) => e.key && result.ok[e.i]);
  const deadline = performance.now() + waitMs;
  while (performance.now() < deadline && expected.some((e) => !w.arrivals.has(e.key!)))
    await new Promise((r) => setTimeout(r, 20));
  const eventMs: number[] = [];
  let lost = 0;
  for (const e of expected) {
    const at = w.arrivals.get(e.key!);
    if (at === undefined) lost++;
    else eventMs.push(at - result.scheduledAt[e.i]!);
  }
  return { eventMs, lost, expected: expected.length };
}

async function handle(msg: ClientRequest): Promise<unknown> {
  switch (msg.type) {
    case "closed":
      return runClosed(msg.job);
    case "open": {
      const result = await runOpen(msg.job);
      const events = watcher ? await matchEvents(msg.job, result, msg.eventWaitMs) : null;
      // The per-request arrays stay here; the bench needs only the latencies.
      const { scheduledAt: _s, ok: _o, ...rest } = result;
      void _s;
      void _o;
      return { ...rest, events };
    }
    case "watch":
      watcher?.close();
      watcher = await Watcher.connect(msg.url, msg.cookie);
      return { ok: true };
    case "unwatch": {
      const events = watcher?.events ?? 0;
      watcher?.close();
      watcher = null;
      return { events };
    }
    case "sockets-open":
      return crowd.open(msg.url, msg.cookies, msg.count, msg.concurrency);
    case "sockets-connected":
      return { connected: crowd.connected() };
    case "sockets-close":
      return { closed: crowd.close() };
  }
}

process.on("message", (raw: { id: number; request: ClientRequest }) => {
  handle(raw.request).then(
    (result) => process.send!({ id: raw.id, result }),
    (error: unknown) => process.send!({ id: raw.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// Gone with its parent: an orphaned load client would keep hammering a stack nobody watches.
process.on("disconnect", () => process.exit(0));
process.send!({ ready: true });
