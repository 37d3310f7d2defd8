// The fault suite's Redis-failover case: a stack whose Redis is a primary, a replica and three
// Sentinels (tooling/redis-ha.ts), with nginx in front and the app and worker supervised, as
// faults.test.ts runs its own. The primary is SIGKILLed while likes flow; Sentinel promotes the
// replica and every Redis connection of the app and the worker follows by itself.
//
// Prometheus's redis_exporter is pointed at the first primary (observeStack reads stack.redis.url
// once): after the kill it reports that server down until the case starts it again, when Sentinel
// makes it a replica of the new primary. The metrics columns read Redis through it accordingly.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before } from "node:test";
import type { ApiClient } from "../../tooling/api-client";
import { nginxOnFreePorts } from "../../tooling/nginx";
import type { RunningPrometheus } from "../../tooling/prometheus";
import type { SwitchMaster } from "../../tooling/redis-ha";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  shownIds,
  signedInClient,
  startTestStack,
  type Received,
  type TestStack,
  type TestUser,
} from "../support/harness";
import { faultCases } from "./cases";
import { startFaultObserver } from "./metrics";
import { closeConnections, pool, rawRequest, shuffled, sleep, Tally, type Answer } from "./support";

let stack: TestStack;
let prometheus: RunningPrometheus;
const openTabs: Awaited<ReturnType<typeof connectSocket>>[] = [];

before(async () => {
  stack = await startTestStack("faults-redis-ha", {
    redisHa: true,
    nginx: nginxOnFreePorts({
      apiRatePerSecond: 100_000,
      apiBurst: 100_000,
      signinRatePerMinute: 100_000,
      signinBurst: 10_000,
    }),
    supervise: { onEvent: () => undefined },
    env: { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? "warn", NOTIFICATION_TOAST_COOLDOWN_MS: "0" },
  });
  prometheus = await startFaultObserver(stack, path.join(stack.runDir, "prometheus"));
});

after(async () => {
  for (const tab of openTabs) tab.socket.close();
  closeConnections();
  await prometheus?.stop();
  await stack?.stop();
  writeReport();
});

const { faultCase, writeReport } = faultCases("redis-ha", () => prometheus);

const users = (count: number): Promise<TestUser[]> =>
  Promise.all(Array.from({ length: count }, () => createUser(stack.db)));
const clientsFor = (list: TestUser[]): Promise<ApiClient[]> =>
  pool(list.length, 10, (i) => signedInClient(stack.url, list[i]!));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function likeRequest(client: ApiClient, postId: string): Promise<Answer> {
  return rawRequest(stack.url, {
    method: "PUT",
    path: `/api/posts/${postId}/like`,
    headers: { cookie: client.cookieHeader(), accept: "application/json" },
  });
}

const pushes = (received: Received[]) => received.filter((r) => r.event === "notification");
const count = (received: Received[], event: string) => received.filter((r) => r.event === event).length;

