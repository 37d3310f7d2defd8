// The fault suite against Postgres HA (tooling/patroni.ts): the stack's database is a two-node
// Patroni cluster behind HAProxy instead of the machine's Postgres, with nginx in front, one
// supervised app and worker, and Prometheus watching (tests/faults/metrics.ts). R9 loses the
// primary machine, R11 cuts the synchronous standby off. Figures are reported, not asserted.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before } from "node:test";
import type { ApiClient } from "../../tooling/api-client";
import { nginxOnFreePorts } from "../../tooling/nginx";
import type { PostgresHa } from "../../tooling/patroni";
import type { RunningPrometheus } from "../../tooling/prometheus";
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
let ha: PostgresHa;
let prometheus: RunningPrometheus;
type Tab = Awaited<ReturnType<typeof connectSocket>>;
const openTabs: Tab[] = [];

before(async () => {
  stack = await startTestStack("faults-pgha", {
    postgresHa: true,
    nginx: nginxOnFreePorts({
      apiRatePerSecond: 100_000,
      apiBurst: 100_000,
      signinRatePerMinute: 100_000,
      signinBurst: 10_000,
    }),
    supervise: { onEvent: () => undefined },
    env: { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? "warn", NOTIFICATION_TOAST_COOLDOWN_MS: "0" },
  });
  ha = stack.postgresHa!;
  prometheus = await startFaultObserver(stack, path.join(stack.runDir, "prometheus"));
});

after(async () => {
  for (const tab of openTabs) tab.socket.close();
  closeConnections();
  await prometheus?.stop();
  await stack?.stop();
  writeReport();
});

const { faultCase, writeReport } = faultCases("postgres-ha", () => prometheus);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The test's own reads go through HAProxy too: retried while a failover is under way. */
async function retried<T>(read: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  return eventually("a read through HAProxy", () => read().catch(() => undefined), timeoutMs, 200);
}

async function likeScene(opts: { owners: number; postsPerOwner: number; likers: number; seed: number }) {
  const owners: TestUser[] = await Promise.all(Array.from({ length: opts.owners }, () => createUser(stack.db)));
  const likers: TestUser[] = await Promise.all(Array.from({ length: opts.likers }, () => createUser(stack.db)));
  const posts: string[] = [];
  for (const o of owners)
    for (let i = 0; i < opts.postsPerOwner; i++) posts.push((await createPost(stack.db, o.id)).id);
  const likerClients = await pool(likers.length, 10, (i) => signedInClient(stack.url, likers[i]!));
  const ownerClients = await pool(owners.length, 10, (i) => signedInClient(stack.url, owners[i]!));
  const tabs: Tab[] = [];
  for (const c of ownerClients) {
    const tab = await connectSocket(stack.url, c, { catchUpOnReconnect: true });
    openTabs.push(tab);
    tabs.push(tab);
  }
  const pairs = shuffled(
    likers.flatMap((l, i) => posts.map((p) => ({ client: likerClients[i]!, post: p }))),
    opts.seed,
  );
  return { ownerIds: owners.map((o) => o.id), likerIds: likers.map((l) => l.id), tabs, pairs };
}

function likeRequest(client: ApiClient, postId: string): Promise<Answer> {
  return rawRequest(stack.url, {
    method: "PUT",
    path: `/api/posts/${postId}/like`,
    headers: { cookie: client.cookieHeader(), accept: "application/json" },
    timeoutMs: 30_000,
  });
}

/** Every pair liked: each retried (after a JSON refusal) until it is answered 200; `onOk` sees each success. */
async function likeAll(
  pairs: { client: ApiClient; post: string }[],
  tally: Tally,
  onOk: (at: number) => void,
  paceMs = 0,
) {
  let ok = 0;
  await pool(pairs.length, 10, async (i) => {
    const { client, post } = pairs[i]!;
    if (paceMs) await sleep(paceMs);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answer = await likeRequest(client, post);
      tally.add(answer, `like ${i}`);
      if (answer.status === 200) {
        onOk(Date.now());
        ok++;
        return;
      }
      if (Date.now() > deadline) return;
      await sleep(200);
    }
  });
  return ok;
}

