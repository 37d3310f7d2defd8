// The journeys this tab has seen, for the journey panel (components/journey): the likes this user
// sent (liker side) and the likes that reached them (owner side), newest first, at most ten.
//
// A journey's hops arrive in pieces and not always in order, so everything merges by trace id:
//   liker side: the click and the request's Server-Timing (traceLike in ./like.ts),
//               then `journey:hops` from the worker (outbox, queue, worker), then another once the
//               owner's browser has reported (socket, render). The worker's event can overtake the
//               HTTP answer, and another tab of the same user gets the events without the request.
//   owner side: the `notification` (or `notification:retracted`) delivery with every hop up to the
//               worker, then the socket and render hops this browser measures itself.
// A measured figure always wins over a missing one; a null (the server knows it was not measured)
// only fills a gap, so a late or repeated event never erases a number.
//
// Framework-free; React reads it through useSyncExternalStore.
import type { HopTimings } from "@/shared/journey";

export type JourneySide = "liker" | "owner";

/** The liker's own like request, as this tab sent it. */
export type LikeRequestState =
  | { state: "sending" }
  | { state: "failed"; error: string }
  | {
      state: "answered";
      /** Sent to answered, by this browser's clock. */
      roundTripMs: number;
      /** The handler's own time (Server-Timing `app`), when reported. */
      appMs: number | null;
      /** Whether an event was written, so more hops will come (trace.ts wroteEvent). */
      wroteEvent: boolean | undefined;
    };

export type Journey = {
  traceId: string;
  side: JourneySide;
  /** A like, or an unlike (the owner side: a retraction). */
  liked: boolean;
  postId: string | null;
  /** The other person, when known: the photo's owner (liker side) or the liker (owner side). */
  counterpart: string | null;
  hops: HopTimings;
  /** Date.now() when this tab first heard of it: the panel's order. */
  firstSeenAt: number;
  /** Liker side, in the tab that clicked: the request. Null elsewhere. */
  request: LikeRequestState | null;
};

export const MAX_JOURNEYS = 10;
/** Trace ids dropped off the end are remembered this long a list, so late hops do not revive them. */
const MAX_FORGOTTEN = 100;

export function mergeHops(current: HopTimings, update: HopTimings): HopTimings {
  const merged: HopTimings = { ...current };
  for (const [id, ms] of Object.entries(update) as [keyof HopTimings, number | null | undefined][]) {
    if (typeof ms === "number") merged[id] = ms;
    else if (ms === null && merged[id] === undefined) merged[id] = null;
  }
  return merged;
}

const newestFirst = (journeys: Journey[]) => journeys.sort((a, b) => b.firstSeenAt - a.firstSeenAt);

const keyOf = (side: JourneySide, traceId: string) => `${side}:${traceId}`;

