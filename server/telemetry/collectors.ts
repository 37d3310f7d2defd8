// What the metrics read at each scrape rather than count as it happens: the Postgres pool, the
// Redis connections, the sockets (app), the queue and the outbox (worker). Each collector has
// 500 ms; one that fails or is late reports likes_metrics_collector_up{collector} 0 and its series
// are left out of that scrape, so a scrape during a Redis or Postgres outage still answers at once.
import { Registry, type Gauge } from "prom-client";
import type { Server } from "socket.io";
import { db, dbPool } from "../db";
import { log } from "../log";
import { notificationsQueue } from "../queue";
import { redisConnections } from "../redis";
import { QUEUE_STATES, type AppMetrics, type SharedMetrics, type WorkerMetrics } from "./metrics";

type Sample = [gauge: Gauge<string>, labels: Record<string, string>, value: number];

export type Collector = {
  name: string;
  /** The gauges it sets: cleared before each scrape, so a failed read leaves none behind. */
  gauges: Gauge<string>[];
  read: () => Sample[] | Promise<Sample[]>;
};

export const COLLECTOR_TIMEOUT_MS = 500;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs every collector at once and answers the registry to serve: `registry` and the gauges of
 * each collector that answered in time (they are in no registry of their own).
 */
export async function collect(metrics: SharedMetrics, collectors: Collector[]): Promise<Registry> {
  const answered = new Registry();
  await Promise.all(
    collectors.map(async (collector) => {
      let samples: Sample[] | null;
      try {
        samples = await withTimeout(Promise.resolve().then(collector.read), COLLECTOR_TIMEOUT_MS, collector.name);
      } catch (error) {
        log.debug({ err: error, collector: collector.name }, "metrics collector failed; its series are left out");
        samples = null;
      }
      for (const gauge of collector.gauges) gauge.reset();
      for (const [gauge, labels, value] of samples ?? []) gauge.set(labels, value);
      if (samples) for (const gauge of collector.gauges) answered.registerMetric(gauge);
      metrics.collectorUp.set({ collector: collector.name }, samples ? 1 : 0);
    }),
  );
  return Registry.merge([metrics.registry, answered]);
}

/** Both processes: the Postgres pool behind db() and every Redis connection, read from memory. */
export function sharedCollectors(metrics: SharedMetrics): Collector[] {
  return [
    {
      name: "postgres_pool",
      gauges: [metrics.postgresPoolConnections, metrics.postgresPoolWaiting],
      read: () => {
        const pool = dbPool();
        const total = pool?.totalCount ?? 0;
        const idle = pool?.idleCount ?? 0;
        return [
          [metrics.postgresPoolConnections, { state: "idle" }, idle],
          [metrics.postgresPoolConnections, { state: "busy" }, total - idle],
          [metrics.postgresPoolWaiting, {}, pool?.waitingCount ?? 0],
        ];
      },
    },
    {
      name: "redis_connections",
      gauges: [metrics.redisConnectionUp],
      read: () =>
        [...redisConnections()].map(([connection, client]): Sample => [
          metrics.redisConnectionUp,
          { connection },
          client.status === "ready" ? 1 : 0,
        ]),
    },
  ];
}

/** The app: sockets connected to this instance, and the post rooms they watch. */
export function socketCollector(metrics: AppMetrics, io: Server): Collector {
  return {
    name: "sockets",
    gauges: [metrics.socketConnections, metrics.socketRoomsWatched],
    read: () => {
      const namespace = io.of("/");
      let watched = 0;
      // The adapter's rooms are this instance's own (the Redis adapter shares messages, not rooms).
      for (const room of namespace.adapter.rooms.keys()) if (room.startsWith("post:")) watched++;
      return [
        [metrics.socketConnections, {}, namespace.sockets.size],
        [metrics.socketRoomsWatched, {}, watched],
      ];
    },
  };
}

type OutboxState = { pending: number; oldestSeconds: number | null };

/** The worker: the queue's job counts (Redis) and the outbox's backlog (Postgres). */
export function workerCollectors(metrics: WorkerMetrics): Collector[] {
  return [
    {
      name: "queue",
      gauges: [metrics.queueJobs],
      read: async () => {
        const counts = await notificationsQueue().getJobCounts(...QUEUE_STATES);
        return QUEUE_STATES.map((state): Sample => [metrics.queueJobs, { state }, counts[state] ?? 0]);
      },
    },
    {
      name: "outbox",
      gauges: [metrics.outboxBacklog, metrics.outboxOldestAge],
      read: async () => {
        const [state] = await db().$queryRaw<OutboxState[]>`
          SELECT count(*)::int AS pending,
                 EXTRACT(EPOCH FROM (clock_timestamp() - min("createdAt")))::float8 AS "oldestSeconds"
          FROM "OutboxEvent" WHERE "processedAt" IS NULL`;
        return [
          [metrics.outboxBacklog, {}, state?.pending ?? 0],
          [metrics.outboxOldestAge, {}, Math.max(0, state?.oldestSeconds ?? 0)],
        ];
      },
    },
  ];
}
