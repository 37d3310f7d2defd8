// Locators and setup helpers for likers, post pages, profiles and the double tap
// (test ids: likers-button, likers-dialog, liker[data-username], likers-more, author-link,
// post-photo, double-tap-heart, profile-*, not-found; see docs/testing-e2e.md).
import { expect, type Locator, type Page, type Route } from "@playwright/test";
import type { Db } from "../../server/db";
import type { TestUser } from "../fixtures";
import { postCard } from "./ui";

export function likersButton(page: Page, postId: string): Locator {
  return postCard(page, postId).getByTestId("likers-button");
}

export function likersDialog(page: Page): Locator {
  return page.getByTestId("likers-dialog");
}

/** The usernames the open likers dialog lists, top to bottom. */
export async function listedLikers(page: Page): Promise<string[]> {
  return likersDialog(page)
    .getByTestId("liker")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-username") ?? ""));
}

/** Waits until the open likers dialog lists exactly these usernames, in this order. */
export async function expectLikers(page: Page, usernames: string[]): Promise<void> {
  await expect.poll(() => listedLikers(page), { message: "likers listed, newest first" }).toEqual(usernames);
}

/**
 * Likes written straight into the database, one second apart in the order given (the last is the
 * newest), with the post's denormalised likeCount set to match: many likers without one request each.
 */
export async function insertLikes(db: Db, postId: string, likers: TestUser[]): Promise<void> {
  const start = Date.now() - likers.length * 1000 - 60_000;
  await db.like.createMany({
    data: likers.map((u, i) => ({ userId: u.id, postId, createdAt: new Date(start + i * 1000) })),
  });
  await db.post.update({ where: { id: postId }, data: { likeCount: { increment: likers.length } } });
}

/** Holds this post's like requests until released, so assertions run while one is provably pending. */
export async function holdLikeRequests(page: Page, postId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: (route: Route) => void;
  const held = new Promise<Route>((resolve) => (arrived = resolve));
  await page.route(`**/api/posts/${postId}/like`, async (route) => {
    arrived(route);
    await released;
    await route.fallback();
  });
  return { held, release: () => release() };
}

declare global {
  interface Window {
    __e2eDoubleTapHearts?: number;
  }
}

/**
 * Counts every double-tap heart the page ever shows: each lives for under a second, too briefly to
 * be sure of seeing it on a slow machine. Call before the page navigates (an init script).
 */
export async function recordDoubleTapHearts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__e2eDoubleTapHearts = 0;
    const selector = '[data-testid="double-tap-heart"]';
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        m.addedNodes.forEach((node) => {
          if (node instanceof Element && (node.matches(selector) || node.querySelector(selector)))
            window.__e2eDoubleTapHearts! += 1;
        });
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

/** How many double-tap hearts the page has shown since it loaded (see recordDoubleTapHearts). */
export function doubleTapHeartsShown(page: Page): Promise<number> {
  return page.evaluate(() => window.__e2eDoubleTapHearts ?? 0);
}
