// "Who liked it": the count opens a dialog listing the likers newest first, reachable by keyboard,
// following likes and unlikes live while open, 20 at a time.
// The viewer is never the photo's owner: the owner's card also moves through notifications, and
// these tests must prove the live path of the post itself (post:likes).
import { expect, test } from "./fixtures";
import { expectLikers, insertLikes, likersButton, likersDialog } from "./support/social";
import { likeButton, likeCount, postCard, setLikeViaApi } from "./support/ui";

test.describe("who liked it", () => {
  test("keyboard opens the likers, newest first; likes and unlikes while open show live; Esc returns focus", async ({
    users,
    session,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const [dave, alice, eve, carol] = await Promise.all([
      users.create({ name: "Dave Ito", posts: 0 }),
      users.create({ name: "Alice Martin", posts: 0 }),
      users.create({ name: "Eve Santos", posts: 0 }),
      users.create({ name: "Carol Nguyen", posts: 0 }),
    ]);
    const postId = bob.posts[0]!.id;
    const [d, a, e] = await Promise.all([
      session(dave, { path: null }),
      session(alice, { path: null }),
      session(eve, { path: null }),
    ]);
    await setLikeViaApi(d.request, postId, true);
    await setLikeViaApi(a.request, postId, true); // alice after dave: she is listed first

    const c = await session(carol);
    const button = likersButton(c.page, postId);
    await expect(button).toHaveAccessibleName("2 likes: see who liked this");

    // Keyboard only: focus the count, press Enter.
    await button.focus();
    await c.page.keyboard.press("Enter");
    const dialog = likersDialog(c.page);
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAccessibleName(/Likes/);
    await expectLikers(c.page, [alice.username, dave.username]);
    const aliceRow = dialog.locator(`[data-testid="liker"][data-username="${alice.username}"]`);
    await expect(aliceRow).toContainText(alice.name);
    await expect(aliceRow).toContainText(`@${alice.username}`);
    await expect(aliceRow.getByRole("link")).toHaveAttribute("href", `/u/${alice.username}`);

    // Eve likes in her own browser while carol's dialog is open: she appears on top, and the
    // card's count behind the dialog follows.
    await setLikeViaApi(e.request, postId, true);
    await expectLikers(c.page, [eve.username, alice.username, dave.username]);
    await expect(likeCount(c.page, postId)).toHaveAttribute("data-count", "3");

    // Alice unlikes: she disappears.
    await setLikeViaApi(a.request, postId, false);
    await expectLikers(c.page, [eve.username, dave.username]);
    await expect(likeCount(c.page, postId)).toHaveAttribute("data-count", "2");

    // Esc closes it and focus is back on the count.
    await c.page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(button).toBeFocused();
  });

  test("the close button returns focus to the count; a liker's row leads to their profile", async ({
    users,
    session,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const dave = await users.create({ name: "Dave Ito", posts: 0 });
    const postId = bob.posts[0]!.id;
    const d = await session(dave);
    await likeButton(d.page, postId).click();

    const button = likersButton(d.page, postId);
    const dialog = likersDialog(d.page);
    await button.click();
    await expectLikers(d.page, [dave.username]);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(button).toBeFocused();

    await button.click();
    await dialog.locator(`[data-testid="liker"][data-username="${dave.username}"]`).getByRole("link").click();
    await expect(d.page).toHaveURL(`/u/${dave.username}`);
    await expect(d.page.getByTestId("profile-header")).toHaveAttribute("data-username", dave.username);
  });

  test("25 likers: the first 20 newest first, then the rest after Load more", async ({ users, session, db }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const likers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => users.create({ name: `Liker ${i + 1}`, posts: 0 })),
    );
    const postId = bob.posts[0]!.id;
    await insertLikes(db, postId, likers);
    const newestFirst = likers.map((u) => u.username).reverse();

    // On the post's own page this time.
    const c = await session(carol, { path: `/p/${postId}` });
    await expect(likeCount(c.page, postId)).toHaveAttribute("data-count", "25");
    await likersButton(c.page, postId).click();
    await expectLikers(c.page, newestFirst.slice(0, 20));

    const more = likersDialog(c.page).getByTestId("likers-more");
    await more.click();
    await expectLikers(c.page, newestFirst);
    await expect(more).toHaveCount(0);
  });

  test("no likes: the count is plain text, not a button", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const postId = bob.posts[0]!.id;
    const c = await session(carol);
    await expect(likeCount(c.page, postId)).toHaveText("0 likes");
    await expect(likersButton(c.page, postId)).toHaveCount(0);

    // Her own like makes it a button listing her.
    await postCard(c.page, postId).getByTestId("like-button").click();
    await likersButton(c.page, postId).click();
    await expectLikers(c.page, [carol.username]);
  });
});
