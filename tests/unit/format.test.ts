// Times on cards and in the inbox: relative for a week, then a date a person would write.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCalendarDate, formatCount, formatDate, formatLikes, formatRelative } from "../../app/lib/format";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test("the first week is relative", () => {
  assert.equal(formatRelative(ago(10_000), NOW, "UTC"), "just now");
  assert.equal(formatRelative(ago(5 * MIN), NOW, "UTC"), "5 min ago");
  assert.equal(formatRelative(ago(3 * HOUR), NOW, "UTC"), "3 h ago");
  assert.equal(formatRelative(ago(2 * DAY), NOW, "UTC"), "2 d ago");
  assert.equal(formatRelative(ago(6 * DAY), NOW, "UTC"), "6 d ago");
});

test("a time slightly in the future (clocks disagree) is just now", () => {
  assert.equal(formatRelative(new Date(NOW + 30_000).toISOString(), NOW, "UTC"), "just now");
});

test("older than a week: the date, with the year only when it is another year", () => {
  assert.equal(formatRelative(ago(8 * DAY), NOW, "UTC"), "Nov 18");
  assert.equal(formatRelative("2026-03-03T09:00:00Z", NOW, "UTC"), "Mar 3");
  assert.equal(formatRelative("2025-03-03T09:00:00Z", NOW, "UTC"), "Mar 3, 2025");
  assert.equal(formatRelative("2025-12-30T09:00:00Z", NOW, "UTC"), "Dec 30, 2025");
});

test("the date is the reader's: their time zone decides the day and the year", () => {
  // 23:30 UTC on Dec 31, 2025 is already Jan 1, 2026 in Tokyo.
  assert.equal(formatCalendarDate("2025-12-31T23:30:00Z", NOW, "UTC"), "Dec 31, 2025");
  assert.equal(formatCalendarDate("2025-12-31T23:30:00Z", NOW, "Asia/Tokyo"), "Jan 1");
});

test("the server's fixed date is UTC and always has the year", () => {
  assert.equal(formatDate("2026-03-03T09:00:00Z"), "Mar 3, 2026");
});

test("counts", () => {
  assert.equal(formatCount(12345), "12,345");
  assert.equal(formatLikes(1), "1 like");
  assert.equal(formatLikes(0), "0 likes");
});
