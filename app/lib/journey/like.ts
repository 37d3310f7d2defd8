// The liker's side of a journey, as the observer of one like request (api.setLike): the request
// carries a trace of our own (traceparent) and the click hop, from the click that produced it to
// now (tracestate); the answer adds the hops the app measured (Server-Timing) and the trace id it
// used (traceresponse); a failure ends the journey with the sentence the post shows.
// Framework-free: like-toggle.ts makes one per request.
import { describeLikeError, type RequestObserver } from "../api-client";
import type { JourneyStore } from "./store";
import {
  clickTracestate,
  newTraceIds,
  parseServerTiming,
  requestHops,
  traceIdFromHeader,
  wroteEvent,
  type RandomFill,
} from "./trace";

export type TraceLikeClock = {
  /** performance.now(), the clock the click was read by. */
  now?: () => number;
  random?: RandomFill;
};

/**
 * Starts the journey of one like request, about to be sent, and answers what the request needs
 * to carry it on. `journeys` is null outside a journey provider: the like still goes out traced,
 * and nobody draws it.
 */
export function traceLike(
  journeys: JourneyStore | null,
  post: { id: string; author?: { username: string } },
  liked: boolean,
  clickedAt: number,
  { now = () => performance.now(), random }: TraceLikeClock = {},
): RequestObserver {
  const { traceId, traceparent } = newTraceIds(random);
  const sentAt = now();
  const clickMs = Math.max(0, sentAt - clickedAt);
  journeys?.likeSent({ traceId, postId: post.id, liked, counterpart: post.author?.username ?? null, clickMs });
  return {
    headers: { traceparent, tracestate: clickTracestate(clickMs) },
    answered(response) {
      const timings = parseServerTiming(response.headers.get("Server-Timing"));
      journeys?.likeAnswered(traceId, {
        answeredTraceId: traceIdFromHeader(response.headers.get("traceresponse")) ?? traceId,
        hops: requestHops(clickMs, timings),
        roundTripMs: Math.max(0, now() - sentAt),
        appMs: timings.app ?? null,
        wroteEvent: wroteEvent(timings),
      });
    },
    failed(error) {
      journeys?.likeFailed(traceId, describeLikeError(error, liked));
    },
  };
}
