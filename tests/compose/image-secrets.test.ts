// Nothing secret is baked into the images docker-compose.yml builds: the app image's environment
// and build history hold no secret-looking value, and no layer (a file deleted by a later layer
// still ships in the earlier one) holds a .env file, a private key, a demo secret, a .git
// directory or test results. The nginx image's certificate is made at container start, not at
// build (nginx/docker-entrypoint.d/15-likes-self-signed-cert.sh). And the app image refuses to
// start on compose's demo secrets once LIKES_ALLOW_DEMO_SECRETS=false.
//
// Runs in the compose suite after compose.test.ts, which builds the images: the build here is then
// the engine's cache answering. Alone: .ci/compose/with-podman node --import tsx --test tests/compose/image-secrets.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { DEMO_OPT_IN } from "../../server/demo-secrets";
import { publishedSecrets } from "../../tooling/demo-secret-sources";
import { ComposeProject } from "./support/compose";
import { SavedImage, type ArchiveEntry } from "./support/image-files";

const APP_IMAGE = "likes-app:local";
const NGINX_IMAGE = "likes-nginx:local";
const PGBOUNCER_IMAGE = "likes-pgbouncer:local";
const PATRONI_IMAGE = "likes-patroni:local";
const project = new ComposeProject(`likessecrets${randomBytes(3).toString("hex")}`);
const say = (line: string) => console.log(`# image-secrets: ${line}`);

/** A variable whose name says it holds a secret. */
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY/i;
/** A PEM private key as a key file holds it: the armour, base64 lines, the matching end line. Not the
 * bare marker (jose and dotenv name it in code and docs), nor a key quoted line by line inside a
 * JavaScript string (oauth's own tests, a dependency of next-auth). */
const PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----\r?\n(?:[A-Za-z-]+:[^\n]*\r?\n)*\r?\n?(?:[A-Za-z0-9+/=]{16,}\r?\n)+-----END \1PRIVATE KEY-----/;
/** The secrets the repository publishes (docker-compose.yml's defaults, .env.example's), read from
 * those files. Short ones are left out: demo1234, the seed's default, is a word of its code. */
const DISTINCTIVE = [...new Set(publishedSecrets().map((s) => s.value))].filter((v) => v.length >= 16);

let workDir: string;
before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "likes-image-secrets-"));
  assert.ok(DISTINCTIVE.length >= 5, `read the published secrets: ${DISTINCTIVE.length}`);
  const build = await project.run(["build", "app", "nginx", "pgbouncer", "ha-patroni-1"]);
  say(`build: ${build.seconds.toFixed(0)} s`);
});

after(async () => {
  await project.run(["down", "--remove-orphans"], { allowFailure: true });
  await rm(workDir, { recursive: true, force: true });
});

type ImageInspect = { Config: { Env?: string[] | null } };
type HistoryEntry = { CreatedBy?: string };

test("the app image's environment (Config.Env) sets no secret-looking variable", async () => {
  const inspected = await project.api.request<ImageInspect>("GET", `/images/${APP_IMAGE}/json`);
  assert.equal(inspected.status, 200, `${APP_IMAGE} exists`);
  const env = inspected.body.Config.Env ?? [];
  assert.ok(
    env.some((e) => e.startsWith("NODE_ENV=")),
    `read the image's environment (${env.length} variables)`,
  );
  // Names only: the assertion's message must not print the secret it found.
  const secretLooking = env
    .filter((e) => SECRET_NAME.test(e.split("=")[0]!) && e.split("=").slice(1).join("=") !== "")
    .map((e) => e.split("=")[0]!);
  assert.deepEqual(secretLooking, [], "the image's Config.Env sets no secret-looking variable");
});

test("the app image's build history (ENV, ARG, RUN lines) carries no secret", async () => {
  const history = await project.api.request<HistoryEntry[]>("GET", `/images/${APP_IMAGE}/history`);
  assert.equal(history.status, 200);
  const steps = history.body.map((h) => h.CreatedBy ?? "");
  assert.ok(
    steps.some((s) => s.includes("npm")),
    "read the image's build steps",
  );
  const leaking = steps.filter(
    (s) =>
      DISTINCTIVE.some((v) => s.includes(v)) ||
      /\b[A-Z0-9_]*(SECRET|PASSWORD|TOKEN)[A-Z0-9_]*=\S/.test(s.replace(new RegExp(`${DEMO_OPT_IN}=\\S+`, "g"), "")),
  );
  assert.deepEqual(leaking.length, 0, `no build step (ENV, ARG, RUN) carries a secret: ${leaking.length} do`);
});

const isElf = (content: Buffer) => content.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));

