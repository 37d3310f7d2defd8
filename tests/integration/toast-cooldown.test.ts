// A storm of toggles by one person on one photo: the owner's inbox settles on the final state, and
// the owner gets at most one toast per cooldown (NOTIFICATION_TOAST_COOLDOWN_MS; a minute here, so
// "at most one" holds however slow the machine is). Other likers and other photos toast as usual.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  shownIds,
  signedInClient,
  startTestStack,
  toasted,
  type TestStack,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("toast-cooldown", { env: { NOTIFICATION_TOAST_COOLDOWN_MS: "60000" } });
});
after(() => stack?.stop());

async function settled(recipientId: string) {
  await eventually(
    "every event processed",
    async () => (await stack.db.outboxEvent.count({ where: { processedAt: null } })) === 0,
    30_000,
  );
  return stack.db.notification.findMany({ where: { recipientId }, select: { id: true, actorId: true, postId: true } });
}

for (const finalState of ["liked", "unliked"] as const) {
  test(`21 toggles ending ${finalState}: one toast at most, and the inbox ends ${finalState === "liked" ? "with" : "without"} the notification`, async () => {
    const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const [asAlice, asBob] = [await signedInClient(stack.url, alice), await signedInClient(stack.url, bob)];
    const tab = await connectSocket(stack.url, asBob);
    try {
      const toggles = finalState === "liked" ? 21 : 22;
      for (let i = 0; i < toggles; i++) {
        const res =
          i % 2 === 0
            ? await asAlice.put(`/api/posts/${post.id}/like`)
            : await asAlice.delete(`/api/posts/${post.id}/like`);
        assert.equal(res.status, 200);
      }
      const rows = await settled(bob.id);
      assert.equal(rows.length, finalState === "liked" ? 1 : 0);
      await eventually("the tab shows what the inbox holds", () => {
        const shown = shownIds(tab.received);
        return shown.size === rows.length && rows.every((r) => shown.has(r.id));
      });
      if (finalState === "liked") {
        // The like exists, so a notification was created at least once; only the first toasts.
        assert.ok(notifications(tab.received).length >= 1);
        assert.equal(toasted(tab.received).length, 1, "exactly one of the arrivals asked for a toast");
      } else {
        // The worker may have caught the like on, or only ever seen it off: none or one toast.
        assert.ok(toasted(tab.received).length <= 1, `${toasted(tab.received).length} toasts`);
      }

      // Someone else liking the same photo is not held back by alice's cooldown.
      const carol = await createUser(stack.db);
      assert.equal((await (await signedInClient(stack.url, carol)).put(`/api/posts/${post.id}/like`)).status, 200);
      const fromCarol = await eventually("carol's notification", () =>
        notifications(tab.received).find((n) => n.actor.id === carol.id),
      );
      assert.ok(toasted(tab.received).includes(fromCarol.id));
    } finally {
      tab.socket.close();
    }
  });
}
