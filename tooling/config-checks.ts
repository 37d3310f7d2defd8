// The deployment configuration's checks behind `npm run check:config` (scripts/check-config.ts),
// none of which needs a Docker engine:
//   1. nginx: the templates rendered for local use pass `nginx -t` (the real binary).
//   2. docker-compose.yml passes `docker-compose config -q` (bad keys, conditions, references).
//   3. What that does not catch, checked on its normalized output: every `service_healthy`
//      dependency has a healthcheck, every `service_completed_successfully` one is a one-shot,
//      only nginx (and the observability profile's Prometheus) publishes ports, on loopback unless
//      told otherwise, scalable services have no container_name, and nginx's environment sets
//      every template variable.
//   3b. The `observability` profile: its services are only in that profile and nothing outside it
//      depends on them (the default `up` is unchanged), and every target host in
//      observability/prometheus/prometheus.yml is a service of the file.
//   3c. Every service of the app image handed a demo secret (server/demo-secrets.ts) sets the
//      demo opt-in, LIKES_ALLOW_DEMO_SECRETS=true, or it would refuse to start.
//   4. The packages the image needs at run time (Dockerfile, prod-deps stage) are dependencies.
//   5. Every file `next build` type-checks inside the image (next.config.js names the tsconfig),
//      with every file those import, is in the image's build context (.dockerignore), or is made
//      inside the image by the build (the Prisma client, Next's own types).
//   6. Every project file the image's processes load at run time (the .ts files its CMD, its
//      HEALTHCHECK and the compose commands start, and all they import) is copied into the
//      runtime stage (Dockerfile, COPY --from=build).
// Each reports one line through CheckReport. Needs nginx-light, docker-compose (which brings
// python3-yaml, used here to read the YAML) and openssl.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_OPT_IN, demoSecretsIn } from "../server/demo-secrets";
import { isExcluded, parseDockerignore } from "./dockerignore";
import { NGINX_DIR, findNginx, nginxVersion, testNginxConfig } from "./nginx";
import type { CheckReport } from "./check-report";
import { ROOT } from "./paths";

const PUBLISHING_SERVICE = "nginx";
/** Prometheus' UI and the `ha` profile's nginx, published only when their profile runs. */
const PROFILE_PUBLISHING_SERVICES = ["prometheus", "ha-nginx"];
const SCALABLE_SERVICES = ["app", "worker"];
const OBSERVABILITY_PROFILE = "observability";
const OBSERVABILITY_SERVICES = ["prometheus", "nginx-exporter", "postgres-exporter", "redis-exporter"];
const HA_PROFILE = "ha";
/** The `ha` profile's services are named ha-*: a second stack beside the default one. */
const HA_PREFIX = "ha-";

/** Every check, in order; `composeFile` is docker-compose.yml unless another is named. */
export async function runConfigChecks(composeFile: string, report: CheckReport): Promise<void> {
  await checkNginx(report);
  await checkCompose(composeFile, report);
  await checkRuntimeDependencies(report);
  await checkImageTypeCheckContext(report);
  await checkRuntimeImage(composeFile, report);
  await checkDeployImages(report);
}

