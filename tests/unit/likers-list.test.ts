// The likers dialog's list: pages appended by "Load more", and a fresh first page (after a live
// like or unlike) merged in without losing the rows loaded further down.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appendPage, mergeFirstPage, type LikerList } from "../../app/lib/likers-list";
import type { Liker } from "../../shared/api";

/** A liker whose like is `minute` minutes after a fixed time: bigger is newer. */
const liker = (name: string, minute: number): Liker => ({
  user: { id: `id-${name}`, username: name, name, avatarUrl: "" },
  likedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
});
const names = (list: LikerList) => list.items.map((l) => l.user.username);

const [b, c, d, e, f] = [liker("b", 2), liker("c", 3), liker("d", 4), liker("e", 5), liker("f", 6)];

test("appending a page keeps order, takes its cursor and lists nobody twice", () => {
  const list = appendPage({ items: [f, e], nextCursor: "after-e" }, { items: [e, d, c], nextCursor: "after-c" });
  assert.deepEqual(names(list), ["f", "e", "d", "c"]);
  assert.equal(list.nextCursor, "after-c");
});

test("a complete fresh first page replaces the list: new likers on top, unlikers gone", () => {
  const list = mergeFirstPage({ items: [e, d, c], nextCursor: null }, { items: [f, e, c], nextCursor: null });
  assert.deepEqual(names(list), ["f", "e", "c"]);
  assert.equal(list.nextCursor, null);
});

test("rows older than the fresh page, loaded by Load more, stay with their cursor", () => {
  // Pages of 3: [f e d] [c b] loaded; older ones have not been loaded yet.
  const loaded: LikerList = { items: [f, e, d, c, b], nextCursor: "after-b" };
  const g = liker("g", 7);
  const list = mergeFirstPage(loaded, { items: [g, f, e], nextCursor: "after-e" });
  assert.deepEqual(names(list), ["g", "f", "e", "d", "c", "b"]);
  assert.equal(list.nextCursor, "after-b");
});

test("an unlike inside the fresh page's span removes that row; a row pulled up is not doubled", () => {
  // e unliked: the fresh first page reaches one further down, to c, which was already listed.
  const loaded: LikerList = { items: [f, e, d, c, b], nextCursor: "after-b" };
  const list = mergeFirstPage(loaded, { items: [f, d, c], nextCursor: "after-c" });
  assert.deepEqual(names(list), ["f", "d", "c", "b"]);
  assert.equal(list.nextCursor, "after-b");
});

test("with nothing older kept, the fresh page's cursor continues the list", () => {
  // Only the first page was loaded; d unliked, so the fresh page now reaches down to c.
  const list = mergeFirstPage({ items: [f, e, d], nextCursor: "after-d" }, { items: [f, e, c], nextCursor: "after-c" });
  assert.deepEqual(names(list), ["f", "e", "c"]);
  assert.equal(list.nextCursor, "after-c", "the old cursor would skip c's successors or repeat rows");
});

test("someone who unliked and liked again moves to the top, listed once", () => {
  const again = liker("d", 9);
  const list = mergeFirstPage(
    { items: [f, e, d, c, b], nextCursor: "after-b" },
    { items: [again, f, e], nextCursor: "after-e" },
  );
  assert.deepEqual(names(list), ["d", "f", "e", "c", "b"]);
});

test("likes at the same instant order by user id, as the server pages them", () => {
  const x = liker("x", 3);
  // Same likedAt as c; the server's order is user id descending: x ("id-x") before c ("id-c").
  const list = mergeFirstPage({ items: [f, x, c, b], nextCursor: null }, { items: [f, x], nextCursor: "after-x" });
  assert.deepEqual(names(list), ["f", "x", "c", "b"]);
});
