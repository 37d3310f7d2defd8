// The product's moment, as the compose suite checks it through an nginx container: seeded users
// sign in, one likes the other's photo, the owner's open socket gets the push, the count and the
// inbox say so. Shared by every compose project the suite brings up (the default stack and the
// `ha` profile).
import assert from "node:assert/strict";
import { ApiClient } from "../../../tooling/api-client";
import { connectSocket, eventually, notifications } from "../../support/harness";

export const PASSWORD = process.env.SEED_PASSWORD ?? "demo1234";

export type Tab = Awaited<ReturnType<typeof connectSocket>>;
export type Post = { id: string; author: { username: string }; likeCount: number; likedByMe: boolean };

/** Sockets opened by a test file, closed together (before a `down`, and at the end). */
export class Tabs {
  readonly open: Tab[] = [];

  async connect(baseUrl: string, client: ApiClient): Promise<Tab> {
    const tab = await connectSocket(baseUrl, client, { rejectUnauthorized: false });
    this.open.push(tab);
    return tab;
  }

  closeAll(): void {
    for (const tab of this.open.splice(0)) tab.socket.close();
  }
}

/** A seeded user signed in; `password` is the seed's (SEED_PASSWORD of the stack under test). */
export async function signIn(baseUrl: string, username: string, password = PASSWORD): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const res = await client.signIn(username, password);
  assert.ok(client.isSignedIn(), `sign-in as ${username} at ${baseUrl}: ${res.status} ${await res.text()}`);
  return client;
}

export async function postsBy(client: ApiClient, username: string): Promise<Post[]> {
  const res = await client.get<{ items: Post[] }>("/api/posts?limit=50");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const posts = res.body.items.filter((p) => p.author.username === username);
  assert.ok(posts.length > 0, `the seed gives ${username} photos`);
  return posts;
}

/** /api/health through nginx: every check ok. Returns the instance that answered. */
export async function healthOk(baseUrl: string): Promise<string> {
  const res = await new ApiClient(baseUrl).get("/api/health");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, "ok");
  // Postgres, Redis, a live worker and no stale notification backlog (server/health.ts).
  assert.deepEqual(Object.keys(res.body.checks).sort(), ["backlog", "db", "redis", "worker"]);
  for (const [name, check] of Object.entries(res.body.checks as Record<string, { status: string }>))
    assert.equal(check.status, "ok", name);
  return res.body.instance as string;
}

/**
 * `liker` likes one of `owner`'s photos that it has not liked yet; the owner's open socket gets
 * the notification (within `pushTimeoutMs`); the count and the owner's inbox say so. Returns the
 * post and the notification.
 */
export async function likeAndSeeItArrive(
  liker: ApiClient,
  likerName: string,
  owner: ApiClient,
  ownerName: string,
  ownerTab: Tab,
  pushTimeoutMs = 30_000,
) {
  const post = (await postsBy(liker, ownerName)).find((p) => !p.likedByMe);
  assert.ok(post, `${likerName} has a photo of ${ownerName}'s left to like`);
  const inboxBefore = await owner.get("/api/notifications?limit=50");
  assert.equal(inboxBefore.status, 200);
  const pushedBefore = notifications(ownerTab.received).length;

  const liked = await liker.put(`/api/posts/${post.id}/like`);
  assert.equal(liked.status, 200, JSON.stringify(liked.body));
  assert.deepEqual(liked.body, { postId: post.id, liked: true, likeCount: post.likeCount + 1 });

  const pushed = await eventually(
    `${ownerName}'s socket receives the notification`,
    () => notifications(ownerTab.received)[pushedBefore],
    pushTimeoutMs,
  );
  assert.equal(pushed.actor.username, likerName);
  assert.equal(pushed.post.id, post.id);
  assert.equal(pushed.readAt, null);

  const seenByOwner = await owner.get(`/api/posts/${post.id}`);
  assert.equal(seenByOwner.body.likeCount, post.likeCount + 1);
  const inbox = await owner.get("/api/notifications?limit=50");
  assert.equal(inbox.body.items[0].id, pushed.id, "the newest inbox item is the one pushed");
  assert.equal(inbox.body.unreadCount, inboxBefore.body.unreadCount + 1);
  return { post, notification: pushed };
}
