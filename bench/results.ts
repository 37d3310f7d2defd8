// Everything one run measured: written to bench-results/latest.json (or quick.json) and rendered
// into docs/benchmarks.md by bench/report.ts.
import type { P1Row } from "./cases/p1-like-throughput";
import type { P2Row } from "./cases/p2-like-latency";
import type { P3Result } from "./cases/p3-optimistic-heart";
import type { P4Result } from "./cases/p4-feed";
import type { P5Result } from "./cases/p5-idle-sockets";
import type { P6Result } from "./cases/p6-metrics-cost";
import type { P7Result } from "./cases/p7-redis-commands";
import type { Machine } from "./machine";

export type BenchResults = {
  mode: "quick" | "full";
  startedAt: string;
  wallSeconds: number;
  machine: Machine;
  poolSize: number;
  /** What bench/sql.ts was checked against, and how it went. */
  sqlChecks: { statement: string; status: "same" | "differs" | "not seen" }[];
  p1: P1Row[];
  p2: P2Row[];
  p3: P3Result;
  p4: P4Result;
  p5: P5Result;
  p6: P6Result;
  /** Absent from results written before P7 existed. */
  p7?: P7Result;
};
