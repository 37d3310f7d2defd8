// Issue 14: every page passes axe (WCAG 2 A and AA rules) with no violations, in light and dark,
// on a desktop and on a 360 px phone, and never scrolls sideways; the journey panel open too.
// axe-core runs inside the page, injected from node_modules as a script tag.
import path from "node:path";
import type { Page } from "@playwright/test";
import type { AxeResults } from "axe-core";
import { expect, test } from "./fixtures";
import {
  castForPages,
  DRESSES,
  dressedScene,
  expectNoHorizontalScroll,
  newDressedContext,
  openPage,
  SIGNED_IN_PAGES,
  type PageName,
} from "./support/pages";
import { likeButton, waitForRealtime } from "./support/ui";

const AXE_PATH = path.join(process.cwd(), "node_modules/axe-core/axe.min.js");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

declare global {
  interface Window {
    axe?: { run(context: Document, options: { runOnly: { type: "tag"; values: string[] } }): Promise<AxeResults> };
  }
}

type Finding = {
  rule: string;
  impact: string | null | undefined;
  help: string;
  nodes: { target: string; why: string | undefined }[];
};

/** axe's violations on the page as it is now, in a form that reads well in a failed assertion. */
async function axeViolations(page: Page): Promise<Finding[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    const results = await window.axe!.run(document, { runOnly: { type: "tag", values: tags } });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), why: n.failureSummary })),
    }));
  }, WCAG_TAGS);
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await axeViolations(page), `axe on ${what}`).toEqual([]);
  await expectNoHorizontalScroll(page, what);
}

for (const dress of DRESSES) {
  const dressName = `${dress.device}, ${dress.scheme}`;

  test(`every page passes axe and fits the window (${dressName})`, async ({ browser, baseURL, users, db }) => {
    const { cast, visitor, bob, close } = await dressedScene(browser, baseURL!, dress, users, db);
    try {
      const signin = await visitor.newPage();
      await openPage(signin, "signin", cast);
      await expectAccessible(signin, `sign-in (${dressName})`);
      await openPage(signin, "not-found", cast, { signedOut: true });
      await expectAccessible(signin, `404 signed out (${dressName})`);

      const page = await bob.newPage();
      for (const name of SIGNED_IN_PAGES satisfies PageName[]) {
        await openPage(page, name, cast);
        await expectAccessible(page, `${name} (${dressName})`);
      }
    } finally {
      await close();
    }
  });
}

test("the journey panel, open with a like in it, passes axe (desktop and phone, light and dark)", async ({
  browser,
  baseURL,
  users,
  db,
}) => {
  const cast = await castForPages(users, db);
  for (const dress of DRESSES) {
    const dressName = `${dress.device}, ${dress.scheme}`;
    const context = await newDressedContext(browser, baseURL!, dress, cast.alice);
    try {
      const page = await context.newPage();
      await openPage(page, "feed", cast);
      // Like first: on a phone the panel is a bottom sheet over the feed. The journey store
      // records every like whether or not the panel is open.
      const postId = cast.bob.posts[1]!.id;
      const liked = (await likeButton(page, postId).getAttribute("aria-pressed")) === "true";
      await likeButton(page, postId).click();
      await expect(likeButton(page, postId)).toHaveAttribute("aria-pressed", String(!liked));
      const toggle = page.getByTestId("journey-toggle");
      // The choice is remembered per browser: each fresh context starts closed.
      await toggle.click();
      await expect(toggle).toHaveAttribute("aria-expanded", "true");
      await expect(page.getByTestId("journey-panel")).toBeVisible();
      await expect(page.locator('[data-testid="journey"][data-side="liker"]').first()).toBeVisible();
      await expectAccessible(page, `journey panel (${dressName})`);
    } finally {
      await context.close();
    }
  }
});

test("a photo older than a week shows its date, not a count of weeks", async ({ browser, baseURL, users, db }) => {
  const cast = await castForPages(users, db);
  const context = await newDressedContext(browser, baseURL!, DRESSES[0]!, cast.bob);
  try {
    const page = await context.newPage();
    await page.goto(`/p/${cast.bob.posts[0]!.id}`);
    await waitForRealtime(page); // hydrated: the reader's own date has replaced the server's
    // Five weeks ago: "Oct 22" this year, or "Dec 30, 2025" across a new year; never "5w".
    const postedAt = new Date(Date.now() - 35 * 24 * 3600 * 1000);
    const sameYear = postedAt.getFullYear() === new Date().getFullYear();
    await expect(page.getByTestId("post-card").locator("time")).toHaveText(
      sameYear ? /^[A-Z][a-z]{2} \d{1,2}$/ : /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/,
    );
  } finally {
    await context.close();
  }
});
