// Debian's Prometheus beside a local stack (`npm run stack -- --observe`, the Prometheus
// integration test): one prometheus process on loopback with a data folder of its own and a
// generated config (static targets = the stack's metrics URLs, scrape and evaluation every second,
// the repository's rule files from observability/prometheus/rules/), and the three exporters
// docker-compose.yml's `observability` profile runs: nginx (its stub_status), Postgres and Redis.
// The job names are the compose config's (observability/prometheus/prometheus.yml), so the same
// rules and queries work on both. Needs the Debian packages prometheus, prometheus-nginx-exporter,
// prometheus-postgres-exporter and prometheus-redis-exporter.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PrometheusApi } from "./prometheus-api";
import { freePort, requireBinary, spawnProc, waitFor, type Proc } from "./processes";
import { ruleFiles } from "./rules-check";
import type { Stack, StackApp, StackWorker } from "./stack";

/** A process's /metrics, with the name it is shown under (the `instance` label). */
export type MetricsTarget = { name: string; url: string };

export type PrometheusOptions = {
  /** Holds prometheus.yml, data/ (removed on stop) and one log per process. */
  runDir: string;
  /** Prometheus' port on 127.0.0.1; default: a free one. */
  port?: number;
  apps: MetricsTarget[];
  workers: MetricsTarget[];
  /** nginx's stub_status URL (RunningNginx.statusUrl); no nginx job without it. */
  nginxStatusUrl?: string | null;
  databaseUrl: string;
  redisUrl: string;
  log?: (line: string) => void;
};

export type RunningPrometheus = {
  /** Prometheus' base URL (its UI and API). */
  url: string;
  api: PrometheusApi;
  /** The jobs scraped, with their target count: what waitForTargetsUp() takes. */
  jobs: Record<string, number>;
  stop(): Promise<void>;
};

const BINARIES = {
  prometheus: ["prometheus", "prometheus"],
  nginx: ["prometheus-nginx-exporter", "prometheus-nginx-exporter"],
  postgres: ["prometheus-postgres-exporter", "prometheus-postgres-exporter"],
  redis: ["prometheus-redis-exporter", "prometheus-redis-exporter"],
} as const;

/** Every binary this needs, or one error naming all the missing packages. */
export function requirePrometheusBinaries(withNginx = true): Record<keyof typeof BINARIES, string> {
  const found: Partial<Record<keyof typeof BINARIES, string>> = {};
  const missing: string[] = [];
  for (const [key, [binary, pkg]] of Object.entries(BINARIES) as [keyof typeof BINARIES, readonly [string, string]][]) {
    if (key === "nginx" && !withNginx) continue;
    try {
      found[key] = requireBinary(binary, pkg);
    } catch {
      missing.push(pkg);
    }
  }
  if (missing.length)
    throw new Error(`not installed: ${missing.join(", ")}. Install them: apt-get install ${missing.join(" ")}`);
  return found as Record<keyof typeof BINARIES, string>;
}

type ScrapeJob = {
  job_name: string;
  metrics_path?: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
};

/** One job from full metrics URLs (all on the same path), each target labelled with its process name. */
function jobOf(name: string, targets: MetricsTarget[]): ScrapeJob {
  const urls = targets.map((t) => ({ ...t, parsed: new URL(t.url) }));
  const paths = new Set(urls.map((u) => u.parsed.pathname));
  if (paths.size > 1) throw new Error(`job ${name}: targets on different paths: ${[...paths].join(", ")}`);
  return {
    job_name: name,
    metrics_path: [...paths][0] ?? "/metrics",
    static_configs: urls.map((u) => ({ targets: [u.parsed.host], labels: { instance: u.name } })),
  };
}

