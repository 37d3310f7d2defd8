// Secrets that are public: the defaults in docker-compose.yml and the example files, and trivial
// ones. In production (NODE_ENV=production) every process refuses them unless
// LIKES_ALLOW_DEMO_SECRETS=true says this is a demo (docs/decisions/031-demo-secrets-refused-in-production.md).
// tests/unit/env-secrets.test.ts fails when docker-compose.yml or an example file gains a secret
// default that is not refused here.
import { createHash } from "node:crypto";

/** The opt-in: "this deployment is a demo, its secrets may be public". */
export const DEMO_OPT_IN = "LIKES_ALLOW_DEMO_SECRETS";

/** The seeded users' password when SEED_PASSWORD is unset (prisma/seed.ts). */
export const DEFAULT_SEED_PASSWORD = "demo1234";

/** Every value docker-compose.yml's `dev-only-` defaults start with: refused as a family. */
const DEV_ONLY_PREFIX = "dev-only-";

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/**
 * The secrets published in the repository's files, by SHA-256 rather than by value: the image ships
 * this module, and tests/compose/image-secrets.test.ts checks that no image holds those values
 * (tooling/demo-secret-sources.ts reads them from the files themselves).
 */
export const PUBLISHED_DEMO_SECRETS: Readonly<Record<string, string>> = {
  "docker-compose.yml NEXTAUTH_SECRET": "ce6b288efc73a723843e0c40032d42a6b87745dfb4aaf13992c20607fad63dd9",
  "docker-compose.yml POSTGRES_PASSWORD": "306c26e622cbd898bc4c8762d31b80a4e4dc5af32503dda2d1bcc33d9cdf1f6a",
  "docker-compose.yml PATRONI_SUPERUSER_PASSWORD": "ce6a36b2862fa40fecffaec55f1d8f08bc57869c9ab576bd5b55be902e194be4",
  "docker-compose.yml PATRONI_REPLICATION_PASSWORD": "0131a3de8efb955308c4cabe1cd60cf6ef3c7900efeda71e37507fddcdd3a4e2",
  ".env.example NEXTAUTH_SECRET": "88a6d23a9a19bf5b0f8df8aa204d32f893e14284a7b56fbf46923ab308ee00c9",
};
const PUBLISHED = new Set(Object.values(PUBLISHED_DEMO_SECRETS));

/** The first guesses of anyone who tries, and the seed's documented default (case-insensitive). */
export const TRIVIAL_SECRETS: readonly string[] = [
  DEFAULT_SEED_PASSWORD,
  "password",
  "passw0rd",
  "postgres",
  "likes",
  "secret",
  "changeme",
  "change-me",
  "admin",
  "root",
  "redis",
  "test",
];
const TRIVIAL = new Set(TRIVIAL_SECRETS.map((v) => v.toLowerCase()));

/** One of the repository's published secrets (an exact match of PUBLISHED_DEMO_SECRETS). */
export function isPublishedDemoSecret(value: string): boolean {
  return PUBLISHED.has(sha256(value));
}

/** A value anyone can know or guess: published, a dev-only- default, trivial, empty, or fewer than 4 distinct characters ("x" * 32). */
export function isDemoSecret(value: string): boolean {
  const lower = value.toLowerCase();
  return (
    isPublishedDemoSecret(value) || lower.startsWith(DEV_ONLY_PREFIX) || TRIVIAL.has(lower) || new Set(value).size < 4
  );
}

/** The password of a URL (percent-decoded), or undefined when the URL has none or does not parse. */
export function urlPassword(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    // "user:@host" is an explicit empty password; "user@host" has none (PGPASSWORD, .pgpass, certificates).
    if (parsed.password === "") return /^[a-z]+:\/\/[^/@]*:@/i.test(url) ? "" : undefined;
    return decodeURIComponent(parsed.password);
  } catch {
    return undefined;
  }
}

/** The opt-in's values that mean yes, as server/env.ts's booleans. */
function optedIn(source: Record<string, string | undefined>): boolean {
  return ["true", "1"].includes(source[DEMO_OPT_IN] ?? "");
}

export type SecretName = "NEXTAUTH_SECRET" | "DATABASE_URL" | "REDIS_URL" | "SEED_PASSWORD";

/** Which of `names` carry a demo secret in `source` (names only: the values never leave here). */
export function demoSecretsIn(source: Record<string, string | undefined>, names: readonly SecretName[]): SecretName[] {
  return names.filter((name) => {
    const value = source[name];
    if (name === "SEED_PASSWORD") return isDemoSecret(value || DEFAULT_SEED_PASSWORD); // unset: the default
    if (value === undefined || value === "") return false; // missing: the schema says so
    if (name === "NEXTAUTH_SECRET") return isDemoSecret(value);
    const password = urlPassword(value);
    return password !== undefined && isDemoSecret(password);
  });
}

const HOW_TO_FIX: Record<SecretName, string> = {
  NEXTAUTH_SECRET: "is a demo value (public in this repository): set your own, openssl rand -base64 32",
  DATABASE_URL:
    "its password is a demo value (public in this repository): give the database user its own password (openssl rand -hex 24: letters and digits fit in a URL) and put it in the URL",
  REDIS_URL:
    "its password is a demo value (public in this repository): set Redis' requirepass to your own (openssl rand -hex 24) and put it in the URL",
  SEED_PASSWORD:
    "is unset or a demo value (public in this repository): the seeded accounts would have a password anyone knows; set your own, openssl rand -base64 18",
};

/**
 * The refusal, one line per variable, or none: only NODE_ENV=production refuses, and not when the
 * opt-in says this is a demo. The lines name the variable and the fix, never the value.
 */
export function demoSecretProblems(source: Record<string, string | undefined>, names: readonly SecretName[]): string[] {
  if (source.NODE_ENV !== "production" || optedIn(source)) return [];
  return demoSecretsIn(source, names).map(
    (name) => `${name}: ${HOW_TO_FIX[name]}; or, for a demo, set ${DEMO_OPT_IN}=true (production refuses demo secrets)`,
  );
}

/** The warning a production process prints when it runs on demo secrets because of the opt-in. */
export function demoSecretWarning(
  source: Record<string, string | undefined>,
  names: readonly SecretName[],
): string | null {
  if (source.NODE_ENV !== "production" || !optedIn(source)) return null;
  const used = demoSecretsIn(source, names);
  return used.length
    ? `${DEMO_OPT_IN}=true: running on demo secrets (${used.join(", ")}), public in this repository; never expose this deployment`
    : null;
}

/**
 * For the scripts that do not go through server/env.ts (migrate, seed): prints the refusal and
 * exits 78 (EX_CONFIG), or prints the opt-in's warning and returns.
 */
export function refuseDemoSecretsOrExit(
  source: Record<string, string | undefined>,
  names: readonly SecretName[],
): void {
  const problems = demoSecretProblems(source, names);
  if (problems.length) {
    console.error(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(78);
  }
  const warning = demoSecretWarning(source, names);
  if (warning) console.warn(warning);
}