async function checkNginx(report: CheckReport): Promise<void> {
  let binary: string;
  try {
    binary = findNginx();
  } catch (error) {
    report.fail(`nginx -t: ${(error as Error).message}`);
    return;
  }
  const runDir = await mkdtemp(path.join(tmpdir(), "likes-check-config-"));
  try {
    await testNginxConfig({ runDir, httpPort: 8080, httpsPort: 8443, upstreams: ["127.0.0.1:3000", "127.0.0.1:3001"] });
    report.ok(`nginx -t accepts nginx/ rendered for local use (${nginxVersion(binary)}, ${binary})`);
  } catch (error) {
    report.fail(`nginx -t: ${(error as Error).message}`);
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

function dockerCompose(composeFile: string, args: string[]) {
  return spawnSync("docker-compose", ["-f", composeFile, ...args], { cwd: ROOT, encoding: "utf8" });
}

type Service = {
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  ports?: unknown[];
  profiles?: string[];
  container_name?: string;
  restart?: string;
  environment?: Record<string, string | null>;
  image?: string;
};
type ComposeConfig = { services?: Record<string, Service> };

/** `disable: true` comes out of docker-compose config as test: ["NONE"]. */
function hasHealthcheck(service: Service | undefined): boolean {
  const test = service?.healthcheck?.test;
  if (!test || service?.healthcheck?.disable) return false;
  return !(Array.isArray(test) && test[0] === "NONE");
}

/** docker-compose v1 prints YAML only; python3-yaml (a dependency of Debian's docker-compose) reads it. */
function yamlToJson<T = ComposeConfig>(yaml: string): T | string {
  const result = spawnSync(
    "python3",
    ["-c", "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
    { input: yaml, encoding: "utf8" },
  );
  if (result.error) return `python3 not found (${result.error.message}): apt-get install python3-yaml`;
  if (result.status !== 0)
    return /No module named 'yaml'/.test(result.stderr)
      ? "python3 has no yaml module: apt-get install python3-yaml"
      : result.stderr.trim();
  return JSON.parse(result.stdout) as T;
}

async function templateVariables(): Promise<string[]> {
  const names = new Set<string>();
  for (const file of await readdir(path.join(NGINX_DIR, "templates"))) {
    if (!file.endsWith(".template")) continue;
    const text = await readFile(path.join(NGINX_DIR, "templates", file), "utf8");
    for (const match of text.matchAll(/\$\{(NGINX_[A-Z0-9_]+)\}/g)) names.add(match[1] as string);
  }
  return [...names].sort();
}

async function checkCompose(composeFile: string, report: CheckReport): Promise<void> {
  const version = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" });
  if (version.error) {
    report.fail(
      "docker-compose not found: apt-get install docker-compose (validates compose files without a Docker engine)",
    );
    return;
  }
  const quiet = dockerCompose(composeFile, ["config", "-q"]);
  if (quiet.status !== 0) {
    report.fail(`docker-compose config -q rejects ${path.relative(ROOT, composeFile)}:\n${quiet.stderr.trim()}`);
    return;
  }
  report.ok(
    `docker-compose config -q accepts ${path.relative(ROOT, composeFile)} (docker-compose ${version.stdout.trim()})`,
  );

  const normalized = dockerCompose(composeFile, ["config"]);
  const config = yamlToJson(normalized.stdout);
  if (typeof config === "string") {
    report.fail(`reading docker-compose config output: ${config}`);
    return;
  }
  const services = config.services ?? {};

  const unhealthy: string[] = [];
  const notOneShot: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    for (const [target, dependency] of Object.entries(service.depends_on ?? {})) {
      const other = services[target];
      if (dependency.condition === "service_healthy" && !hasHealthcheck(other)) {
        unhealthy.push(`${name} -> ${target}`);
      }
      if (dependency.condition === "service_completed_successfully" && other?.restart && other.restart !== "no") {
        notOneShot.push(`${name} -> ${target} (restart: ${other.restart})`);
      }
    }
  }
  if (unhealthy.length)
    report.fail(`depends_on service_healthy on a service without a healthcheck: ${unhealthy.join(", ")}`);
  else report.ok("every depends_on service_healthy points at a service with a healthcheck");
  if (notOneShot.length)
    report.fail(`depends_on service_completed_successfully on a service that restarts: ${notOneShot.join(", ")}`);
  else report.ok("every depends_on service_completed_successfully points at a one-shot service");

  const publishing = Object.entries(services)
    .filter(([, s]) => s.ports?.length)
    .map(([n]) => n);
  const mayPublish = [PUBLISHING_SERVICE, ...PROFILE_PUBLISHING_SERVICES];
  if (publishing.some((n) => !mayPublish.includes(n)) || !publishing.includes(PUBLISHING_SERVICE)) {
    report.fail(`only ${mayPublish.join(" and ")} may publish ports; publishing: ${publishing.join(", ") || "none"}`);
  } else report.ok(`only ${publishing.join(" and ")} publish ports`);
  // Normalized, a published port reads HOST_IP:HOST_PORT:CONTAINER_PORT/tcp.
  const open = publishing.flatMap((n) =>
    (services[n]?.ports ?? [])
      .filter((p) => typeof p !== "string" || !p.startsWith("127.0.0.1:"))
      .map((p) => `${n} ${JSON.stringify(p)}`),
  );
  if (open.length) report.fail(`published ports not bound to 127.0.0.1 by default: ${open.join(", ")}`);
  else report.ok("every published port binds to 127.0.0.1 unless LIKES_BIND_ADDRESS says otherwise");

  await checkObservabilityProfile(services, report);
  checkHaProfile(services, report);
  checkDemoOptIn(services, report);

  const pinned = SCALABLE_SERVICES.filter((n) => !services[n] || services[n].container_name);
  if (pinned.length) report.fail(`missing, or a container_name prevents --scale: ${pinned.join(", ")}`);
  else report.ok(`${SCALABLE_SERVICES.join(" and ")} can be scaled (no container_name)`);

  const environment = services[PUBLISHING_SERVICE]?.environment ?? {};
  const unset = (await templateVariables()).filter((v) => typeof environment[v] !== "string" || environment[v] === "");
  if (unset.length) report.fail(`the nginx service's environment lacks template variables: ${unset.join(", ")}`);
  else report.ok("the nginx service's environment sets every ${NGINX_*} template variable");
}

type PrometheusConfig = {
  scrape_configs?: {
    job_name: string;
    dns_sd_configs?: { names?: string[] }[];
    static_configs?: { targets?: string[] }[];
  }[];
};

/** The observability profile is an addition: the default `up` neither starts nor needs it, and Prometheus' targets exist. */
async function checkObservabilityProfile(services: Record<string, Service>, report: CheckReport): Promise<void> {
  const inProfile = Object.entries(services)
    .filter(([, s]) => s.profiles?.includes(OBSERVABILITY_PROFILE))
    .map(([n]) => n);
  const wrong = OBSERVABILITY_SERVICES.filter((n) => services[n]?.profiles?.join() !== OBSERVABILITY_PROFILE);
  if (wrong.length || inProfile.sort().join() !== [...OBSERVABILITY_SERVICES].sort().join())
    report.fail(
      `the ${OBSERVABILITY_PROFILE} profile should hold exactly ${OBSERVABILITY_SERVICES.join(", ")} (and they no other profile); it holds ${inProfile.join(", ") || "nothing"}`,
    );
  else report.ok(`the ${OBSERVABILITY_PROFILE} profile holds ${OBSERVABILITY_SERVICES.join(", ")}`);

  const defaults = Object.entries(services).filter(([, s]) => !s.profiles?.length);
  const needing = defaults.flatMap(([n, s]) =>
    Object.keys(s.depends_on ?? {})
      .filter((d) => services[d]?.profiles?.length)
      .map((d) => `${n} -> ${d}`),
  );
  if (needing.length) report.fail(`a default service depends on a profile's service: ${needing.join(", ")}`);
  else report.ok("no default service depends on a profile's service: `docker compose up` is unchanged");

  const file = path.join(ROOT, "observability", "prometheus", "prometheus.yml");
  const config = yamlToJson<PrometheusConfig>(await readFile(file, "utf8"));
  if (typeof config === "string") {
    report.fail(`reading ${path.relative(ROOT, file)}: ${config}`);
    return;
  }
  const hosts = (config.scrape_configs ?? []).flatMap((job) => [
    ...(job.dns_sd_configs ?? []).flatMap((d) => d.names ?? []).map((host) => ({ job: job.job_name, host })),
    ...(job.static_configs ?? [])
      .flatMap((s) => s.targets ?? [])
      .map((target) => ({ job: job.job_name, host: target.replace(/:\d+$/, "") })),
  ]);
  const unknown = hosts.filter(({ host }) => host !== "localhost" && !services[host]);
  if (!hosts.length || unknown.length)
    report.fail(
      `${path.relative(ROOT, file)} scrapes hosts that are no compose service: ${unknown.map((u) => `${u.job} ${u.host}`).join(", ") || "(no targets)"}`,
    );
  else
    report.ok(
      `every Prometheus target is a compose service: ${[...new Set(hosts.map((h) => `${h.job}=${h.host}`))].join(", ")}`,
    );
}

/**
 * The `ha` profile is a second stack: its services (ha-*) are in that profile only, and depend on
 * one another only, so `docker compose --profile ha up ha-nginx` starts none of the default ones.
 */
function checkHaProfile(services: Record<string, Service>, report: CheckReport): void {
  const named = Object.keys(services).filter((n) => n.startsWith(HA_PREFIX));
  const misplaced = Object.entries(services)
    .filter(
      ([n, s]) =>
        n.startsWith(HA_PREFIX) !== (s.profiles?.includes(HA_PROFILE) ?? false) ||
        (n.startsWith(HA_PREFIX) && s.profiles?.length !== 1),
    )
    .map(([n]) => n);
  if (!named.length || misplaced.length)
    report.fail(
      `the ${HA_PROFILE} profile should hold exactly the ${HA_PREFIX}* services: ${misplaced.join(", ") || "none found"}`,
    );
  else report.ok(`the ${HA_PROFILE} profile holds the ${named.length} ${HA_PREFIX}* services, and only them`);
  const outside = named.flatMap((n) =>
    Object.keys(services[n]?.depends_on ?? {})
      .filter((d) => !d.startsWith(HA_PREFIX))
      .map((d) => `${n} -> ${d}`),
  );
  if (outside.length)
    report.fail(`a ${HA_PROFILE} service depends on a service outside its profile: ${outside.join(", ")}`);
  else report.ok(`the ${HA_PROFILE} profile's services depend only on one another`);
}

/** The image app, worker and migrate run (docker-compose.yml's x-app-image). */
const APP_IMAGE = "likes-app:local";

/**
 * The app image runs with NODE_ENV=production, which refuses demo secrets: every service of it that
 * compose hands one by default must say it is a demo, or a fresh clone's `up` stops at its start.
 */
function checkDemoOptIn(services: Record<string, Service>, report: CheckReport): void {
  const given = Object.entries(services)
    .filter(([, s]) => s.image === APP_IMAGE)
    .map(([name, s]) => {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v ?? undefined]));
      return {
        name,
        demo: demoSecretsIn(env, ["NEXTAUTH_SECRET", "DATABASE_URL", "REDIS_URL"]),
        optIn: env[DEMO_OPT_IN],
      };
    })
    .filter((s) => s.demo.length);
  const missing = given.filter((s) => s.optIn !== "true").map((s) => `${s.name} (${s.demo.join(", ")})`);
  if (!given.length) report.fail(`no service of ${APP_IMAGE} found with compose's demo secrets: is the check stale?`);
  else if (missing.length)
    report.fail(`handed demo secrets without ${DEMO_OPT_IN}=true, so they refuse to start: ${missing.join(", ")}`);
  else
    report.ok(
      `the ${given.length} services of ${APP_IMAGE} handed demo secrets by default say so (${DEMO_OPT_IN}=true): ${given.map((s) => s.name).join(", ")}`,
    );
}

