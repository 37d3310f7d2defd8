// Which cookies "sign out everywhere" clears in the caller's browser (app/api/sessions/route.ts):
// next-auth's session cookie over HTTP and HTTPS, whole or in the chunks it splits a large one
// into, and nothing else (its CSRF and callback cookies stay, as next-auth's own sign-out leaves them).
import assert from "node:assert/strict";
import { test } from "node:test";
import { isSessionCookieName } from "../../server/session-token";

test("the session cookie and its chunks, over HTTP and HTTPS, are session cookies", () => {
  for (const name of [
    "next-auth.session-token",
    "__Secure-next-auth.session-token",
    "next-auth.session-token.0",
    "__Secure-next-auth.session-token.12",
  ])
    assert.equal(isSessionCookieName(name), true, name);
});

test("next-auth's other cookies and look-alikes are not", () => {
  for (const name of [
    "next-auth.csrf-token",
    "__Host-next-auth.csrf-token",
    "next-auth.callback-url",
    "__Secure-next-auth.callback-url",
    "evil-next-auth.session-token",
    "next-auth.session-token.x",
    "next-auth.session-tokens",
  ])
    assert.equal(isSessionCookieName(name), false, name);
});
