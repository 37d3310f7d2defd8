// A small client of Prometheus' HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/):
// instant queries, the alerts and the scrape targets, and waiting for a target to be up. Used by
// the Prometheus integration test, the compose suite and `npm run stack -- --observe`.
import { waitFor } from "./processes";

export type Sample = { metric: Record<string, string>; value: number };
export type Alert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing";
  activeAt: string;
  value: string;
};
export type Target = {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: "up" | "down" | "unknown";
  lastError: string;
};

type Envelope<T> = { status: "success"; data: T } | { status: "error"; errorType: string; error: string };

export class PrometheusApi {
  /** `url`: Prometheus' base URL, e.g. http://127.0.0.1:9090. */
  constructor(readonly url: string) {}

  private async get<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(new URL(pathAndQuery, this.url), { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as Envelope<T>;
    if (body.status !== "success") throw new Error(`Prometheus ${pathAndQuery}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** An instant query; a scalar result comes back as one sample without labels. */
  async query(expr: string): Promise<Sample[]> {
    const data = await this.get<
      | { resultType: "vector"; result: { metric: Record<string, string>; value: [number, string] }[] }
      | { resultType: "scalar"; result: [number, string] }
    >(`/api/v1/query?query=${encodeURIComponent(expr)}`);
    if (data.resultType === "scalar") return [{ metric: {}, value: Number(data.result[1]) }];
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The value of a query that yields at most one sample (e.g. a sum()); undefined when it yields none. */
  async value(expr: string): Promise<number | undefined> {
    const samples = await this.query(expr);
    if (samples.length > 1) throw new Error(`${expr} gave ${samples.length} samples, expected at most one`);
    return samples[0]?.value;
  }

  async alerts(): Promise<Alert[]> {
    return (await this.get<{ alerts: Alert[] }>("/api/v1/alerts")).alerts;
  }

  /** The names of the rule groups Prometheus loaded. */
  async ruleGroups(): Promise<string[]> {
    return (await this.get<{ groups: { name: string }[] }>("/api/v1/rules")).groups.map((g) => g.name);
  }

  async targets(): Promise<Target[]> {
    return (await this.get<{ activeTargets: Target[] }>("/api/v1/targets?state=active")).activeTargets;
  }

  /** Resolves once Prometheus answers /-/ready. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `Prometheus ready at ${this.url}`,
      async () => (await fetch(new URL("/-/ready", this.url), { signal: AbortSignal.timeout(2_000) })).ok,
      { timeoutMs, intervalMs: 200 },
    );
  }

  /**
   * Waits until every job named has at least `count[job]` targets (default 1) and all of that job's
   * targets were last scraped successfully. Returns the targets; the error names the ones down.
   */
  async waitForTargetsUp(jobs: Record<string, number> | string[], timeoutMs = 60_000): Promise<Target[]> {
    const wanted = Array.isArray(jobs) ? Object.fromEntries(jobs.map((j) => [j, 1])) : jobs;
    let last: Target[] = [];
    try {
      return await waitFor(
        `targets up: ${Object.entries(wanted)
          .map(([job, n]) => `${job}×${n}`)
          .join(", ")}`,
        async () => {
          last = await this.targets();
          const ok = Object.entries(wanted).every(([job, n]) => {
            const ofJob = last.filter((t) => t.labels.job === job);
            return ofJob.length >= n && ofJob.every((t) => t.health === "up");
          });
          return ok ? last : undefined;
        },
        { timeoutMs, intervalMs: 500 },
      );
    } catch (error) {
      const seen = last.map(
        (t) => `${t.labels.job} ${t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ""}`,
      );
      throw new Error(`${(error as Error).message}\nPrometheus' targets:\n  ${seen.join("\n  ") || "none"}`);
    }
  }
}
