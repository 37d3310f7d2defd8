// The load generator: one implementation for every target (the app through nginx, the floor
// through nginx and direct), so differences come from the servers, not from the clients.
//
//   closed loop  N workers, each sends its next request when the previous one is answered: the
//                most a target serves at that concurrency (req/s), the measure P1's target is stated in.
//   open loop    requests go out at a fixed rate whatever the answers do, and each latency is
//                measured from the time the request was *scheduled*, not sent: when the target
//                stalls, the requests that queue behind the stall count their wait (no coordinated
//                omission, which would make a stalled server look fast).
//
// node:http with a keep-alive Agent, as a browser reuses its connections. No Accept-Encoding:
// nginx then never gzips, for every target alike. Runs in its own process (bench/client-process.ts).
import http from "node:http";
import { performance } from "node:perf_hooks";
import { random } from "../prisma/seed";
import { cpuPerRequest, type CpuGroup, type CpuPerRequest, type MachineReading } from "../tooling/bench-figures";
import { machineReading } from "./cpu";
import { summarize, type Summary } from "./stats";

/** Headers that say who is asking: a session cookie (the app) or X-User-Id (the floor). */
export type Identity = Record<string, string>;

export type Workload =
  /** Each worker likes a post, unlikes it, then picks the next one at random among postIds. */
  { type: "toggle"; postIds: string[]; seed: number } | { type: "get"; path: string };

export type ClosedJob = {
  kind: "closed";
  baseUrl: string;
  identities: Identity[];
  workload: Workload;
  warmupMs: number;
  durationMs: number;
  /**
   * The pids of the server under test and its worker, if any: the machine's CPU over the measured
   * window is then read from /proc at its two ends and split by who spent it (the load client is
   * this process).
   */
  cpuOf?: Partial<Record<Exclude<CpuGroup, "client" | "other">, number>>;
};
export type ClosedResult = {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
  statuses: Record<string, number>;
  latencyMs: Summary;
  /** With `cpuOf`: CPU ms per request answered in the window, the machine's and by group. */
  cpu?: CpuPerRequest | null;
};

export type OpenRequest = {
  method: "GET" | "PUT" | "DELETE";
  path: string;
  identity: number;
  /** The socket event this request should cause. */ eventKey?: string;
};
export type OpenJob = { kind: "open"; baseUrl: string; identities: Identity[]; rate: number; requests: OpenRequest[] };
export type OpenResult = {
  sent: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  /** Completion minus scheduled time, per answered request (ms). */
  httpMs: number[];
  /** How late the client itself sent requests: a busy client shows here, not as server latency. */
  maxSendLagMs: number;
  /** When each request was scheduled (performance.now() in this process), for matching events. */
  scheduledAt: number[];
  ok: boolean[];
};

export class HttpTarget {
  private readonly agent: http.Agent;
  private readonly url: URL;
  constructor(baseUrl: string, maxSockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Resolves with the status (0 for a network error or timeout) once the whole body is read. */
  send(method: string, path: string, headers: Identity): Promise<number> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          // An explicit empty body: without it Node sends PUT/DELETE chunked, which no browser does.
          headers: method === "GET" ? headers : { ...headers, "content-length": "0" },
          timeout: 30_000,
        },
        (res) => {
          res.on("data", () => undefined);
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(0));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => resolve(0));
      req.end();
    });
  }

  close() {
    this.agent.destroy();
  }
}

const count = (statuses: Record<string, number>, status: number) =>
  (statuses[String(status)] = (statuses[String(status)] ?? 0) + 1);
const isOk = (status: number) => status >= 200 && status < 300;

export async function runClosed(job: ClosedJob): Promise<ClosedResult> {
  const target = new HttpTarget(job.baseUrl, job.identities.length);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const measureFrom = started + job.warmupMs;
  const measureUntil = measureFrom + job.durationMs;
  const readings: { from?: MachineReading; to?: MachineReading } = {};
  const readingTimers = job.cpuOf
    ? [
        setTimeout(() => (readings.from = machineReading()), job.warmupMs),
        setTimeout(() => (readings.to = machineReading()), job.warmupMs + job.durationMs),
      ]
    : [];

  const timed = async (method: string, path: string, identity: Identity) => {
    const t0 = performance.now();
    const status = await target.send(method, path, identity);
    const t1 = performance.now();
    // Only requests that started and finished inside the window count: the warm-up fills pools
    // and JIT caches, the tail would count requests the window cut short.
    if (t0 >= measureFrom && t1 <= measureUntil) {
      latencies.push(t1 - t0);
      count(statuses, status);
      if (!isOk(status)) errors++;
    }
  };

  await Promise.all(
    job.identities.map(async (identity, worker) => {
      if (job.workload.type === "get") {
        while (performance.now() < measureUntil) await timed("GET", job.workload.path, identity);
        return;
      }
      const { postIds, seed } = job.workload;
      const next = random(seed + worker);
      while (performance.now() < measureUntil) {
        const postId = postIds[Math.floor(next() * postIds.length)]!;
        await timed("PUT", `/api/posts/${postId}/like`, identity);
        // Always undo, even past the window, so the next run starts with no likes left over.
        await timed("DELETE", `/api/posts/${postId}/like`, identity);
      }
    }),
  );
  target.close();
  for (const timer of readingTimers) clearTimeout(timer);
  // The last answer can come before the closing timer's turn: read now, a moment late.
  if (job.cpuOf && readings.from && !readings.to) readings.to = machineReading();
  const seconds = job.durationMs / 1000;
  const cpu =
    job.cpuOf && readings.from && readings.to
      ? cpuPerRequest(readings.from, readings.to, { ...job.cpuOf, client: process.pid }, latencies.length)
      : undefined;
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    errors,
    statuses,
    latencyMs: summarize(latencies),
    ...(job.cpuOf ? { cpu: cpu ?? null } : {}),
  };
}

export async function runOpen(job: OpenJob): Promise<OpenResult> {
  // Enough sockets that the client never queues requests itself at the rates asked for.
  const target = new HttpTarget(job.baseUrl, 512);
  const interval = 1000 / job.rate;
  const n = job.requests.length;
  const httpMs: number[] = [];
  const scheduledAt: number[] = new Array(n).fill(0);
  const ok: boolean[] = new Array(n).fill(false);
  const statuses: Record<string, number> = {};
  let errors = 0;
  let maxSendLagMs = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 20;

  await new Promise<void>((done) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < n && start + i * interval <= now) {
        const index = i++;
        const scheduled = start + index * interval;
        scheduledAt[index] = scheduled;
        maxSendLagMs = Math.max(maxSendLagMs, now - scheduled);
        const r = job.requests[index]!;
        inFlight.push(
          target.send(r.method, r.path, job.identities[r.identity]!).then((status) => {
            httpMs.push(performance.now() - scheduled);
            count(statuses, status);
            ok[index] = isOk(status);
            if (!isOk(status)) errors++;
          }),
        );
      }
      if (i < n) setTimeout(tick, Math.max(0, Math.min(1, start + i * interval - performance.now())));
      else done();
    };
    tick();
  });
  await Promise.all(inFlight);
  target.close();
  return {
    sent: n,
    errors,
    statuses,
    seconds: (performance.now() - start) / 1000,
    httpMs,
    maxSendLagMs,
    scheduledAt,
    ok,
  };
}