export class JourneyStore {
  private journeys: readonly Journey[] = [];
  private readonly forgotten: string[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Newest first. The same array until something changes. */
  getSnapshot = (): readonly Journey[] => this.journeys;

  find(side: JourneySide, traceId: string): Journey | undefined {
    return this.journeys.find((j) => j.side === side && j.traceId === traceId);
  }

  /** Liker side: the request is about to leave, with the click hop measured. */
  likeSent(like: {
    traceId: string;
    postId: string;
    liked: boolean;
    counterpart: string | null;
    clickMs: number;
  }): void {
    this.upsert("liker", like.traceId, (journey) => ({
      ...journey,
      liked: like.liked,
      postId: like.postId,
      counterpart: like.counterpart ?? journey.counterpart,
      hops: mergeHops(journey.hops, { click: like.clickMs }),
      request: { state: "sending" },
    }));
  }

  /**
   * Liker side: the server answered. `answeredTraceId` is the id the server used, which differs
   * from ours only if nginx had to replace our traceparent; the journey then moves to it.
   */
  likeAnswered(
    sentTraceId: string,
    answer: {
      answeredTraceId: string;
      hops: HopTimings;
      roundTripMs: number;
      appMs: number | null;
      wroteEvent: boolean | undefined;
    },
  ): void {
    const request: LikeRequestState = {
      state: "answered",
      roundTripMs: answer.roundTripMs,
      appMs: answer.appMs,
      wroteEvent: answer.wroteEvent,
    };
    if (answer.answeredTraceId !== sentTraceId) {
      const sent = this.find("liker", sentTraceId);
      if (!sent) return;
      this.journeys = this.journeys.filter((j) => j !== sent);
      this.upsert("liker", answer.answeredTraceId, (journey) => ({
        ...sent,
        ...journey,
        traceId: answer.answeredTraceId,
        liked: sent.liked,
        postId: sent.postId,
        counterpart: sent.counterpart ?? journey.counterpart,
        hops: mergeHops(mergeHops(sent.hops, journey.hops), answer.hops),
        request,
        firstSeenAt: sent.firstSeenAt,
      }));
      return;
    }
    this.update("liker", sentTraceId, (journey) => ({
      ...journey,
      hops: mergeHops(journey.hops, answer.hops),
      request,
    }));
  }

  /** Liker side: the request failed; nothing more will come. */
  likeFailed(traceId: string, error: string): void {
    this.update("liker", traceId, (journey) => ({ ...journey, request: { state: "failed", error } }));
  }

  /**
   * Liker side: `journey:hops` (from the worker, or relayed from the owner's browser). The click
   * this tab measured itself stays: the server's copy is the same figure in whole milliseconds.
   */
  hopsArrived(event: { traceId: string; postId: string; liked: boolean; hops: HopTimings }): void {
    this.upsert("liker", event.traceId, (journey) => {
      const { click, ...rest } = event.hops;
      const hops = typeof journey.hops.click === "number" ? rest : { ...rest, click };
      return {
        ...journey,
        liked: journey.request ? journey.liked : event.liked,
        postId: journey.postId ?? event.postId,
        hops: mergeHops(journey.hops, hops),
      };
    });
  }

  /**
   * Owner side: a notification (or its retraction) arrived with its journey. Answers true the
   * first time this trace is seen, so the caller measures and reports its last hops only once.
   */
  delivered(delivery: {
    traceId: string;
    liked: boolean;
    postId: string | null;
    counterpart: string | null;
    hops: HopTimings;
  }): boolean {
    const isNew = !this.find("owner", delivery.traceId) && !this.forgotten.includes(keyOf("owner", delivery.traceId));
    this.upsert("owner", delivery.traceId, (journey) => ({
      ...journey,
      liked: delivery.liked,
      postId: journey.postId ?? delivery.postId,
      counterpart: journey.counterpart ?? delivery.counterpart,
      hops: mergeHops(journey.hops, delivery.hops),
    }));
    return isNew;
  }

  /** Owner side: the hops this browser measured (socket, render). */
  measured(traceId: string, hops: HopTimings): void {
    this.update("owner", traceId, (journey) => ({ ...journey, hops: mergeHops(journey.hops, hops) }));
  }

  /** Changes a journey this tab knows; anything else is ignored. */
  private update(side: JourneySide, traceId: string, change: (journey: Journey) => Journey): void {
    const index = this.journeys.findIndex((j) => j.side === side && j.traceId === traceId);
    if (index < 0) return;
    const next = [...this.journeys];
    next[index] = change(this.journeys[index]!);
    this.publish(newestFirst(next));
  }

  /** Changes a journey, starting it (empty) first if this tab has not heard of it. */
  private upsert(side: JourneySide, traceId: string, change: (journey: Journey) => Journey): void {
    if (this.find(side, traceId)) return this.update(side, traceId, change);
    if (this.forgotten.includes(keyOf(side, traceId))) return;
    const fresh: Journey = {
      traceId,
      side,
      liked: true,
      postId: null,
      counterpart: null,
      hops: {},
      firstSeenAt: this.now(),
      request: null,
    };
    const next = newestFirst([change(fresh), ...this.journeys]);
    for (const dropped of next.splice(MAX_JOURNEYS)) this.forget(dropped);
    this.publish(next);
  }

  private forget(journey: Journey): void {
    this.forgotten.push(keyOf(journey.side, journey.traceId));
    if (this.forgotten.length > MAX_FORGOTTEN) this.forgotten.shift();
  }

  private publish(next: readonly Journey[]): void {
    this.journeys = next;
    for (const listener of this.listeners) listener();
  }
}
