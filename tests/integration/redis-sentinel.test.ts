// Redis behind Sentinel (tooling/redis-ha.ts): the primary SIGKILLed, the replica promoted, and
// every Redis user of the app and the worker follows the switch by itself. The owner's socket,
// opened before the kill, gets a like's push after it without reconnecting; the rate limiter counts
// on the new primary; the revoked-session mirror is subscribed there again.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { encode } from "next-auth/jwt";
import { ApiClient } from "../../tooling/api-client";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("sentinel", { redisHa: true, env: { LIKE_RATE_LIMIT_PER_MINUTE: "5" } });
});
after(() => stack?.stop());

/** Likes, unlikes, likes... `count` times, as one user: the statuses. */
async function alternate(client: ApiClient, postId: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res =
      i % 2 ? await client.delete(`/api/posts/${postId}/like`) : await client.put(`/api/posts/${postId}/like`);
    statuses.push(res.status);
  }
  return statuses;
}

test("after the primary is SIGKILLed and a replica promoted, pushes, rate limits and the revoked-session mirror work", async () => {
  const ha = stack.redisHa!;
  assert.ok(ha, "the stack runs Redis behind Sentinel");
  assert.equal(stack.env.REDIS_URL, undefined, "apps and workers get no REDIS_URL");
  assert.equal(stack.env.REDIS_SENTINELS, ha.sentinels);

  const owner = await createUser(stack.db);
  const posts = await Promise.all(Array.from({ length: 3 }, () => createPost(stack.db, owner.id)));
  const tab = await connectSocket(stack.url, await signedInClient(stack.url, owner));
  try {
    const before = await signedInClient(stack.url, await createUser(stack.db));
    assert.equal((await before.put(`/api/posts/${posts[0]!.id}/like`)).status, 200);
    await eventually("the push before the kill", () => notifications(tab.received).length === 1);
    const limitedBefore = await signedInClient(stack.url, await createUser(stack.db));
    assert.deepEqual(await alternate(limitedBefore, posts[1]!.id, 7), [200, 200, 200, 200, 200, 429, 429]);

    const old = await ha.primary();
    const killedAt = Date.now();
    await ha.nodes.find((n) => n.port === old.port)!.kill("SIGKILL");
    const switched = await ha.waitForFailover(old);
    assert.notEqual(switched.to.port, old.port);
    assert.deepEqual(await ha.primary(), switched.to, "the Sentinels name the promoted replica");
    assert.equal(new URL(stack.redis.url).port, String(switched.to.port), "stack.redis follows the switch");
    console.log(`# +switch-master ${switched.at - killedAt} ms after the SIGKILL (${switched.sentinel})`);

    // A push published before the app's subscriber is back is lost to its sockets; the app then
    // asks them to re-read the inbox (ADR 017). After that resync, pushes must flow as before.
    await eventually(
      "the app's subscriber back: its resync",
      () => tab.received.some((x) => x.event === "resync"),
      30_000,
    );
    // The like's push, through the worker's emitter and the app's adapter, both on the new primary.
    const likerUser = await createUser(stack.db);
    const liker = await signedInClient(stack.url, likerUser);
    assert.equal((await liker.put(`/api/posts/${posts[0]!.id}/like`)).status, 200);
    const row = await eventually(
      "the notification stored",
      async () =>
        (await stack.db.notification.findFirst({ where: { recipientId: owner.id, actorId: likerUser.id } })) ??
        undefined,
    );
    await eventually(
      "the push after the switch",
      () => notifications(tab.received).some((n: { id: string }) => n.id === row.id),
      30_000,
    );
    console.log(`# a like's push flowed again ${Date.now() - killedAt} ms after the SIGKILL`);
    assert.equal(tab.received.filter((r) => r.event === "hello").length, 1, "the socket never reconnected");

    // The limiter counts on the new primary: a fresh user is cut off after 5, not let through
    // (without Redis it lets likes pass). The instance health says when the app's connection is back.
    await eventually(
      "the app's command connection is back",
      async () => (await new ApiClient(stack.url).get("/api/health?scope=instance")).status === 200,
      30_000,
      100,
    );
    const limited = await signedInClient(stack.url, await createUser(stack.db));
    assert.deepEqual(await alternate(limited, posts[2]!.id, 7), [200, 200, 200, 200, 200, 429, 429]);

    // The mirror answers from memory only while subscribed and loaded: a revocation sent only as a
    // message (no row in Postgres) is refused only by a mirror that heard it on the new primary.
    const claims = { sub: owner.id, username: owner.username, name: owner.name };
    const sid = `message-only-${owner.id}`;
    const token = await encode({ token: { ...claims, sid }, secret: stack.env.NEXTAUTH_SECRET! });
    const withToken = async () => {
      const client = new ApiClient(stack.url);
      client.cookies.set("next-auth.session-token", token);
      return (await client.get("/api/posts")).status;
    };
    assert.equal(await withToken(), 200);
    const publisher = new Redis(stack.redis.url);
    try {
      await eventually(
        "the mirror hears a revocation published on the new primary",
        async () => {
          await publisher.publish(`${stack.env.REDIS_PREFIX}:sessions:revoked`, sid);
          return (await withToken()) === 401;
        },
        30_000,
        200,
      );
    } finally {
      publisher.disconnect();
    }
  } finally {
    tab.socket.close();
  }
});
