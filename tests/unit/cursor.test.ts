import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../server/api-errors";
import { decodeCursor, encodeCursor, olderThan, parseLimit } from "../../server/cursor";

test("a cursor round-trips", () => {
  const c = { createdAt: new Date("2026-03-04T05:06:07.089Z"), id: "cm0abc123" };
  assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  assert.equal(decodeCursor(null), null);
  assert.equal(decodeCursor(""), null);
});

test("malformed cursors are a 400 invalid_request", () => {
  const bad = [
    "%%%",
    Buffer.from("nonsense").toString("base64url"),
    Buffer.from("2026-01-01T00:00:00Z|id|extra").toString("base64url"),
    Buffer.from("not-a-date|abc").toString("base64url"),
    Buffer.from("2026-01-01T00:00:00Z|'; drop").toString("base64url"),
  ];
  for (const raw of bad) {
    assert.throws(
      () => decodeCursor(raw),
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.code === "invalid_request",
      raw,
    );
  }
});

test("older-than is a strict keyset on (createdAt, id)", () => {
  const c = { createdAt: new Date("2026-01-01T00:00:00Z"), id: "b" };
  assert.deepEqual(olderThan(c), {
    OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: "b" } }],
  });
  assert.deepEqual(olderThan(null), {});
});

test("limits", () => {
  assert.equal(parseLimit(null, 10, 50), 10);
  assert.equal(parseLimit("50", 10, 50), 50);
  for (const bad of ["0", "51", "1.5", "x", "-1"]) assert.throws(() => parseLimit(bad, 10, 50), ApiError);
});
