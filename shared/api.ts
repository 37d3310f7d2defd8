// The HTTP API's JSON shapes: the contract between the route handlers (server/posts.ts,
// server/notifications.ts produce them) and the browser (app/lib consumes them). Types only, so
// importing them brings no server code into the client bundle.
import type { DeliveredJourney } from "./journey";

export type UserSummary = { id: string; username: string; name: string; avatarUrl: string };

export type Post = {
  id: string;
  author: UserSummary;
  imageUrl: string;
  caption: string;
  likeCount: number;
  likedByMe: boolean;
  createdAt: string;
};

export type PostPage = { items: Post[]; nextCursor: string | null };

/** The server's answer to DELETE /api/posts/:id: the post, its likes and their notifications are gone. */
export type DeletedPost = { postId: string; deleted: true };

/** The server's answer to PUT/DELETE /api/posts/:id/like: the confirmed state after the request. */
export type LikeResult = { postId: string; liked: boolean; likeCount: number };

export type Notification = {
  id: string;
  type: "like";
  actor: UserSummary;
  post: { id: string; imageUrl: string };
  createdAt: string;
  readAt: string | null;
};

/**
 * unreadCount: notifications not opened yet (they show as new in the inbox). unseenCount: the
 * unread ones that arrived since the inbox was last opened (the bell's badge).
 */
export type InboxCounts = { unreadCount: number; unseenCount: number };

/** DELETE /api/sessions: every session of the caller has ended, this one included (its cookie is cleared). */
export type SignedOutEverywhere = { signedOut: true };

export type NotificationPage = InboxCounts & { items: Notification[]; nextCursor: string | null };

/** One person who likes a post, and since when. */
export type Liker = { user: UserSummary; likedAt: string };

export type LikerPage = { items: Liker[]; nextCursor: string | null };

/** Socket.IO `post:new`, to every signed-in socket: a photo was just posted. */
export type NewPostEvent = { postId: string; author: UserSummary; createdAt: string };

/** Socket.IO `post:deleted`, to every signed-in socket: its author deleted this photo. */
export type PostDeletedEvent = { postId: string };

/** Socket.IO `post:likes`, to sockets watching a post: its count after a like or an unlike. */
export type PostLikesEvent = { postId: string; likeCount: number };

/**
 * Socket.IO `notification`'s second argument (and `notification:retracted`'s): whether this
 * arrival should interrupt with a toast, and the journey of the like behind it (shared/journey.ts).
 */
export type NotificationDelivery = { toast: boolean; journey?: DeliveredJourney };

/** Socket.IO `notification:retracted`: the like behind this notification was undone, or its photo deleted. */
export type NotificationRetraction = { id: string };
