// What the tab's socket feeds, through the real thing: a Socket.IO server on a free loopback port
// and socket.io-client, as the browser runs it. NotificationCenter.bind (the story: connected,
// toasts, retractions, catch-up) and bindJourney (the journey layer: the clock, the owner's last
// two hops, the report for the liker), bound in the order RealtimeProvider binds them.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Server, type Socket as ServerSocket } from "socket.io";
import { io, type Socket } from "socket.io-client";
import { bindJourney, RecentLikers } from "../../app/lib/journey/socket";
import { JourneyStore } from "../../app/lib/journey/store";
import { isNotification, NotificationCenter, type InboxServer } from "../../app/lib/notification-center";
import type { Notification, NotificationPage } from "../../shared/api";
import type { JourneyDeliveredReport } from "../../shared/journey";
import { REALTIME_EVENTS } from "../../shared/realtime-events";

// Node has no frames to paint: the render hop's "after the next paint" runs on a timer instead.
globalThis.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 16) as never;

const httpServer = createServer();
const ioServer = new Server(httpServer);
let url = "";

before(async () => {
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});
after(async () => {
  await ioServer.close();
});

/** A browser-side socket, bound before it connects (as the provider binds it), and the server's end. */
async function connectPair(bind: (socket: Socket) => void): Promise<{ client: Socket; server: ServerSocket }> {
  const serverSide = new Promise<ServerSocket>((resolve) => ioServer.once("connection", resolve));
  // No reconnecting on its own: a test that fails midway must not keep the process alive.
  const client = io(url, { transports: ["websocket"], autoConnect: false, reconnection: false });
  bind(client);
  client.connect();
  return { client, server: await serverSide };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let clock = Date.parse("2026-11-26T10:00:00Z");
function item(id: string, actor = `user_${id}`): Notification {
  clock += 1000;
  return {
    id,
    type: "like",
    actor: { id: `u-${actor}`, username: actor, name: actor, avatarUrl: "/a.svg" },
    post: { id: `p-${id}`, imageUrl: "/p.svg" },
    createdAt: new Date(clock).toISOString(),
    readAt: null,
  };
}

/** An inbox that stays empty, counting the catch-up reads. */
function emptyInbox(): InboxServer & { reads: number } {
  const page: NotificationPage = { items: [], nextCursor: null, unreadCount: 0, unseenCount: 0 };
  const inbox = {
    reads: 0,
    fetchLatest: async () => {
      inbox.reads += 1;
      return page;
    },
    markRead: async () => page,
    markSeen: async () => page,
  };
  return inbox;
}

const traceId = (n: number) => n.toString(16).padStart(32, "a");

test("the center follows the socket: hello, toasts as the server decides, retractions, resync, disconnect", async () => {
  const inbox = emptyInbox();
  const center = new NotificationCenter({ unreadCount: 0, unseenCount: 0, items: [] }, inbox);
  let unbind: () => void = () => undefined;
  const pair = await connectPair((socket) => {
    unbind = center.bind(socket);
  });

  pair.server.emit(REALTIME_EVENTS.hello, { instance: "app-1" });
  await until("connected", () => center.getSnapshot().connection === "connected");
  assert.equal(center.getSnapshot().instance, "app-1");
  await until("the catch-up read", () => inbox.reads === 1);

  pair.server.emit(REALTIME_EVENTS.notification, item("n1"), { toast: false });
  pair.server.emit(REALTIME_EVENTS.notification, { id: "not a notification" });
  pair.server.emit(REALTIME_EVENTS.notification, item("n2"), { toast: true });
  await until("both notifications", () => center.getSnapshot().unreadCount === 2);
  assert.deepEqual(
    center.getSnapshot().toasts.map((t) => t.id),
    ["n2"],
    "quiet when the server says so; a malformed payload is ignored",
  );

  pair.server.emit(REALTIME_EVENTS.retraction, { id: "n2" });
  await until("the retraction", () => center.isRetracted("n2"));
  assert.deepEqual(center.getSnapshot().toasts, []);

  const readsBefore = inbox.reads;
  pair.server.emit(REALTIME_EVENTS.resync);
  await until("the resync's catch-up", () => inbox.reads > readsBefore);

  pair.server.disconnect();
  await until("disconnected", () => center.getSnapshot().connection === "disconnected");

  unbind();
  ioServer.once("connection", (socket) => socket.emit(REALTIME_EVENTS.hello, { instance: "app-2" }));
  const helloAgain = new Promise((resolve) => pair.client.once(REALTIME_EVENTS.hello, resolve));
  pair.client.connect();
  await helloAgain;
  assert.equal(center.getSnapshot().connection, "disconnected", "unbound: the socket no longer drives it");
  pair.client.disconnect();
});

test("bindJourney, after the center: the clock, the owner's socket and render hops, the report, the liker's hops", async () => {
  const center = new NotificationCenter({ unreadCount: 0, unseenCount: 0, items: [] }, emptyInbox());
  const journeys = new JourneyStore();
  /** The server's clock runs 5 s ahead of this one. */
  const serverNow = () => Date.now() + 5000;
  let clockQuestions = 0;
  const reports: JourneyDeliveredReport[] = [];
  ioServer.once("connection", (socket) => {
    socket.on(REALTIME_EVENTS.clock, (ack: (answer: { now: number }) => void) => {
      clockQuestions += 1;
      ack({ now: serverNow() });
    });
    socket.on(REALTIME_EVENTS.journeyDelivered, (report: JourneyDeliveredReport) => reports.push(report));
  });
  // When the owner's journey first appears, has the center already taken the notification?
  let unreadWhenJourneyAppeared: number | null = null;
  journeys.subscribe(() => {
    if (unreadWhenJourneyAppeared === null && journeys.getSnapshot().some((j) => j.side === "owner"))
      unreadWhenJourneyAppeared = center.getSnapshot().unreadCount;
  });
  const pair = await connectPair((socket) => {
    center.bind(socket);
    bindJourney(socket, journeys, center);
  });
  await until("three clock questions", () => clockQuestions === 3);

  const hopsUpToWorker = { click: 4, nginx: 0.2, route: 1, session: 0.5, postgres: 2, outbox: 1, queue: 1, worker: 3 };
  pair.server.emit(REALTIME_EVENTS.notification, item("n1", "alice"), {
    toast: true,
    journey: { traceId: traceId(1), hops: hopsUpToWorker, emittedAt: serverNow() },
  });
  await until("the report", () => reports.length === 1);
  assert.equal(unreadWhenJourneyAppeared, 1, "the center applied the event before the journey measured it");
  const received = journeys.find("owner", traceId(1))!;
  assert.equal(received.counterpart, "alice");
  assert.equal(received.postId, "p-n1");
  const { socket: socketMs, render, ...upToWorker } = received.hops;
  assert.deepEqual(upToWorker, hopsUpToWorker);
  assert.ok(typeof socketMs === "number" && socketMs >= 0 && socketMs < 1000, `socket hop ${socketMs}: clocks offset`);
  assert.ok(typeof render === "number" && render >= 0, `render hop ${render}`);
  assert.deepEqual(reports, [{ traceId: traceId(1), socket: socketMs, render }]);

  // A second copy of the event is neither measured nor reported again.
  pair.server.emit(REALTIME_EVENTS.notification, item("n1", "alice"), {
    toast: true,
    journey: { traceId: traceId(1), hops: hopsUpToWorker, emittedAt: serverNow() },
  });
  // A retraction carries only the id: the journey names the liker from the notification.
  pair.server.emit(
    REALTIME_EVENTS.retraction,
    { id: "n1" },
    { toast: false, journey: { traceId: traceId(2), hops: hopsUpToWorker, emittedAt: serverNow() } },
  );
  await until("the retraction's report", () => reports.length === 2);
  assert.equal(reports[1]!.traceId, traceId(2));
  const retracted = journeys.find("owner", traceId(2))!;
  assert.equal(retracted.liked, false);
  assert.equal(retracted.counterpart, "alice");
  assert.equal(retracted.postId, "p-n1");

  pair.server.emit(REALTIME_EVENTS.journeyHops, {
    traceId: traceId(3),
    postId: "p9",
    liked: true,
    hops: { outbox: 1.5, queue: 2 },
  });
  pair.server.emit(REALTIME_EVENTS.journeyHops, { traceId: "not a trace id", postId: "p9", liked: true, hops: {} });
  await until("the liker's hops", () => journeys.find("liker", traceId(3)) !== undefined);
  assert.deepEqual(journeys.find("liker", traceId(3))!.hops, { outbox: 1.5, queue: 2 });
  assert.equal(journeys.getSnapshot().length, 3);
  pair.client.disconnect();
});

test("the likers remembered to name retractions: the last ones heard of", () => {
  const likers = new RecentLikers(2);
  likers.remember([item("a", "alice"), item("b", "bob")]);
  likers.remember([item("c", "carol")]);
  assert.equal(likers.get("a"), undefined, "the oldest is forgotten");
  assert.deepEqual(likers.get("b"), { actor: "bob", postId: "p-b" });
  assert.deepEqual(likers.get("c"), { actor: "carol", postId: "p-c" });
});

test("a notification payload is checked before anyone trusts it", () => {
  assert.equal(isNotification(item("n1")), true);
  for (const bad of [null, "n1", { id: "n1" }, { id: "n1", actor: { username: "a" } }, { ...item("n1"), id: 7 }])
    assert.equal(isNotification(bad), false, JSON.stringify(bad));
});
