// The app's main pages, each with what a reader would find there, for the specs that look at every
// page in every dress: light and dark, desktop and phone (accessibility.spec.ts, screenshots.spec.ts).
//
// Contexts are made here rather than with the `session` fixture: they need the colour scheme and
// viewport from the start (the first paint is what a reader sees), reduced motion (so nothing is
// caught mid-animation), and bypassCSP, because axe is injected as a script tag and the app's
// policy rightly refuses inline scripts.
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import type { Db } from "../../server/db";
import type { TestUser, UsersFixture } from "../fixtures";
import { signInThroughApi } from "../fixtures";
import { fetchInbox, setLikeViaApi, waitForRealtime } from "./ui";

export type ColorScheme = "light" | "dark";
export type Device = "desktop" | "phone";

/** A 360×740 phone: the narrowest common Android width. */
export const VIEWPORTS: Record<Device, { width: number; height: number }> = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
};

export const DRESSES: { scheme: ColorScheme; device: Device }[] = [
  { scheme: "light", device: "desktop" },
  { scheme: "dark", device: "desktop" },
  { scheme: "light", device: "phone" },
  { scheme: "dark", device: "phone" },
];

export type PageName = "signin" | "feed" | "post" | "profile" | "inbox" | "new-post" | "not-found";

export type Cast = {
  /** Whose pages are shown: owns two photos, one liked by alice (so his inbox has an item). */
  bob: TestUser;
  alice: TestUser;
};

/**
 * Bob and alice, with something on every page: alice likes bob's newer photo, and bob's older one
 * is dated five weeks back (so a card shows a calendar date, not a relative time).
 */
export async function castForPages(users: UsersFixture, db: Db): Promise<Cast> {
  const bob = await users.create({ name: "Bob Okafor", posts: 2 });
  const alice = await users.create({ name: "Alice Martin", posts: 1 });
  await db.post.update({
    where: { id: bob.posts[0]!.id },
    data: { createdAt: new Date(Date.now() - 35 * 24 * 3600 * 1000) },
  });
  return { bob, alice };
}

/** Alice likes bob's newer photo, and the worker has turned it into bob's notification. */
export async function aliceLikesBobsPhoto(
  cast: Cast,
  bobContext: BrowserContext,
  aliceContext: BrowserContext,
): Promise<void> {
  await setLikeViaApi(aliceContext.request, cast.bob.posts[1]!.id, true);
  await expect.poll(async () => (await fetchInbox(bobContext.request)).unreadCount).toBe(1);
}

export async function newDressedContext(
  browser: Browser,
  baseURL: string,
  dress: { scheme: ColorScheme; device: Device },
  user?: TestUser,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: VIEWPORTS[dress.device],
    deviceScaleFactor: dress.device === "phone" ? 2 : 1,
    colorScheme: dress.scheme,
    reducedMotion: "reduce",
    bypassCSP: true,
  });
  if (user) await signInThroughApi(context, baseURL, user);
  return context;
}

/** The URL of each page, as bob sees it (sign-in is for a signed-out visitor). */
export function pagePath(name: PageName, cast: Cast): string {
  switch (name) {
    case "signin":
      return "/signin";
    case "feed":
      return "/";
    case "post":
      return `/p/${cast.bob.posts[1]!.id}`;
    case "profile":
      return `/u/${cast.bob.username}`;
    case "inbox":
      return "/notifications";
    case "new-post":
      return "/new";
    case "not-found":
      return "/no-such-page";
  }
}

export const SIGNED_IN_PAGES: PageName[] = ["feed", "post", "profile", "inbox", "new-post", "not-found"];

/** Opens a page and waits until it is what a reader sees: hydrated, live, its images loaded. */
export async function openPage(
  page: Page,
  name: PageName,
  cast: Cast,
  { signedOut = name === "signin" } = {},
): Promise<void> {
  const response = await page.goto(pagePath(name, cast));
  expect(response?.status(), `status of ${name}`).toBe(name === "not-found" ? 404 : 200);
  if (name === "not-found" && signedOut) await expect(page.getByTestId("not-found")).toBeVisible();
  else if (name !== "signin") await waitForRealtime(page);
  else await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  if (name === "inbox") await expect(page.getByTestId("notification-item")).toHaveCount(1);
  // Relative times replace the server's fixed dates right after hydration.
  await page.waitForLoadState("load");
  await fontsAndImagesReady(page);
}

/** The page's fonts loaded and its images decoded: what a screenshot or a contrast check should see. */
export async function fontsAndImagesReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    // Lazy images below the fold never load until scrolled to: waiting for them would hang.
    const pending = Array.from(document.images).filter((img) => !img.complete && img.loading !== "lazy");
    await Promise.all(pending.map((img) => img.decode().catch(() => null)));
  });
}

/** No sideways scrolling: the page is no wider than the window. */
export async function expectNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${what}: scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`).toBeLessThanOrEqual(
    clientWidth,
  );
}

/**
 * The scene both the axe and the screenshot specs dress up: bob (two photos, one old) and alice,
 * each signed in to a context in `dress`, a signed-out visitor, and alice's like of bob's newer
 * photo already in his inbox. close() closes the three contexts.
 */
export async function dressedScene(
  browser: Browser,
  baseURL: string,
  dress: { scheme: ColorScheme; device: Device },
  users: UsersFixture,
  db: Db,
) {
  const cast = await castForPages(users, db);
  const visitor = await newDressedContext(browser, baseURL, dress);
  const bob = await newDressedContext(browser, baseURL, dress, cast.bob);
  const alice = await newDressedContext(browser, baseURL, dress, cast.alice);
  const close = () => Promise.all([visitor.close(), bob.close(), alice.close()]).then(() => undefined);
  try {
    await aliceLikesBobsPhoto(cast, bob, alice);
  } catch (error) {
    await close();
    throw error;
  }
  return { cast, visitor, bob, alice, close };
}