/** deploy/*\/Dockerfile: every file a COPY names is in that directory, the image's build context. */
async function checkDeployImages(report: CheckReport): Promise<void> {
  const deploy = path.join(ROOT, "deploy");
  const dirs = existsSync(deploy)
    ? (await readdir(deploy)).filter((d) => existsSync(path.join(deploy, d, "Dockerfile")))
    : [];
  const missing: string[] = [];
  for (const dir of dirs) {
    const dockerfile = await readFile(path.join(deploy, dir, "Dockerfile"), "utf8");
    for (const [, args] of dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)) {
      const sources = args!
        .split(/\s+/)
        .filter((a) => !a.startsWith("--"))
        .slice(0, -1);
      for (const source of sources)
        if (!existsSync(path.join(deploy, dir, source))) missing.push(`deploy/${dir}/Dockerfile: ${source}`);
    }
  }
  if (missing.length) report.fail(`COPY sources missing from their build context: ${missing.join(", ")}`);
  else
    report.ok(
      `every COPY of ${dirs.map((d) => `deploy/${d}/Dockerfile`).join(", ") || "deploy/ (none)"} names a file of its build context`,
    );
}

async function checkRuntimeDependencies(report: CheckReport): Promise<void> {
  const dockerfile = await readFile(path.join(ROOT, "Dockerfile"), "utf8");
  const list = /for pkg in ([^;]+);/.exec(dockerfile)?.[1]?.trim().split(/\s+/);
  if (!list?.length) {
    report.fail("Dockerfile: no `for pkg in ...;` list of runtime packages found in the prod-deps stage");
    return;
  }
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const missing = list.filter((name) => !pkg.dependencies?.[name]);
  if (missing.length)
    report.fail(
      `the image runs with production dependencies only; move to "dependencies" in package.json: ${missing.join(", ")}`,
    );
  else report.ok(`packages the image needs at run time are dependencies: ${list.join(", ")}`);
}

