// Prisma migrations without Prisma's native engine binary (which it would download at run time):
// the same engine compiled to WebAssembly (@prisma/schema-engine-wasm), talking to Postgres through
// the pg driver adapter. Applied migrations are recorded in _prisma_migrations, exactly where
// `prisma migrate deploy` records them, so the two stay interchangeable.
// See docs/decisions/002-offline-migrations.md.
import { readFile, readdir, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { ROOT } from "./paths";
import { ensureDatabase } from "./postgres";

const require = createRequire(import.meta.url);
export const PRISMA_DIR = path.join(ROOT, "prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
// The schema as of the newest migration: the "from" side of the next migration's diff.
export const SNAPSHOT_PATH = path.join(MIGRATIONS_DIR, "schema.snapshot.prisma");
const FILTERS = { externalTables: [], externalEnums: [] };

type SchemaEngine = import("@prisma/schema-engine-wasm").SchemaEngine;

let engineModule: Promise<typeof import("@prisma/schema-engine-wasm")> | undefined;

/** Instantiated once per process: the glue module is a singleton bound to one wasm instance. */
function loadEngineModule() {
  engineModule ??= instantiateEngine();
  return engineModule;
}

async function instantiateEngine() {
  // Where the engine reports a Rust panic's message before throwing (Prisma's CLI sets the same).
  const registry = {
    message: "",
    set_message(message: string) {
      this.message = message;
    },
  };
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = registry;
  // Node cannot import the .wasm file as a module: instantiate it by hand and wire its glue code.
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  // The package exports no path to its .wasm file: find it beside the package's main module.
  const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "schema_engine_bg.wasm");
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    "./schema_engine_bg.js": bg as never,
  });
  const exports = instance.exports as Record<string, unknown> & { __wbindgen_start?: () => void };
  (bg as unknown as { __wbg_set_wasm(e: unknown): void }).__wbg_set_wasm(exports);
  exports.__wbindgen_start?.();
  return bg as unknown as typeof import("@prisma/schema-engine-wasm");
}

/**
 * The pg adapter runs a migration script by splitting it at every ";", which cuts a function's body
 * ($$ … $$) into pieces Postgres refuses, though Prisma Migrate's docs send stored procedures and
 * triggers to migrations. This sends each script whole, as one simple query (one implicit
 * transaction), which Postgres parses itself.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    return sendScriptsWhole(await super.connect());
  }
  override async connectToShadowDb() {
    return sendScriptsWhole(await super.connectToShadowDb());
  }
}

function sendScriptsWhole<A extends Awaited<ReturnType<PrismaPg["connect"]>>>(adapter: A): A {
  // The adapter's own client, and its translation of a pg error into one the engine reports.
  const inner = adapter as unknown as { client: pg.Pool; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await inner.client.query(script);
    } catch (error) {
      inner.onError(error);
    }
  };
  return adapter;
}

async function withEngine<T>(connectionString: string, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const schema = await readFile(SCHEMA_PATH, "utf8");
  // Our own pool, so we can close it: the engine takes a session-level advisory lock on its
  // connection, and a pool left open would hold it and make the next migration run wait.
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on("error", () => undefined); // an idle connection dropping is not worth a crash here
  const adapter = new WholeScriptPg(pool);
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    () => undefined, // engine log lines; quiet unless debugging
    bindMigrationAwareSqlAdapterFactory(adapter),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await pool.end();
  }
}

async function migrationsList() {
  const dirs = existsSync(MIGRATIONS_DIR)
    ? (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      dirs.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: {
            tag: "ok" as const,
            value: await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8"),
          },
        },
      })),
    ),
  };
}

/** Applies every migration not yet recorded in _prisma_migrations. Returns the names applied. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const list = await migrationsList();
  return withEngine(databaseUrl, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: list, filters: FILTERS });
    return appliedMigrationNames;
  });
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema
 * as of the last migration (the snapshot) and prisma/schema.prisma. The diff reads no table, but the
 * engine opens a connection when it starts: any reachable Postgres will do.
 */
export async function createMigration(
  name: string,
  connectionString: string,
): Promise<{ dir: string; sql: string } | null> {
  const current = await readFile(SCHEMA_PATH, "utf8");
  const previous = existsSync(SNAPSHOT_PATH) ? await readFile(SNAPSHOT_PATH, "utf8") : null;
  const sql = await withEngine(connectionString, async (engine) => {
    const result = await engine.diff({
      from:
        previous === null
          ? { tag: "empty" }
          : { tag: "schemaDatamodel", files: [{ path: SNAPSHOT_PATH, content: previous }] },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: current }] },
      script: true,
      exitCode: null,
      filters: FILTERS,
    } as never);
    return result.stdout ?? "";
  });
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) return null;
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), sql);
  await writeFile(SNAPSHOT_PATH, current);
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  if (!existsSync(lockPath)) {
    await writeFile(
      lockPath,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  return { dir, sql };
}
