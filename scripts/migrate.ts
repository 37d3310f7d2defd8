// npm run db:migrate            apply pending migrations to DATABASE_URL (offline; see tooling/migrations.ts)
// npm run db:migrate -- new X   write a new migration named X from changes to prisma/schema.prisma
import { existsSync } from "node:fs";
import { refuseDemoSecretsOrExit } from "../server/demo-secrets";
import { applyMigrations, createMigration } from "../tooling/migrations";

const [command, name] = process.argv.slice(2);

if (command === "new") {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("usage: npm run db:migrate -- new <name_in_snake_case>");
    process.exit(64);
  }
  const created = await createMigration(
    name,
    process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  );
  console.log(
    created
      ? `created ${created.dir}/migration.sql\n\n${created.sql}`
      : "schema.prisma matches the last migration: nothing to create",
  );
} else if (command === undefined || command === "deploy") {
  if (process.env.DATABASE_URL === undefined && existsSync(".env")) process.loadEnvFile(".env");
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is required (see .env.example)");
    process.exit(78);
  }
  // This job does not go through server/env.ts: the same refusal of demo secrets in production.
  refuseDemoSecretsOrExit(process.env, ["DATABASE_URL"]);
  const applied = await applyMigrations(url);
  console.log(
    applied.length
      ? `applied ${applied.length} migration(s): ${applied.join(", ")}`
      : "database is up to date: no migration to apply",
  );
} else {
  console.error(`unknown command ${command}; use "deploy" (default) or "new <name>"`);
  process.exit(64);
}

// The engine's driver adapter can keep a pooled connection open for its idle timeout; the work is done.
process.exit(0);