faultCase("R10", "Redis primary SIGKILLed during 1,000 likes; Sentinel promotes the replica", async (r) => {
  const ha = stack.redisHa!;
  const owners = await users(5);
  const likers = await users(20);
  const ownerIds = owners.map((o) => o.id);
  const likerIds = likers.map((l) => l.id);
  const posts: string[] = [];
  for (const owner of owners) for (let i = 0; i < 10; i++) posts.push((await createPost(stack.db, owner.id)).id);
  const likerClients = await clientsFor(likers);
  // The owners' tabs, open before the kill and never reopened by hand (no catch-up on reconnect).
  const tabs = await Promise.all(
    (await clientsFor(owners)).map(async (c) => {
      const tab = await connectSocket(stack.url, c);
      openTabs.push(tab);
      return tab;
    }),
  );
  const pairs = shuffled(
    likerClients.flatMap((client, i) => posts.map((post) => ({ client, liker: likerIds[i]!, post }))),
    10,
  );
  r.load =
    "20 users each like 50 photos of 5 online owners: 1,000 likes, 20 at a time, paced over about 15 s, through nginx";
  r.fault = "SIGKILL of the Redis primary after 300 answers; 3 Sentinels (quorum 2) promote the replica";

  const from = await ha.primary();
  const tally = new Tally();
  let likedOk = 0;
  let answered = 0;
  let killedAt = 0;
  let failover: Promise<SwitchMaster> | undefined;
  await pool(pairs.length, 20, async (i) => {
    const { client, post } = pairs[i]!;
    await sleep(300); // about 60 likes a second: the load outlasts the failover
    const answer = await likeRequest(client, post);
    tally.add(answer, `like ${i}`);
    if (answer.status === 200) likedOk++;
    if (++answered === 300) {
      killedAt = Date.now();
      const killed = ha.nodes.find((n) => n.port === from.port)!.kill("SIGKILL");
      failover = killed.then(() => ha.waitForFailover(from, { timeoutMs: 60_000 }));
    }
  });
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "every request answered 2xx or in the JSON shape");
  assert.ok(failover, "the primary was killed");
  const switched = await failover;
  const lastAnswerAt = Date.now();

  // Every like answered 2xx owes one notification row, and the owner's tab shows it: pushed, or
  // read by the resync the app asks for when its subscription comes back.
  const rows = async () =>
    (
      await stack.db.notification.findMany({
        where: { recipientId: { in: ownerIds }, actorId: { in: likerIds } },
        select: { id: true },
      })
    ).map((n) => n.id);
  await eventually("every owed notification stored", async () => (await rows()).length === likedOk, 60_000, 200);
  const ids = await rows();
  const allShownAt = await eventually(
    "the tabs show every notification",
    () => {
      const shown = new Set(tabs.flatMap((t) => [...shownIds(t.received)]));
      return ids.every((id) => shown.has(id)) && Date.now();
    },
    60_000,
    200,
  ).catch((error: unknown) => {
    // Which notifications never reached a tab, and what each tab saw besides pushes, relative to
    // the kill: the resyncs and the catch-up reads they started.
    const shown = new Set(tabs.flatMap((t) => [...shownIds(t.received)]));
    const since = (x: Received) => Math.round(performance.timeOrigin + x.at - killedAt);
    const timelines = tabs.map(
      (t, i) =>
        `tab ${i}: ` +
        t.received
          .filter((x) => x.event !== "notification")
          .map((x) => `${x.event}@${since(x)}ms${x.event === "catch-up" ? `(${(x.payload as unknown[]).length})` : ""}`)
          .join(" "),
    );
    throw new Error(
      `${(error as Error).message}: ${ids.filter((id) => !shown.has(id)).length} never shown; ${timelines.join("; ")}`,
    );
  });
  await sleep(1000); // a late duplicate would arrive now
  const pushed = tabs.flatMap((t) => pushes(t.received));
  const pushedIds = pushed.map((p) => p.payload.id as string);
  const shown = new Set(tabs.flatMap((t) => [...shownIds(t.received)]));
  r.duplicated = pushedIds.length - new Set(pushedIds).size;
  r.lost = likedOk - ids.filter((id) => shown.has(id)).length;

  // When pushes flowed again: the first push any tab received after the new primary was named.
  const atOf = (x: Received) => performance.timeOrigin + x.at;
  const firstPushAfter = Math.min(...pushed.map(atOf).filter((at) => at >= switched.at));
  const pushedAfterKill = tabs.map((t) => pushes(t.received).filter((p) => atOf(p) > switched.at).length);
  const switchMs = switched.at - killedAt;
  r.recovery =
    `+switch-master ${seconds(switchMs)} after the SIGKILL; pushes flowing again ${seconds(firstPushAfter - killedAt)} after it; ` +
    `all shown ${seconds(allShownAt - killedAt)} after it`;
  r.notes.push(
    `answers: ${tally.summary()}; the load ended ${seconds(lastAnswerAt - killedAt)} after the kill`,
    `${ids.length} notification rows for ${likedOk} likes answered 2xx; ${pushed.length} pushes, ` +
      `${tabs.reduce((n, t) => n + count(t.received, "resync"), 0)} resyncs, ${tabs.reduce((n, t) => n + count(t.received, "catch-up"), 0)} catch-up reads`,
    `pushes after the switch per open tab: ${pushedAfterKill.join(", ")}; hellos per tab: ${tabs.map((t) => count(t.received, "hello")).join(", ")}`,
    `Sentinel: down-after-milliseconds 1000, failover-timeout 5000, quorum 2 of 3 (docs/decisions/027-redis-sentinel.md)`,
  );
  console.log(`# R10 ${r.recovery}`);

  // The old primary back: Sentinel makes it a replica of the new one (the exporter reads it again).
  await ha.nodes.find((n) => n.port === from.port)!.start();
  assert.deepEqual(await ha.primary(), switched.to, "the restarted server did not take the primary back");

  assert.equal(tally.ok, 1000, tally.summary());
  assert.equal(ids.length, 1000);
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
  for (const [i, tab] of tabs.entries()) {
    assert.equal(count(tab.received, "hello"), 1, `tab ${i} never reconnected`);
    assert.ok(pushedAfterKill[i]! > 0, `tab ${i} received pushes after the switch`);
  }
  for (const t of tabs) t.socket.close();
});
