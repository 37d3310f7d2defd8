// Scenario 6: the inbox groups likes by photo, the badge counts unread notifications, and
// "mark all as read" clears both, on the page and on the server.
import { expect, test, type TestUser } from "./fixtures";
import { attachScreenshot, fetchInbox, setLikeViaApi } from "./support/ui";

test.describe("notifications inbox", () => {
  test("likes are grouped by photo; mark all as read clears the badge", async ({ users, session }, testInfo) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 2 });
    const first = bob.posts[0]!;
    const second = bob.posts[1]!;
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const dave = await users.create({ name: "Dave Smith", posts: 0 });
    const b = await session(bob, { path: null });

    // Three people like the first photo, then alice likes the second. One at a time, each waited
    // for, so the inbox order (newest first) is known: the worker may otherwise finish them in any order.
    let expected = 0;
    const like = async (liker: TestUser, postId: string) => {
      const s = await session(liker, { path: null });
      await setLikeViaApi(s.request, postId, true);
      expected += 1;
      await expect.poll(async () => (await fetchInbox(b.request)).unreadCount).toBe(expected);
    };
    for (const liker of [alice, carol, dave]) await like(liker, first.id);
    await like(alice, second.id);

    await b.page.goto("/notifications");
    const items = b.page.getByTestId("notification-item");
    await expect(items).toHaveCount(2);
    // Newest group first: alice on the second photo, then the first photo's three likers, led by
    // the most recent one (dave).
    await expect(items.nth(0)).toHaveAttribute("data-post-id", second.id);
    await expect(items.nth(1)).toHaveAttribute("data-post-id", first.id);
    await expect(items.nth(0)).toContainText(`${alice.username} liked your photo`);
    await expect(items.nth(1)).toContainText(`${dave.username} and 2 others liked your photo`);
    for (const item of await items.all()) await expect(item).toHaveAttribute("data-unread", "true");

    const badge = b.page.getByTestId("unread-badge");
    await expect(badge).toHaveAttribute("data-count", "4");
    await attachScreenshot(testInfo, "inbox", b.page);

    await b.page.getByTestId("mark-all-read").click();
    await expect(badge).toHaveCount(0);
    for (const item of await items.all()) await expect(item).toHaveAttribute("data-unread", "false");
    expect((await fetchInbox(b.request)).unreadCount).toBe(0);

    // Still read after a reload: the server, not just the page, has it.
    await b.page.reload();
    await expect(items).toHaveCount(2);
    await expect(b.page.getByTestId("realtime-status")).toHaveAttribute("data-state", "connected");
    await expect(badge).toHaveCount(0);
    for (const item of await items.all()) await expect(item).toHaveAttribute("data-unread", "false");
  });
});
