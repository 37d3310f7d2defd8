// One like's journey: the hops it takes from the liker's click to the owner's screen, and the
// time each one took. Shared by the server (which measures the middle hops and carries them along
// with the like's trace, server/trace.ts) and the browser (which measures the two ends and draws
// the waterfall). Constants and types only, so importing this brings no server code into the
// client bundle. docs/architecture.md tells the same story in prose.

/** Every hop, in the order a like takes them, with the file (or setting) that plays it. */
export const JOURNEY_HOPS = [
  { id: "click", label: "Browser", does: "click → request sent", file: "app/lib/like-toggle.ts" },
  {
    id: "nginx",
    label: "nginx",
    does: "TLS, limits, trace id → proxied to the app",
    file: "nginx/templates/likes.conf.template",
  },
  { id: "route", label: "Route handler", does: "origin check, rate limit", file: "app/api/posts/[id]/like/route.ts" },
  { id: "session", label: "Session", does: "cookie → signed-in user", file: "server/session-token.ts" },
  { id: "postgres", label: "Postgres", does: "like, count and outbox row in one statement", file: "server/likes.ts" },
  { id: "outbox", label: "Outbox", does: "committed event → job added to Redis", file: "server/queue.ts" },
  { id: "queue", label: "BullMQ", does: "job waits for a worker", file: "server/queue.ts" },
  { id: "worker", label: "Worker", does: "owner's inbox updated, toast decided", file: "workers/notifications.ts" },
  { id: "socket", label: "Socket.IO", does: "Redis emitter → the owner's socket", file: "server/realtime.ts" },
  { id: "render", label: "Browser", does: "event → on the owner's screen", file: "app/lib/notification-center.ts" },
] as const;

export type HopId = (typeof JOURNEY_HOPS)[number]["id"];

/** A hop's number, 1 to 10 in the order above: "hop 9" is the socket hop everywhere, panel and docs. */
export function hopNumber(id: HopId): number {
  return JOURNEY_HOPS.findIndex((hop) => hop.id === id) + 1;
}

/**
 * Milliseconds per hop. A hop that was not measured is absent, or null when the server knows why
 * (no nginx in front, an event re-sent by the outbox relay after its request ended).
 */
export type HopTimings = Partial<Record<HopId, number | null>>;

/** The hops the server measures on the like request itself, before the event is committed. */
export const REQUEST_HOPS = ["click", "nginx", "route", "session", "postgres"] as const satisfies readonly HopId[];

/**
 * Socket.IO `notification`'s delivery argument carries this (NotificationDelivery.journey), and
 * so does `notification:retracted`: the trace of the like (or unlike) behind the event, every
 * hop up to the worker, and when the worker emitted it (epoch ms, the worker's clock).
 */
export type DeliveredJourney = { traceId: string; hops: HopTimings; emittedAt: number };

/**
 * Socket.IO `journey:hops`, server -> the liker's own sockets: hops of the liker's like measured
 * after its request was answered (outbox, queue, worker; then socket and render once the owner's
 * browser reports them). `liked` says whether it was a like or an unlike.
 */
export type JourneyHopsEvent = { traceId: string; postId: string; liked: boolean; hops: HopTimings };

/**
 * Socket.IO `journey:delivered`, the owner's browser -> server: how long the event took from the
 * worker's emit to this browser, and from there to the screen. The server checks that this socket
 * belongs to the notification's recipient, then relays it to the liker as `journey:hops`.
 */
export type JourneyDeliveredReport = { traceId: string; socket: number; render: number };

/**
 * Socket.IO `clock`, browser -> server with an acknowledgement: the server answers its Date.now().
 * The browser estimates the offset between its clock and the server's from the round trip, so it
 * can time the socket hop (server emit -> browser receive) across two clocks.
 */
export type ClockAnswer = { now: number };

/**
 * The like response's Server-Timing metrics: the request hops the app measured (nginx: from nginx
 * handing the request on to the handler starting), then `enqueue` (the job's add() round trip to
 * Redis) and `app` (the handler, start to answer). The outbox hop proper (commit -> job in Redis)
 * is the worker's figure, sent in `journey:hops`: the same number the owner sees.
 */
export const SERVER_TIMING_METRICS = ["nginx", "route", "session", "postgres", "enqueue", "app"] as const;
