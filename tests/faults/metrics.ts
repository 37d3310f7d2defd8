// What each fault did to the metrics, as an operator would have seen it: the suite runs Debian's
// Prometheus beside its stack (tooling/prometheus.ts: every app and worker, nginx, Postgres and
// Redis scraped every second, the repository's alert rules evaluated every second), and after each
// case asks it about the case's window. Nothing here is asserted on speed; the figures go into
// the report (tests/faults/report.ts).
import { observeStack, type RunningPrometheus } from "../../tooling/prometheus";
import type { PrometheusApi } from "../../tooling/prometheus-api";
import type { Stack } from "../../tooling/stack";

export type CaseMetrics = {
  /** Scrapes that failed, per job (at 1 s per scrape: about the seconds a process was unreachable). */
  missedScrapes: Record<string, number>;
  /** increase() over the case, rounded: Prometheus extrapolates to the window's edges. */
  serverErrors: number;
  likesApplied: number;
  notifications: Record<string, number>;
  relayed: number;
  peakOutboxBacklog: number;
  peakOutboxAgeSeconds: number;
  peakWaitingJobs: number;
  likeToPushP99Ms: number | null;
  /** Collectors that failed at least one scrape (their read of Redis or Postgres timed out or failed). */
  collectorsDown: string[];
  /** Alerts that became pending or firing during the case (not already active at its start), as "name (state)". */
  alerts: string[];
};

/** The alerts active now, as "name (state)": taken at a case's start, to tell what the case added. */
export async function activeAlerts(api: PrometheusApi): Promise<Set<string>> {
  return new Set((await api.alerts()).map((a) => `${a.labels.alertname} (${a.state})`));
}

export async function startFaultObserver(stack: Stack, runDir: string): Promise<RunningPrometheus> {
  const prometheus = await observeStack(stack, { runDir });
  await prometheus.api.waitForTargetsUp(prometheus.jobs);
  return prometheus;
}

const byLabel = (samples: { metric: Record<string, string>; value: number }[], label: string) =>
  Object.fromEntries(
    samples.filter((s) => Math.round(s.value) > 0).map((s) => [s.metric[label] ?? "?", Math.round(s.value)]),
  );

/**
 * The case's window, from its start to now, read once the last scrape after the case is in (two
 * scrape intervals). Queries that find no series answer 0 or null.
 */
export async function caseMetrics(
  api: PrometheusApi,
  startedAt: number,
  alertsAtStart: Set<string>,
): Promise<CaseMetrics> {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const w = `${Math.max(2, Math.ceil((Date.now() - startedAt) / 1000))}s`;
  const value = async (expr: string) => (await api.value(expr)) ?? 0;
  const [missed, serverErrors, likesApplied, notifications, relayed, backlog, age, waiting, p99, collectors, alerts] =
    await Promise.all([
      api.query(`sum by (job) (count_over_time(up[${w}]) - sum_over_time(up[${w}]))`),
      value(`sum(increase(http_request_duration_seconds_count{status=~"5.."}[${w}]))`),
      value(`sum(increase(likes_likes_applied_total[${w}]))`),
      api.query(`sum by (outcome) (increase(likes_notifications_total[${w}]))`),
      value(`sum(increase(likes_outbox_relayed_total[${w}]))`),
      value(`max(max_over_time(likes_outbox_backlog_events[${w}]))`),
      value(`max(max_over_time(likes_outbox_oldest_event_age_seconds[${w}]))`),
      value(`max(max_over_time(likes_queue_jobs{state="waiting"}[${w}]))`),
      api.value(`histogram_quantile(0.99, sum by (le) (increase(likes_like_to_push_seconds_bucket[${w}])))`),
      api.query(`min by (collector) (min_over_time(likes_metrics_collector_up[${w}])) == 0`),
      api.query(`max by (alertname, alertstate) (max_over_time(ALERTS[${w}]))`),
    ]);
  return {
    missedScrapes: byLabel(missed, "job"),
    serverErrors: Math.round(serverErrors),
    likesApplied: Math.round(likesApplied),
    notifications: byLabel(notifications, "outcome"),
    relayed: Math.round(relayed),
    peakOutboxBacklog: backlog,
    peakOutboxAgeSeconds: Math.round(age * 10) / 10,
    peakWaitingJobs: waiting,
    likeToPushP99Ms: p99 === undefined || Number.isNaN(p99) ? null : Math.round(p99 * 1000 * 10) / 10,
    collectorsDown: collectors.map((s) => s.metric.collector ?? "?"),
    alerts: [...new Set(alerts.map((s) => `${s.metric.alertname} (${s.metric.alertstate})`))].filter(
      (alert) => !alertsAtStart.has(alert),
    ),
  };
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";

/** One line of the report's metrics table, in its column order. */
export function metricsCells(m: CaseMetrics): string[] {
  return [
    counts(m.missedScrapes),
    String(m.serverErrors),
    String(m.likesApplied),
    counts(m.notifications),
    String(m.relayed),
    `${m.peakOutboxBacklog} / ${m.peakOutboxAgeSeconds} s`,
    String(m.peakWaitingJobs),
    // At or past the histogram's last finite bucket (5 s), the quantile says only "at least".
    m.likeToPushP99Ms === null ? "none" : m.likeToPushP99Ms >= 5000 ? "≥ 5 s" : `${m.likeToPushP99Ms} ms`,
    m.collectorsDown.join(", ") || "none",
    m.alerts.join(", ") || "none",
  ];
}

export const METRICS_COLUMNS = [
  "scrapes missed",
  "5xx",
  "likes applied",
  "notifications",
  "relayed",
  "peak outbox backlog / oldest",
  "peak jobs waiting",
  "like → push p99",
  "collectors failed",
  "alerts",
];
