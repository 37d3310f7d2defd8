// Scenarios 4 and 5: the heart is optimistic (it turns before the server answers), rolls back when
// the request fails, and however fast you click it ends where the server is, one request at a time.
import type { Page, Route } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  expectLiked,
  fetchInbox,
  fetchPost,
  isLikeRequest,
  likeButton,
  likeCount,
  likeResponse,
  postCard,
} from "./support/ui";

/** Holds matching requests until released: assertions run while the request is provably pending. */
function holdRequests(page: Page, postId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: (route: Route) => void;
  const held = new Promise<Route>((resolve) => (arrived = resolve));
  const install = () =>
    page.route(`**/api/posts/${postId}/like`, async (route) => {
      arrived(route);
      await released;
      await route.fallback();
    });
  return { install, held, release: () => release() };
}

test.describe("optimistic like button", () => {
  test("a failed like rolls the heart back and says why", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    const a = await session(alice);
    const error = postCard(a.page, postId).getByTestId("like-error");

    // The server fails (500, the API's JSON error). The request is held first, so the optimistic
    // state is visible before the failure arrives.
    const gate = holdRequests(a.page, postId);
    await a.page.route(`**/api/posts/${postId}/like`, (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side." } }),
      }),
    );
    await gate.install(); // registered last, runs first; falls back to the 500 above
    await likeButton(a.page, postId).click();
    await gate.held;
    await expectLiked(a.page, postId, true, 1);
    gate.release();
    await expectLiked(a.page, postId, false, 0);
    await expect(error).toBeVisible();
    // What happened and what to do, not the server's generic sentence.
    await expect(error).toHaveText("Likes hit a problem on its side — try again in a moment; your like wasn't saved.");
    await a.page.unrouteAll({ behavior: "wait" });

    // nginx answers 502 with its own HTML page (no app instance up): a restart, says the card.
    await a.page.route(`**/api/posts/${postId}/like`, (route) =>
      route.fulfill({ status: 502, contentType: "text/html", body: "<html><body>502 Bad Gateway</body></html>" }),
    );
    await likeButton(a.page, postId).click();
    await expectLiked(a.page, postId, false, 0);
    await expect(error).toHaveText("Likes is restarting — try again in a few seconds; your like wasn't saved.");
    await a.page.unrouteAll({ behavior: "wait" });

    // The network fails (no answer at all).
    await a.page.route(`**/api/posts/${postId}/like`, (route) => route.abort("failed"));
    await likeButton(a.page, postId).click();
    await expectLiked(a.page, postId, false, 0);
    await expect(error).toHaveText("Couldn't reach Likes — check your connection; your like wasn't saved.");
    await a.page.unrouteAll({ behavior: "wait" });

    // Nothing reached the server, so nobody was told.
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: false, likeCount: 0 });

    // With the network back, the next click works and the error goes away.
    const response = likeResponse(a.page, postId, "PUT");
    await likeButton(a.page, postId).click();
    expect((await response).status()).toBe(200);
    await expectLiked(a.page, postId, true, 1);
    await expect(error).toHaveCount(0);
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: true, likeCount: 1 });
  });

  test("a slow like shows as liked before the server has even received it", async ({
    users,
    session,
    login,
    context,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    const a = await session(alice);
    await login(bob); // the test's own context is bob's: its request acts as bob

    const gate = holdRequests(a.page, postId);
    await gate.install();
    const response = likeResponse(a.page, postId, "PUT");
    await likeButton(a.page, postId).click();
    await gate.held;

    // The request is still held in the browser: the heart and the count have already moved,
    // while the server knows nothing of it yet.
    await expectLiked(a.page, postId, true, 1);
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: false, likeCount: 0 });
    await expect(postCard(a.page, postId).getByTestId("like-error")).toHaveCount(0);

    gate.release();
    expect(await (await response).json()).toMatchObject({ liked: true, likeCount: 1 });
    await expectLiked(a.page, postId, true, 1);
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: true, likeCount: 1 });
    await expect.poll(async () => (await fetchInbox(context.request)).unreadCount).toBe(1);
  });

  test("rapid clicks end in the server's state, with one request in flight at a time", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    const a = await session(alice);

    let inFlight = 0;
    let maxInFlight = 0;
    let sent = 0;
    a.page.on("request", (request) => {
      if (!isLikeRequest(request.url(), postId)) return;
      sent += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    });
    const finished = (request: { url(): string }) => {
      if (isLikeRequest(request.url(), postId)) inFlight -= 1;
    };
    a.page.on("requestfinished", finished);
    a.page.on("requestfailed", finished);

    const button = likeButton(a.page, postId);
    const clicks = 7;
    for (let i = 0; i < clicks; i++) await button.click();

    // Settled: nothing in flight, and what the page shows is what the server has.
    const agreement = async () => {
      if (inFlight > 0) return "requests in flight";
      const server = await fetchPost(a.request, postId);
      const pressed = await button.getAttribute("aria-pressed");
      const count = await likeCount(a.page, postId).getAttribute("data-count");
      return pressed === String(server.likedByMe) && count === String(server.likeCount)
        ? "agree"
        : `page liked=${pressed} count=${count}, server liked=${server.likedByMe} count=${server.likeCount}`;
    };
    await expect.poll(agreement).toBe("agree");

    // An odd number of clicks from "not liked" means "liked", and the server ended there.
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: true, likeCount: 1 });
    await expectLiked(a.page, postId, true, 1);
    await expect(postCard(a.page, postId).getByTestId("like-error")).toHaveCount(0);
    expect(maxInFlight, "like requests in flight at once").toBe(1);
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(clicks);
  });
});
