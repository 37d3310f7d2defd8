// Turns one run's results into text: the console table, and docs/benchmarks.md (or, with
// --quick, bench-results/quick.md) with its chart. Every figure written comes from `results`.
import { existsSync, readFileSync } from "node:fs";
import { NODE_LOOP_STEPS } from "./machine";
import type { MemoryUse } from "./memory";
import type { Stalls } from "../tooling/runtime-stalls";
import type { SyscallCounts } from "../tooling/syscalls";
import { PG_WAIT_SAMPLE_MS, WAIT_KINDS, type WaitStatement } from "../tooling/pg-waits";
import type { BenchResults } from "./results";
import type { ClosedResult } from "./load";
import { CPU_GROUPS } from "../tooling/bench-figures";
import { percentileChart } from "./svg";
import { evaluateTargets, metMark } from "./targets";

const f = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits);
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "—");
const postsLabel = (posts: number) => (posts === 1 ? "1 (hot)" : String(posts));

/** A plain-text table for the terminal: columns padded to their widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function mdTable(header: string[], rows: string[][], align: ("l" | "r")[] = []): string {
  const sep = header.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function p1Rows(r: BenchResults): string[][] {
  return r.p1.map((p) => [
    String(p.users),
    postsLabel(p.posts),
    `${f(p.app.rps)} (${p.app.errors} err)`,
    `${f(p.floorNginx.rps)} (${p.floorNginx.errors} err)`,
    `${f(p.floorDirect.rps)} (${p.floorDirect.errors} err)`,
    `${f(p.nextFloorNginx.rps)} (${p.nextFloorNginx.errors} err)`,
    `${f(p.nextFloorDirect.rps)} (${p.nextFloorDirect.errors} err)`,
    `${f(p.pgbench.statementsPerSecond)} (${p.pgbench.failed} failed)`,
    ratio(p.app.rps, p.floorDirect.rps),
    ratio(p.app.rps, p.floorNginx.rps),
    ratio(p.app.rps, p.nextFloorNginx.rps),
    ratio(p.app.rps, p.nextFloorDirect.rps),
    ratio(p.app.rps, p.pgbench.statementsPerSecond),
    `${f(p.app.latencyMs.p50, 1)} / ${f(p.app.latencyMs.p99, 1)}`,
    String(p.app.backlogAtEnd),
    p.app.drainMs === null ? "not drained" : `${f(p.app.drainMs / 1000, 1)} s`,
  ]);
}
/** P1's second table: where the app's likes spent their time in Postgres (tooling/pg-waits.ts). */
function p1WaitRows(r: BenchResults): string[][] {
  return r.p1.map((p) => {
    const w = p.pgWaits;
    const cell = (s: WaitStatement) => (w ? WAIT_KINDS.map((k) => f(w[s][k], 2)).join(" / ") : "—");
    return [String(p.users), postsLabel(p.posts), cell("like"), cell("decision"), cell("mark")];
  });
}
const P1_WAIT_HEADER = [
  "Users",
  "Posts",
  "Like statement: running / WAL / lock / other",
  "Worker's decision: same",
  "Processed mark: same",
];
const P1_HEADER = [
  "Users",
  "Posts",
  "App via nginx req/s",
  "Floor via nginx",
  "Floor direct",
  "Next floor via nginx",
  "Next floor direct",
  "pgbench stmt/s",
  "App ÷ floor direct",
  "App ÷ floor nginx",
  "App ÷ Next floor nginx",
  "App ÷ Next floor direct",
  "App ÷ pgbench",
  "App p50 / p99 ms",
  "Backlog at end",
  "Drained in",
];

