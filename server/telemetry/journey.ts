// The journey of one like (shared/journey.ts), server side. In the worker, handOverJourney() adds
// the hops the worker can measure to those the request stored, and sends them with the owner's
// event and to the liker; the owner's browser then reports the last two hops (socket, render),
// which the app relays to the liker (relayDeliveryReports, on each socket).
import type { Redis } from "ioredis";
import type { Server, Socket } from "socket.io";
import type { DeliveredJourney, HopTimings, JourneyDeliveredReport, JourneyHopsEvent } from "../../shared/journey";
import { REALTIME_EVENTS } from "../../shared/realtime-events";
import { log } from "../log";
import { bestEffortEmitter, userRoom } from "../push";
import { redis, redisKey, whenReady } from "../redis";
import { currentScope, hopMs, type JobTiming, type StoredTrace } from "./trace";

/** Who did what, from the outbox event the job delivers. */
export type JourneyOrigin = { actorId: string; postId: string; liked: boolean; trace: StoredTrace | null };

/**
 * Every hop up to the worker. From the outbox row: click, nginx, route, session. From the job's
 * trace: postgres, when the statement committed (a relayed job has only the row's creation time),
 * when the job was added and taken: outbox = commit -> job added (the relay's delay, when it had to
 * step in), queue = job added -> a worker took it. Then the worker's own processing time.
 * Hops run on the app's and the worker's clocks, which agree on one machine or with NTP; each
 * figure is clamped at 0. A job that came without its trace has no outbox or queue figure.
 */
export function hopsUpToWorker(input: {
  stored: StoredTrace | null;
  job: JobTiming | undefined;
  workerMs: number;
}): HopTimings {
  const { job } = input;
  return {
    ...input.stored?.hops,
    postgres: job?.postgres ?? null,
    outbox: job ? hopMs(job.addedAt - job.committedAt) : null,
    queue: job ? hopMs(job.takenAt - job.addedAt) : null,
    worker: hopMs(input.workerMs),
  };
}

/**
 * Called by the worker just before it pushes (server/delivery.ts): the hops so far, for the owner's
 * event; the liker's own sockets hear them now (the hops their request could not see); and the
 * owner may report the last two for 5 minutes. Undefined outside a job's trace.
 *
 * Both commands go on `connection`, the one the push goes on next, and neither is awaited: Redis
 * runs one connection's commands in order, so the report's key exists before the owner can have
 * the push (and report), and the push does not wait a round trip for it. Sent in the same tick,
 * they leave with the push in one write when the connection pipelines automatically (the worker's
 * does: workers/notifications.ts). Both are best effort: a figure lost is logged, never retried.
 */
export function handOverJourney(
  origin: JourneyOrigin,
  recipientId: string,
  connection: Redis,
): DeliveredJourney | undefined {
  const scope = currentScope();
  if (!scope) return undefined;
  const { traceId } = scope.trace;
  const { actorId, postId, liked } = origin;
  const pending: PendingReport = { recipientId, actorId, postId, liked };
  connection
    .set(pendingKey(traceId), JSON.stringify(pending), "PX", PENDING_REPORT_MS)
    .catch((error: unknown) => log.debug({ err: error }, "journey report not expected: redis unavailable"));
  const hops = hopsUpToWorker({
    stored: origin.trace,
    job: scope.job,
    workerMs: performance.now() - scope.startedAt,
  });
  scope.logFields = { hops }; // the job's later log lines ("notification job done") show them
  journeyEmitter(connection)
    .to(userRoom(actorId))
    .emit(REALTIME_EVENTS.journeyHops, { traceId, postId, liked, hops } satisfies JourneyHopsEvent);
  scope.pushedAt = Date.now();
  return { traceId, hops, emittedAt: scope.pushedAt };
}

// One emitter per connection (a process has one push connection; tests may make more).
const journeyEmitters = new WeakMap<Redis, ReturnType<typeof bestEffortEmitter>>();
function journeyEmitter(connection: Redis) {
  let emitter = journeyEmitters.get(connection);
  if (!emitter) journeyEmitters.set(connection, (emitter = bestEffortEmitter(connection, "journey:hops")));
  return emitter;
}

/** Who may report a trace's last hops, and to whom they go: kept while the report may come. */
type PendingReport = { recipientId: string; actorId: string; postId: string; liked: boolean };
const PENDING_REPORT_MS = 5 * 60_000;
const pendingKey = (traceId: string) => redisKey("journey", traceId);

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
async function claimDeliveryReport(client: Redis, reporterId: string, traceId: string): Promise<PendingReport | null> {
  await whenReady(client, 1000);
  const raw = await client.get(pendingKey(traceId));
  if (!raw) return null;
  const pending = JSON.parse(raw) as PendingReport;
  if (pending.recipientId !== reporterId) return null;
  return (await client.del(pendingKey(traceId))) === 1 ? pending : null;
}

/**
 * On each connection (server/realtime.ts): `journey:delivered`, the owner's report of the last two
 * hops, relayed to the liker's sockets once, and only when this socket's user is the owner the
 * worker named.
 */
export function relayDeliveryReports(io: Server, socket: Socket, userId: string): void {
  socket.on(REALTIME_EVENTS.journeyDelivered, (payload: unknown) => {
    const report = parseDeliveryReport(payload);
    if (!report) return;
    claimDeliveryReport(redis(), userId, report.traceId).then(
      (pending) => {
        if (!pending) return;
        const hops = { socket: report.socket, render: report.render };
        io.to(userRoom(pending.actorId)).emit(REALTIME_EVENTS.journeyHops, {
          traceId: report.traceId,
          postId: pending.postId,
          liked: pending.liked,
          hops,
        } satisfies JourneyHopsEvent);
      },
      (error: unknown) => log.debug({ err: error }, "journey report dropped"),
    );
  });
}
