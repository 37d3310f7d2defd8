// Live like counts for the posts a page is showing in detail (a post's own page, its list of
// likers). Components watch a post id; the first watcher makes the socket join the post's room
// (`post:watch`), the last one leaving makes it leave (`post:unwatch`). The server sends
// `post:likes` {"postId","likeCount"} after every like or unlike of a watched post.
//
// A socket's rooms do not survive a reconnect, so on every connect it watches again. Each time the
// server confirms a watch, the watchers re-read (likeCount null): what changed before the socket
// was in the room was not pushed to it.
// Framework-free; RealtimeProvider binds it to the socket and hands it out through usePostLikes.
import type { Socket } from "socket.io-client";
import type { PostLikesEvent } from "@/shared/api";
import { REALTIME_EVENTS } from "@/shared/realtime-events";

export type PostLikesListener = (likeCount: number | null) => void;

const { watchPost: WATCH_POST, unwatchPost: UNWATCH_POST, postLikes: POST_LIKES_EVENT } = REALTIME_EVENTS;

export class PostWatchers {
  private readonly listeners = new Map<string, Set<PostLikesListener>>();
  private socket: Socket | null = null;

  /** Starts using a socket; returns the function that stops. */
  bind(socket: Socket): () => void {
    this.socket = socket;
    // Re-watch after every (re)connect; the acknowledgement tells the watchers to re-read.
    const onConnect = () => {
      for (const postId of this.listeners.keys()) this.join(postId);
    };
    const onLikes = (event: PostLikesEvent) => {
      if (typeof event?.postId !== "string" || typeof event.likeCount !== "number") return;
      for (const listener of this.listeners.get(event.postId) ?? []) listener(event.likeCount);
    };
    socket.on("connect", onConnect);
    socket.on(POST_LIKES_EVENT, onLikes);
    return () => {
      socket.off("connect", onConnect);
      socket.off(POST_LIKES_EVENT, onLikes);
      if (this.socket === socket) this.socket = null;
    };
  }

  /**
   * Asks the server to join the post's room. A like made between a watcher's own read and the
   * join would be missed, so once the server acknowledges, every watcher re-reads (null).
   */
  private join(postId: string): void {
    if (!this.socket?.connected) return; // the next connect joins it
    this.socket.emit(WATCH_POST, postId, () => {
      for (const listener of this.listeners.get(postId) ?? []) listener(null);
    });
  }

  watch(postId: string, listener: PostLikesListener): () => void {
    let set = this.listeners.get(postId);
    if (!set) {
      set = new Set();
      this.listeners.set(postId, set);
      this.join(postId);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(postId);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(postId);
      if (this.socket?.connected) this.socket.emit(UNWATCH_POST, postId);
    };
  }
}