function p2Rows(r: BenchResults): string[][] {
  return r.p2.map((p) => [
    `${p.rate}/s`,
    `${p.sent} in ${f(p.seconds, 1)} s`,
    String(p.errors),
    f(p.eventMs.p50, 1),
    f(p.eventMs.p95, 1),
    f(p.eventMs.p99, 1),
    f(p.eventMs.max, 1),
    `${p.lost} of ${p.expected}`,
    `${f(p.httpMs.p50, 1)} / ${f(p.httpMs.p99, 1)}`,
    `max ${p.backlog.max}, end ${p.backlog.end}, ${f(p.backlog.slopePerSecond, 1)}/s → ${p.backlog.growing ? "growing" : "flat"}`,
    f(p.maxSendLagMs, 1),
    p.cpu
      ? `${f(p.cpu.machineBusyPct, 0)}% / ${f(p.cpu.processCorePct.app ?? NaN, 0)}% / ${f(p.cpu.processCorePct.worker ?? NaN, 0)}%`
      : "—",
    `${f(p.cpuMs.appPerLike, 2)} / ${f(p.cpuMs.workerPerNotification, 2)}`,
    `${syscallCell(p.syscalls?.appPerLike)}; ${syscallCell(p.syscalls?.workerPerNotification)}`,
    p.memory ? `${memoryCell(p.memory.app)} / ${memoryCell(p.memory.worker)}` : "—",
  ]);
}
/** P2's second table: the app's and the worker's own stalls while each rate's likes went out. */
function p2StallRows(r: BenchResults): string[][] {
  const cells = (s: Stalls | null | undefined) =>
    s
      ? [
          `${f(s.eventLoopDelayMs.p99, 1)} / ${f(s.eventLoopDelayMs.max, 1)}`,
          `${f(s.gc.totalMs, 1)} in ${s.gc.pauses} (${s.gc.over10Ms})`,
        ]
      : ["—", "—"];
  return r.p2.map((p) => [
    `${p.rate}/s`,
    ...cells(p.stalls?.app),
    ...cells(p.stalls?.worker),
    p.stalls?.cpuPressurePct == null ? "—" : `${f(p.stalls.cpuPressurePct, 1)}%`,
  ]);
}
const P2_STALL_HEADER = [
  "Rate",
  "App event-loop delay p99 / max ms",
  "App GC ms in pauses (over 10 ms)",
  "Worker event-loop delay p99 / max ms",
  "Worker GC ms in pauses (over 10 ms)",
  "Machine: some task waiting for a CPU",
];
const syscallCell = (c: SyscallCounts | null | undefined) =>
  c ? `${f(c.reads, 1)} / ${f(c.writes, 1)} / ${f(c.wakeups, 1)}` : "—";
const memoryCell = (m: MemoryUse | null) => (m ? `${m.rssMb} (${m.peakMb})` : "—");
const P2_HEADER = [
  "Rate",
  "Likes",
  "Errors",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "max ms",
  "Events lost",
  "HTTP p50 / p99 ms",
  "Backlog (unprocessed likes)",
  "Client send lag max ms",
  "CPU: machine / app / worker",
  "CPU ms: app per like / worker per notification",
  "Reads / writes / wake-ups: app per like; worker per notification",
  "RSS MB (peak): app / worker",
];

function p4Rows(r: BenchResults): string[][] {
  const c = r.p4;
  const row = (name: string, x: typeof c.app) => [
    name,
    f(x.rps),
    String(x.errors),
    f(x.latencyMs.p50, 1),
    f(x.latencyMs.p99, 1),
  ];
  return [
    row("App via nginx", c.app),
    row("Floor via nginx", c.floorNginx),
    row("Floor direct", c.floorDirect),
    row("Next floor via nginx", c.nextFloorNginx),
    row("Next floor direct", c.nextFloorDirect),
  ];
}

/**
 * Where the machine's CPU went per request in a closed loop (ClosedResult.cpu): every core's busy
 * time, then by who spent it. `vs` is the Next floor the app is judged against: its machine ms ÷
 * this target's, the throughput ratio a saturated machine allows.
 */
function cpuRow(lead: string[], name: string, x: ClosedResult, vs?: ClosedResult): string[] {
  const c = x.cpu;
  if (!c) return [...lead, name, f(x.rps), ...Array<string>(CPU_HEADER.length - 2).fill("—")];
  const g = c.byGroup;
  const bound = vs?.cpu && c.machineMs > 0 ? f(vs.cpu.machineMs / c.machineMs, 2) : "—";
  return [
    ...lead,
    name,
    f(x.rps),
    `${f(c.machineBusyPct)}%`,
    f(c.machineMs, 2),
    bound,
    ...CPU_GROUPS.map((group) => f(g[group], 2)),
  ];
}
const CPU_HEADER = [
  "Target",
  "req/s",
  "Machine busy",
  "Machine CPU ms per request",
  "Next floor's ÷ this",
  "App or floor process",
  "Worker",
  "nginx",
  "Postgres",
  "Redis",
  "Load client",
  "Other",
];
function p1CpuRows(r: BenchResults): string[][] {
  return r.p1.flatMap((p) => {
    const lead = [String(p.users), postsLabel(p.posts)];
    return [
      cpuRow(lead, "App via nginx", p.app, p.nextFloorNginx),
      cpuRow(lead, "Next floor via nginx", p.nextFloorNginx),
    ];
  });
}
function p4CpuRows(r: BenchResults): string[][] {
  return [
    cpuRow([], "App via nginx", r.p4.app, r.p4.nextFloorNginx),
    cpuRow([], "Next floor via nginx", r.p4.nextFloorNginx),
  ];
}
const CPU_NOTE =
  "The machine's CPU over each measured window, from /proc at its two ends (bench/cpu.ts, tooling/bench-figures.ts): every core's busy time (/proc/stat) per request answered, then by who spent it: the process under test (the app, or the Next floor), the worker, every nginx, Postgres and Redis process, the load client; other is the busy time none of them accounts for (the kernel's work for no one process, processes started within the window, the rest of the machine). A closed loop that keeps the machine near 100% busy answers at about its cores' time ÷ the machine's CPU per request, so \"Next floor's ÷ this\" is the app ÷ Next floor ratio that this split allows, and the columns say where the difference goes.";

