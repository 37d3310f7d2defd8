// The nginx configuration: template rendering substitutes only ${NGINX_*}, every template variable
// has a documented default, and the rendered config passes the real `nginx -t`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  NGINX_DIR,
  defaultTemplateVariables,
  localTemplateVariables,
  parseDefaultsEnv,
  renderNginxConfig,
  renderTemplate,
  testNginxConfig,
  type NginxOptions,
} from "../../tooling/nginx";

async function templates(): Promise<Map<string, string>> {
  const dir = path.join(NGINX_DIR, "templates");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".template"));
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), "utf8")] as const)));
}

describe("renderTemplate", () => {
  test("replaces ${NGINX_*} and leaves nginx's own variables and other names alone", () => {
    const template =
      "listen ${NGINX_PORT}; proxy_set_header Host $http_host; root ${HOME}; $NGINX_PORT ${nginx_port} $request_id";
    assert.equal(
      renderTemplate(template, { NGINX_PORT: "8080", HOME: "/root" }),
      "listen 8080; proxy_set_header Host $http_host; root ${HOME}; $NGINX_PORT ${nginx_port} $request_id",
    );
  });

  test("names every variable that has no value", () => {
    assert.throws(() => renderTemplate("${NGINX_A} ${NGINX_B} ${NGINX_A}", {}), /NGINX_A, NGINX_B/);
  });
});

describe("nginx/templates and nginx/defaults.env", () => {
  test("templates write variables with braces only (envsubst would also replace $NGINX_X)", async () => {
    for (const [name, text] of await templates()) {
      assert.doesNotMatch(text, /\$NGINX_/, `${name} uses $NGINX_ without braces`);
    }
  });

  test("every template variable has a default, and every default is used", async () => {
    const used = new Set<string>();
    for (const text of (await templates()).values())
      for (const m of text.matchAll(/\$\{(NGINX_[A-Z0-9_]+)\}/g)) used.add(m[1] as string);
    const defaults = Object.keys(await defaultTemplateVariables());
    assert.deepEqual([...used].sort(), defaults.sort());
  });

  test("defaults.env parsing refuses quotes and stray lines", () => {
    assert.deepEqual(parseDefaultsEnv("# c\nNGINX_A=server app:3000;\n\nNGINX_B=20r/s\n"), {
      NGINX_A: "server app:3000;",
      NGINX_B: "20r/s",
    });
    assert.throws(() => parseDefaultsEnv('NGINX_A="x"'), /line 1/);
    assert.throws(() => parseDefaultsEnv("OTHER=1"), /line 1/);
  });
});

describe("parity with the container", () => {
  // The official image's 20-envsubst-on-templates.sh, reduced to its two lines that matter.
  const officialEnvsubst = `
    filter="\${NGINX_ENVSUBST_FILTER:-}"
    defined_envs=$(printf '\${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /\${filter}/ ) ? name : \\"\\" } }" < /dev/null ))
    envsubst "$defined_envs"`;
  const hasEnvsubst = spawnSync("sh", ["-c", "command -v envsubst"]).status === 0;

  test(
    "renderTemplate gives what the image's envsubst gives",
    { skip: hasEnvsubst ? false : "envsubst missing (apt-get install gettext-base)" },
    async () => {
      const variables = await defaultTemplateVariables();
      for (const [name, text] of await templates()) {
        const ours = renderTemplate(text, variables);
        // A container's environment, not this process's (Next's types insist on NODE_ENV, hence the cast).
        const env = {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: "/root",
          HOSTNAME: "nginx-1",
          NGINX_ENVSUBST_FILTER: "^NGINX_",
          NGINX_VERSION: "1.27.5",
          ...variables,
        } as unknown as NodeJS.ProcessEnv;
        const image = spawnSync("sh", ["-c", officialEnvsubst], { env, input: text, encoding: "utf8" });
        assert.equal(image.status, 0, image.stderr);
        assert.equal(ours, image.stdout, `${name} renders differently`);
      }
    },
  );
});

