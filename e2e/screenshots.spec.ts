// Screenshots of the main pages (sign-in, feed, post, profile, inbox) in light and dark, on a
// desktop and on a 360 px phone, attached to the test results. With SCREENSHOTS_DIR set (that is
// `npm run screenshots`, scripts/screenshots.ts) the desktop light ones are also written there as
// <page>.png: docs/screenshots/, which the README shows.
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { test } from "./fixtures";
import { DRESSES, dressedScene, openPage, type PageName } from "./support/pages";
import { attachScreenshot } from "./support/ui";

const PAGES: PageName[] = ["signin", "feed", "post", "profile", "inbox"];
const docsDir = process.env.SCREENSHOTS_DIR;

for (const dress of DRESSES) {
  test(`screenshots of the main pages (${dress.device}, ${dress.scheme})`, async ({ browser, baseURL, users, db }, testInfo) => {
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
