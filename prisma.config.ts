// Prisma CLI configuration (generate, validate, format). Migrations run through scripts/migrate.ts,
// which drives Prisma's WebAssembly schema engine so they work without Prisma's native binary.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/likes" },
});