/** The repository's files (not node_modules) that a tsconfig's program reads, relative to ROOT; a string on failure. */
function projectFilesOf(tsconfig: string): string[] | string {
  const tsc = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig, "--listFilesOnly"],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (tsc.status !== 0) return (tsc.stdout + tsc.stderr).trim();
  return tsc.stdout
    .split("\n")
    .map((f) => f.trim())
    .filter((f) => f && !f.includes("/node_modules/"))
    .map((f) => path.relative(ROOT, f));
}

async function checkImageTypeCheckContext(report: CheckReport): Promise<void> {
  const { default: nextConfig } = (await import(path.join(ROOT, "next.config.js"))) as {
    default: { typescript?: { tsconfigPath?: string } };
  };
  const tsconfig = nextConfig.typescript?.tsconfigPath ?? "tsconfig.json";
  const files = projectFilesOf(tsconfig);
  if (typeof files === "string") {
    report.fail(`tsc -p ${tsconfig} --listFilesOnly failed:\n${files}`);
    return;
  }
  const schema = await readFile(path.join(ROOT, "prisma", "schema.prisma"), "utf8");
  const prismaOutput = /output\s*=\s*"([^"]+)"/.exec(schema)?.[1];
  // Made by the image's build stage (prisma generate, next build), so absent from the context.
  const madeInImage = [
    prismaOutput && path.relative(ROOT, path.resolve(ROOT, "prisma", prismaOutput)),
    "next-env.d.ts",
    ".next",
  ].filter(Boolean) as string[];
  const rules = parseDockerignore(await readFile(path.join(ROOT, ".dockerignore"), "utf8"));
  const outside = files.filter(
    (f) => !madeInImage.some((m) => f === m || f.startsWith(`${m}/`)) && isExcluded(rules, f),
  );
  if (outside.length) {
    report.fail(
      `next build type-checks ${tsconfig}, and these files are left out of the image's build context by .dockerignore, so the image cannot build: ${outside.join(", ")} (keep them out of ${tsconfig}, or let them into the context)`,
    );
  } else
    report.ok(`the ${files.length} files next build type-checks (${tsconfig}) are all in the image's build context`);
}

