// Scenarios 2 and 3: a like travels from alice's heart to bob's open tabs, once; an unlike takes
// it back (docs/decisions/014-notifications-follow-likes.md).
import { expect, test } from "./fixtures";
import {
  attachScreenshot,
  expectLiked,
  expectSteady,
  fetchInbox,
  fetchPost,
  likeButton,
  likeResponse,
  recordNotificationFrames,
  recordRetractionFrames,
  recordToasts,
  toastsMentioning,
  waitForRealtime,
} from "./support/ui";

test.describe("realtime notifications", () => {
  test("alice likes bob's photo: her heart turns at once, bob's feed toasts and badges it, his open inbox shows it in place", async ({
    users,
    session,
  }, testInfo) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;

    // Bob: the feed in one tab, the inbox in a second tab of the same browser (same context).
    const b = await session(bob);
    const bobInbox = await b.context.newPage();
    await recordToasts(bobInbox);
    await bobInbox.goto("/notifications");
    await waitForRealtime(bobInbox);
    await expect(b.page.getByTestId("unread-badge")).toHaveCount(0);

    const a = await session(alice);
    await expectLiked(a.page, postId, false, 0);

    const response = likeResponse(a.page, postId, "PUT");
    await likeButton(a.page, postId).click();
    await expectLiked(a.page, postId, true, 1);
    expect((await response).status()).toBe(200);
    await attachScreenshot(testInfo, "feed-after-like", a.page);

    // Bob's feed tab: a toast naming alice, and the badge, without a reload.
    await expect(b.page.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();
    await expect(b.page.getByTestId("unread-badge")).toHaveAttribute("data-count", "1");
    // Bob's own card re-reads its count when the notification arrives.
    await expect(
      b.page.locator(`[data-testid="post-card"][data-post-id="${postId}"] [data-testid="like-count"]`),
    ).toHaveAttribute("data-count", "1");
    // Hovering holds the toast on screen for the picture.
    const toast = b.page.getByTestId("toast").filter({ hasText: alice.username });
    await toast.hover();
    await attachScreenshot(testInfo, "notification-toast", b.page);
    await attachScreenshot(testInfo, "notification-toast-closeup", toast);

    // The open inbox tab shows the new item in place, still new, with no toast and no badge there.
    const item = bobInbox.locator(`[data-testid="notification-item"][data-post-id="${postId}"]`);
    await expect(item).toContainText(`${alice.username} liked your photo`);
    await expect(item).toHaveAttribute("data-unread", "true");
    await expect(bobInbox.getByTestId("unread-badge")).toHaveCount(0);
    expect(await toastsMentioning(bobInbox, alice.username)).toBe(0);

    // And the server agrees with what alice sees.
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: true, likeCount: 1 });
    expect((await fetchInbox(b.request)).unreadCount).toBe(1);
  });

  test("alice takes her like back: it leaves bob's open inbox and his badge, without a toast; liking again brings it back", async ({
    users,
    session,
  }, testInfo) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;

    // Bob's feed tab records every toast it shows and every pushed event; a second tab shows the inbox.
    let frames: ReturnType<typeof recordNotificationFrames> = [];
    let retracted: string[] = [];
    const b = await session(bob, {
      beforeGoto: async (page) => {
        await recordToasts(page);
        frames = recordNotificationFrames(page);
        retracted = recordRetractionFrames(page);
      },
    });
    const bobInbox = await b.context.newPage();
    await bobInbox.goto("/notifications");
    await waitForRealtime(bobInbox);
    const item = bobInbox.locator(`[data-testid="notification-item"][data-post-id="${postId}"]`);
    const badge = b.page.getByTestId("unread-badge");

    const a = await session(alice);
    const button = likeButton(a.page, postId);
    await button.click();
    await expect(b.page.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();
    await expect(badge).toHaveAttribute("data-count", "1");
    await expect(item).toContainText(`${alice.username} liked your photo`);
    const first = (await fetchInbox(b.request)).items[0]!;

    const unlike = likeResponse(a.page, postId, "DELETE");
    await button.click();
    expect(await (await unlike).json()).toMatchObject({ liked: false, likeCount: 0 });
    // Taken back everywhere: out of the open inbox, off the badge, off the server.
    await expect(item).toHaveCount(0);
    await expect(bobInbox.getByTestId("inbox-empty")).toBeVisible();
    await expect(badge).toHaveCount(0);
    await expect.poll(() => retracted).toEqual([first.id]);
    expect(await fetchInbox(b.request)).toMatchObject({ items: [], unreadCount: 0, unseenCount: 0 });
    await attachScreenshot(testInfo, "inbox-after-unlike", bobInbox);

    // Liking again notifies again: a new notification. It comes within the toast cooldown (a
    // minute in this suite, e2e/global-setup.ts), so it arrives quietly: in the inbox and on the
    // badge, without a second toast.
    await button.click();
    await expect(item).toContainText(`${alice.username} liked your photo`);
    await expect(badge).toHaveAttribute("data-count", "1");
    const again = (await fetchInbox(b.request)).items[0]!;
    expect(again.id).not.toBe(first.id);
    await expect
      .poll(() => frames.map((f) => [f.id, f.toast]))
      .toEqual([
        [first.id, true],
        [again.id, false],
      ]);
    await expectSteady(() => toastsMentioning(b.page, alice.username), 1, 1500, "toasts naming alice");
  });

  test("a storm of clicks on one heart: at most one toast for bob, and his inbox settles on alice's final state", async ({
    users,
    session,
    db,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;
    const b = await session(bob, { beforeGoto: (page) => recordToasts(page) });
    const bobInbox = await b.context.newPage();
    await bobInbox.goto("/notifications");
    await waitForRealtime(bobInbox);
    const fromAlice = bobInbox.locator(`[data-testid="notification-item"][data-post-id="${postId}"]`);

    const a = await session(alice);
    const settled = async () => {
      const events = { payload: { path: ["actorId"], equals: alice.id } };
      await expect.poll(() => db.outboxEvent.count({ where: { ...events, processedAt: null } })).toBe(0);
    };
    // Nine clicks as fast as the page takes them: liked at the end.
    for (let i = 0; i < 9; i++) await likeButton(a.page, postId).click();
    await expectLiked(a.page, postId, true);
    await expect.poll(async () => (await fetchPost(a.request, postId)).likedByMe).toBe(true);
    await settled();
    await expect(fromAlice).toHaveCount(1);
    expect((await fetchInbox(b.request)).items.filter((n) => n.actor.username === alice.username)).toHaveLength(1);
    expect(await toastsMentioning(b.page, alice.username)).toBeLessThanOrEqual(1);

    // One more: unliked at the end, and the inbox follows.
    await likeButton(a.page, postId).click();
    await expect.poll(async () => (await fetchPost(a.request, postId)).likedByMe).toBe(false);
    await settled();
    await expect(fromAlice).toHaveCount(0);
    expect((await fetchInbox(b.request)).items).toEqual([]);
    await expectSteady(
      async () => (await toastsMentioning(b.page, alice.username)) <= 1,
      true,
      1500,
      "at most one toast naming alice",
    );
  });
});
