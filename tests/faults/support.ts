// What the fault cases share: a raw HTTP client (any method, any header, any bytes), closed-loop
// load, and the bookkeeping of answers (2xx, JSON refusals, anything else).
import http from "node:http";

export type Answer = { status: number; contentType: string; body: string; ms: number; error?: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Closes the kept-alive connections, so the test process can exit. */
export function closeConnections(): void {
  agent.destroy();
}

/** One request, exactly as given (method, path bytes, headers, body); status 0 if no HTTP answer. */
export function rawRequest(
  baseUrl: string,
  init: {
    method: string;
    path: string;
    headers?: Record<string, string | string[]>;
    body?: string | Buffer;
    timeoutMs?: number;
    /**
     * A connection of its own, closed after: for requests nginx answers before reading their body
     * (413). On a shared keep-alive connection the unread body would be taken for the next request.
     */
    fresh?: boolean;
  },
): Promise<Answer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: init.method,
        path: init.path,
        headers: init.fresh ? { ...init.headers, connection: "close" } : init.headers,
        agent: init.fresh ? false : agent,
        timeout: init.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
        res.on("error", (error) =>
          resolve({ status: 0, contentType: "", body: "", ms: performance.now() - started, error: error.message }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error: NodeJS.ErrnoException) => {
      // nginx answers some oversized requests before reading them and closes while we still send.
      resolve({
        status: 0,
        contentType: "",
        body: "",
        ms: performance.now() - started,
        error: error.code ?? error.message,
      });
    });
    req.end(init.body);
  });
}

/** Is this an answer in the API's JSON shape: JSON, and for an error {"error":{"code","message"}}? */
export function isApiShape(answer: Answer): boolean {
  if (answer.status === 204) return answer.body === ""; // No Content (a CORS preflight's answer)
  if (!/^application\/json/.test(answer.contentType)) return false;
  try {
    const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    if (answer.status >= 200 && answer.status < 300) return true;
    return typeof body.error?.code === "string" && typeof body.error.message === "string";
  } catch {
    return false;
  }
}

/** Counts answers: 2xx, refusals in the JSON shape, and anything else (kept for the failure message). */
export class Tally {
  ok = 0;
  refused = 0;
  readonly other: string[] = [];
  readonly statuses = new Map<number, number>();

  /** `page`: not under /api, where a refusal may be HTML (ours, or the app's); 5xx never counts as one. */
  add(answer: Answer, where: string, page = false): void {
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 200 && answer.status < 300) this.ok++;
    else if (answer.status > 0 && (page ? answer.status < 500 : isApiShape(answer))) this.refused++;
    else
      this.other.push(`${where}: ${answer.status} ${answer.contentType} ${answer.error ?? answer.body.slice(0, 120)}`);
  }

  get sent(): number {
    return this.ok + this.refused + this.other.length;
  }

  summary(): string {
    return [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s || "no answer"}×${n}`)
      .join(", ");
  }
}

/** Runs `count` tasks with at most `concurrency` at once, in order of index. */
export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic shuffle (the suite's runs are comparable). */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
