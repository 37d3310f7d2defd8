// The HTTP API's JSON shapes: the contract between the route handlers (server/posts.ts,
// server/notifications.ts produce them) and the browser (app/lib consumes them). Types only, so
// importing them brings no server code into the client bundle.

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

export type NotificationPage = { items: Notification[]; unreadCount: number; nextCursor: string | null };
