// The browser's notification state machine (app/lib/notification-center.ts), driven the way the
// socket and the inbox drive it. The server side is an in-memory inbox with the API's rules
// (newest first, counts); the real API is exercised by the integration and e2e suites.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NotificationCenter, type InboxServer } from "../../app/lib/notification-center";
import type { InboxCounts, Notification, NotificationPage } from "../../shared/api";

let clock = Date.parse("2026-11-26T10:00:00Z");
function item(id: string, readAt: string | null = null): Notification {
  clock += 1000;
  return {
    id,
    type: "like",
    actor: { id: `u-${id}`, username: `user_${id}`, name: `User ${id}`, avatarUrl: "/a.svg" },
    post: { id: `p-${id}`, imageUrl: "/p.svg" },
    createdAt: new Date(clock).toISOString(),
    readAt,
  };
}

/** The server's inbox: what GET /api/notifications would answer, and the read/seen calls. */
class FakeInbox implements InboxServer {
  items: Notification[] = [];
  seenAt = 0;
  calls: string[] = [];
  pageSize = 50;
  counts(): InboxCounts {
    const unread = this.items.filter((n) => !n.readAt);
    return {
      unreadCount: unread.length,
      unseenCount: unread.filter((n) => Date.parse(n.createdAt) > this.seenAt).length,
    };
  }
  async fetchLatest(): Promise<NotificationPage> {
    this.calls.push("fetch");
    const sorted = [...this.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const page = sorted.slice(0, this.pageSize);
    return { items: page, ...this.counts(), nextCursor: sorted.length > this.pageSize ? "more" : null };
  }
  async markRead(which: { all: true } | { ids: string[] }): Promise<InboxCounts> {
    this.calls.push("read");
    for (const n of this.items)
      if ("all" in which || which.ids.includes(n.id)) n.readAt ??= new Date(clock).toISOString();
    return this.counts();
  }
  async markSeen(): Promise<InboxCounts> {
    this.calls.push("seen");
    this.seenAt = clock;
    return this.counts();
  }
}

function setup(initial: Notification[] = []) {
  const server = new FakeInbox();
  server.items = [...initial];
  const center = new NotificationCenter({ ...server.counts(), items: initial }, server);
  const added: string[] = [];
  const removed: string[] = [];
  center.onItems({ added: (items) => added.push(...items.map((n) => n.id)), removed: (ids) => removed.push(...ids) });
  return { server, center, added, removed };
}

test("a live arrival counts, toasts and is listed once, however often it is delivered", () => {
  const { center, added } = setup();
  const n = item("a");
  center.receive(n);
  center.receive(n);
  assert.deepEqual(added, ["a"]);
  assert.deepEqual([center.getSnapshot().unreadCount, center.getSnapshot().unseenCount], [1, 1]);
  assert.deepEqual(
    center.getSnapshot().toasts.map((t) => t.id),
    ["a"],
  );
});

test("a quiet delivery (toast cooldown) is listed and counted without a toast", () => {
  const { center, added } = setup();
  center.receive(item("q"), { toast: false });
  assert.deepEqual(added, ["q"]);
  assert.equal(center.getSnapshot().unseenCount, 1);
  assert.deepEqual(center.getSnapshot().toasts, []);
});

test("a retraction removes the item and its toast, the server's counts follow, and a late copy never returns", async () => {
  const { server, center, added, removed } = setup();
  const n = item("r");
  server.items.push(n);
  center.receive(n);
  server.items = []; // the unlike deleted it on the server
  center.retract("r");
  assert.deepEqual(removed, ["r"]);
  assert.deepEqual(center.getSnapshot().toasts, []);
  await center.catchUp();
  assert.deepEqual([center.getSnapshot().unreadCount, center.getSnapshot().unseenCount], [0, 0]);
  center.receive(n); // a push that was overtaken by its retraction
  assert.deepEqual(added, ["r"], "not listed again");
  assert.equal(center.getSnapshot().unreadCount, 0);
});

test("catch-up adds what was missed and drops what was retracted while the socket was down", async () => {
  const kept = item("kept");
  const gone = item("gone");
  const { server, center, added, removed } = setup([kept, gone]);
  const missed = item("missed");
  server.items = [kept, missed];
  await center.catchUp();
  assert.deepEqual(added, ["missed"]);
  assert.deepEqual(removed, ["gone"]);
  assert.deepEqual(
    center.getSnapshot().toasts.map((t) => t.id),
    ["missed"],
  );
  assert.equal(center.getSnapshot().unreadCount, 2);
});

test("catch-up only judges what its page covers: an older item beyond the page is not taken for retracted", async () => {
  const old = item("old");
  const { server, center, removed } = setup([old]);
  server.pageSize = 2;
  server.items = [old, item("n1"), item("n2")];
  await center.catchUp();
  assert.deepEqual(removed, [], "'old' is on the next page, not gone");
});

test("while the inbox is open: no toasts, the badge stays clear, the server hears 'seen'; items stay unread", async () => {
  const { server, center, added } = setup();
  const close = center.openInbox();
  const n = item("live");
  server.items.push(n);
  center.receive(n);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(added, ["live"]);
  assert.deepEqual(center.getSnapshot().toasts, []);
  assert.equal(center.getSnapshot().unseenCount, 0);
  assert.equal(center.getSnapshot().unreadCount, 1);
  assert.ok(server.calls.filter((c) => c === "seen").length >= 2, "on opening, and for the arrival");
  close();
  const later = item("later");
  server.items.push(later);
  center.receive(later);
  assert.deepEqual(
    center.getSnapshot().toasts.map((t) => t.id),
    ["later"],
    "closed: toasts again",
  );
  assert.equal(center.getSnapshot().unseenCount, 1);
});

test("opening one item reads only it; a catch-up answer older than that cannot restore the count", async () => {
  const a = item("a");
  const b = item("b");
  const { server, center } = setup([a, b]);
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  const fetchLatest = server.fetchLatest.bind(server);
  server.fetchLatest = async () => {
    const page = await fetchLatest(); // answered before the read below
    await slow;
    return page;
  };
  const catchUp = center.catchUp();
  await center.markRead(["a"]);
  assert.equal(center.getSnapshot().unreadCount, 1);
  release();
  await catchUp;
  assert.equal(center.getSnapshot().unreadCount, 1, "the stale answer (2 unread) was not applied");
});

test("a catch-up after a retraction toasts nothing itself; a push it overtook still gets its toast, a quiet one does not", async () => {
  const { server, center, added } = setup();
  const old = item("old");
  server.items.push(old);
  center.receive(old);
  center.dismissToast("old");
  const loud = item("loud");
  const quiet = item("quiet");
  server.items = [loud, quiet]; // "old" was retracted; two new ones are on their way
  center.retract("old");
  await center.catchUp({ toastMissed: false }); // joins the one retract() started
  assert.deepEqual(added, ["old", "quiet", "loud"]);
  assert.deepEqual(center.getSnapshot().toasts, []);
  center.receive(quiet, { toast: false });
  center.receive(loud, { toast: true });
  center.receive(loud, { toast: true });
  assert.deepEqual(
    center.getSnapshot().toasts.map((t) => t.id),
    ["loud"],
  );
  assert.equal(center.getSnapshot().unreadCount, 2, "counted once, by the catch-up");
});
