// server/push.ts against a real redis-server: a new notification is published at most once per
// event, and the script that publishes it also claims the toast cooldown, so the first push of a
// (owner, liker, photo) toasts, the next ones within the cooldown do not, a replay publishes
// nothing and claims nothing, and a cooldown of 0 toasts every time.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import type { Notification } from "../../shared/api";
import { startPrivateRedis, type RedisServer } from "../../tooling/redis";

const PREFIX = `likes-test-push-${randomBytes(3).toString("hex")}`;
let runDir: string;
let redis: RedisServer;
let push: typeof import("../../server/push");
let client: Redis;
let subscriber: Redis;
const received: Buffer[] = [];

before(async () => {
  runDir = mkdtempSync(path.join(tmpdir(), "likes-push-once-"));
  redis = await startPrivateRedis(runDir);
  // server/env.ts is read on first use: this process's settings, before server/push.ts loads.
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: "postgresql://127.0.0.1:5432/unused", // never connected to here
    REDIS_URL: redis.url,
    REDIS_PREFIX: PREFIX,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    AUTH_TRUST_HOST: "true",
  });
  push = await import("../../server/push");
  client = new Redis(redis.url);
  subscriber = new Redis(redis.url);
  await subscriber.psubscribe(`${PREFIX}:socket.io#*`);
  subscriber.on("pmessageBuffer", (_pattern: Buffer, _channel: Buffer, message: Buffer) => received.push(message));
});
after(async () => {
  client?.disconnect();
  subscriber?.disconnect();
  await redis?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

const notification: Notification = {
  id: "n1",
  type: "like",
  createdAt: new Date(0).toISOString(),
  readAt: null,
  actor: { id: "a1", username: "alice", name: "Alice", avatarUrl: "/seed/avatars/alice.svg" },
  post: { id: "p1", imageUrl: "/seed/posts/alice-1.svg" },
} as Notification;

/** The `toast` flag of a published message: msgpack writes the key "toast" then true (0xc3) or false (0xc2). */
function toastOf(message: Buffer): boolean {
  const key = Buffer.from([0xa5, ...Buffer.from("toast")]);
  const at = message.indexOf(key);
  assert.ok(at >= 0, "the message carries a toast flag");
  return message[at + key.length] === 0xc3;
}

async function publishedSince(count: number): Promise<Buffer[]> {
  await client.ping(); // the subscriber's messages for commands already answered are in by now
  await new Promise((r) => setTimeout(r, 50));
  return received.slice(count);
}

test("the first push of a pair toasts, the next within the cooldown is quiet, a replay publishes nothing", async () => {
  const cooldown = { key: `${PREFIX}:toast:owner:a1:p1`, ms: 60_000 };
  const room = push.userRoom("owner");
  const start = received.length;
  const first = await push.emitNotificationOnce(client, `${PREFIX}:pushed:e1`, cooldown, room, notification, {});
  assert.deepEqual(first, { published: true, toast: true });
  const replay = await push.emitNotificationOnce(client, `${PREFIX}:pushed:e1`, cooldown, room, notification, {});
  assert.deepEqual(replay, { published: false, toast: false });
  const again = await push.emitNotificationOnce(client, `${PREFIX}:pushed:e2`, cooldown, room, notification, {});
  assert.deepEqual(again, { published: true, toast: false });
  const messages = await publishedSince(start);
  assert.deepEqual(messages.map(toastOf), [true, false], "two messages, toasting then quiet");
  assert.ok(Number(await client.pttl(cooldown.key)) > 0, "the cooldown expires on its own");
});

test("a replay claims nothing: the cooldown stays free for the next push", async () => {
  const cooldown = { key: `${PREFIX}:toast:owner:a2:p1`, ms: 60_000 };
  const room = push.userRoom("owner");
  await client.set(`${PREFIX}:pushed:e3`, "1"); // an earlier attempt pushed e3
  assert.deepEqual(await push.emitNotificationOnce(client, `${PREFIX}:pushed:e3`, cooldown, room, notification, {}), {
    published: false,
    toast: false,
  });
  assert.equal(await client.exists(cooldown.key), 0);
  assert.deepEqual(await push.emitNotificationOnce(client, `${PREFIX}:pushed:e4`, cooldown, room, notification, {}), {
    published: true,
    toast: true,
  });
});

test("a cooldown of 0 toasts every push", async () => {
  const cooldown = { key: `${PREFIX}:toast:owner:a3:p1`, ms: 0 };
  const room = push.userRoom("owner");
  for (const event of ["e5", "e6"]) {
    const result = await push.emitNotificationOnce(
      client,
      `${PREFIX}:pushed:${event}`,
      cooldown,
      room,
      notification,
      {},
    );
    assert.deepEqual(result, { published: true, toast: true });
  }
});
