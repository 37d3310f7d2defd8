// Scenarios 2 and 3: a like travels from alice's heart to bob's open tabs, once.
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
  recordToasts,
  recordedToasts,
  setLikeViaApi,
  waitForRealtime,
} from "./support/ui";

test.describe("realtime notifications", () => {
  test("alice likes bob's photo: her heart turns at once, bob's tabs get a toast and a badge without reloading", async ({
    users,
    session,
  }, testInfo) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;

    // Bob: the feed in one tab, the inbox in a second tab of the same browser (same context).
    const b = await session(bob);
    const bobInbox = await b.context.newPage();
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

    // Both of bob's tabs: a toast naming alice, and the badge, without a reload.
    const bobTabs = [b.page, bobInbox];
    await Promise.all(
      bobTabs.map(async (tab) => {
        await expect(tab.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();
        await expect(tab.getByTestId("unread-badge")).toHaveAttribute("data-count", "1");
      }),
    );
    // Bob's own card re-reads its count when the notification arrives.
    await expect(b.page.locator(`[data-testid="post-card"][data-post-id="${postId}"] [data-testid="like-count"]`)).toHaveAttribute("data-count", "1");
    // Hovering holds the toast on screen for the picture.
    const toast = b.page.getByTestId("toast").filter({ hasText: alice.username });
    await toast.hover();
    await attachScreenshot(testInfo, "notification-toast", b.page);
    await attachScreenshot(testInfo, "notification-toast-closeup", toast);

    // The open inbox tab shows the new item as it arrives.
    const item = bobInbox.locator(`[data-testid="notification-item"][data-post-id="${postId}"]`);
    await expect(item).toContainText(`${alice.username} liked your photo`);
    await expect(item).toHaveAttribute("data-unread", "true");

    // And the server agrees with what alice sees.
    expect(await fetchPost(a.request, postId)).toMatchObject({ likedByMe: true, likeCount: 1 });
    expect((await fetchInbox(b.request)).unreadCount).toBe(1);
  });

  test("unlike then like again does not notify bob a second time", async ({ users, session, db }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const postId = bob.posts[0]!.id;

    // Bob's tab records every toast it shows (they dismiss themselves) and every pushed event.
    let frames: ReturnType<typeof recordNotificationFrames> = [];
    const b = await session(bob, {
      beforeGoto: async (page) => {
        await recordToasts(page);
        frames = recordNotificationFrames(page);
      },
    });
    const toastsFrom = async (username: string) => (await recordedToasts(b.page)).filter((t) => t.text.includes(username)).length;

    const a = await session(alice);
    const button = likeButton(a.page, postId);

    const firstLike = likeResponse(a.page, postId, "PUT");
    await button.click();
    expect(await (await firstLike).json()).toMatchObject({ liked: true, likeCount: 1 });
    await expect(b.page.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();
    await expect(b.page.getByTestId("unread-badge")).toHaveAttribute("data-count", "1");

    const unlike = likeResponse(a.page, postId, "DELETE");
    await button.click();
    expect(await (await unlike).json()).toMatchObject({ liked: false, likeCount: 0 });
    await expectLiked(a.page, postId, false, 0);

    const secondLike = likeResponse(a.page, postId, "PUT");
    await button.click();
    expect(await (await secondLike).json()).toMatchObject({ liked: true, likeCount: 1 });
    await expectLiked(a.page, postId, true, 1);

    // The second like did reach the pipeline: both of alice's like events were handled by the
    // worker (the second one deduplicated there), so any push it would make has been made.
    const aliceEvents = { payload: { path: ["actorId"], equals: alice.id } };
    await expect.poll(() => db.outboxEvent.count({ where: aliceEvents })).toBe(2);
    await expect.poll(() => db.outboxEvent.count({ where: { ...aliceEvents, processedAt: null } })).toBe(0);

    // A later, unrelated like proves the path to bob's tab still delivers, after alice's events:
    // pushes travel one Redis channel in order, so a second push for alice would be here by now.
    const c = await session(carol, { path: null });
    await setLikeViaApi(c.request, postId, true);
    await expect(b.page.getByTestId("toast").filter({ hasText: carol.username })).toBeVisible();
    await expect(b.page.getByTestId("unread-badge")).toHaveAttribute("data-count", "2");

    // Exactly one toast and one push for alice, and it stays that way.
    await expectSteady(() => toastsFrom(alice.username), 1, 1500, "toasts naming alice");
    expect(await toastsFrom(carol.username)).toBe(1);
    expect(frames.filter((f) => f.actor === alice.username)).toHaveLength(1);
    expect(frames.filter((f) => f.actor === carol.username)).toHaveLength(1);

    const inbox = await fetchInbox(b.request);
    expect(inbox.unreadCount).toBe(2);
    expect(inbox.items.map((n) => n.actor.username).sort()).toEqual([alice.username, carol.username].sort());
  });
});
