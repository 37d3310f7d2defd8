// Deleting your own photo (docs/decisions/030-deleting-posts-and-sweeping-uploads.md): only the
// author sees the control, and it asks first; once confirmed, the notification its like made
// vanishes live from the author's other tab (the bell drops), and the photo leaves the liker's feed.
import { expect, test } from "./fixtures";
import { likeButton, postCard, waitForRealtime } from "./support/ui";

test("the author deletes a liked photo: the bell drops live in their other tab, the liker's feed loses it", async ({
  users,
  session,
}) => {
  const bob = await users.create({ name: "Bob Okafor", posts: 1 });
  const alice = await users.create({ name: "Alice Martin", posts: 0 });
  const post = bob.posts[0]!;

  // Bob's feed tab (with the bell), and alice's feed.
  const feedTab = await session(bob);
  const a = await session(alice);
  await expect(postCard(a.page, post.id)).toBeVisible();
  await expect(postCard(a.page, post.id).getByTestId("delete-post"), "not on someone else's photo").toHaveCount(0);

  await likeButton(a.page, post.id).click();
  const badge = feedTab.page.getByTestId("unread-badge");
  await expect(badge).toHaveAttribute("data-count", "1");

  // A second tab of bob's, on the photo's page.
  const pageTab = await feedTab.context.newPage();
  await pageTab.goto(`/p/${post.id}`);
  await waitForRealtime(pageTab);
  const card = postCard(pageTab, post.id);

  // The confirm step: Cancel (focused first) changes nothing.
  await card.getByTestId("delete-post").click();
  const dialog = pageTab.getByTestId("delete-post-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("delete-post-cancel")).toBeFocused();
  await dialog.getByTestId("delete-post-cancel").click();
  await expect(dialog).toHaveCount(0);
  await expect(card.getByTestId("delete-post")).toBeFocused();

  await card.getByTestId("delete-post").click();
  await dialog.getByTestId("delete-post-confirm").click();
  await expect(pageTab).toHaveURL(new RegExp(`/u/${bob.username}$`));

  // Live, in the feed tab: the notification is retracted (the bell drops) and the card goes.
  await expect(badge).toHaveCount(0);
  await expect(postCard(feedTab.page, post.id)).toHaveCount(0);
  // Live in alice's feed too, and still gone after a reload.
  await expect(postCard(a.page, post.id)).toHaveCount(0);
  await a.page.reload();
  await waitForRealtime(a.page);
  await expect(postCard(a.page, post.id)).toHaveCount(0);
  // The post's page is a 404 now.
  const gone = await a.page.goto(`/p/${post.id}`);
  expect(gone?.status()).toBe(404);
});

test("a photo's page open elsewhere says it was deleted", async ({ users, session }) => {
  const bob = await users.create({ name: "Bob Okafor", posts: 1 });
  const alice = await users.create({ name: "Alice Martin", posts: 0 });
  const post = bob.posts[0]!;
  const a = await session(alice, { path: `/p/${post.id}` });
  const b = await session(bob, { path: `/p/${post.id}` });

  await postCard(b.page, post.id).getByTestId("delete-post").click();
  await b.page.getByTestId("delete-post-confirm").click();
  await expect(b.page).toHaveURL(new RegExp(`/u/${bob.username}$`));

  await expect(postCard(a.page, post.id)).toHaveAttribute("data-gone", "true");
  await expect(postCard(a.page, post.id)).toContainText("This photo was deleted.");
});
