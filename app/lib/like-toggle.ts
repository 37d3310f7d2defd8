"use client";
// The optimistic like toggle for one post: a small mutation queue in the style of
// bluesky-social/social-app's useToggleMutationQueue, then the React hook a post card holds it by.
//
//   - A click flips what the heart shows at once (the "desired" state); the count shown is the last
//     confirmed count adjusted by that difference, so it moves with the heart.
//   - At most one request is in flight per post. Clicks while it runs only change the desired state.
//   - When the request finishes, if the desired state still differs from what the server confirmed,
//     exactly one more request goes out. Ten quick clicks cost at most two requests, and the UI
//     always settles on the server's answer.
//   - A failed request rolls the heart back to the last confirmed state and keeps the reason,
//     which stays on screen until a later request succeeds.
//   - Each request is told when the latest click before it happened, so its sender can time the
//     wait from click to request, which includes waiting for the request before it.
//
// The queue is framework-free, so the unit tests drive exactly what the browser runs; React reads
// it through useSyncExternalStore (useLikeToggle, at the end).
import { useState, useSyncExternalStore } from "react";
import { api, describeLikeError } from "./api-client";
import { useJourneyStore } from "./journey/context";
import { traceLike } from "./journey/like";

export type LikeState = { liked: boolean; likeCount: number };

export type LikeSnapshot = LikeState & {
  /** A request for this post is on its way. */
  pending: boolean;
  /** Why the last request failed, until one succeeds. */
  error: string | null;
};

/** clickedAt: the latest click (or double tap) before this request, by the queue's clock. */
export type SendLike = (liked: boolean, request: { clickedAt: number }) => Promise<LikeState>;

export class LikeToggleQueue {
  private confirmed: LikeState;
  private desired: boolean;
  private inFlight = false;
  private error: string | null = null;
  private lastClickAt: number;
  private snapshot: LikeSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(
    initial: LikeState,
    private readonly send: SendLike,
    /** liked: what the failed request asked for, so the message can say which change was lost. */
    private readonly describeError: (error: unknown, liked: boolean) => string,
    /** A monotonic clock in ms: performance.now() in the browser, a fake in tests. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastClickAt = now();
    this.confirmed = initial;
    this.desired = initial.liked;
    this.snapshot = this.computeSnapshot();
  }

  /** The click handler: flip the intent now, let the queue reconcile with the server. */
  toggle = (): void => {
    this.lastClickAt = this.now();
    this.desired = !this.desired;
    this.publish();
    void this.drain();
  };

  /**
   * Like, never unlike (a double tap on the photo): flips the intent only if it is "not liked", so
   * it shares the queue, and its collapsing of rapid clicks, with the heart.
   */
  like = (): void => {
    if (!this.desired) this.toggle();
  };

  /**
   * The server's state learned another way (someone else liked the post: its owner re-reads it
   * when the notification arrives). Taken only while the queue is idle; otherwise the request in
   * flight brings a fresher answer anyway.
   */
  reconcile = (server: LikeState): void => {
    if (this.inFlight || this.desired !== this.confirmed.liked) return;
    this.confirmed = { liked: server.liked, likeCount: server.likeCount };
    this.desired = server.liked;
    this.publish();
  };

  /**
   * A pushed like count (post:likes: someone liked or unliked). It says nothing about this viewer's
   * own like, so the heart keeps its confirmed state. Same rule as reconcile(): only while idle.
   */
  reconcileCount = (likeCount: number): void => {
    this.reconcile({ liked: this.confirmed.liked, likeCount });
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LikeSnapshot => this.snapshot;

  private async drain(): Promise<void> {
    // The request already running will look at the desired state again when it finishes.
    if (this.inFlight) return;
    while (this.desired !== this.confirmed.liked) {
      const target = this.desired;
      this.inFlight = true;
      this.publish();
      try {
        const result = await this.send(target, { clickedAt: this.lastClickAt });
        this.confirmed = { liked: result.liked, likeCount: result.likeCount };
        this.error = null;
      } catch (error) {
        // Roll back to what the server last confirmed; clicks made meanwhile are dropped with it.
        this.desired = this.confirmed.liked;
        this.error = this.describeError(error, target);
      } finally {
        this.inFlight = false;
      }
      this.publish();
    }
  }

  private computeSnapshot(): LikeSnapshot {
    const { liked, likeCount } = this.confirmed;
    const delta = this.desired === liked ? 0 : this.desired ? 1 : -1;
    return {
      liked: this.desired,
      likeCount: Math.max(0, likeCount + delta),
      pending: this.inFlight,
      error: this.error,
    };
  }

  private publish(): void {
    this.snapshot = this.computeSnapshot();
    for (const listener of this.listeners) listener();
  }
}

/** One post's toggle queue, for as long as its card is mounted. */
export function useLikeToggle(
  /** The author, when given, names the photo's owner in the journey panel. */
  post: { id: string; likedByMe: boolean; likeCount: number; author?: { username: string } },
): LikeSnapshot & Pick<LikeToggleQueue, "toggle" | "like" | "reconcile" | "reconcileCount"> {
  const journeys = useJourneyStore();
  const [queue] = useState(
    () =>
      new LikeToggleQueue(
        { liked: post.likedByMe, likeCount: post.likeCount },
        // PUT or DELETE /api/posts/:id/like, traced for the journey panel.
        (liked, { clickedAt }) => api.setLike(post.id, liked, traceLike(journeys, post, liked, clickedAt)),
        describeLikeError,
      ),
  );
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
  return {
    ...snapshot,
    toggle: queue.toggle,
    like: queue.like,
    reconcile: queue.reconcile,
    reconcileCount: queue.reconcileCount,
  };
}