/** What a layer must not hold: one line per finding, naming the file, never the secret. */
function findings(image: SavedImage, layerIndex: number): string[] {
  const layer = image.layers[layerIndex]!;
  const found: string[] = [];
  const where = (e: ArchiveEntry) => `layer ${layerIndex + 1}: ${e.name}`;
  for (const entry of layer.files) {
    const parts = entry.name.replace(/\/$/, "").split("/");
    const base = parts.at(-1)!;
    if (base.startsWith(".wh.")) continue; // a later layer's deletion mark: the file is read in its own layer
    if (/^\.env/.test(base) && !/\.example$/.test(base)) found.push(`${where(entry)}: a .env file`);
    if (parts.includes(".git")) found.push(`${where(entry)}: a .git directory`);
    if (parts.some((p) => p === "test-results" || p === "playwright-report" || p === ".test-stacks"))
      found.push(`${where(entry)}: test results`);
    if (entry.type !== "file" || entry.size === 0) continue;
    const content = image.read(entry);
    // Compiled code is left out of the key search: GnuTLS embeds the keys of its own self-tests
    // (known-answer tests, published with its source) in libgnutls.so.
    if (!isElf(content) && PRIVATE_KEY.test(content.toString("latin1"))) found.push(`${where(entry)}: a private key`);
    if (DISTINCTIVE.some((v) => content.includes(v))) found.push(`${where(entry)}: a demo secret`);
  }
  return found;
}

/** The layers an image adds on top of the base image its Dockerfile names (that one is not ours). */
async function ownLayers(image: string, base: string): Promise<number> {
  type Inspect = { RootFS: { Layers: string[] } };
  const [mine, theirs] = await Promise.all([
    project.api.request<Inspect>("GET", `/images/${image}/json`),
    project.api.request<Inspect>("GET", `/images/${encodeURIComponent(base)}/json`),
  ]);
  assert.equal(theirs.status, 200, `${base} exists`);
  const baseLayers = theirs.body.RootFS.Layers;
  assert.deepEqual(mine.body.RootFS.Layers.slice(0, baseLayers.length), baseLayers, `${image} is built on ${base}`);
  return baseLayers.length;
}

test("no layer of the app image holds a .env file, a private key, a demo secret, .git or test results", async () => {
  const image = await SavedImage.save(project.api, APP_IMAGE, path.join(workDir, "app.tar"));
  try {
    const files = image.layers.reduce((n, l) => n + l.files.length, 0);
    say(`${APP_IMAGE}: ${image.layers.length} layers, ${files} entries`);
    assert.ok(
      image.layers.some((l) => l.files.some((f) => f.name === "app/server/main.ts")),
      "the archive was read: app/server/main.ts is in a layer",
    );
    const found = image.layers.flatMap((_, i) => findings(image, i));
    assert.deepEqual(found, [], "nothing secret in any layer of the app image");
  } finally {
    image.close();
  }
});

// Their base images are not ours to change (the official postgres image ships a snakeoil pair of its
// own): what counts is what this repository's Dockerfiles add.
test("the nginx, PgBouncer and Patroni images add no private key, .env file or demo secret to their base", async () => {
  for (const [name, base] of [
    [NGINX_IMAGE, "nginx:1.27-alpine"],
    [PGBOUNCER_IMAGE, "debian:bookworm-slim"],
    [PATRONI_IMAGE, "postgres:16"],
  ] as const) {
    const from = await ownLayers(name, base);
    const image = await SavedImage.save(project.api, name, path.join(workDir, `${name.replace(/\W/g, "-")}.tar`));
    try {
      assert.ok(image.layers.length > from, `${name} adds layers to ${base}`);
      const found = image.layers.slice(from).flatMap((_, i) => findings(image, from + i));
      assert.deepEqual(found, [], `nothing secret in the layers ${name} adds`);
    } finally {
      image.close();
    }
  }
});

test("with LIKES_ALLOW_DEMO_SECRETS=false, the app and migrate refuse compose's demo secrets and do not print them", async () => {
  const strict = new ComposeProject(project.name, { [DEMO_OPT_IN]: "false" });
  for (const service of ["app", "migrate"]) {
    const run = await strict.run(["run", "--rm", "--no-deps", service], { allowFailure: true });
    const output = run.stdout + run.stderr;
    assert.equal(run.status, 78, `${service} exits 78 (EX_CONFIG):\n${output}`);
    assert.match(output, /DATABASE_URL: its password is a demo value/);
    if (service === "app") assert.match(output, /NEXTAUTH_SECRET: is a demo value/);
    const printed = DISTINCTIVE.filter((v) => output.includes(v));
    assert.deepEqual(printed, [], `${service} prints no secret`);
  }
});
