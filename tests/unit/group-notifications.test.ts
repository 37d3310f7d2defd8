import assert from "node:assert/strict";
import { test } from "node:test";
import {
  actorsPhrase,
  bySection,
  groupByPost,
  mergeNewestFirst,
  sectionOf,
  type NotificationGroup,
} from "../../app/lib/group-notifications";
import type { Notification } from "../../shared/api";

const user = (username: string) => ({ id: `id-${username}`, username, name: username, avatarUrl: "" });
let n = 0;
function note(actor: string, postId: string, createdAt: string, readAt: string | null = null): Notification {
  return {
    id: `n${++n}`,
    type: "like",
    actor: user(actor),
    post: { id: postId, imageUrl: `/${postId}.svg` },
    createdAt,
    readAt,
  } as Notification;
}

test("groups by post in the order given, distinct actors newest first, unread if any member is", () => {
  const items = [
    note("carol", "p1", "2026-01-03T00:00:00Z"),
    note("dave", "p2", "2026-01-02T12:00:00Z", "2026-01-02T13:00:00Z"),
    note("bob", "p1", "2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z"),
    note("carol", "p1", "2026-01-01T00:00:00Z"),
    note("alice", "p1", "2026-01-01T00:00:00Z"),
  ];
  const groups = groupByPost(items);
  assert.deepEqual(
    groups.map((g) => g.postId),
    ["p1", "p2"],
  );
  assert.deepEqual(
    groups[0]!.actors.map((a) => a.username),
    ["carol", "bob", "alice"],
  );
  assert.equal(groups[0]!.items.length, 4);
  assert.equal(groups[0]!.unread, true);
  assert.equal(groups[1]!.unread, false);
  assert.equal(groups[0]!.latestAt, "2026-01-03T00:00:00Z");
});

test("phrases: one, two, many", () => {
  assert.deepEqual(actorsPhrase([user("alice")]), { lead: "alice", rest: null });
  assert.deepEqual(actorsPhrase([user("alice"), user("bob")]), { lead: "alice", rest: "bob" });
  assert.deepEqual(actorsPhrase([user("alice"), user("bob"), user("carol")]), { lead: "alice", rest: "2 others" });
  assert.deepEqual(actorsPhrase([]), { lead: "Someone", rest: null });
});

test("merging pages and live arrivals keeps newest first and drops duplicates", () => {
  const a = note("a", "p", "2026-01-01T00:00:00Z");
  const b = note("b", "p", "2026-01-02T00:00:00Z");
  const c = note("c", "p", "2026-01-03T00:00:00Z");
  assert.deepEqual(
    mergeNewestFirst([b, a], [c, b]).map((x) => x.id),
    [c.id, b.id, a.id],
  );
});

test("sections: Today is the viewer's calendar day, This week the six days before, then Earlier", () => {
  const now = new Date(2026, 10, 26, 9, 30); // local time, 09:30
  const at = (days: number, hours = 0) => new Date(2026, 10, 26 - days, hours).toISOString();
  assert.equal(sectionOf(at(0, 0), now), "Today");
  assert.equal(sectionOf(at(1, 23), now), "This week");
  assert.equal(sectionOf(at(6, 0), now), "This week");
  assert.equal(sectionOf(at(7, 23), now), "Earlier");
  assert.equal(sectionOf(at(400), now), "Earlier");
});

test("bySection keeps the groups' order and leaves empty sections out", () => {
  const now = new Date(2026, 10, 26, 12);
  const group = (id: string, latestAt: string) => ({ postId: id, latestAt }) as unknown as NotificationGroup;
  const groups = [
    group("a", new Date(2026, 10, 26, 11).toISOString()),
    group("b", new Date(2026, 10, 1).toISOString()),
    group("c", new Date(2026, 9, 1).toISOString()),
  ];
  assert.deepEqual(
    bySection(groups, now).map((s) => [s.section, s.groups.map((g) => g.postId)]),
    [
      ["Today", ["a"]],
      ["Earlier", ["b", "c"]],
    ],
  );
});
