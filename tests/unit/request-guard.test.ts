import assert from "node:assert/strict";
import { test } from "node:test";
import { isEmptySegmentApiPath, malformedTarget } from "../../server/request-guard";

test("paths Next can route pass", () => {
  for (const ok of [
    "/",
    "/api/posts",
    "/api/posts/abc?cursor=%ZZ",
    "/p/cm123",
    "/u/%C3%A9lodie",
    "/api/posts/a%2Fb",
    "*",
  ]) {
    assert.equal(malformedTarget(ok), null, ok);
  }
});

test("paths it cannot decode, or with control characters, are refused with a reason", () => {
  for (const bad of [
    "/api/posts/%ZZ",
    "/api/posts/%C0%AF",
    "/p/%E0%A4%A",
    "/api/posts/a%00b",
    "/u/%0Aname",
    "/api/%7F",
    "no-slash",
    "",
    undefined,
    `/${"a".repeat(9000)}`,
  ]) {
    assert.match(String(malformedTarget(bad)), /invalid|control|must start|missing/, String(bad));
  }
});

test("an /api path with an empty segment is no endpoint; elsewhere Next may redirect it", () => {
  assert.equal(isEmptySegmentApiPath("/api//posts"), true);
  assert.equal(isEmptySegmentApiPath("/api/posts//x/like?y=1"), true);
  assert.equal(isEmptySegmentApiPath("/api/posts?next=//x"), false);
  assert.equal(isEmptySegmentApiPath("//p/x"), false);
});