/** Likes stored, notifications stored and shown, pushes doubled: the counts every case ends with. */
async function settle(scene: Awaited<ReturnType<typeof likeScene>>, likedOk: number) {
  const stored = await retried(() => stack.db.like.count({ where: { userId: { in: scene.likerIds } } }));
  const ids = await eventually(
    "every owed notification stored",
    async () => {
      const rows = await stack.db.notification
        .findMany({
          where: { recipientId: { in: scene.ownerIds }, actorId: { in: scene.likerIds } },
          select: { id: true },
        })
        .catch(() => undefined);
      return rows && rows.length === likedOk && rows.map((r) => r.id);
    },
    90_000,
    250,
  );
  await eventually(
    "the tabs show every notification",
    () => {
      const shown = new Set(scene.tabs.flatMap((t) => [...shownIds(t.received)]));
      return ids.every((id) => shown.has(id));
    },
    60_000,
    200,
  );
  await sleep(1000); // a late duplicate would arrive now
  const pushes = scene.tabs.flatMap((t) =>
    t.received.filter((r: Received) => r.event === "notification").map((r: Received) => r.payload.id as string),
  );
  const shown = new Set(scene.tabs.flatMap((t) => [...shownIds(t.received)]));
  return {
    stored,
    notifications: ids.length,
    lost: likedOk - ids.filter((id) => shown.has(id)).length,
    duplicated: pushes.length - new Set(pushes).size,
  };
}

// --- R9 ------------------------------------------------------------------------------------------

faultCase(
  "R9",
  "Postgres primary machine lost (Patroni and Postgres SIGKILLed) during 1,000 likes",
  async (r) => {
    const scene = await likeScene({ owners: 5, postsPerOwner: 10, likers: 20, seed: 9 });
    await ha.waitForSyncStandby();
    const oldLeader = (await ha.leader())!;
    const node = ha.nodes.find((n) => n.name === oldLeader)!;
    r.load = "20 users each like 50 photos of 5 online owners: 1,000 likes, 10 at a time, refused ones retried";
    r.fault = `SIGKILL of the leader's Patroni and every Postgres process (${oldLeader}) after 300 likes answered`;

    const tally = new Tally();
    let answered = 0;
    let killedAt = 0;
    const okTimes: number[] = [];
    let failover: Promise<{ name: string; at: number }> | null = null;
    const ok = await likeAll(scene.pairs, tally, (at) => {
      okTimes.push(at);
      if (++answered === 300) {
        killedAt = Date.now();
        node.kill("SIGKILL");
        failover = ha.waitForLeader({ not: oldLeader }).then((name) => ({ name, at: Date.now() }));
      }
    });
    assert.ok(failover, "the leader was killed");
    const { name: newLeader, at: leaderAt } = await (failover as Promise<{ name: string; at: number }>);
    Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
    assert.deepEqual(tally.other, [], "every answer 2xx or JSON in the API's error shape");
    // Likes in flight at the kill may still be answered; the longest gap between 2xx is the outage.
    const sorted = [...okTimes].sort((a, b) => a - b);
    let stall = 0;
    for (let i = 1; i < sorted.length; i++) stall = Math.max(stall, sorted[i]! - sorted[i - 1]!);
    const firstOkAfter = sorted.find((t) => t >= leaderAt);

    const counts = await settle(scene, ok);
    r.lost = counts.lost + (ok - counts.stored);
    r.duplicated = counts.duplicated;

    // The lost machine comes back: it must rejoin as a standby of the new leader.
    const restartAt = Date.now();
    node.start();
    const rejoined = await ha.waitForSyncStandby({ name: oldLeader, timeoutMs: 120_000 });
    const rejoinedAt = Date.now();
    r.recovery =
      `new leader ${newLeader} ${seconds(leaderAt - killedAt)} after the kill (seen at most that late); ` +
      `longest gap between 2xx likes ${seconds(stall)}; ` +
      `first like answered 2xx after the new leader ${firstOkAfter ? seconds(firstOkAfter - leaderAt) : "never"} later; ` +
      `${oldLeader} restarted and back as sync standby in ${seconds(rejoinedAt - restartAt)} (timeline ${rejoined.timeline})`;
    r.notes.push(
      `answers: ${tally.summary()}`,
      `${counts.stored} likes stored for ${ok} answered 2xx; ${counts.notifications} notifications`,
    );
    assert.equal(ok, 1000);
    assert.equal(counts.stored, ok, "likes answered 2xx == likes in the database");
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
  },
  420_000,
);

