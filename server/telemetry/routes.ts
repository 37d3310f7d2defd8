// The route patterns of the app's route handlers (app/**/route.ts), as the `route` label of
// http_request_duration_seconds: a request is labelled with the pattern that serves it, never its
// URL, so ids and usernames never become label values. tests/unit/metric-routes.test.ts checks
// that this list names every route handler file.

/** Every route handler's pattern, as App Router spells its folder names. */
export const ROUTE_PATTERNS = [
  "/api/auth/[...nextauth]",
  "/api/health",
  "/api/notifications",
  "/api/notifications/read",
  "/api/notifications/seen",
  "/api/posts",
  "/api/posts/[id]",
  "/api/posts/[id]/like",
  "/api/posts/[id]/likes",
  "/api/sessions",
  "/api/users/[username]/posts",
  "/uploads/[name]",
] as const;

/** The catch-all that answers any /api path no route serves: its requests are "unmatched". */
export const UNMATCHED_PATTERN = "/api/[...path]";

type Segment = { kind: "static"; name: string } | { kind: "param" } | { kind: "rest" };

const parse = (pattern: string): Segment[] =>
  pattern
    .split("/")
    .filter(Boolean)
    .map((part) =>
      part.startsWith("[...")
        ? { kind: "rest" }
        : part.startsWith("[")
          ? { kind: "param" }
          : { kind: "static", name: part },
    );

function matches(segments: Segment[], parts: string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === "rest") return parts.length > i;
    if (i >= parts.length) return false;
    if (segment.kind === "static" && segment.name !== parts[i]) return false;
  }
  return parts.length === segments.length;
}

// As the App Router ranks them: a static segment beats a [param], which beats a [...rest].
const rank = (segments: Segment[]) => segments.map((s) => (s.kind === "static" ? 0 : s.kind === "param" ? 1 : 2));
function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff) return diff;
  }
  return 0;
}

const TABLE = ROUTE_PATTERNS.map((pattern) => ({ pattern, segments: parse(pattern) })).sort((a, b) =>
  compareRanks(rank(a.segments), rank(b.segments)),
);

/** The pattern that serves `pathname`, or "unmatched". */
export function routeLabel(pathname: string): string {
  const parts = pathname.split("/").filter(Boolean);
  return TABLE.find((route) => matches(route.segments, parts))?.pattern ?? "unmatched";
}
