// The one Prisma client, shared by the app, the worker and the scripts.
// Prisma 7 talks to Postgres through node-postgres (the pg adapter): no native query engine.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { log } from "./log";
import { postgresHop, traceparentComment } from "./telemetry/postgres";

function createPrisma(connectionString: string) {
  const adapter = new PrismaPg(
    { connectionString, max: 10, idleTimeoutMillis: 30_000 },
    {
      // Without an error listener an idle client losing its connection crashes the process.
      onPoolError: (error) => log.warn({ err: error }, "postgres pool: idle client error"),
    },
  );
  // Measurement beside the story: each statement names its trace and is timed as the postgres hop.
  return new PrismaClient({ adapter, comments: [traceparentComment] }).$extends(postgresHop);
}

export type Db = ReturnType<typeof createPrisma>;

// Cached on globalThis so Next's dev-mode reloads do not open a new pool per edit.
const globalForDb = globalThis as unknown as { __likesDb?: Db };

export function db(): Db {
  globalForDb.__likesDb ??= createPrisma(env().DATABASE_URL);
  return globalForDb.__likesDb;
}

export { createPrisma };
