// The machine's Postgres, as the stacks and the migrations runner use it: a database of their own,
// created when missing and dropped when a stack that made it stops.
import path from "node:path";
import pg from "pg";
import { canConnect, requireBinary } from "./processes";

/** The same server's maintenance database, from which others are created and dropped. */
function adminUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

/** The database a URL names. */
export const databaseName = (databaseUrl: string) => decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

/** A fresh database name for a stack whose logs are in `runDir`: likes_<run dir>_<time>. */
export function freshDatabaseUrl(runDir: string): string {
  const name = `likes_${path.basename(runDir).replace(/\W/g, "_")}_${Date.now().toString(36)}`;
  return `postgresql://postgres@127.0.0.1:5432/${name}`;
}

/** Fails with what to do when nothing answers at the URL's host and port. */
export async function assertPostgresAnswers(databaseUrl: string): Promise<void> {
  const { hostname, port, host } = new URL(databaseUrl);
  if (await canConnect(Number(port || 5432), hostname)) return;
  requireBinary("postgres", "postgresql");
  throw new Error(`Postgres is not answering at ${host}: start it (pg_ctlcluster 15 main start) or set DATABASE_URL`);
}

/** Creates the database named in the URL if it does not exist (as `prisma migrate deploy` does). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName(databaseUrl))} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