function targetRows(r: BenchResults): string[][] {
  return evaluateTargets(r).map((t) => [t.case, t.measure, t.measured, t.target, metMark(t.met)]);
}

/** P6 in one line: likes/s and CPU per like with metrics on (scraped every second) and off. */
function p6Line(r: BenchResults): string {
  const p = r.p6;
  return `P6 metrics cost, ${p.users} users, ${p.on.rounds.length}+${p.off.rounds.length} rounds of ${f(p.roundMs / 1000)} s: on ${f(p.on.rps)} likes/s, ${f(p.on.cpuMsPerLike, 3)} CPU ms/like; off ${f(p.off.rps)} likes/s, ${f(p.off.cpuMsPerLike, 3)} CPU ms/like (throughput ${signed(p.rpsChangePct)} %, CPU per like ${signed(p.cpuPerLikeChangePct)} %); ${p.on.scrapes} scrapes p50 ${f(p.on.scrapeMs.p50, 1)} / max ${f(p.on.scrapeMs.max, 1)} ms, ${p.on.scrapeFailures} failed`;
}
const signed = (x: number) => (x > 0 ? `+${f(x, 1)}` : f(x, 1));

function p6Rows(r: BenchResults): string[][] {
  const rows: string[][] = [];
  for (const [name, variant] of [
    ["on, scraped every second", r.p6.on],
    ["off (METRICS_PORT=0)", r.p6.off],
  ] as const) {
    variant.rounds.forEach((x, i) =>
      rows.push([
        name,
        String(i + 1),
        f(x.rps),
        String(x.errors),
        f(x.appCorePct),
        f(x.workerCorePct),
        f(x.cpuMsPerLike, 3),
      ]),
    );
  }
  return rows;
}

/** P7's rows: Redis commands per like (app) and per notification (worker), by connection and command. */
function p7Rows(r: BenchResults): string[][] {
  return (r.p7?.rows ?? [])
    .filter((x) => Math.abs(x.perLike) >= 0.05 || x.idlePerSecond >= 0.05)
    .map((x) => [x.process, x.command, f(x.perLike, 2), String(x.total), f(x.idlePerSecond, 2)]);
}
const P7_HEADER = ["Process", "Connection / command", "Per like", "Counted", "Idle per second"];
function p7Line(r: BenchResults): string {
  const p = r.p7;
  if (!p) return "P7 Redis commands: not in this run";
  return `P7 Redis commands per like, ${p.delivered} of ${p.likes} notifications delivered in ${f(p.seconds, 1)} s: app ${f(p.totals.app ?? NaN, 2)}, worker ${f(p.totals.worker ?? NaN, 2)}`;
}

