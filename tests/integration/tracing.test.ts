// One like, one trace (docs/decisions/015-trace-context.md): the trace id a browser
// starts is the one nginx logs, the app logs, the worker logs and the owner's socket receives; the
// like's journey reaches both people with every hop timed; and only the owner can report the last
// two hops back to the liker.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { JOURNEY_HOPS, type HopId } from "../../shared/journey";
import { nginxOnFreePorts } from "../../tooling/nginx";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  signedInClient,
  startTestStack,
  type Received,
  type TestStack,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  // Info level: the lines a trace should be found in are the app's and the worker's info lines.
  stack = await startTestStack("tracing", { nginx: nginxOnFreePorts(), env: { LOG_LEVEL: "info" } });
});
after(() => stack?.stop());

/** Log lines (JSON) of one process's log file that mention the trace id. */
async function linesWithTrace(file: string, traceId: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(stack.runDir, file), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.includes(traceId))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const journeyHops = (received: Received[], traceId: string) =>
  received
    .filter((r) => r.event === "journey:hops" && r.payload.traceId === traceId)
    .reduce((hops, r) => ({ ...hops, ...r.payload.hops }), {} as Record<string, unknown>);

function assertTimed(hops: Record<string, unknown>, ids: readonly HopId[], who: string) {
  for (const id of ids) {
    const ms = hops[id];
    assert.ok(typeof ms === "number" && ms >= 0, `${who}: hop ${id} timed (got ${JSON.stringify(ms)})`);
  }
}