/**
 * The project files the containers start: .ts (through tsx) and plain .mjs, named in the Dockerfile
 * and compose commands, or behind an `npm run X` there.
 */
async function runtimeEntryPoints(composeFile: string): Promise<string[]> {
  const text = [await readFile(path.join(ROOT, "Dockerfile"), "utf8"), await readFile(composeFile, "utf8")].join("\n");
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const scripts = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => pkg.scripts?.[m[1] as string] ?? "");
  const files = [...`${text}\n${scripts.join("\n")}`.matchAll(/(?:^|[\s"'])((?:[\w-]+\/)*[\w-]+\.m?[jt]s)\b/g)].map(
    (m) => m[1] as string,
  );
  return [...new Set(files)].filter((f) => existsSync(path.join(ROOT, f))).sort();
}

async function checkRuntimeImage(composeFile: string, report: CheckReport): Promise<void> {
  const dockerfile = await readFile(path.join(ROOT, "Dockerfile"), "utf8");
  // COPY --from=build /app/a /app/b ./  or  COPY --from=build /app/server ./server
  const copied = [...dockerfile.matchAll(/^COPY --from=build ((?:\/app\/\S+\s+)+)\S+$/gm)].flatMap((m) =>
    (m[1] as string)
      .trim()
      .split(/\s+/)
      .map((p) => p.replace(/^\/app\//, "")),
  );
  const isCopied = (f: string) => copied.some((c) => f === c || f.startsWith(`${c}/`));
  const all = await runtimeEntryPoints(composeFile);
  // Plain JavaScript entry points (scripts/healthcheck.mjs) import nothing of the project's.
  const plain = all.filter((f) => !f.endsWith(".ts"));
  const uncopied = plain.filter((f) => !isCopied(f));
  if (uncopied.length) report.fail(`the image runs ${uncopied.join(", ")}, which its runtime stage does not copy`);
  else if (plain.length) report.ok(`the runtime stage copies ${plain.join(", ")}`);
  const entries = all.filter((f) => f.endsWith(".ts"));
  if (!entries.length) {
    report.fail("found no .ts entry points in the Dockerfile or docker-compose.yml");
    return;
  }
  // tsc's module graph from those entry points: every file they import, type-only imports included
  // (stricter than needed, and cheap: such a file is small).
  const dir = await mkdtemp(path.join(ROOT, ".check-runtime-"));
  try {
    const config = path.join(dir, "tsconfig.json");
    await writeFile(
      config,
      JSON.stringify({ extends: "../tsconfig.json", files: entries.map((f) => `../${f}`), include: [] }),
    );
    const loaded = projectFilesOf(config);
    if (typeof loaded === "string") {
      report.fail(`tsc --listFilesOnly on the runtime entry points failed:\n${loaded}`);
      return;
    }
    const missing = loaded.filter((f) => !isCopied(f));
    if (missing.length)
      report.fail(
        `the image runs ${entries.join(", ")}; they load files its runtime stage does not copy (add a COPY --from=build to the Dockerfile): ${missing.join(", ")}`,
      );
    else report.ok(`the runtime stage copies all ${loaded.length} files that ${entries.join(", ")} load`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