export function consoleReport(r: BenchResults): string {
  const parts = [
    `\nTargets — ${r.mode} run, ${r.machine.cores} cores, ${r.machine.cpu}`,
    textTable(["Case", "Measure", "Measured", "Target", "Met"], targetRows(r)),
    `\nP1 like throughput, closed loop (req/s; pgbench: ${r.poolSize} connections, 2 statements per transaction)`,
    textTable(P1_HEADER, p1Rows(r)),
    `\nP1, the app's likes in Postgres, backend-ms per like (sampled every ${PG_WAIT_SAMPLE_MS} ms)`,
    textTable(P1_WAIT_HEADER, p1WaitRows(r)),
    `\nP2 like → owner's socket event, open loop (ms from scheduled send)`,
    textTable(P2_HEADER, p2Rows(r)),
    textTable(P2_STALL_HEADER, p2StallRows(r)),
    `\nP3 optimistic heart: click → aria-pressed ${r.p3.flipMs.map((x) => x.toFixed(1)).join(", ")} ms (API held ${r.p3.holdMs} ms)`,
    `\nP4 feed, closed loop ${r.p4.users} users`,
    textTable(["Target", "req/s", "Errors", "p50 ms", "p99 ms"], p4Rows(r)),
    `P4 feed, open loop ${r.p4.openApp.rate} req/s: app p50 ${f(r.p4.openApp.latencyMs.p50, 1)} / p99 ${f(r.p4.openApp.latencyMs.p99, 1)} ms; floor direct p50 ${f(r.p4.openFloorDirect.latencyMs.p50, 1)} / p99 ${f(r.p4.openFloorDirect.latencyMs.p99, 1)} ms`,
    `\nP5 ${r.p5.opened}/${r.p5.requested} sockets (${r.p5.failed} failed) at ${f(r.p5.socketsPerSecond)} /s; app RSS ${f(r.p5.before.rssMb)} → ${f(r.p5.withSockets.rssMb)} MB, heap used ${f(r.p5.before.heapUsedMb)} → ${f(r.p5.withSockets.heapUsedMb)} MB`,
    `\n${p6Line(r)}`,
    `\n${p7Line(r)}`,
    textTable(P7_HEADER, p7Rows(r)),
    `\nSQL checks: ${r.sqlChecks.map((c) => `${c.statement} ${c.status}`).join(", ")}`,
    `Wall time: ${f(r.wallSeconds)} s`,
  ];
  return parts.join("\n");
}

export function p2Svg(r: BenchResults): string {
  return percentileChart({
    title: "P2: like → owner's socket event, by percentile",
    subtitle: `open loop, ${r.p2.map((p) => `${p.rate}/s`).join(", ")}; ${r.machine.cores} cores, ${r.startedAt.slice(0, 10)}`,
    series: r.p2.map((p) => ({
      label: `${p.rate} likes/s (p50 ${f(p.eventMs.p50, 1)} ms, p99 ${f(p.eventMs.p99, 1)} ms, ${p.lost} lost)`,
      points: p.curve,
    })),
    targets: [
      { ms: 10, label: "target p50 ≤ 10 ms (200/s)" },
      { ms: 30, label: "target p99 ≤ 30 ms (200/s)" },
    ],
  });
}

const PROFILES_HEADING = "## What the profiles showed";
const PROFILES_PLACEHOLDER =
  "No profile has been read yet. This section is kept as written when the bench regenerates the file.";

