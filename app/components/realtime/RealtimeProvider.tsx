"use client";
// Live notifications for the signed-in user: one Socket.IO connection per tab, and the stores it
// feeds, handed to the components below through context:
//   NotificationCenter -> the counts, the connection state, the toasts and the inbox this tab knows
//                         (hello, notification, notification:retracted, resync, disconnect)
//   PostWatchers       -> a watched post's live count (post:likes; usePostLikes)
//   NewPosts           -> someone posted a photo: the feed's "new posts" pill (post:new; useNewPosts)
//   DeletedPosts       -> an author deleted a photo: cards showing it go (post:deleted; useDeletedPosts)
//   JourneyStore       -> the journey panel's timings (bindJourney)
// Each binds its own events; the connection's upkeep (heartbeat, sign-out, tab shown again) is
// app/lib/realtime-socket.ts.
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/app/lib/api-client";
import { JourneyStoreContext } from "@/app/lib/journey/context";
import { bindJourney } from "@/app/lib/journey/socket";
import { JourneyStore } from "@/app/lib/journey/store";
import { DeletedPosts, type DeletedPostListener } from "@/app/lib/deleted-posts";
import { NewPosts, type NewPostListener } from "@/app/lib/new-posts";
import { NotificationCenter, type CenterSnapshot } from "@/app/lib/notification-center";
import { PostWatchers, type PostLikesListener } from "@/app/lib/post-watchers";
import { connectSocket, followSession, keepAlive, onTabShown } from "@/app/lib/realtime-socket";
import type { InboxCounts, Notification } from "@/shared/api";

const NotificationCenterContext = createContext<NotificationCenter | null>(null);
const PostWatchersContext = createContext<PostWatchers | null>(null);
const NewPostsContext = createContext<NewPosts | null>(null);
const DeletedPostsContext = createContext<DeletedPosts | null>(null);

type Props = {
  /** The server's counts and its newest inbox items (id and time) when the page was rendered. */
  initial: InboxCounts & { items: Pick<Notification, "id" | "createdAt">[] };
  children: ReactNode;
};

export function RealtimeProvider({ initial, children }: Props) {
  const [center] = useState(
    () =>
      new NotificationCenter(initial, {
        fetchLatest: () => api.listNotifications({ limit: 50 }),
        markRead: (which) => api.markNotificationsRead(which),
        markSeen: () => api.markNotificationsSeen(),
      }),
  );
  const [postWatchers] = useState(() => new PostWatchers());
  const [newPosts] = useState(() => new NewPosts());
  const [deletedPosts] = useState(() => new DeletedPosts());
  const [journeys] = useState(() => new JourneyStore());
  const router = useRouter();

  useEffect(() => {
    const socket = connectSocket();
    const stops = [
      center.bind(socket),
      postWatchers.bind(socket),
      newPosts.bind(socket),
      deletedPosts.bind(socket),
      // After the center's: the journey's render hop waits for the center to have applied the event.
      bindJourney(socket, journeys, center),
      followSession(socket, router),
      keepAlive(socket),
      onTabShown(() => void center.catchUp()),
    ];
    return () => {
      for (const stop of stops) stop();
      socket.disconnect();
      center.disconnected();
    };
  }, [center, postWatchers, newPosts, deletedPosts, journeys, router]);

  return (
    <NotificationCenterContext value={center}>
      <PostWatchersContext value={postWatchers}>
        <NewPostsContext value={newPosts}>
          <DeletedPostsContext value={deletedPosts}>
            <JourneyStoreContext value={journeys}>{children}</JourneyStoreContext>
          </DeletedPostsContext>
        </NewPostsContext>
      </PostWatchersContext>
    </NotificationCenterContext>
  );
}

/**
 * Calls `onChange` with a post's like count each time someone likes or unlikes it, while the
 * calling component is mounted; with null after a reconnect (re-read it: changes were missed).
 * `onChange` should be stable (useCallback).
 */
export function usePostLikes(postId: string, onChange: PostLikesListener): void {
  const watchers = use(PostWatchersContext);
  useEffect(() => watchers?.watch(postId, onChange), [watchers, postId, onChange]);
}

/** Calls `onNewPost` for each photo someone posts while the calling component is mounted (stable callback). */
export function useNewPosts(onNewPost: NewPostListener): void {
  const newPosts = use(NewPostsContext);
  useEffect(() => newPosts?.subscribe(onNewPost), [newPosts, onNewPost]);
}

/** Calls `onDeleted` with each photo's id its author deletes while the calling component is mounted (stable callback). */
export function useDeletedPosts(onDeleted: DeletedPostListener): void {
  const deletedPosts = use(DeletedPostsContext);
  useEffect(() => deletedPosts?.subscribe(onDeleted), [deletedPosts, onDeleted]);
}

export function useNotificationCenter(): NotificationCenter {
  const center = use(NotificationCenterContext);
  if (!center) throw new Error("useNotificationCenter needs a <RealtimeProvider> above it");
  return center;
}

export function useNotificationState(): CenterSnapshot {
  const center = useNotificationCenter();
  return useSyncExternalStore(center.subscribe, center.getSnapshot, center.getSnapshot);
}