describe("one like, one trace", () => {
  test("the browser's trace id is in nginx's, the app's and the worker's logs, and in the owner's event", async (t) => {
    const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const asAlice = await signedInClient(stack.url, alice);
    const asBob = await signedInClient(stack.url, bob);
    const bobSocket = await connectSocket(stack.url, asBob);
    const aliceSocket = await connectSocket(stack.url, asAlice);
    // Closed even when an assertion fails: an open socket would keep the file from ending.
    t.after(() => {
      bobSocket.socket.close();
      aliceSocket.socket.close();
    });

    // What app/lib/api-client.ts sends: a new trace, and the click hop in tracestate.
    const traceId = randomBytes(16).toString("hex");
    const browserSpan = randomBytes(8).toString("hex");
    // pg_stat_activity shows a backend's last statement only until the backend runs another, and
    // PgBouncer hands the most recently used backend to the next client (the worker's outbox relay
    // polls every 2 s). So it is sampled from before the like until the check, not read once after.
    const namedQueries: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const rows = await stack.db.$queryRaw<{ query: string }[]>`
          SELECT query FROM pg_stat_activity WHERE datname = current_database() AND query LIKE ${`%/*traceparent='00-${traceId}-%`}`;
        namedQueries.push(...rows.map((r) => r.query));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    t.after(async () => {
      sampling = false;
      await sampler;
    });
    const res = await asAlice.request("PUT", `/api/posts/${post.id}/like`, undefined, {
      traceparent: `00-${traceId}-${browserSpan}-01`,
      tracestate: "likes=click:7",
    });
    assert.equal(res.status, 200);

    // The answer names the trace, and times the hops the app played.
    assert.match(res.headers.get("traceresponse") ?? "", new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const timing = res.headers.get("server-timing") ?? "";
    for (const metric of ["nginx", "route", "session", "postgres", "enqueue", "app"]) {
      assert.match(
        timing,
        new RegExp(`(^|, )${metric};dur=\\d+(\\.\\d+)?(,|$)`),
        `Server-Timing has ${metric}: ${timing}`,
      );
    }

    // The owner's notification carries the journey: every hop up to the worker, timed.
    const notification = await eventually("bob's notification", () =>
      bobSocket.received.find((r) => r.event === "notification"),
    );
    const journey = notification.more?.[0]?.journey;
    assert.equal(journey?.traceId, traceId);
    assert.equal(journey.hops.click, 7, "the click hop is the browser's own figure");
    assertTimed(journey.hops, ["click", "nginx", "route", "session", "postgres", "outbox", "queue", "worker"], "owner");
    assert.ok(Math.abs(journey.emittedAt - Date.now()) < 60_000);

    // The liker hears the hops her request could not see.
    const fromWorker = await eventually("alice's journey:hops", () => {
      const hops = journeyHops(aliceSocket.received, traceId);
      return "worker" in hops && hops;
    });
    assertTimed(fromWorker, ["outbox", "queue", "worker"], "liker");

    // Every process on the way logged the trace id.
    const nginxLine = await eventually(
      "nginx's access log line",
      async () => (await linesWithTrace("nginx/access.log", traceId))[0],
    );
    assert.equal(nginxLine.trace_id, traceId);
    assert.equal(nginxLine.uri, `/api/posts/${post.id}/like`);
    const appLine = await eventually("the app's log line", async () =>
      (await linesWithTrace("app-1.log", traceId)).find((l) => l.msg === "api request"),
    );
    assert.equal(appLine.trace_id, traceId);
    assert.equal(appLine.status, 200);
    const workerLine = await eventually("the worker's log line", async () =>
      (await linesWithTrace("worker-1.log", traceId)).find((l) => l.msg === "notification job done"),
    );
    assert.equal(workerLine.trace_id, traceId);
    assert.equal(workerLine.result, "pushed");
    assert.notEqual(workerLine.span_id, appLine.span_id, "the worker's span is its own");
    const loggedHops = workerLine.hops as Record<string, unknown>;
    assertTimed(loggedHops, ["postgres", "outbox", "queue", "worker"], "the worker's log line");

    // Postgres names the trace too: the statements sent inside it end with a sqlcommenter comment.
    const named = await eventually("a statement in pg_stat_activity naming the trace", () => namedQueries[0]);
    sampling = false;
    await sampler;
    assert.match(named, new RegExp(`/\\*traceparent='00-${traceId}-[0-9a-f]{16}-01'\\*/$`));
  });

  test("without a browser trace, nginx starts one: its request id is the trace id everywhere", async () => {
    const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const asAlice = await signedInClient(stack.url, alice);
    const res = await asAlice.put(`/api/posts/${post.id}/like`);
    assert.equal(res.status, 200);
    const requestId = res.headers.get("x-request-id") ?? "";
    assert.match(requestId, /^[0-9a-f]{32}$/);
    assert.match(res.headers.get("traceresponse") ?? "", new RegExp(`^00-${requestId}-`));
    await eventually("the worker continued nginx's trace", async () =>
      (await linesWithTrace("worker-1.log", requestId)).find((l) => l.msg === "notification job done"),
    );
  });

  test("the owner reports the last two hops; the liker gets them, once; nobody else can report them", async () => {
    const [alice, bob, mallory] = [await createUser(stack.db), await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const asAlice = await signedInClient(stack.url, alice);
    const bobSocket = await connectSocket(stack.url, await signedInClient(stack.url, bob));
    const aliceSocket = await connectSocket(stack.url, asAlice);
    const mallorySocket = await connectSocket(stack.url, await signedInClient(stack.url, mallory));

    const liked = await asAlice.request("PUT", `/api/posts/${post.id}/like`, undefined, {
      tracestate: "likes=click:3",
    });
    assert.equal(liked.status, 200);
    const notification = await eventually("bob's notification", () =>
      bobSocket.received.find((r) => r.event === "notification"),
    );
    const traceId = notification.more?.[0]?.journey?.traceId as string;
    await eventually("alice's hops from the worker", () => "worker" in journeyHops(aliceSocket.received, traceId));

    // Someone else's socket claims the trace: ignored, and it does not use up the owner's report.
    mallorySocket.socket.emit("journey:delivered", { traceId, socket: 1, render: 1 });
    // Malformed reports are dropped.
    bobSocket.socket.emit("journey:delivered", { traceId, socket: -5, render: "x" });
    bobSocket.socket.emit("journey:delivered", { traceId, socket: 2.5, render: 4 });
    bobSocket.socket.emit("journey:delivered", { traceId, socket: 9, render: 9 });
    const reported = await eventually("alice's socket and render hops", () => {
      const hops = journeyHops(aliceSocket.received, traceId);
      return "socket" in hops && hops;
    });
    assert.equal(reported.socket, 2.5);
    assert.equal(reported.render, 4);
    // Every hop of the like is now known on the liker's side too.
    assertTimed(
      journeyHops(aliceSocket.received, traceId),
      JOURNEY_HOPS.map((h) => h.id),
      "liker",
    );
    // The clock the browser uses to time the socket hop.
    const clock = await bobSocket.socket.timeout(5000).emitWithAck("clock");
    assert.ok(Math.abs(clock.now - Date.now()) < 5000);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const reports = aliceSocket.received.filter(
      (r) => r.event === "journey:hops" && r.payload.traceId === traceId && "socket" in r.payload.hops,
    );
    assert.equal(reports.length, 1, "relayed once; mallory's and the second report were not");
    assert.equal(mallorySocket.received.filter((r) => r.event === "journey:hops").length, 0);
    for (const s of [bobSocket, aliceSocket, mallorySocket]) s.socket.close();
  });
});