/** The profiles section as a person wrote it: the bench keeps it across runs. */
function keptProfilesSection(existingPath: string): string {
  if (!existsSync(existingPath)) return PROFILES_PLACEHOLDER;
  const text = readFileSync(existingPath, "utf8");
  const start = text.indexOf(PROFILES_HEADING);
  if (start < 0) return PROFILES_PLACEHOLDER;
  const rest = text.slice(start + PROFILES_HEADING.length);
  const end = rest.search(/\n## /);
  const body = (end < 0 ? rest : rest.slice(0, end)).trim();
  return body || PROFILES_PLACEHOLDER;
}

export function markdownReport(r: BenchResults, opts: { svgFile: string; existingPath: string }): string {
  const m = r.machine;
  const p5 = r.p5;
  const p3 = r.p3;
  const lines: string[] = [];
  const push = (...xs: string[]) => lines.push(...xs);
  push(
    "# Benchmarks",
    "",
    `<!-- Generated by \`npm run bench -- --write-docs\` (scripts/bench.ts, bench/). Edit bench/report.ts, not this file; only "${PROFILES_HEADING.slice(3)}" is kept across runs. -->`,
    "",
    `How far the app is from what its own SQL, on the same machine, could do. Every figure below comes from one run of \`npm run bench\` (${r.mode}), started ${r.startedAt}, ${f(r.wallSeconds)} s wall time. Re-run it on a quiet machine before quoting anything: the load client shares the cores with everything it measures.`,
    "",
    "## How to run",
    "",
    "```sh",
    "npm run bench                # full run (~6-8 min): bench-results/latest.md, latest-p2.svg, latest.json",
    "npm run bench -- --write-docs # the same, and rewrites this file and docs/benchmarks-p2.svg from it",
    "npm run bench -- --quick     # every case, tiny (~1-2 min): bench-results/quick.md, quick-p2.svg, quick.json; CI runs this",
    "npm run bench -- --profile # also V8 CPU profiles of the app and the worker: a summary per process (bench/profile.ts),",
    "                           # bench-results/profile-*.cpuprofile to open as flame graphs (Chrome DevTools, speedscope)",
    "```",
    "",
    "The bench starts everything it measures and removes it afterwards: a fresh database, a private Redis, one app process, one worker, nginx (the repository's templates), and the two floor servers (node:http, and Next.js, which the run builds) on a database of their own, each behind its own nginx. It never touches a developer's database. It builds the app first if the build is stale.",
    "",
    "## Machine",
    "",
    mdTable(
      ["", ""],
      [
        ["CPU", `${m.cores} cores, ${m.cpu}`],
        ["RAM", `${m.ramGb} GB`],
        [
          `One core: a plain-Node loop of ${NODE_LOOP_STEPS / 1e6} M xorshift steps (bench/machine.ts), best of 5`,
          m.nodeLoopMs === undefined ? "—" : `${f(m.nodeLoopMs, 1)} ms`,
        ],
        ["OS", m.os],
        ["Node", m.node],
        ["PostgreSQL", m.postgres],
        ["Redis", m.redis],
        ["nginx", m.nginx],
        ["Chromium", m.chromium],
        ["Next.js / Prisma / Socket.IO", `${m.next} / ${m.prisma} / ${m.socketIo}`],
        ["App's Postgres pool (server/db.ts) = floor's pool", String(r.poolSize)],
      ],
    ),
    "",
    "## Targets",
    "",
    "The project's goals, beside what this run measured. The bench reports them and never fails on them.",
    "",
    mdTable(["Case", "Measure", "Measured", "Target", "Met"], targetRows(r)),
    "",
    "## P1: like throughput (closed loop)",
    "",
    `Each user likes a post and unlikes it, again and again, sending the next request as soon as the last one is answered: ${r.p1[0]?.app.seconds ?? "?"} s measured after a warm-up. "1 (hot)": every request updates the same Post row; "${r.p1.at(-1)?.posts}": each like picks one of ${r.p1.at(-1)?.posts} posts at random. The app runs with its notification worker, and the post owner's socket is open, so every like is a notification delivered. pgbench runs the same two statements (like then unlike, per transaction) with ${r.poolSize} connections, the app's pool size: neither the app nor the floor can have more statements in flight; its figure is statements per second.`,
    "",
    mdTable(
      P1_HEADER,
      p1Rows(r),
      P1_HEADER.map(() => "r"),
    ),
    "",
    'Backlog at end: likes whose notification the worker had not finished when the load stopped (unprocessed outbox rows); "drained in": how long it then took to reach zero. A worker that keeps up ends near zero.',
    "",
    `Where the app's likes spent their time inside Postgres, over each app run from its first like (warm-up included) until the worker had processed the last (tooling/pg-waits.ts): the app database's active backends, sampled every ${PG_WAIT_SAMPLE_MS} ms from pg_stat_activity, each sample counted to its statement (the like or unlike; the worker's decision, like_event_decision; its processed mark) and to what the backend was doing: running (no wait event), WAL (its commit waiting for the WAL to be written and flushed: IO:WALSync, IO:WALWrite, LWLock:WALWrite), lock (a row or transaction lock: a like of the same post ahead of it), other (mostly reading the next protocol message). A sample stands for ${PG_WAIT_SAMPLE_MS} ms of one backend; the figures are backend-milliseconds per like or unlike (each writes one outbox event, which is what they are divided by).`,
    "",
    mdTable(P1_WAIT_HEADER, p1WaitRows(r), ["r", "l", "r", "r", "r"]),
    "",
    CPU_NOTE,
    "",
    mdTable(["Users", "Posts", ...CPU_HEADER], p1CpuRows(r), [
      "r",
      "l",
      "l",
      ...CPU_HEADER.slice(1).map(() => "r" as const),
    ]),
    "",
    "## P2: like → owner's socket event (open loop)",
    "",
    `Likes are sent at a fixed rate for ${f(r.p2[0] ? r.p2[0].sent / r.p2[0].rate : NaN)} s each, whatever the answers do; each is one liker's first like of one of the owner's posts, so each owes a notification. The owner's socket is connected through nginx, as a browser's is. Latency runs from when the like was *scheduled* to when its notification reached the owner's socket, so a stall anywhere (client, nginx, app, queue, worker, Redis) counts for every like queued behind it. "Lost": answered 200 but no event within ${f(r.mode === "quick" ? 5 : 10)} s after the last answer.`,
    "",
    mdTable(P2_HEADER, p2Rows(r), ["l", "r", "r", "r", "r", "r", "r", "r", "r", "l", "r", "r", "r", "r", "r"]),
    "",
    `![P2 latency by percentile](${opts.svgFile})`,
    "",
    `Backlog: unprocessed likes sampled every 250 ms while the likes went out; "growing" means its least-squares slope exceeded 2% of the rate (at least 1 like) per second. Client send lag: how late the load client itself sent a request; if it is large, the client, not the app, was the bottleneck. CPU, over the sending window: the machine's busy share of all its cores (100% = every core busy), then the app's and the worker's own CPU time in cores (100% = one core), from /proc (bench/cpu.ts). CPU ms: the app's CPU time per like answered 200 and the worker's per notification delivered, from /proc, from the first like sent until the worker had processed the last one (every like here owes one notification; /proc counts in 10 ms ticks). Reads, writes and wake-ups, over the same span (tooling/syscalls.ts): the read and write system calls each process made (/proc/<pid>/io; the bench logs only warnings, so they are socket reads and writes: a write per batch of commands sent to Postgres or Redis, or an answer sent, a read per socket that had data), and how often its main thread slept and was woken (voluntary context switches, /proc/<pid>/status: the event loop waiting for the next reply). Round trips show here; Redis's command count (P7) does not see them.`,
    "",
    "The processes' own stalls over the same sending window, from their metrics (tooling/runtime-stalls.ts): how late the event loop ran (prom-client's monitorEventLoopDelay histogram, reset by a scrape when the window opens and read by one when it closes; each sample less the monitor's 10 ms interval) and the garbage collector's pauses; then the share of the window during which some task on the machine was runnable but waiting for a CPU (Linux PSI, /proc/pressure/cpu), which delays every process without being a stall of its own. A like → event tail much longer than the first four was not spent stalled in the app or the worker.",
    "",
    mdTable(P2_STALL_HEADER, p2StallRows(r), ["l", "r", "r", "r", "r", "r"]),
    "",
    "## P3: the optimistic heart (Chromium)",
    "",
    `Debian's Chromium, signed in, on the feed, with every like request held back ${p3.holdMs} ms (Playwright's page.route). Timed in the page with performance.now(), from the click event's dispatch to the heart's aria-pressed change (a MutationObserver installed before the click): ${p3.clicks} clicks, ${p3.flippedBeforeAnswer} flipped before their request was answered${p3.notFlipped ? `, ${p3.notFlipped} did not flip at all` : ""}.`,
    "",
    mdTable(
      ["Clicks", "p50 ms", "max ms", "Each click, ms"],
      [[String(p3.clicks), f(p3.summary.p50, 1), f(p3.summary.max, 1), p3.flipMs.map((x) => x.toFixed(1)).join(", ")]],
    ),
    "",
    "## P4: the feed, GET /api/posts",
    "",
    `The first page (10 posts, their authors, the viewer's likes among them). Closed loop at ${r.p4.users} concurrent users; both floors run the app's one statement for it (server/posts.ts's feedStatement).`,
    "",
    mdTable(["Target", "req/s", "Errors", "p50 ms", "p99 ms"], p4Rows(r), ["l", "r", "r", "r", "r"]),
    "",
    `App ÷ floor direct: ${ratio(r.p4.app.rps, r.p4.floorDirect.rps)}; app ÷ floor via nginx: ${ratio(r.p4.app.rps, r.p4.floorNginx.rps)}; app ÷ Next floor via nginx: ${ratio(r.p4.app.rps, r.p4.nextFloorNginx.rps)}; app ÷ Next floor direct: ${ratio(r.p4.app.rps, r.p4.nextFloorDirect.rps)}.`,
    "",
    "The machine's CPU per feed read, split as in P1 (its third table):",
    "",
    mdTable(CPU_HEADER, p4CpuRows(r), ["l", ...CPU_HEADER.slice(1).map(() => "r" as const)]),
    "",
    `Open loop at ${r.p4.openApp.rate} req/s (latency from the scheduled send time):`,
    "",
    mdTable(
      ["Target", "Requests", "Errors", "p50 ms", "p99 ms", "max ms"],
      [
        [
          "App via nginx",
          String(r.p4.openApp.sent),
          String(r.p4.openApp.errors),
          f(r.p4.openApp.latencyMs.p50, 1),
          f(r.p4.openApp.latencyMs.p99, 1),
          f(r.p4.openApp.latencyMs.max, 1),
        ],
        [
          "Floor direct",
          String(r.p4.openFloorDirect.sent),
          String(r.p4.openFloorDirect.errors),
          f(r.p4.openFloorDirect.latencyMs.p50, 1),
          f(r.p4.openFloorDirect.latencyMs.p99, 1),
          f(r.p4.openFloorDirect.latencyMs.max, 1),
        ],
      ],
      ["l", "r", "r", "r", "r", "r"],
    ),
    "",
    "## P5: idle authenticated sockets on one app process",
    "",
    `${p5.opened} of ${p5.requested} Socket.IO connections opened (${p5.failed} failed${p5.firstError ? `, first error: ${p5.firstError}` : ""}), ${p5.stillConnected} still connected after idling. They go straight to the app's port: nginx/nginx.conf allows 8192 connections per worker and a proxied WebSocket holds two, so through nginx the count would hit nginx's limit before the app's. They belong to ${p5.sessions} signed-in users (${Math.round(p5.requested / p5.sessions)} tabs each) rather than ${p5.requested} users, to keep sign-in (argon2) out of the run; every handshake still decodes its session cookie and checks it in Postgres. Heap: process.memoryUsage() read through a probe the bench preloads into the app (bench/memory-probe.mjs), garbage included.`,
    "",
    mdTable(
      ["", "RSS MB", "Heap used MB", "Heap total MB"],
      [
        ["Before", f(p5.before.rssMb), f(p5.before.heapUsedMb), f(p5.before.heapTotalMb)],
        [
          `With ${p5.opened} sockets`,
          f(p5.withSockets.rssMb),
          f(p5.withSockets.heapUsedMb),
          f(p5.withSockets.heapTotalMb),
        ],
        ["After closing them", f(p5.afterClose.rssMb), f(p5.afterClose.heapUsedMb), f(p5.afterClose.heapTotalMb)],
      ],
      ["l", "r", "r", "r"],
    ),
    "",
    `Connect rate: ${f(p5.socketsPerSecond)} sockets/s (${p5.opened} in ${f(p5.connectSeconds, 1)} s, ${p5.concurrency} handshakes in flight). RSS per socket: ${f(p5.rssKbPerSocket, 1)} KB.`,
    "",
    "## P6: the cost of the Prometheus metrics",
    "",
    `Two stacks of their own, alike but for METRICS_PORT (bench/cases/p6-metrics-cost.ts): one with metrics on, its app's and worker's /metrics scraped every ${f(r.p6.scrapeIntervalMs / 1000)} s by the bench, one with METRICS_PORT=0 (no listener, nothing recorded). The same closed loop of likes (${r.p6.users} users over ${r.p6.posts} posts, through nginx) runs against each in turn, alternating, ${f(r.p6.roundMs / 1000)} s a round. CPU: the app's and the worker's, from /proc, until the worker had delivered every notification of the round.`,
    "",
    mdTable(["Metrics", "Round", "Likes/s", "Errors", "App % core", "Worker % core", "CPU ms per like"], p6Rows(r), [
      "l",
      "r",
      "r",
      "r",
      "r",
      "r",
      "r",
    ]),
    "",
    `Mean: on ${f(r.p6.on.rps)} likes/s, ${f(r.p6.on.cpuMsPerLike, 3)} CPU ms per like; off ${f(r.p6.off.rps)} likes/s, ${f(r.p6.off.cpuMsPerLike, 3)} CPU ms per like. With metrics: throughput ${signed(r.p6.rpsChangePct)} %, CPU per like ${signed(r.p6.cpuPerLikeChangePct)} %. Scrapes: ${r.p6.on.scrapes} (${r.p6.on.scrapeFailures} failed), p50 ${f(r.p6.on.scrapeMs.p50, 1)} ms, max ${f(r.p6.on.scrapeMs.max, 1)} ms, ${f(r.p6.on.scrapeKb, 1)} KB each.`,
    "",
    "## P7: Redis commands per like",
    "",
    r.p7
      ? `What Redis itself received (MONITOR; tooling/redis-commands.ts maps each command's client address to its process with ss and to its connection's name with CLIENT LIST; BullMQ's scripts are named by the SHA1 of each script it ships). ${r.p7.likes} likes at ${f(r.p7.rate)}/s, each owing a notification (${r.p7.delivered} delivered), counted from the first like until the worker had delivered the last, ${f(r.p7.seconds, 1)} s; what the same processes sent in ${f(r.p7.idleSeconds, 1)} s idle just before (heartbeats, BullMQ's blocking waits, the outbox relay), per second, is taken off. Per like: the app's per like answered, the worker's per notification delivered. Commands, not round trips: commands sent together (Promise.all) overlap on the wire. MONITOR slows Redis, so no other case runs with it. Totals: app ${f(r.p7.totals.app ?? NaN, 2)}, worker ${f(r.p7.totals.worker ?? NaN, 2)} commands per like.`
      : "Not in this run.",
    "",
    mdTable(P7_HEADER, p7Rows(r), ["l", "l", "r", "r", "r"]),
    "",
    "## What is measured, and how",
    "",
    "- **Targets.** *App*: the real stack, measured through nginx (plain HTTP) as a browser reaches it. *Floor* (bench/floor-server.ts, never part of the app): node:http and pg, nothing else, running the app's own like and feed statements with a pool of the app's size; no sessions, so it takes the user from an `X-User-Id` header. It is measured twice: direct, and through an nginx rendered from the same templates as the app's. *Next floor* (bench/next-floor/, built by every run): the same answers (bench/floor-api.ts, the same SQL, pool and `X-User-Id`) from Next.js route handlers of the app's Next version and next.config.js, under a custom server shaped like server/main.ts (node:http, `next({ dev: false })`'s request handler, the same request guard and keep-alive timeouts; no Socket.IO, metrics listener or queue, since it sends no event); no proxy.ts, session, rate limit, trace or enqueue. Measured the same two ways, on the floor's database. *pgbench*: the like statements alone, on the floor's database.",
    "- **Ratios.** The targets compare the app with the floor *direct*: the gap is everything a request pays on top of its SQL — nginx, Next's routing, decoding the session cookie (and the revocation lookup in Postgres), Prisma, the enqueue to Redis, the worker's share of the CPU. The floor-via-nginx column shows how much of that gap nginx alone takes. App ÷ pgbench shows what HTTP and Node cost together. The Next floor's targets compare the app with the Next floor *through nginx*, both reached the same way: the gap is what the app's own code costs on top of Next and nginx (proxy.ts, the session and its revocation lookup, the rate limit, the trace, Prisma, the enqueue), which is what a user who picks Next can still cut.",
    "- **Same SQL.** bench/sql.ts gives the floors the statements as Postgres receives them from the app: the like, the unlike and the feed are each one statement, built by the app's own functions (server/likes.ts, server/posts.ts) and called the same way. While it runs, it samples what the app's connections execute (pg_stat_activity, five times a second, the first 1 kB of each statement) and fails if any of the copied statements differs from what the app sent.",
    `  This run: ${r.sqlChecks.map((c) => `${c.statement} ${c.status}`).join("; ")}.`,
    "- **One client.** bench/load.ts, node:http with keep-alive connections, for every target: closed loop (N workers, next request when the previous is answered) for throughput, open loop (a fixed rate, latency from the scheduled send time, so a stall is not hidden by the client waiting for it: no coordinated omission) for latency. It runs in a process of its own but on the same cores as everything it measures; it sends no Accept-Encoding, so nginx compresses for none of the targets.",
    "- **Differences from production settings.** The per-user like limit (LIKE_RATE_LIMIT_PER_MINUTE) and nginx's per-address rate limits are raised: every bench user comes from 127.0.0.1, and the point is to measure, not to be refused. Logs at warn. Everything else is as `npm run stack` runs it: NODE_ENV=production, one app process, one worker, outbox relay at its defaults.",
    "",
    "## How to read this",
    "",
    "- **Closed loop vs open loop.** A closed loop answers *how much can it take?* (req/s at a given concurrency); its latencies look good because the client politely waits. An open loop answers *how does it feel at this load?*: requests keep coming whether or not the server keeps up, like users do.",
    "- **Percentiles.** p50 is the typical like; p99 is the one in a hundred that a busy user meets several times a session; max is a single event and noisy. Look at the tail, not the average.",
    "- **The floor is not a goal to reach.** It does nothing but SQL. Half of it (the project's target) would mean the framework, sessions, queue and nginx together cost as much as the database work itself.",
    "- **Backlog.** A notification pipeline that cannot keep up still answers likes quickly: the cost shows as a growing backlog and latencies that climb over the run. That is why P1 and P2 report it.",
    "- **Two cores.** Client, nginx, app, worker, Redis and Postgres all share them. Absolute numbers will differ elsewhere; the ratios travel better.",
    "",
    PROFILES_HEADING,
    "",
    keptProfilesSection(opts.existingPath),
    "",
  );
  return lines.join("\n");
}
