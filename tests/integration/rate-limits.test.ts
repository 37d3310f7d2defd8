// Per-user like limit and per-username sign-in throttle, set low through their environment
// variables (the same variables a deployment sets), against a real app and Redis.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiClient } from "../../tooling/api-client";
import { createPost, createUser, PASSWORD, signedInClient, startTestStack, type TestStack } from "../support/harness";

let stack: TestStack;

before(async () => {
  stack = await startTestStack("limits", {
    env: { LIKE_RATE_LIMIT_PER_MINUTE: "5", SIGNIN_MAX_FAILURES: "3", SIGNIN_LOCKOUT_SECONDS: "60" },
  });
});
after(() => stack?.stop());

test("likes past the per-user limit get 429 with Retry-After, and other users are unaffected", async () => {
  const [liker, other, owner] = [await createUser(stack.db), await createUser(stack.db), await createUser(stack.db)];
  const post = await createPost(stack.db, owner.id);
  const client = await signedInClient(stack.url, liker);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    statuses.push(
      (await (i % 2 ? client.delete(`/api/posts/${post.id}/like`) : client.put(`/api/posts/${post.id}/like`))).status,
    );
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  const limited = await client.put(`/api/posts/${post.id}/like`);
  assert.equal(limited.body.error.code, "rate_limited");
  const retryAfter = Number(limited.headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  // A refused request changed nothing: the 5 allowed ones left the post liked (like, unlike, like, unlike, like).
  assert.equal(await stack.db.like.count({ where: { postId: post.id } }), 1);

  const otherClient = await signedInClient(stack.url, other);
  assert.equal((await otherClient.put(`/api/posts/${post.id}/like`)).status, 200);
});

test("repeated failed sign-ins for one username are throttled with 429, even with the right password", async () => {
  const user = await createUser(stack.db);
  for (let i = 0; i < 3; i++) {
    const client = new ApiClient(stack.url);
    await client.signIn(user.username, "wrong");
    assert.equal(client.isSignedIn(), false);
  }
  const client = new ApiClient(stack.url);
  const res = await client.signIn(user.username, PASSWORD);
  assert.equal(res.status, 429);
  const body = await res.json();
  assert.equal(body.error.code, "rate_limited");
  assert.ok(Number(res.headers.get("retry-after")) > 0);
  // next-auth's client signIn() reads `url` from the answer; with it, it reports status 429.
  assert.equal(new URL(body.url).searchParams.get("error"), "rate_limited");
  assert.equal(client.isSignedIn(), false);

  // Another username is not affected.
  const other = await createUser(stack.db);
  await signedInClient(stack.url, other);
});

test("a successful sign-in clears earlier failures", async () => {
  const user = await createUser(stack.db);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 2; i++) await new ApiClient(stack.url).signIn(user.username, "wrong");
    await signedInClient(stack.url, user); // would be refused if failures accumulated past 3
  }
});
