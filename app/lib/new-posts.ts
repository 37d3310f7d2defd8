// "Someone just posted": the server broadcasts `post:new` {"postId","author","createdAt"} to every
// signed-in socket after a photo is posted (server/posting.ts). The feed listens and offers a
// "new posts" pill rather than moving the page under the reader's thumb.
// Best effort: a push missed while disconnected is not replayed; the next load of the feed has the
// post anyway. Framework-free; RealtimeProvider binds it to the socket (useNewPosts hands it out).
import type { Socket } from "socket.io-client";
import type { NewPostEvent } from "@/shared/api";
import { REALTIME_EVENTS } from "@/shared/realtime-events";

export type NewPostListener = (event: NewPostEvent) => void;

export function isNewPostEvent(value: unknown): value is NewPostEvent {
  const e = value as Partial<NewPostEvent> | null;
  return (
    typeof e?.postId === "string" &&
    typeof e.createdAt === "string" &&
    typeof e.author?.username === "string" &&
    typeof e.author.id === "string"
  );
}

export class NewPosts {
  private readonly listeners = new Set<NewPostListener>();

  /** Starts listening on a socket; returns the function that stops. */
  bind(socket: Socket): () => void {
    const onNewPost = (event: unknown) => {
      if (!isNewPostEvent(event)) return;
      for (const listener of this.listeners) listener(event);
    };
    socket.on(REALTIME_EVENTS.newPost, onNewPost);
    return () => void socket.off(REALTIME_EVENTS.newPost, onNewPost);
  }

  subscribe(listener: NewPostListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/**
 * The feed's waiting list: posts announced but not shown yet, newest first, each once, leaving out
 * the ones already on screen (the poster's own feed already has theirs).
 */
export function addPending(
  pending: NewPostEvent[],
  event: NewPostEvent,
  shown: (postId: string) => boolean,
): NewPostEvent[] {
  if (shown(event.postId) || pending.some((p) => p.postId === event.postId)) return pending;
  return [event, ...pending];
}

/** "alice", "alice and bob", "alice, bob and 3 others": who the waiting posts are from. */
export function describeAuthors(pending: NewPostEvent[]): string {
  const names = [...new Set(pending.map((p) => p.author.username))];
  if (names.length <= 2) return names.join(" and ");
  const others = names.length - 2;
  return `${names[0]}, ${names[1]} and ${others} ${others === 1 ? "other" : "others"}`;
}
