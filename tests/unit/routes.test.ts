import assert from "node:assert/strict";
import { test } from "node:test";
import { safeCallbackUrl, signInUrl } from "../../shared/routes";

test("keeps same-site paths", () => {
  assert.equal(safeCallbackUrl("/notifications"), "/notifications");
  assert.equal(safeCallbackUrl("/?a=1#x"), "/?a=1#x");
  assert.equal(safeCallbackUrl(["/notifications", "/x"]), "/notifications");
});

test("refuses anything that could leave the site or loop", () => {
  for (const bad of [
    null,
    undefined,
    "",
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "/\nfoo",
    "/signin",
    "/signin?callbackUrl=/",
  ]) {
    assert.equal(safeCallbackUrl(bad), "/", String(bad));
  }
});

test("signInUrl encodes the way back, and safeCallbackUrl reads it back unchanged", () => {
  const url = signInUrl("/notifications?tab=unread");
  assert.equal(url, "/signin?callbackUrl=%2Fnotifications%3Ftab%3Dunread");
  assert.equal(safeCallbackUrl(new URL(url, "http://x").searchParams.get("callbackUrl")), "/notifications?tab=unread");
});
