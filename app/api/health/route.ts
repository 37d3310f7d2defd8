// GET /api/health: 200 when a like can travel the whole way, else 503 naming what is wrong
// (server/health.ts): Postgres, Redis, a live notifications worker, and the notification backlog.
// GET /api/health?scope=instance checks only what this instance needs to serve requests (Postgres,
// Redis): container healthchecks and `npm run stack` use it. `instance` names the app instance
// that answered, so an operator (or the compose suite) can tell replicas behind nginx apart.
import { errorResponse, invalidRequest, json, methods, open } from "@/server/api";
import { env } from "@/server/env";
import { runHealthChecks } from "@/server/health";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: open(async (req) => {
    const scopeParam = req.nextUrl.searchParams.get("scope");
    if (scopeParam !== null && scopeParam !== "instance") throw invalidRequest('scope must be "instance" or absent.');
    const scope = scopeParam === "instance" ? "instance" : "product";
    const checks = await runHealthChecks(scope);
    const instance = env().INSTANCE_ID;
    const failing = Object.entries(checks).filter(([, c]) => c.status !== "ok");
    if (!failing.length) return json({ status: "ok", scope, instance, checks });
    const message = `Failing: ${failing.map(([name, c]) => (c.detail ? `${name} (${c.detail})` : name)).join("; ")}`;
    return errorResponse(503, "unavailable", message, {}, { status: "fail", scope, instance, checks });
  }),
});
