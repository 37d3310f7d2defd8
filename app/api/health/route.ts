// GET /api/health: 200 when Postgres and Redis both answer, else 503 naming the failing check.
// nginx, compose healthchecks and `npm run stack` poll it. `instance` names the app instance that
// answered, so an operator (or the compose suite) can tell replicas behind nginx apart.
import { errorResponse, json, methods, open } from "@/server/api";
import { db } from "@/server/db";
import { env } from "@/server/env";
import { redis, whenReady } from "@/server/redis";

export const dynamic = "force-dynamic";

async function check(probe: () => Promise<unknown>): Promise<"ok" | "fail"> {
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 1500))]);
    return "ok";
  } catch {
    return "fail";
  }
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: open(async () => {
    const [dbStatus, redisStatus] = await Promise.all([check(() => db().$queryRaw`SELECT 1`), check(async () => {
      await whenReady(redis(), 1000);
      return redis().ping();
    })]);
    const checks = { db: dbStatus, redis: redisStatus };
    const instance = env().INSTANCE_ID;
    if (dbStatus === "ok" && redisStatus === "ok") return json({ status: "ok", instance, checks });
    const failing = Object.entries(checks).filter(([, v]) => v !== "ok").map(([k]) => k);
    return errorResponse(503, "unavailable", `Failing: ${failing.join(", ")}`, {}, { status: "fail", instance, checks });
  }),
});

