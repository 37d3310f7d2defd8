// Screenshots of the main pages (sign-in, feed, post, profile, inbox, new post) in light and dark,
// on a desktop and on a 360 px phone, attached to the test results; and the seeded world's feed as
// alice sees it, the README's picture. With SCREENSHOTS_DIR set (that is `npm run screenshots`,
// scripts/screenshots.ts) the desktop light ones are also written there as <page>.png, and alice's
// feed as home.png: docs/screenshots/, which the README shows.
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { expect, signInThroughApi, test } from "./fixtures";
import {
  DRESSES,
  dressedScene,
  fontsAndImagesReady,
  newDressedContext,
  openPage,
  type PageName,
} from "./support/pages";
import { SEEDED_WORLD_TEST } from "../tooling/screenshots";
import { attachScreenshot, waitForRealtime } from "./support/ui";

const PAGES: PageName[] = ["signin", "feed", "post", "profile", "inbox", "new-post"];
const docsDir = process.env.SCREENSHOTS_DIR;

/**
 * The first thing a visitor sees in the README: the seeded world (prisma/seed.ts), as alice. Run
 * alone (scripts/screenshots.ts runs it first, on a fresh stack), so no test's own photos are on
 * top; inside the whole suite it still passes, with whatever other tests have posted.
 */
test(SEEDED_WORLD_TEST, async ({ browser, baseURL }, testInfo) => {
  const context = await newDressedContext(browser, baseURL!, { scheme: "light", device: "desktop" });
  try {
    const alice = {
      id: "",
      name: "alice",
      username: "alice",
      password: process.env.SEED_PASSWORD || "demo1234",
      posts: [],
    };
    await signInThroughApi(context, baseURL!, alice);
    const page = await context.newPage();
    await page.goto("/");
    await waitForRealtime(page);
    await expect(page.getByTestId("post-card").first()).toBeVisible();
    await fontsAndImagesReady(page);
    await attachScreenshot(testInfo, "home-desktop-light", page);
    if (docsDir) {
      await mkdir(docsDir, { recursive: true });
      await copyFile(testInfo.outputPath("home-desktop-light.png"), path.join(docsDir, "home.png"));
    }
  } finally {
    await context.close();
  }
});

for (const dress of DRESSES) {
  test(`screenshots of the main pages (${dress.device}, ${dress.scheme})`, async ({
    browser,
    baseURL,
    users,
    db,
  }, testInfo) => {
    const { cast, visitor, bob, close } = await dressedScene(browser, baseURL!, dress, users, db);
    try {
      const forDocs = docsDir && dress.device === "desktop" && dress.scheme === "light";
      if (forDocs) await mkdir(docsDir, { recursive: true });
      for (const name of PAGES) {
        const page = await (name === "signin" ? visitor : bob).newPage();
        await openPage(page, name, cast);
        const shot = `${name}-${dress.device}-${dress.scheme}`;
        await attachScreenshot(testInfo, shot, page);
        if (forDocs) await copyFile(testInfo.outputPath(`${shot}.png`), path.join(docsDir, `${name}.png`));
        await page.close();
      }
    } finally {
      await close();
    }
  });
}
