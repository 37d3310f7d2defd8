// How Debian's Chromium is launched, by the end-to-end suite (playwright.config.ts) and the bench's
// P3 (bench/cases/p3-optimistic-heart.ts). Playwright downloads no browser here: never run
// `playwright install`.
export const CHROMIUM_EXECUTABLE = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  // Without it Chromium still looks up Google hosts, even with nothing to reach.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
];
