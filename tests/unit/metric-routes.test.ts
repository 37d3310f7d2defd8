// The `route` label of http_request_duration_seconds (server/telemetry/routes.ts): every route
// handler file has its pattern in the table, and a request's path maps to the pattern that serves it.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ROUTE_PATTERNS, UNMATCHED_PATTERN, routeLabel } from "../../server/telemetry/routes";

const APP = path.resolve(import.meta.dirname, "../../app");

/** app/api/posts/[id]/like/route.ts -> /api/posts/[id]/like (route groups "(x)" drop out). */
function handlerPatterns(): string[] {
  return readdirSync(APP, { recursive: true, encoding: "utf8" })
    .filter((file) => /(^|\/)route\.(ts|tsx|js)$/.test(file))
    .map((file) => {
      const segments = path
        .dirname(file)
        .split(path.sep)
        .filter((s) => s !== "." && !/^\(.*\)$/.test(s));
      return `/${segments.join("/")}`;
    })
    .sort();
}

test("every route handler file has its pattern in the table, and the table names no other", () => {
  const found = handlerPatterns();
  assert.ok(found.includes("/api/posts/[id]/like"), found.join(", "));
  assert.deepEqual(found, [...ROUTE_PATTERNS, UNMATCHED_PATTERN].sort());
});

test("every pattern labels the paths it serves as itself", () => {
  for (const pattern of ROUTE_PATTERNS) {
    const sample = pattern.replace(/\[\.\.\.[a-z]+\]/g, "a/b").replace(/\[[a-z]+\]/g, "cmhx2k9v0000108l4a1b2c3d4");
    assert.equal(routeLabel(sample), pattern, sample);
  }
});

test("paths map to their pattern, never to themselves", () => {
  assert.equal(routeLabel("/api/posts/cmhx2k9v0000108l4a1b2c3d4/like"), "/api/posts/[id]/like");
  assert.equal(routeLabel("/api/posts/cmhx2k9v0000108l4a1b2c3d4/likes"), "/api/posts/[id]/likes");
  assert.equal(routeLabel("/api/posts/cmhx2k9v0000108l4a1b2c3d4"), "/api/posts/[id]");
  assert.equal(routeLabel("/api/posts"), "/api/posts");
  assert.equal(routeLabel("/api/posts/"), "/api/posts");
  assert.equal(routeLabel("/api/users/alice/posts"), "/api/users/[username]/posts");
  assert.equal(routeLabel("/api/auth/callback/credentials"), "/api/auth/[...nextauth]");
  // Static segments win over a parameter: /api/notifications/read is not /api/notifications/[x].
  assert.equal(routeLabel("/api/notifications/read"), "/api/notifications/read");
});

test("anything no route serves is unmatched", () => {
  for (const pathname of [
    "/",
    "/api",
    "/api/nope",
    "/api/posts/x/like/extra",
    "/api/users/alice",
    "/metrics",
    "/api/auth",
  ])
    assert.equal(routeLabel(pathname), "unmatched", pathname);
});
