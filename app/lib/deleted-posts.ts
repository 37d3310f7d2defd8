// "That photo is gone": the server broadcasts `post:deleted` {"postId"} to every signed-in socket
// after its author deleted it (server/post-deletion.ts). The feed drops the card; the post's page
// says it was deleted. Best effort, like post:new: a tab that missed it still holds the card, and a
// like there is answered 404 ("This photo was deleted"). The owner's notifications about it are
// retracted separately, exactly once (notification:retracted). RealtimeProvider binds it.
import type { Socket } from "socket.io-client";
import type { PostDeletedEvent } from "@/shared/api";
import { REALTIME_EVENTS } from "@/shared/realtime-events";

export type DeletedPostListener = (postId: string) => void;

export class DeletedPosts {
  private readonly listeners = new Set<DeletedPostListener>();

  /** Starts listening on a socket; returns the function that stops. */
  bind(socket: Socket): () => void {
    const onDeleted = (event: Partial<PostDeletedEvent> | null) => {
      if (typeof event?.postId !== "string") return;
      for (const listener of this.listeners) listener(event.postId);
    };
    socket.on(REALTIME_EVENTS.postDeleted, onDeleted);
    return () => void socket.off(REALTIME_EVENTS.postDeleted, onDeleted);
  }

  subscribe(listener: DeletedPostListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
