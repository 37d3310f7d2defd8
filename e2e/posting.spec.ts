// Posting a photo, in two real browsers: the poster picks a file, sees it, captions it and shares;
// the photo opens on top of their feed, served from /uploads/ by nginx. Someone reading the feed
// meanwhile gets a "new posts" pill, and pressing it puts the photo on top of theirs. A file that
// is not a photo gets a clear sentence, and nothing is posted.
import type { Page } from "@playwright/test";
import type { Db } from "../server/db";
import { expect, test } from "./fixtures";
import { jpeg } from "../tooling/test-images";
import { postCard } from "./support/ui";

/**
 * The feed is everyone's: other tests post photos at the same time. "On top" therefore means no
 * older photo is shown above it (a photo posted a moment later by someone else may be).
 */
async function expectOnTop(page: Page, db: Db, postId: string): Promise<void> {
  await expect(postCard(page, postId)).toBeVisible();
  const shown = await page
    .getByTestId("post-card")
    .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-post-id")));
  const above = shown.slice(0, shown.indexOf(postId)).filter((id): id is string => id !== null);
  const ours = await db.post.findUniqueOrThrow({ where: { id: postId }, select: { createdAt: true } });
  const older = await db.post.count({ where: { id: { in: above }, createdAt: { lt: ours.createdAt } } });
  expect(older, `photos older than ${postId} shown above it: ${above.join(", ")}`).toBe(0);
}

test("a photo posted from /new tops the poster's feed; a reader's open feed offers it behind a pill", async ({
  users,
  session,
  db,
}) => {
  const poster = await users.create({ name: "Dana Poster", posts: 0 });
  const reader = await users.create({ name: "Eli Reader", posts: 0 });
  const r = await session(reader); // the feed open, socket live
  const p = await session(poster);

  await p.page.getByTestId("new-post-link").click();
  await expect(p.page).toHaveURL(/\/new$/);
  await expect(p.page).toHaveTitle("New post · Likes");
  await p.page
    .getByTestId("photo-input")
    .setInputFiles({ name: "IMG_2041.jpg", mimeType: "image/jpeg", buffer: await jpeg(1200, 900) });
  await expect(p.page.getByTestId("photo-preview")).toBeVisible();
  const caption = `Harbour at dusk ${Date.now()}`;
  await p.page.getByTestId("caption-input").fill(caption);
  const created = p.page.waitForResponse(
    (res) => new URL(res.url()).pathname === "/api/posts" && res.request().method() === "POST",
  );
  await p.page.getByTestId("share-button").click();
  const response = await created;
  expect(response.status()).toBe(201);
  const post = (await response.json()) as { id: string; imageUrl: string };

  // The poster lands on the feed with the photo first, its image loaded from nginx.
  await expect(p.page).toHaveURL(/\/$/);
  await expectOnTop(p.page, db, post.id);
  const card = postCard(p.page, post.id);
  await expect(card).toContainText(caption);
  const image = card.locator("img.post-card__image");
  await expect(image).toHaveAttribute("src", post.imageUrl);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1200);

  // The reader did not reload: a pill says who posted; pressing it puts the photo on top.
  const pill = r.page.getByTestId("new-posts-pill");
  await expect(pill).toBeVisible();
  await expect(pill).toContainText(poster.username);
  await expect(postCard(r.page, post.id)).toHaveCount(0);
  await pill.click();
  await expect(pill).toHaveCount(0);
  await expectOnTop(r.page, db, post.id);
  await expect(postCard(r.page, post.id)).toContainText(caption);

  expect(await db.post.count({ where: { authorId: poster.id } })).toBe(1);
});

test("a file that is not a photo, or one too large: a sentence that says so, and nothing posted", async ({
  users,
  session,
  db,
}) => {
  const poster = await users.create({ name: "Gus Tries", posts: 0 });
  const { page } = await session(poster, { path: "/new" });

  // Named and typed as a JPEG, but text: the server reads the content and refuses it.
  await page.getByTestId("photo-input").setInputFiles({
    name: "holiday.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from("these are my notes, not a photo"),
  });
  await page.getByTestId("caption-input").fill("should not appear");
  await page.getByTestId("share-button").click();
  await expect(page.getByTestId("post-error")).toContainText("Post a JPEG, PNG or WebP photo");
  await expect(page).toHaveURL(/\/new$/);
  await expect(page.getByTestId("share-button")).toBeEnabled();

  // Over 10 MB: said at once, before anything is sent.
  let sent = 0;
  page.on("request", (req) => void (new URL(req.url()).pathname === "/api/posts" && req.method() === "POST" && sent++));
  await page
    .getByTestId("photo-input")
    .setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await expect(page.getByTestId("post-error")).toHaveText("That photo is 10.0 MB; photos can be up to 10 MB.");
  await page.getByTestId("share-button").click();
  await expect(page.getByTestId("post-error")).toHaveText("Choose a photo first.");
  expect(sent).toBe(0);

  expect(await db.post.count({ where: { authorId: poster.id } })).toBe(0);
});