// --- R11 -----------------------------------------------------------------------------------------

faultCase(
  "R11",
  "synchronous standby cut off (its Postgres SIGSTOPped for 15 s) during likes",
  async (r) => {
    const scene = await likeScene({ owners: 3, postsPerOwner: 10, likers: 10, seed: 11 });
    const standby = await ha.waitForSyncStandby({ timeoutMs: 120_000 });
    const node = ha.nodes.find((n) => n.name === standby.name)!;
    r.load = "10 users like 30 photos of 3 online owners: 300 likes, 10 at a time, 500 ms apart, refused ones retried";
    r.fault = `SIGSTOP of every Postgres process of the sync standby ${standby.name} for 15 s, then SIGCONT`;

    const tally = new Tally();
    const okTimes: number[] = [];
    let stoppedAt = 0;
    let droppedAt = 0;
    let resumedAt = 0;
    const fault = (async () => {
      await sleep(3000);
      stoppedAt = Date.now();
      node.signalPostgres("SIGSTOP");
      const dropped = eventually(
        "the standby dropped from synchronous replication",
        async () => {
          const m = (await ha.cluster().catch(() => [])).find((x) => x.name === standby.name);
          return m !== undefined && m.role !== "sync_standby" && Date.now();
        },
        60_000,
        100,
      ).catch(() => 0);
      await sleep(15_000);
      droppedAt = await dropped;
      node.signalPostgres("SIGCONT");
      resumedAt = Date.now();
    })();
    // 500 ms between a slot's likes: about 15 s of traffic, so the stop falls well inside it.
    const ok = await likeAll(scene.pairs, tally, (at) => okTimes.push(at), 500);
    await fault;
    const back = await ha.waitForSyncStandby({ name: standby.name, timeoutMs: 120_000 });
    const backAt = Date.now();
    const caughtUp = await eventually(
      "the standby's lag back to 0",
      async () => {
        const m = (await ha.cluster().catch(() => [])).find((x) => x.name === standby.name);
        return m && (m.lag === 0 || m.lag === "0") && Date.now();
      },
      60_000,
      100,
    );
    Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
    assert.deepEqual(tally.other, [], "every answer 2xx or JSON in the API's error shape");

    // The longest pause between two successful likes around the fault: how long writes stalled.
    const during = okTimes.filter((t) => t >= stoppedAt - 2000).sort((a, b) => a - b);
    let stall = 0;
    for (let i = 1; i < during.length; i++) stall = Math.max(stall, during[i]! - during[i - 1]!);
    const counts = await settle(scene, ok);
    r.lost = counts.lost + (ok - counts.stored);
    r.duplicated = counts.duplicated;
    r.recovery =
      `${droppedAt ? `standby dropped from sync ${seconds(droppedAt - stoppedAt)} after the SIGSTOP` : "standby never dropped from sync"}; ` +
      `longest gap between 2xx likes ${seconds(stall)}; after SIGCONT sync standby again in ${seconds(backAt - resumedAt)}, ` +
      `lag 0 in ${seconds(caughtUp - resumedAt)} (role ${back.role})`;
    r.notes.push(
      `answers: ${tally.summary()}`,
      `${counts.stored} likes stored for ${ok} answered 2xx; ${counts.notifications} notifications`,
    );
    assert.equal(ok, 300);
    assert.equal(counts.stored, ok);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
  },
  300_000,
);
