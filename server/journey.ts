// The journey of one like (shared/journey.ts), server side: the worker adds the hops it can measure
// to those the request stored, sends them with the owner's event and to the liker; the owner's
// browser then reports the last two hops (socket, render), which are relayed to the liker.
import type { Redis } from "ioredis";
import type { DeliveredJourney, HopTimings, JourneyDeliveredReport } from "../shared/journey";
import type { NotificationJob } from "./queue";
import { redisKey, whenReady } from "./redis";
import { hopMs, type StoredTrace } from "./trace";

/**
 * Every hop up to the worker. From the outbox row: click, nginx, route, session. From the job:
 * postgres, and when the statement committed (a relayed job has only the row's creation time).
 * From BullMQ's own timestamps: outbox = commit -> job added (the relay's delay, when it had to
 * step in), queue = job added -> a worker took it. Then the worker's own processing time.
 * Hops run on three processes' clocks (app, worker, Redis-stamped by the worker's client), which
 * agree on one machine or with NTP; each figure is clamped at 0.
 */
export function hopsUpToWorker(input: {
  stored: StoredTrace | null;
  measured: NotificationJob["trace"];
  eventCreatedAt: Date;
  jobAddedAt: number;
  jobTakenAt: number;
  workerMs: number;
}): HopTimings {
  const committedAt = input.measured?.committedAt ?? input.eventCreatedAt.getTime();
  return {
    ...input.stored?.hops,
    postgres: input.measured?.postgres ?? null,
    outbox: hopMs(input.jobAddedAt - committedAt),
    queue: hopMs(input.jobTakenAt - input.jobAddedAt),
    worker: hopMs(input.workerMs),
  };
}

export function deliveredJourney(traceId: string, hops: HopTimings): DeliveredJourney {
  return { traceId, hops, emittedAt: Date.now() };
}

/** Who may report a trace's last hops, and to whom they go: kept while the report may come. */
type PendingReport = { recipientId: string; actorId: string; postId: string; liked: boolean };
const PENDING_REPORT_MS = 5 * 60_000;
const pendingKey = (traceId: string) => redisKey("journey", traceId);

export async function expectDeliveryReport(redis: Redis, traceId: string, pending: PendingReport): Promise<void> {
  await whenReady(redis, 1000); // the app's command connection opens on first use
  await redis.set(pendingKey(traceId), JSON.stringify(pending), "PX", PENDING_REPORT_MS);
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const isHopMs = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 60_000;

/** The owner's report, if it is well formed. */
export function parseDeliveryReport(value: unknown): JourneyDeliveredReport | null {
  const report = value as Partial<JourneyDeliveredReport> | null;
  if (typeof report?.traceId !== "string" || !TRACE_ID.test(report.traceId)) return null;
  if (!isHopMs(report.socket) || !isHopMs(report.render)) return null;
  return { traceId: report.traceId, socket: hopMs(report.socket), render: hopMs(report.render) };
}

/**
 * Takes the owner's report for a trace, once, and only from the owner: someone else's socket
 * cannot claim another person's like, and a second tab's report finds the entry gone.
 * Answers where to send it, or null.
 */
export async function claimDeliveryReport(
  redis: Redis,
  reporterId: string,
  traceId: string,
): Promise<PendingReport | null> {
  await whenReady(redis, 1000);
  const raw = await redis.get(pendingKey(traceId));
  if (!raw) return null;
  const pending = JSON.parse(raw) as PendingReport;
  if (pending.recipientId !== reporterId) return null;
  return (await redis.del(pendingKey(traceId))) === 1 ? pending : null;
}
