// npm run bench: measures, never asserts. Starts its own stack (fresh database, private Redis,
// app, worker, nginx on free ports) and reports:
//   1. like -> notification latency: from sending PUT /api/posts/:id/like through nginx to the
//      owner's socket (also through nginx) receiving the event; and the HTTP answer alone;
//   2. like/unlike throughput through nginx at a fixed concurrency.
// Figures go to stdout and bench-results/latest.json. Everything stays on loopback.
//   BENCH_LIKES=300 BENCH_REQUESTS=3000 BENCH_CONCURRENCY=20 npm run bench
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectSocket, createPost, createUser, notifications, nginxOnFreePorts, signedInClient, startTestStack } from "../tests/support/harness";
import { ROOT, buildIfNeeded } from "./lib/stack";

const LIKES = Number(process.env.BENCH_LIKES ?? 300);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);

function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { n: sorted.length, min: round(sorted[0]!), median: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1)!) };
}

buildIfNeeded((line) => console.log(line));
const stack = await startTestStack("bench", {
  env: { LIKE_RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "warn" },
  nginx: nginxOnFreePorts({ apiRatePerSecond: 100000, apiBurst: 100000, signinRatePerMinute: 10000, signinBurst: 1000 }),
});

try {
  const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
  const posts = [];
  for (let i = 0; i < LIKES; i++) posts.push(await createPost(stack.db, bob.id, `bench ${i}`));
  const asAlice = await signedInClient(stack.url, alice);
  const asBob = await signedInClient(stack.url, bob);
  const bobTab = await connectSocket(stack.url, asBob);

  // Warm-up: compile routes, fill pools.
  for (const p of posts.slice(0, 10)) await asAlice.put(`/api/posts/${p.id}/like`);
  await new Promise((r) => setTimeout(r, 500));

  // 1. Latency, one like at a time.
  const endToEnd: number[] = [];
  const httpOnly: number[] = [];
  const afterAnswer: number[] = [];
  for (const p of posts.slice(10)) {
    const seen = notifications(bobTab.received).length;
    const t0 = performance.now();
    const res = await asAlice.put(`/api/posts/${p.id}/like`);
    const t1 = performance.now();
    if (res.status !== 200) throw new Error(`like answered ${res.status}`);
    while (notifications(bobTab.received).length === seen) await new Promise((r) => setImmediate(r));
    const arrived = bobTab.received.filter((r) => r.event === "notification").at(-1)!.at;
    httpOnly.push(t1 - t0);
    endToEnd.push(arrived - t0);
    afterAnswer.push(arrived - t1);
  }
  bobTab.socket.close();

  // 2. Throughput: CONCURRENCY users each toggling their like on one shared post.
  const owner = await createUser(stack.db);
  const shared = await createPost(stack.db, owner.id, "shared");
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, async () => signedInClient(stack.url, await createUser(stack.db))));
  const perRequest: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      let liked = false;
      while (next < REQUESTS) {
        next++;
        const t0 = performance.now();
        const res = liked ? await client.delete(`/api/posts/${shared.id}/like`) : await client.put(`/api/posts/${shared.id}/like`);
        perRequest.push(performance.now() - t0);
        if (res.status !== 200) failures++;
        liked = !liked;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const row = await stack.db.post.findUniqueOrThrow({ where: { id: shared.id }, select: { likeCount: true } });
  const likeRows = await stack.db.like.count({ where: { postId: shared.id } });

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    likeToNotificationMs: summarize(endToEnd),
    likeHttpRoundTripMs: summarize(httpOnly),
    // The queue -> worker -> emitter -> socket part: from the HTTP answer to the event (the job
    // is enqueued just before the answer is sent).
    answerToNotificationMs: summarize(afterAnswer),
    throughput: {
      requests: perRequest.length,
      concurrency: CONCURRENCY,
      seconds: Math.round(seconds * 100) / 100,
      requestsPerSecond: Math.round(perRequest.length / seconds),
      latencyMs: summarize(perRequest),
      non200: failures,
      likeCountMatchesRows: row.likeCount === likeRows,
    },
  };
  mkdirSync(path.join(ROOT, "bench-results"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench-results", "latest.json"), JSON.stringify(results, null, 2));
  const fmt = (s: ReturnType<typeof summarize>) => `median ${s.median} ms, p90 ${s.p90} ms, p99 ${s.p99} ms, max ${s.max} ms (n=${s.n})`;
  console.log(`\nlike -> owner's socket event (through nginx): ${fmt(results.likeToNotificationMs)}`);
  console.log(`like HTTP round trip (through nginx):         ${fmt(results.likeHttpRoundTripMs)}`);
  console.log(`HTTP answer -> socket event:                  ${fmt(results.answerToNotificationMs)}`);
  console.log(
    `like/unlike throughput: ${results.throughput.requestsPerSecond} req/s with ${CONCURRENCY} concurrent users, ` +
      `${fmt(results.throughput.latencyMs)}, non-200: ${failures}, likeCount == Like rows: ${results.throughput.likeCountMatchesRows}`,
  );
  console.log(`(${results.machine.cpus} cores, ${results.machine.model}, Node ${results.machine.node}; written to bench-results/latest.json)`);
} finally {
  await stack.stop();
}
process.exit(0);
