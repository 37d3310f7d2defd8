// Double-tap (double-click) on a photo likes it, never unlikes it, shows a big heart over the
// photo, and goes through the same optimistic toggle queue as the heart button.
import { expect, test } from "./fixtures";
import { doubleTapHeartsShown, holdLikeRequests, recordDoubleTapHearts } from "./support/social";
import { expectLiked, fetchPost, isLikeRequest, likeButton, likeResponse, postCard } from "./support/ui";

test.describe("double tap to like", () => {
  test("likes at once, before the server answers; a second double tap leaves it liked", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    const a = await session(alice, { beforeGoto: recordDoubleTapHearts });
    const sent: string[] = [];
    a.page.on("request", (request) => {
      if (isLikeRequest(request.url(), postId)) sent.push(request.method());
    });

    const photo = postCard(a.page, postId).getByTestId("post-photo");
    await expect(photo).toHaveCSS("touch-action", "manipulation");
    await expect(photo.getByRole("img")).toHaveAccessibleName(bob.posts[0]!.caption);
    await expect(postCard(a.page, postId).getByRole("button", { name: "Like" })).toBeVisible(); // the accessible way

    // The request is held: heart pressed and the big heart shown while the server knows nothing yet.
    const gate = await holdLikeRequests(a.page, postId);
    await photo.dblclick();
    await gate.held;
    await expectLiked(a.page, postId, true, 1);
    await expect.poll(() => doubleTapHeartsShown(a.page), { message: "big hearts shown" }).toBe(1);
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: false, likeCount: 0 });
    gate.release();
    await expect.poll(async () => (await fetchPost(a.request, postId)).likedByMe).toBe(true);
    await a.page.unrouteAll({ behavior: "wait" });

    // Again on a liked photo: the heart plays, the like stays.
    await photo.dblclick();
    await expect.poll(() => doubleTapHeartsShown(a.page), { message: "big hearts shown" }).toBe(2);
    await expectLiked(a.page, postId, true, 1);

    // Proof the second double tap sent nothing: one click on the heart now unlikes (had the double
    // tap unliked, this click would like again), and the only requests ever were PUT, DELETE.
    const unlike = likeResponse(a.page, postId, "DELETE");
    await likeButton(a.page, postId).click();
    expect(await (await unlike).json()).toMatchObject({ liked: false, likeCount: 0 });
    await expectLiked(a.page, postId, false, 0);
    expect(sent).toEqual(["PUT", "DELETE"]);
  });

  test("shares the heart's queue: a double tap and clicks during a held request collapse into one request", async ({
    users,
    session,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    // On the post's own page this time.
    const a = await session(alice, { path: `/p/${postId}` });
    const sent: string[] = [];
    a.page.on("request", (request) => {
      if (isLikeRequest(request.url(), postId)) sent.push(request.method());
    });

    const gate = await holdLikeRequests(a.page, postId);
    await postCard(a.page, postId).getByTestId("post-photo").dblclick(); // like (held)
    await gate.held;
    await likeButton(a.page, postId).click(); // unlike
    await likeButton(a.page, postId).click(); // like: the intent is "liked" again
    await expectLiked(a.page, postId, true, 1);
    gate.release();

    await expect.poll(async () => (await fetchPost(a.request, postId)).likedByMe).toBe(true);
    await expectLiked(a.page, postId, true, 1);

    // Settle it: one more click unlikes, and its DELETE is the only other request there ever was
    // (a double tap outside the queue would have sent its own PUT, clicks their own requests).
    const unlike = likeResponse(a.page, postId, "DELETE");
    await likeButton(a.page, postId).click();
    expect(await (await unlike).json()).toMatchObject({ liked: false, likeCount: 0 });
    expect(sent).toEqual(["PUT", "DELETE"]);
  });

  test("a touch double tap likes too", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    const a = await session(alice, { beforeGoto: recordDoubleTapHearts });

    // Two touch releases on the same spot, dispatched together: Playwright's touchscreen cannot
    // promise the gap between two taps on a loaded machine, and the gap is what tells a double tap.
    await postCard(a.page, postId)
      .getByTestId("post-photo")
      .evaluate((photo) => {
        const box = photo.getBoundingClientRect();
        const init = {
          bubbles: true,
          pointerType: "touch",
          isPrimary: true,
          button: 0,
          clientX: box.x + box.width / 2,
          clientY: box.y + box.height / 2,
        };
        photo.dispatchEvent(new PointerEvent("pointerup", init));
        photo.dispatchEvent(new PointerEvent("pointerup", init));
      });
    await expectLiked(a.page, postId, true, 1);
    expect(await doubleTapHeartsShown(a.page)).toBe(1);
    await expect.poll(async () => (await fetchPost(a.request, postId)).likedByMe).toBe(true);
  });
});
