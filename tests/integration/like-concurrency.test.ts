// likeCount equals the number of Like rows under any concurrency: 50 users liking and unliking
// one post at once, several rounds, leave no drift and no 500.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ApiClient } from "../../tooling/api-client";
import { createPost, createUser, signedInClient, startTestStack, type TestStack } from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("concurrency");
});
after(() => stack?.stop());

test("50 users liking and unliking one post in parallel leave likeCount equal to the Like rows", async () => {
  const owner = await createUser(stack.db);
  const post = await createPost(stack.db, owner.id);
  const clients: ApiClient[] = await Promise.all(
    Array.from({ length: 50 }, async () => signedInClient(stack.url, await createUser(stack.db))),
  );

  const statuses = new Map<number, number>();
  for (let round = 0; round < 4; round++) {
    // Each user fires like, unlike, like (and a duplicate like) without waiting: the server sees
    // interleaved requests from all 50 at once, including concurrent ones from the same user.
    const responses = await Promise.all(
      clients.flatMap((c, i) => {
        const requests = [
          c.put(`/api/posts/${post.id}/like`),
          c.delete(`/api/posts/${post.id}/like`),
          c.put(`/api/posts/${post.id}/like`),
        ];
        if ((i + round) % 3 === 0) requests.push(c.put(`/api/posts/${post.id}/like`));
        if ((i + round) % 4 === 0) requests.push(c.delete(`/api/posts/${post.id}/like`));
        return requests;
      }),
    );
    for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);

    const [row, likes] = await Promise.all([
      stack.db.post.findUniqueOrThrow({ where: { id: post.id }, select: { likeCount: true } }),
      stack.db.like.count({ where: { postId: post.id } }),
    ]);
    assert.equal(row.likeCount, likes, `round ${round}: likeCount ${row.likeCount} but ${likes} Like rows`);
  }
  assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);

  // And the API reports the same number.
  const viaApi = await clients[0]!.get(`/api/posts/${post.id}`);
  assert.equal(viaApi.body.likeCount, await stack.db.like.count({ where: { postId: post.id } }));
});
