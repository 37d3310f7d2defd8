// The metrics listener: GET /metrics in Prometheus's text format, on a port of its own
// (METRICS_HOST:METRICS_PORT), never on the app's HTTP port and so never through nginx
// (docs/decisions/023-metrics-on-their-own-port.md). Anything else on it is a 404. server/main.ts
// and workers/notifications.ts each start it with one call; METRICS_PORT=0 turns metrics off.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Worker } from "bullmq";
import type { Server as SocketServer } from "socket.io";
import type { DeliveryResult } from "../delivery";
import type { NotificationJob } from "../queue";
import { env } from "../env";
import { log } from "../log";
import { collect, sharedCollectors, socketCollector, workerCollectors, type Collector } from "./collectors";
import {
  enableAppMetrics,
  enableWorkerMetrics,
  observeNotification,
  type NotificationOutcome,
  type SharedMetrics,
} from "./metrics";
import { currentScope } from "./trace";

export const APP_METRICS_PORT = 9464;
export const WORKER_METRICS_PORT = 9465;

export type MetricsListener = {
  /** The port it listens on; null when metrics are off (or the port could not be had). */
  port(): number | null;
  close(): Promise<void>;
};

const OFF: MetricsListener = { port: () => null, close: async () => undefined };

/** The app's metrics: HTTP requests, likes applied, sockets, and the shared pool and Redis gauges. */
export function serveAppMetrics(io: SocketServer): MetricsListener {
  const port = env().METRICS_PORT ?? APP_METRICS_PORT;
  if (port === 0) return OFF;
  const metrics = enableAppMetrics();
  return listen(port, metrics, [...sharedCollectors(metrics), socketCollector(metrics, io)]);
}

/** The worker's metrics: notifications by outcome, like-to-push latency, the queue and the outbox. */
export function serveWorkerMetrics(worker: Worker<NotificationJob, DeliveryResult>): MetricsListener {
  const port = env().METRICS_PORT ?? WORKER_METRICS_PORT;
  if (port === 0) return OFF;
  const metrics = enableWorkerMetrics();
  worker.on("completed", (_job, result) => observeCompletedJob(result));
  return listen(port, metrics, [...sharedCollectors(metrics), ...workerCollectors(metrics)]);
}

const OUTCOMES: Record<DeliveryResult, NotificationOutcome> = {
  pushed: "delivered",
  retracted: "retracted",
  already_pushed: "deduplicated",
  already_processed: "deduplicated",
  unchanged: "skipped",
  superseded: "skipped",
  gone: "skipped",
  unknown_event: "skipped",
};

/**
 * A job done. BullMQ emits "completed" inside the job's trace scope (server/telemetry/jobs.ts), which
 * holds when the like committed and when the journey was handed over with the push.
 */
function observeCompletedJob(result: DeliveryResult): void {
  const outcome = OUTCOMES[result] ?? "skipped";
  const scope = currentScope();
  const pushed = outcome === "delivered" || outcome === "retracted";
  const committedAt = scope?.job?.committedAt;
  const pushedAt = scope?.pushedAt;
  const seconds =
    pushed && committedAt !== undefined && pushedAt !== undefined ? (pushedAt - committedAt) / 1000 : null;
  observeNotification(outcome, seconds);
}

function listen(port: number, metrics: SharedMetrics, collectors: Collector[]): MetricsListener {
  const host = env().METRICS_HOST;
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://metrics");
    if (pathname !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not found: metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { Allow: "GET", "Content-Type": "text/plain; charset=utf-8" }).end("GET only\n");
      return;
    }
    scrape(metrics, collectors).then(
      (body) => res.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(body),
      (error: unknown) => {
        log.warn({ err: error }, "metrics scrape failed");
        res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("scrape failed\n");
      },
    );
  });
  // Metrics stand beside the service: a port already taken costs the metrics, not the likes.
  let listening = false;
  server.on("error", (error) => log.error({ err: error, host, port }, "metrics listener failed; no metrics"));
  server.listen(port, host, () => {
    listening = true;
    log.info({ url: `http://${host}:${(server.address() as AddressInfo).port}/metrics` }, "metrics ready");
  });
  return {
    port: () => (listening ? (server.address() as AddressInfo).port : null),
    close: () => closeServer(server, listening),
  };
}

async function scrape(metrics: SharedMetrics, collectors: Collector[]): Promise<string> {
  return (await collect(metrics, collectors)).metrics();
}

function closeServer(server: HttpServer, listening: boolean): Promise<void> {
  if (!listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
