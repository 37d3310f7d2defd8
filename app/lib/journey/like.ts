// The liker's side of a journey: one like request, sent with a trace of its own, and what its
// answer tells the journey panel. The request starts the journey (click hop: from the click that
// produced it to now), the answer adds the hops the app measured (Server-Timing), and a failure
// ends it. Framework-free: use-like-toggle.ts hands it to the post's LikeToggleQueue.
import type { LikeResult } from "@/shared/api";
import type { TracedLikeResult } from "../api-client";
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

export type TracedLikeDeps = {
  setLikeTraced(
    postId: string,
    liked: boolean,
    trace: { traceparent: string; tracestate: string },
  ): Promise<TracedLikeResult>;
  /** Null outside a journey provider: the like still goes out traced, and nobody draws it. */
  journeys: JourneyStore | null;
  describeError(error: unknown, liked: boolean): string;
  /** performance.now(), the clock the click was read by. */
  now(): number;
  random?: RandomFill;
};

export async function sendTracedLike(
  deps: TracedLikeDeps,
  post: { id: string; author?: { username: string } },
  liked: boolean,
  clickedAt: number,
): Promise<LikeResult> {
  const { traceId, traceparent } = newTraceIds(deps.random);
  const sentAt = deps.now();
  const clickMs = Math.max(0, sentAt - clickedAt);
  deps.journeys?.likeSent({ traceId, postId: post.id, liked, counterpart: post.author?.username ?? null, clickMs });
  let answer: TracedLikeResult;
  try {
    answer = await deps.setLikeTraced(post.id, liked, { traceparent, tracestate: clickTracestate(clickMs) });
  } catch (error) {
    deps.journeys?.likeFailed(traceId, deps.describeError(error, liked));
    throw error;
  }
  const timings = parseServerTiming(answer.serverTiming);
  deps.journeys?.likeAnswered(traceId, {
    answeredTraceId: traceIdFromHeader(answer.traceresponse) ?? traceId,
    hops: requestHops(clickMs, timings),
    roundTripMs: Math.max(0, deps.now() - sentAt),
    appMs: timings.app ?? null,
    wroteEvent: wroteEvent(timings),
  });
  return answer.result;
}