describe("local rendering", () => {
  let runDir = "";
  let options: NginxOptions;
  before(async () => {
    runDir = await mkdtemp(path.join(tmpdir(), "likes-nginx-config-"));
    options = {
      runDir,
      httpPort: 18180,
      httpsPort: 18543,
      upstreams: ["127.0.0.1:3000", "127.0.0.1:3001"],
      apiRatePerSecond: 500,
      apiBurst: 1000,
      signinRatePerMinute: 3,
      signinBurst: 1,
    };
  });
  after(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  test("local values override the compose defaults", async () => {
    const vars = await localTemplateVariables(options, { cert: "/c.pem", key: "/k.pem" });
    assert.equal(vars.NGINX_UPSTREAM_SERVERS, "server 127.0.0.1:3000; server 127.0.0.1:3001;");
    assert.equal(vars.NGINX_HTTP_LISTEN, "127.0.0.1:18180");
    assert.equal(vars.NGINX_HTTPS_LISTEN, "127.0.0.1:18543");
    assert.equal(vars.NGINX_API_RATE, "500r/s");
    assert.equal(vars.NGINX_API_BURST, "1000");
    assert.equal(vars.NGINX_SIGNIN_RATE, "3r/m");
    assert.equal(vars.NGINX_SIGNIN_BURST, "1");
    assert.equal(vars.NGINX_SSL_CERTIFICATE, "/c.pem");
  });

  test("upstreams and rates are validated before they reach nginx syntax", async () => {
    const cert = { cert: "/c.pem", key: "/k.pem" };
    await assert.rejects(
      localTemplateVariables({ ...options, upstreams: ["127.0.0.1:3000; evil"] }, cert),
      /host:port/,
    );
    await assert.rejects(localTemplateVariables({ ...options, upstreams: [] }, cert), /at least one/);
    await assert.rejects(localTemplateVariables({ ...options, apiRatePerSecond: 0.5 }, cert), /whole number/);
    // nginx refuses an explicit burst=0
    await assert.rejects(localTemplateVariables({ ...options, apiBurst: 0 }, cert), /apiBurst/);
  });

  test("the rendered config contains no template variable and passes nginx -t", async () => {
    await testNginxConfig(options);
    const site = await readFile(path.join(runDir, "conf.d/likes.conf"), "utf8");
    assert.doesNotMatch(site, /\$\{NGINX_[A-Z0-9_]+\}/);
    assert.match(site, /server 127\.0\.0\.1:3000; server 127\.0\.0\.1:3001;/);
    assert.match(site, /rate=500r\/s/);
    // nginx's own variables survived rendering
    assert.match(site, /proxy_set_header Host \$http_host;/);
  });

  test("stub_status: off by default (status.conf left out); with a port, on that listener only, and nginx -t passes", async () => {
    await testNginxConfig(options);
    assert.ok(!existsSync(path.join(runDir, "conf.d/status.conf")), "no status listener unless asked for");
    const site = await readFile(path.join(runDir, "conf.d/likes.conf"), "utf8");
    assert.doesNotMatch(site, /stub_status/, "the site's listeners (8080, 8443) never serve stub_status");

    await testNginxConfig({ ...options, statusPort: 18181 });
    const status = await readFile(path.join(runDir, "conf.d/status.conf"), "utf8");
    assert.match(status, /listen 127\.0\.0\.1:18181;/);
    assert.match(status, /location = \/stub_status \{\s*stub_status;/);

    await renderNginxConfig(options);
    assert.ok(!existsSync(path.join(runDir, "conf.d/status.conf")), "a later render without the port removes it");
  });

  test("the certificate is created once and reused", async () => {
    const certPath = path.join(runDir, "certs/cert.pem");
    const first = await readFile(certPath, "utf8");
    await renderNginxConfig(options);
    assert.equal(await readFile(certPath, "utf8"), first);
  });
});
