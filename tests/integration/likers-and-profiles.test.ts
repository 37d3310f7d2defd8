// Who liked a post: GET /api/posts/:id/likes (newest first, keyset pages, JSON errors), the live
// count a page showing the post hears over its socket (post:watch -> post:likes), and a person's
// photos: GET /api/users/:username/posts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApiClient, type ApiResponse } from "../../tooling/api-client";
import {
  assertError,
  connectSocket,
  createPost,
  createUser,
  eventually,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("social");
});
after(() => stack?.stop());

describe("GET /api/posts/:id/likes", () => {
  test("newest first, paged with a cursor, each with the user and the time; unlikes leave the list", async () => {
    const owner = await createUser(stack.db);
    const post = await createPost(stack.db, owner.id);
    const likers = [];
    for (let i = 0; i < 7; i++) {
      const user = await createUser(stack.db);
      likers.push(user);
      assert.equal((await (await signedInClient(stack.url, user)).put(`/api/posts/${post.id}/like`)).status, 200);
    }
    const viewer = await signedInClient(stack.url, await createUser(stack.db));
    const page1 = await viewer.get(`/api/posts/${post.id}/likes?limit=4`);
    assert.equal(page1.status, 200);
    assert.deepEqual(Object.keys(page1.body.items[0]).sort(), ["likedAt", "user"]);
    assert.deepEqual(Object.keys(page1.body.items[0].user).sort(), ["avatarUrl", "id", "name", "username"]);
    const page2 = await viewer.get(`/api/posts/${post.id}/likes?limit=4&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.nextCursor, null);
    const listed = [...page1.body.items, ...page2.body.items].map((l: { user: { id: string } }) => l.user.id);
    assert.deepEqual(listed, likers.map((u) => u.id).reverse(), "newest like first, each once");

    // One unlikes: gone from the list, and the count agrees.
    const quitter = likers[3]!;
    assert.equal((await (await signedInClient(stack.url, quitter)).delete(`/api/posts/${post.id}/like`)).status, 200);
    const all = await viewer.get(`/api/posts/${post.id}/likes?limit=100`);
    assert.equal(all.body.items.length, 6);
    assert.ok(!all.body.items.some((l: { user: { id: string } }) => l.user.id === quitter.id));
    assert.equal((await viewer.get(`/api/posts/${post.id}`)).body.likeCount, 6);
  });

  test("bad input: JSON errors with stable codes, and nothing changes", async () => {
    const owner = await createUser(stack.db);
    const post = await createPost(stack.db, owner.id);
    const viewer = await signedInClient(stack.url, await createUser(stack.db));
    assertError(await viewer.get("/api/posts/doesnotexist123/likes"), 404, "not_found");
    assertError(await viewer.get("/api/posts/not!valid/likes"), 404, "not_found");
    assertError(await viewer.get(`/api/posts/${post.id}/likes?limit=0`), 400, "invalid_request");
    assertError(await viewer.get(`/api/posts/${post.id}/likes?limit=101`), 400, "invalid_request");
    assertError(await viewer.get(`/api/posts/${post.id}/likes?cursor=garbage`), 400, "invalid_request");
    assertError(await viewer.post(`/api/posts/${post.id}/likes`, {}), 405, "method_not_allowed");
    assertError(await new ApiClient(stack.url).get(`/api/posts/${post.id}/likes`), 401, "unauthenticated");
    assert.equal(await stack.db.like.count({ where: { postId: post.id } }), 0);
  });
});

describe("a watched post's live count", () => {
  test("sockets watching a post hear every like and unlike of it; others, and after unwatch, hear nothing", async () => {
    const owner = await createUser(stack.db);
    const [post, other] = [await createPost(stack.db, owner.id), await createPost(stack.db, owner.id)];
    const viewer = await signedInClient(stack.url, await createUser(stack.db));
    const liker = await signedInClient(stack.url, await createUser(stack.db));
    const watching = await connectSocket(stack.url, viewer);
    const notWatching = await connectSocket(stack.url, viewer);
    const likesOf = (tab: typeof watching, postId: string) =>
      tab.received
        .filter((r) => r.event === "post:likes" && r.payload.postId === postId)
        .map((r) => r.payload.likeCount);
    try {
      const ask = (event: string, postId: unknown) => watching.socket.timeout(5000).emitWithAck(event, postId);
      // Acknowledged, so the watch is in place before the likes below.
      assert.deepEqual(await ask("post:watch", post.id), { ok: true });
      // Bad ids are refused rather than joined.
      for (const bad of [42, null, "x".repeat(100), "bad!id"])
        assert.deepEqual(await ask("post:watch", bad), { ok: false });
      // At most 50 posts per socket.
      for (let i = 1; i < 50; i++) assert.deepEqual(await ask("post:watch", `filler${i}`), { ok: true });
      assert.deepEqual(await ask("post:watch", "onetoomany"), { ok: false });

      assert.equal((await liker.put(`/api/posts/${post.id}/like`)).status, 200);
      assert.equal((await liker.put(`/api/posts/${post.id}/like`)).status, 200); // no change: no event
      assert.equal((await liker.delete(`/api/posts/${post.id}/like`)).status, 200);
      assert.equal((await liker.put(`/api/posts/${other.id}/like`)).status, 200);
      await eventually("1 then 0", () => likesOf(watching, post.id).length === 2);
      assert.deepEqual(likesOf(watching, post.id), [1, 0]);

      assert.deepEqual(await ask("post:unwatch", post.id), { ok: true });
      assert.deepEqual(await ask("post:unwatch", post.id), { ok: false }, "not watched any more");
      assert.equal((await liker.put(`/api/posts/${post.id}/like`)).status, 200);
      // Sentinel: a like of `other`, now watched, is published after the like of `post` was.
      assert.deepEqual(await ask("post:watch", other.id), { ok: true });
      assert.equal((await liker.delete(`/api/posts/${other.id}/like`)).status, 200);
      await eventually("the sentinel", () => likesOf(watching, other.id).length === 1);
      assert.deepEqual(likesOf(watching, post.id), [1, 0], "nothing after unwatch");
      assert.deepEqual(
        notWatching.received.filter((r) => r.event === "post:likes"),
        [],
      );
    } finally {
      watching.socket.close();
      notWatching.socket.close();
    }
  });
});

describe("GET /api/users/:username/posts", () => {
  test("one person's photos, newest first, paged, with the viewer's hearts; bad input is a JSON error", async () => {
    const author = await createUser(stack.db);
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await createPost(stack.db, author.id, `photo ${i}`));
    await createPost(stack.db, (await createUser(stack.db)).id, "someone else's"); // not listed
    const viewer = await signedInClient(stack.url, await createUser(stack.db));
    assert.equal((await viewer.put(`/api/posts/${posts[1]!.id}/like`)).status, 200);

    const page1 = await viewer.get(`/api/users/${author.username}/posts?limit=3`);
    assert.equal(page1.status, 200);
    const page2 = await viewer.get(`/api/users/${author.username}/posts?limit=3&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.nextCursor, null);
    const listed = [...page1.body.items, ...page2.body.items];
    assert.deepEqual(
      listed.map((p: { id: string }) => p.id),
      posts.map((p) => p.id).reverse(),
    );
    assert.ok(listed.every((p: { author: { id: string } }) => p.author.id === author.id));
    assert.deepEqual(
      listed.filter((p: { likedByMe: boolean }) => p.likedByMe).map((p: { id: string }) => p.id),
      [posts[1]!.id],
    );

    assertError(await viewer.get("/api/users/nobody_by_this_name/posts"), 404, "not_found");
    assertError(await viewer.get(`/api/users/${"x".repeat(33)}/posts`), 404, "not_found");
    assertError(await viewer.get(`/api/users/${author.username}/posts?limit=0`), 400, "invalid_request");
    assertError(await viewer.get(`/api/users/${author.username}/posts?cursor=nope`), 400, "invalid_request");
    assertError(await viewer.delete(`/api/users/${author.username}/posts`), 405, "method_not_allowed");
    assertError(await new ApiClient(stack.url).get(`/api/users/${author.username}/posts`), 401, "unauthenticated");
  });

  test("photos posted in the same millisecond are paged by id, each exactly once, in the feed and on the profile", async () => {
    const author = await createUser(stack.db);
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await createPost(stack.db, author.id, `same instant ${i}`));
    // Newer than anything else here, so they lead the feed; equal, so only the id orders them.
    const instant = new Date(Date.now() + 3_600_000);
    await stack.db.post.updateMany({ where: { authorId: author.id }, data: { createdAt: instant } });
    const expected = posts.map((p) => p.id).sort((a, b) => (a < b ? 1 : -1));
    const viewer = await signedInClient(stack.url, await createUser(stack.db));

    const walk = async (path: string, pages: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < pages; i++) {
        const res: ApiResponse = await viewer.get(`${path}?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...res.body.items.map((p: { id: string }) => p.id));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return seen;
    };
    assert.deepEqual(await walk(`/api/users/${author.username}/posts`, 10), expected);
    assert.deepEqual((await walk("/api/posts", 3)).slice(0, 5), expected);
  });
});
