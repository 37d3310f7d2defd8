// Prometheus metrics: the registry and every metric of the app and of the worker, by the names the
// catalogue fixes (docs/decisions/023-metrics-on-their-own-port.md). Nothing here is on a like's
// path: the story's files call the small named functions at the bottom at most once per hop, and
// those do nothing until the process started its metrics listener (server/telemetry/metrics-server.ts),
// so scripts, tests and a process run with METRICS_PORT=0 record nothing.
//
// Labels are closed sets (a route pattern, a method, a status, an outcome): no user input ever
// becomes a label value, so the number of series stays bounded whatever the traffic.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { routeLabel } from "./routes";

// Gauges read at scrape (server/telemetry/collectors.ts) belong to no registry: each scrape adds
// those whose collector answered in time, so a failed read leaves its series out instead of
// showing a 0 that was never read.
const scraped: Registry[] = [];

function sharedMetrics(registry: Registry) {
  return {
    registry,
    postgresPoolConnections: new Gauge({
      name: "likes_postgres_pool_connections",
      help: "Connections in this process's Postgres pool, by state: idle, or busy (checked out by a query or transaction).",
      labelNames: ["state"] as const,
      registers: scraped,
    }),
    postgresPoolWaiting: new Gauge({
      name: "likes_postgres_pool_waiting_requests",
      help: "Queries waiting for a connection from this process's Postgres pool (the pool is full).",
      registers: scraped,
    }),
    redisConnectionUp: new Gauge({
      name: "likes_redis_connection_up",
      help: "1 when this process's Redis connection of that role is ready for commands, else 0.",
      labelNames: ["connection"] as const,
      registers: scraped,
    }),
    collectorUp: new Gauge({
      name: "likes_metrics_collector_up",
      help: "1 when the collector read its source within 500 ms at this scrape; 0 leaves its series out of the scrape.",
      labelNames: ["collector"] as const,
      registers: [registry],
    }),
  };
}

/** prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC, handles …). */
/**
 * How often the event-loop delay monitor samples (prom-client's default, stated): each sample is the
 * interval between its timer's runs, so an idle loop reads this much, and a stall this much more.
 */
export const EVENT_LOOP_MONITOR_MS = 10;

function defaultMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITOR_MS });
  // Three totals of the by-type gauges beside them (nodejs_active_handles{type} and the rest) are
  // gauges named *_total, which promtool's lint refuses; sum() over the by-type gauge gives them.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"])
    registry.removeSingleMetric(name);
  return registry;
}

function createAppMetrics() {
  const registry = defaultMetrics();
  const registers = [registry];
  const likesApplied = new Counter({
    name: "likes_likes_applied_total",
    help: "Likes and unlikes that changed a post's state (an idempotent repeat is not counted).",
    labelNames: ["action"] as const,
    registers,
  });
  for (const action of ["like", "unlike"]) likesApplied.inc({ action }, 0);
  return {
    ...sharedMetrics(registry),
    httpRequestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "API requests answered by this app instance, by method, route pattern and status, and how long each took.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    likesApplied,
    socketConnections: new Gauge({
      name: "likes_socket_connections",
      help: "Socket.IO connections to this app instance.",
      registers: scraped,
    }),
    socketRoomsWatched: new Gauge({
      name: "likes_socket_rooms_watched",
      help: "Posts watched (for live like counts) by at least one socket connected to this app instance.",
      registers: scraped,
    }),
  };
}

export const NOTIFICATION_OUTCOMES = ["delivered", "retracted", "deduplicated", "skipped"] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];
export const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "completed", "prioritized"] as const;

function createWorkerMetrics() {
  const registry = defaultMetrics();
  const registers = [registry];
  const notifications = new Counter({
    name: "likes_notifications_total",
    help: "Notification jobs this worker completed, by outcome: delivered (pushed), retracted, deduplicated (already done by an earlier attempt), skipped (nothing to push: the like changed again, or its post is gone).",
    labelNames: ["outcome"] as const,
    registers,
  });
  for (const outcome of NOTIFICATION_OUTCOMES) notifications.inc({ outcome }, 0);
  return {
    ...sharedMetrics(registry),
    notifications,
    likeToPush: new Histogram({
      name: "likes_like_to_push_seconds",
      help: "From a like's (or unlike's) commit in Postgres to this worker emitting its push to the owner's room; relayed events count from their outbox row's creation.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    queueJobs: new Gauge({
      name: "likes_queue_jobs",
      help: "Jobs in the notifications queue by state, read from Redis at scrape.",
      labelNames: ["state"] as const,
      registers: scraped,
    }),
    outboxBacklog: new Gauge({
      name: "likes_outbox_backlog_events",
      help: "Outbox events not processed yet (notifications owed), read from Postgres at scrape.",
      registers: scraped,
    }),
    outboxOldestAge: new Gauge({
      name: "likes_outbox_oldest_event_age_seconds",
      help: "Age of the oldest unprocessed outbox event, 0 when there is none, read from Postgres at scrape.",
      registers: scraped,
    }),
    outboxRelayed: new Counter({
      name: "likes_outbox_relayed_total",
      help: "Outbox events the relay re-enqueued: unprocessed past the grace period (their enqueue lost, or their job waiting behind a stopped worker); re-adding a queued job is a no-op, so an outage counts an event once per relay pass.",
      registers,
    }),
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
export type SharedMetrics = ReturnType<typeof sharedMetrics>;

// On globalThis: the custom server (server/main.ts) and Next's bundle of the route handlers each
// load their own copy of this module, and the counters a route handler moves must be the ones the
// listener serves.
const globalForMetrics = globalThis as unknown as { __likesMetrics?: { app?: AppMetrics; worker?: WorkerMetrics } };
const enabled = (globalForMetrics.__likesMetrics ??= {});

/** Turns the app's metrics on (once); called by the metrics listener as it starts. */
export function enableAppMetrics(): AppMetrics {
  return (enabled.app ??= createAppMetrics());
}

export function enableWorkerMetrics(): WorkerMetrics {
  return (enabled.worker ??= createWorkerMetrics());
}

const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** One API request, answered (server/telemetry/request.ts). */
export function observeHttpRequest(method: string, pathname: string, status: number, seconds: number): void {
  enabled.app?.httpRequestDuration.observe(
    { method: HTTP_METHODS.has(method) ? method : "other", route: routeLabel(pathname), status: String(status) },
    seconds,
  );
}

/** A like or an unlike that changed the post's state (server/likes.ts). */
export function countAppliedLike(liked: boolean): void {
  enabled.app?.likesApplied.inc({ action: liked ? "like" : "unlike" });
}

/** One notification job done, and, when it pushed, how long since the like committed. */
export function observeNotification(outcome: NotificationOutcome, likeToPushSeconds: number | null): void {
  enabled.worker?.notifications.inc({ outcome });
  if (likeToPushSeconds !== null) enabled.worker?.likeToPush.observe(Math.max(0, likeToPushSeconds));
}

/** One event the outbox relay enqueued (server/telemetry/jobs.ts). */
export function countRelayedEvent(): void {
  enabled.worker?.outboxRelayed.inc();
}