/** The generated prometheus.yml (JSON is YAML): 1 s scrapes and evaluations, the repository's rules. */
export function prometheusConfig(jobs: ScrapeJob[]): string {
  const config = {
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: ruleFiles(),
    scrape_configs: jobs,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const bin = requirePrometheusBinaries(Boolean(opts.nginxStatusUrl));
  const runDir = path.resolve(opts.runDir);
  const dataDir = path.join(runDir, "data");
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const procs: Proc[] = [];
  const stop = async () => {
    await Promise.all(procs.reverse().map((p) => p.stop("SIGTERM", 5_000)));
    procs.length = 0;
    await rm(dataDir, { recursive: true, force: true });
  };
  const start = (name: string, binary: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const proc = spawnProc(name, binary, args, { env, logFile: path.join(runDir, `${name}.log`) });
    procs.push(proc);
    return proc;
  };
  const listening = (name: string, proc: Proc, url: string) =>
    waitFor(`${name} at ${url}`, async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok, {
      proc,
      timeoutMs: 20_000,
      intervalMs: 100,
    });

  try {
    const jobs: ScrapeJob[] = [jobOf("app", opts.apps), jobOf("worker", opts.workers)];
    const exporter = async (
      job: string,
      name: string,
      binary: string,
      args: (listen: string) => string[],
      env?: NodeJS.ProcessEnv,
    ) => {
      const listen = `127.0.0.1:${await freePort()}`;
      const proc = start(name, binary, args(listen), env);
      await listening(name, proc, `http://${listen}/metrics`);
      jobs.push({ job_name: job, static_configs: [{ targets: [listen], labels: { instance: name } }] });
    };
    if (opts.nginxStatusUrl) {
      const statusUrl = opts.nginxStatusUrl;
      await exporter("nginx", "nginx-exporter", bin.nginx, (listen) => [
        `-nginx.scrape-uri=${statusUrl}`,
        `-web.listen-address=${listen}`,
      ]);
    }
    // The stack's own database only: DATA_SOURCE_NAME is how both the Debian and the image's
    // exporter take it. Loopback Postgres here is trust auth without TLS.
    const dsn = new URL(opts.databaseUrl);
    if (!dsn.searchParams.has("sslmode")) dsn.searchParams.set("sslmode", "disable");
    await exporter("postgres", "postgres-exporter", bin.postgres, (listen) => [`--web.listen-address=${listen}`], {
      ...process.env,
      DATA_SOURCE_NAME: dsn.toString(),
    });
    await exporter("redis", "redis-exporter", bin.redis, (listen) => [
      `-redis.addr=${opts.redisUrl}`,
      `-web.listen-address=${listen}`,
    ]);

    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    jobs.push({
      job_name: "prometheus",
      static_configs: [{ targets: [`127.0.0.1:${port}`], labels: { instance: "prometheus" } }],
    });
    const configFile = path.join(runDir, "prometheus.yml");
    await writeFile(configFile, prometheusConfig(jobs));
    const prometheus = start("prometheus", bin.prometheus, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1d",
    ]);
    await listening("prometheus", prometheus, `${url}/-/ready`);
    opts.log?.(`prometheus ready  ${url} (config ${configFile})`);
    return {
      url,
      api: new PrometheusApi(url),
      jobs: Object.fromEntries(jobs.map((j) => [j.job_name, j.static_configs.length])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A stack's app or worker as a scrape target: its own metrics listener (tooling/stack.ts), under its name. */
const metricsTarget = (process: StackApp | StackWorker): MetricsTarget => ({
  name: process.name,
  url: process.metricsUrl,
});

/** Prometheus and the exporters for a running stack: its apps, workers, nginx (if it has a status URL), Postgres, Redis. */
export function observeStack(
  stack: Stack,
  opts: Pick<PrometheusOptions, "runDir" | "port" | "log">,
): Promise<RunningPrometheus> {
  return startPrometheus({
    ...opts,
    apps: stack.apps.map(metricsTarget),
    workers: stack.workers.map(metricsTarget),
    nginxStatusUrl: stack.nginxStatusUrl,
    databaseUrl: stack.databaseUrl,
    redisUrl: stack.redis.url,
  });
}
