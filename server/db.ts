// The one Prisma client, shared by the app, the worker and the scripts.
// Prisma 7 talks to Postgres through node-postgres (the pg adapter): no native query engine.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { log } from "./log";
import { postgresHop, traceparentComment } from "./telemetry/postgres";

// The pool is ours, not the adapter's, so the metrics can read its counts (server/telemetry/collectors.ts).
const createPool = (connectionString: string) => new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000 });

function prismaOver(pool: pg.Pool) {
  const adapter = new PrismaPg(pool, {
    // Without an error listener an idle client losing its connection crashes the process.
    // pg-pool hangs the whole client on the error (error.client): log what went wrong, not that.
    onPoolError: ({ message, code }: Error & { code?: string }) =>
      log.warn({ err: { message, code } }, "postgres pool: idle client error"),
    // $disconnect() ends the pool, as it did when the adapter made it.
    disposeExternalPool: true,
  });
  // Measurement beside the story: each statement names its trace and is timed as the postgres hop.
  return new PrismaClient({ adapter, comments: [traceparentComment] }).$extends(postgresHop);
}

/** A client with a pool of its own (the seed, the tests' direct reads). */
export const createPrisma = (connectionString: string) => prismaOver(createPool(connectionString));

export type Db = ReturnType<typeof prismaOver>;

// Cached on globalThis so Next's dev-mode reloads do not open a new pool per edit.
const globalForDb = globalThis as unknown as { __likesDb?: Db; __likesDbPool?: pg.Pool };

export function db(): Db {
  if (!globalForDb.__likesDb) {
    globalForDb.__likesDbPool = createPool(env().DATABASE_URL);
    globalForDb.__likesDb = prismaOver(globalForDb.__likesDbPool);
  }
  return globalForDb.__likesDb;
}

/** The pool behind db(), once db() has been called. */
export function dbPool(): pg.Pool | undefined {
  return globalForDb.__likesDbPool;
}
