// Scenario 6: the inbox groups likes by photo under Today / This week / Earlier; the bell counts
// what arrived since the inbox was last opened; each row (and each toast) opens its photo and marks
// it read; "mark all as read" clears the rest, on the page and on the server.
import { expect, test, type Session, type TestUser } from "./fixtures";
import { attachScreenshot, fetchInbox, setLikeViaApi, waitForRealtime } from "./support/ui";

const row = (session: Session, postId: string) =>
  session.page.locator(`[data-testid="notification-item"][data-post-id="${postId}"]`);

test.describe("notifications inbox", () => {
  test("likes are grouped by photo; opening the inbox clears the bell, items stay new until read", async ({
    users,
    session,
  }, testInfo) => {
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

    // On the feed, the bell counts all four.
    await b.page.goto("/");
    await waitForRealtime(b.page);
    const badge = b.page.getByTestId("unread-badge");
    await expect(badge).toHaveAttribute("data-count", "4");

    await b.page.getByTestId("notification-bell").click();
    await expect(b.page).toHaveURL(/\/notifications$/);
    const items = b.page.getByTestId("notification-item");
    await expect(items).toHaveCount(2);
    // Newest group first: alice on the second photo, then the first photo's three likers, led by
    // the most recent one (dave). All of today.
    await expect(b.page.getByTestId("inbox-section")).toHaveCount(1);
    await expect(b.page.getByTestId("inbox-section")).toHaveAttribute("data-section", "Today");
    await expect(items.nth(0)).toHaveAttribute("data-post-id", second.id);
    await expect(items.nth(1)).toHaveAttribute("data-post-id", first.id);
    await expect(items.nth(0)).toContainText(`${alice.username} liked your photo`);
    await expect(items.nth(1)).toContainText(`${dave.username} and 2 others liked your photo`);
    // Opening the inbox cleared the bell; the items themselves are still new.
    await expect(badge).toHaveCount(0);
    for (const item of await items.all()) await expect(item).toHaveAttribute("data-unread", "true");
    expect(await fetchInbox(b.request)).toMatchObject({ unreadCount: 4, unseenCount: 0 });
    await attachScreenshot(testInfo, "inbox", b.page);

    await b.page.getByTestId("mark-all-read").click();
    for (const item of await items.all()) await expect(item).toHaveAttribute("data-unread", "false");
    expect((await fetchInbox(b.request)).unreadCount).toBe(0);

    // Still read after a reload: the server, not just the page, has it.
    await b.page.reload();
    await expect(items).toHaveCount(2);
    await expect(b.page.getByTestId("realtime-status")).toHaveAttribute("data-state", "connected");
    await expect(badge).toHaveCount(0);
    for (const item of await items.all()) await expect(item).toHaveAttribute("data-unread", "false");
  });

  test("a row opens its photo and marks only that row read; the names lead to profiles", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 2 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const a = await session(alice, { path: null });
    for (const post of bob.posts) await setLikeViaApi(a.request, post.id, true);
    const b = await session(bob, { path: null });
    await expect.poll(async () => (await fetchInbox(b.request)).unreadCount).toBe(2);

    await b.page.goto("/notifications");
    await waitForRealtime(b.page);
    const [opened, untouched] = bob.posts;
    await row(b, opened!.id).getByTestId("notification-open").click();
    await expect(b.page).toHaveURL(new RegExp(`/p/${opened!.id}$`));
    await expect
      .poll(async () => (await fetchInbox(b.request)).items.filter((n) => n.readAt === null).map((n) => n.post.id))
      .toEqual([untouched!.id]);

    await b.page.goto("/notifications");
    await expect(row(b, opened!.id)).toHaveAttribute("data-unread", "false");
    await expect(row(b, untouched!.id)).toHaveAttribute("data-unread", "true");

    // A liker's name is a link to their profile, not to the photo.
    await row(b, untouched!.id).getByRole("link", { name: alice.username, exact: true }).click();
    await expect(b.page).toHaveURL(new RegExp(`/u/${alice.username}$`));
    expect((await fetchInbox(b.request)).unreadCount).toBe(1);
  });

  test("a toast opens the photo it is about and marks that notification read", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const b = await session(bob);
    const a = await session(alice, { path: null });
    await setLikeViaApi(a.request, bob.posts[0]!.id, true);

    const toast = b.page.getByTestId("toast").filter({ hasText: alice.username });
    await expect(toast).toBeVisible();
    await toast.getByRole("link").click();
    await expect(b.page).toHaveURL(new RegExp(`/p/${bob.posts[0]!.id}$`));
    await expect.poll(async () => (await fetchInbox(b.request)).unreadCount).toBe(0);
  });

  test("older notifications fall under This week and Earlier", async ({ users, session, db }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 3 });
    const likers = [
      await users.create({ name: "Alice Martin", posts: 0 }),
      await users.create({ name: "Carol Nguyen", posts: 0 }),
      await users.create({ name: "Dave Smith", posts: 0 }),
    ];
    for (const [i, liker] of likers.entries()) {
      const s = await session(liker, { path: null });
      await setLikeViaApi(s.request, bob.posts[i]!.id, true);
    }
    const b = await session(bob, { path: null });
    await expect.poll(async () => (await fetchInbox(b.request)).unreadCount).toBe(3);
    // Move two of them back in time: three days, and a month.
    const day = 24 * 3600 * 1000;
    await db.notification.updateMany({
      where: { postId: bob.posts[1]!.id },
      data: { createdAt: new Date(Date.now() - 3 * day) },
    });
    await db.notification.updateMany({
      where: { postId: bob.posts[2]!.id },
      data: { createdAt: new Date(Date.now() - 30 * day) },
    });

    await b.page.goto("/notifications");
    await waitForRealtime(b.page);
    const sections = b.page.getByTestId("inbox-section");
    await expect(sections).toHaveCount(3);
    const expected = [
      ["Today", bob.posts[0]!.id],
      ["This week", bob.posts[1]!.id],
      ["Earlier", bob.posts[2]!.id],
    ] as const;
    for (const [i, [title, postId]] of expected.entries()) {
      await expect(sections.nth(i)).toHaveAttribute("data-section", title);
      await expect(sections.nth(i).getByRole("heading", { name: title })).toBeVisible();
      await expect(sections.nth(i).getByTestId("notification-item")).toHaveAttribute("data-post-id", postId);
    }
  });
});
