// Secrets that are public: the defaults in docker-compose.yml and the example files, npm run
// stack's, and trivial ones. In production (NODE_ENV=production) every process refuses them unless
// LIKES_ALLOW_DEMO_SECRETS=true says this is a demo (docs/decisions/031-demo-secrets-refused-in-production.md).
// The one list: tests/unit/env-secrets.test.ts fails when docker-compose.yml or an example file
// gains a secret default that is not refused here.

/** The opt-in: "this deployment is a demo, its secrets may be public". */
export const DEMO_OPT_IN = "LIKES_ALLOW_DEMO_SECRETS";

/** npm run stack's session secret when NEXTAUTH_SECRET is unset (a local demo; it sets the opt-in). */
export const LOCAL_STACK_SECRET = "local-stack-secret-not-for-production-000000";

/** The seeded users' password when SEED_PASSWORD is unset (prisma/seed.ts). */
export const DEFAULT_SEED_PASSWORD = "demo1234";

/** Every value docker-compose.yml's `dev-only-` defaults start with: refused as a family. */
const DEV_ONLY_PREFIX = "dev-only-";

export const DEMO_SECRET_VALUES: readonly string[] = [
  // docker-compose.yml's defaults.
  "dev-only-secret-public-in-docker-compose-yml-change-me",
  "dev-only-postgres-password",
  "dev-only-patroni-superuser-password",
  "dev-only-patroni-replication-password",
  DEFAULT_SEED_PASSWORD,
  // .env.example's placeholder.
  "change-me-to-32-or-more-random-characters!!",
  LOCAL_STACK_SECRET,
  // Trivial: the first guesses of anyone who tries.
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

const KNOWN = new Set(DEMO_SECRET_VALUES.map((v) => v.toLowerCase()));

/** A value anyone can guess: listed above, a dev-only- default, empty, or fewer than 4 distinct characters ("x" * 32). */
export function isDemoSecret(value: string): boolean {
  const lower = value.toLowerCase();
  return KNOWN.has(lower) || lower.startsWith(DEV_ONLY_PREFIX) || new Set(value).size < 4;
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
