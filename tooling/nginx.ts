// Runs the project's nginx outside containers (local stacks, tests, CI) with the very files the
// nginx image uses: nginx/nginx.conf, nginx/snippets/ and nginx/templates/*.template rendered with
// the ${NGINX_*} variables of nginx/defaults.env. Only the listen addresses, the upstream list,
// file paths and the rates a caller asks for differ from compose (docs/decisions/012-...).
//
// Each instance lives in its own run directory: it holds the rendered config, the logs and, unless
// told otherwise, the self-signed certificate, and is nginx's prefix (pid, temp paths) unless run
// as root (see prefixFor). A system nginx (its config, pid file or logs) is never touched.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants as fsConstants, existsSync, statSync } from "node:fs";
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./paths";
import { freePort } from "./processes";

/** The repository's nginx/ directory. */
export const NGINX_DIR = path.join(ROOT, "nginx");

export type NginxOptions = {
  /** nginx's working directory (config, logs, and its prefix unless run as root); created if missing. */
  runDir: string;
  httpPort: number;
  httpsPort: number;
  /** App instances as host:port, e.g. ["127.0.0.1:3000", "127.0.0.1:3001"]. */
  upstreams: string[];
  /** Whole requests per second per client address on /api/ (default: nginx/defaults.env). */
  apiRatePerSecond?: number;
  /** Requests allowed at once above the rate, ≥ 1 (nginx rejects an explicit burst=0). */
  apiBurst?: number;
  /** Whole sign-in attempts per minute per client address (default: nginx/defaults.env). */
  signinRatePerMinute?: number;
  signinBurst?: number; // ≥ 1 too
  /** Address the listeners bind to (default 127.0.0.1: a local stack is not for the network). */
  listenAddress?: string;
  /** The app's UPLOADS_DIR, served at /uploads/ (default: an empty directory under nginx's prefix). */
  uploadsDir?: string;
  /** Where the self-signed certificate is kept (default runDir/certs). */
  certDir?: string;
  /** Port of the stub_status listener (nginx's own figures, for the Prometheus exporter); default: off. */
  statusPort?: number;
  log?: (line: string) => void;
};

export type RunningNginx = {
  httpUrl: string;
  httpsUrl: string;
  /** nginx's stub_status (http://HOST:PORT/stub_status), when started with a statusPort. */
  statusUrl?: string;
  pid: number;
  stop(): Promise<void>;
};

const SBIN_DIRS = [
  "/usr/sbin",
  "/usr/local/sbin",
  "/usr/local/nginx/sbin",
  "/opt/homebrew/bin",
  "/usr/local/bin",
  "/usr/bin",
];

/** Path of the nginx binary: PATH first, then the sbin directories a non-root PATH lacks. */
export function findNginx(): string {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, "nginx");
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new Error("nginx not found in PATH or /usr/sbin. Install it: apt-get install nginx-light (or nginx).");
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * A self-signed certificate for localhost (SAN DNS:localhost, IP:127.0.0.1, IP:::1), created once
 * per directory by the same script the nginx image runs on first start.
 */
export async function ensureCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const script = path.join(NGINX_DIR, "docker-entrypoint.d/15-likes-self-signed-cert.sh");
  const { code, output } = await run("sh", [script], {
    ...process.env,
    NGINX_SSL_CERTIFICATE: cert,
    NGINX_SSL_CERTIFICATE_KEY: key,
  });
  if (code !== 0) throw new Error(`could not create a self-signed certificate in ${dir}:\n${output}`);
  return { cert, key };
}

/** The stub_status listener's template, rendered only when NGINX_STATUS_LISTEN is set. */
export const STATUS_TEMPLATE = "status.conf.template";

const TEMPLATE_VARIABLE = /\$\{(NGINX_[A-Z0-9_]+)\}/g;

/**
 * Replaces ${NGINX_*} and nothing else, as the image's envsubst does with NGINX_ENVSUBST_FILTER=^NGINX_:
 * nginx's own $variables (and ${HOME}-like names) stay as written. A variable without a value is an
 * error here, where envsubst would leave it in place for nginx to trip over.
 */
export function renderTemplate(template: string, variables: Record<string, string>): string {
  const missing = new Set<string>();
  const rendered = template.replace(TEMPLATE_VARIABLE, (whole, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size)
    throw new Error(`nginx template variables without a value: ${[...missing].join(", ")} (see nginx/defaults.env)`);
  return rendered;
}

/** nginx/defaults.env: KEY=value lines, # comments. The compose file reads it as an env_file. */
export function parseDefaultsEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(NGINX_[A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match || /["']/.test(match[2] ?? ""))
      throw new Error(`nginx/defaults.env line ${index + 1}: expected NGINX_NAME=value without quotes`);
    out[match[1] as string] = match[2] as string;
  }
  return out;
}

export async function defaultTemplateVariables(): Promise<Record<string, string>> {
  return parseDefaultsEnv(await readFile(path.join(NGINX_DIR, "defaults.env"), "utf8"));
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number ≥ 1 (nginx counts whole requests), got ${value}`);
  return value;
}

function checkPort(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`${name} must be a TCP port, got ${value}`);
  return value;
}

/** The template variables for a local instance: nginx/defaults.env, with the local differences. */
export async function localTemplateVariables(
  opts: NginxOptions,
  certificate: { cert: string; key: string },
  errorPagesDir = path.join(path.resolve(opts.runDir), "error-pages"),
  defaultUploadsDir = path.join(path.resolve(opts.runDir), "uploads"),
): Promise<Record<string, string>> {
  if (!opts.upstreams.length) throw new Error("at least one upstream (host:port) is needed");
  for (const upstream of opts.upstreams) {
    // A strict shape: the value lands inside nginx syntax.
    if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(upstream))
      throw new Error(`upstream must be host:port, got ${JSON.stringify(upstream)}`);
  }
  const address = opts.listenAddress ?? "127.0.0.1";
  if (!/^(\[[0-9a-fA-F:]+\]|[0-9.]+|\*)$/.test(address))
    throw new Error(`listenAddress must be an IP address, got ${JSON.stringify(address)}`);
  const variables: Record<string, string> = {
    ...(await defaultTemplateVariables()),
    NGINX_HTTP_LISTEN: `${address}:${checkPort("httpPort", opts.httpPort)}`,
    NGINX_HTTPS_LISTEN: `${address}:${checkPort("httpsPort", opts.httpsPort)}`,
    NGINX_UPSTREAM_SERVERS: opts.upstreams.map((u) => `server ${u};`).join(" "),
    NGINX_SSL_CERTIFICATE: certificate.cert,
    NGINX_SSL_CERTIFICATE_KEY: certificate.key,
    NGINX_ACCESS_LOG: path.join(path.resolve(opts.runDir), "access.log"),
    NGINX_ERROR_PAGES: errorPagesDir,
    NGINX_UPLOADS_DIR: path.resolve(opts.uploadsDir ?? defaultUploadsDir),
    // Empty (off) unless asked for: renderNginxConfig then leaves status.conf out.
    NGINX_STATUS_LISTEN: opts.statusPort === undefined ? "" : `${address}:${checkPort("statusPort", opts.statusPort)}`,
  };
  if (opts.apiRatePerSecond !== undefined)
    variables.NGINX_API_RATE = `${positiveInteger("apiRatePerSecond", opts.apiRatePerSecond)}r/s`;
  if (opts.apiBurst !== undefined) variables.NGINX_API_BURST = String(positiveInteger("apiBurst", opts.apiBurst));
  if (opts.signinRatePerMinute !== undefined)
    variables.NGINX_SIGNIN_RATE = `${positiveInteger("signinRatePerMinute", opts.signinRatePerMinute)}r/m`;
  if (opts.signinBurst !== undefined)
    variables.NGINX_SIGNIN_BURST = String(positiveInteger("signinBurst", opts.signinBurst));
  return variables;
}

/**
 * nginx's prefix: where its pid file and temp directories go (nginx.conf names them relative to
 * it). Started as root, the master runs its workers as an unprivileged user (nginx.conf explains
 * why), and they write request bodies and large responses under those temp directories, so every
 * directory above them must be searchable by anyone. A checkout can sit under a 0700 directory (a
 * `mktemp -d`), so as root the prefix is a directory of its own under the system's temp directory,
 * named after the run directory; otherwise it is the run directory itself.
 */
async function prefixFor(runDir: string): Promise<string> {
  if (process.getuid?.() !== 0) return runDir;
  const prefix = path.join(tmpdir(), `likes-nginx-${createHash("sha256").update(runDir).digest("hex").slice(0, 16)}`);
  await mkdir(prefix, { recursive: true });
  await chmod(prefix, 0o755);
  assertTraversable(path.dirname(prefix), "the temp directory", "or set TMPDIR to one they can");
  return prefix;
}

/** nginx's unprivileged workers must be able to walk down to `target` (o+x on it and every parent). */
function assertTraversable(target: string, what: string, alternative = "or choose another directory"): void {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `nginx's workers (an unprivileged user) cannot traverse ${dir}, on the way to ${what} ${target}: chmod o+x it, ${alternative}`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

/**
 * Writes runDir/nginx.conf (nginx/nginx.conf as is), runDir/snippets/ and runDir/conf.d/ (the
 * rendered templates), creating the certificate if needed, and copies nginx/html/ (the error
 * pages) under the prefix nginx will run with (default: the run directory). Returns the main
 * config's path.
 */
export async function renderNginxConfig(opts: NginxOptions, prefix = path.resolve(opts.runDir)): Promise<string> {
  const runDir = path.resolve(opts.runDir);
  await mkdir(path.join(runDir, "conf.d"), { recursive: true });
  await mkdir(path.join(runDir, "snippets"), { recursive: true });

  const certificate = await ensureCertificate(path.resolve(opts.certDir ?? path.join(runDir, "certs")));
  // nginx's workers read the error pages at run time, so they go under the prefix, which they can
  // reach even when the checkout cannot be (see prefixFor).
  const errorPagesDir = path.join(prefix, "error-pages");
  await mkdir(errorPagesDir, { recursive: true });
  await chmod(errorPagesDir, 0o755);
  for (const name of await readdir(path.join(NGINX_DIR, "html"))) {
    await copyFile(path.join(NGINX_DIR, "html", name), path.join(errorPagesDir, name));
    await chmod(path.join(errorPagesDir, name), 0o644);
  }
  const variables = await localTemplateVariables(opts, certificate, errorPagesDir, path.join(prefix, "uploads"));
  await mkdir(variables.NGINX_UPLOADS_DIR!, { recursive: true });

  const mainConf = path.join(runDir, "nginx.conf");
  await copyFile(path.join(NGINX_DIR, "nginx.conf"), mainConf);
  for (const name of await readdir(path.join(NGINX_DIR, "snippets"))) {
    await copyFile(path.join(NGINX_DIR, "snippets", name), path.join(runDir, "snippets", name));
  }
  for (const name of await readdir(path.join(NGINX_DIR, "templates"))) {
    if (!name.endsWith(".template")) continue;
    // What docker-entrypoint.d/25-likes-status-listener.sh does in the container.
    if (name === STATUS_TEMPLATE && !variables.NGINX_STATUS_LISTEN) {
      await rm(path.join(runDir, "conf.d", "status.conf"), { force: true }); // left by an earlier run
      continue;
    }
    const template = await readFile(path.join(NGINX_DIR, "templates", name), "utf8");
    await writeFile(
      path.join(runDir, "conf.d", name.slice(0, -".template".length)),
      renderTemplate(template, variables),
    );
  }
  return mainConf;
}

function nginxArgs(runDir: string, prefix: string, mainConf: string): string[] {
  // The trailing slash matters: nginx joins the prefix and relative paths without adding one.
  return [
    "-p",
    `${prefix}/`,
    "-e",
    path.join(runDir, "error.log"),
    "-c",
    mainConf,
    "-g",
    "daemon off; worker_processes auto;",
  ];
}

/** A prefix of its own (see prefixFor) goes once nginx has stopped. */
async function removePrefix(runDir: string, prefix: string): Promise<void> {
  if (prefix !== runDir) await rm(prefix, { recursive: true, force: true });
}

/** `nginx -t` on the rendered config; throws with nginx's own output when it is rejected. */
export async function testNginxConfig(opts: NginxOptions): Promise<void> {
  const runDir = path.resolve(opts.runDir);
  const prefix = await prefixFor(runDir);
  const mainConf = await renderNginxConfig(opts, prefix);
  const { code, output } = await run(findNginx(), ["-t", ...nginxArgs(runDir, prefix, mainConf)]).finally(() =>
    removePrefix(runDir, prefix),
  );
  opts.log?.(output.trim());
  if (code !== 0) throw new Error(`nginx -t rejected ${mainConf}:\n${output.trim()}`);
}

async function tail(file: string, lines = 20): Promise<string> {
  if (!existsSync(file)) return "";
  return (await readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
}

/** GET /healthz, accepting the self-signed certificate. */
function probe(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = url.startsWith("https:") ? https : http;
    const req = client.get(url, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} on ${host} is already in use: pick other ports for nginx`)
          : error,
      ),
    );
    server.listen(port, host.replace(/^\[|\]$/g, ""), () => server.close(() => resolve()));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts nginx in the foreground (`daemon off`) in its own process group, and resolves once both
 * listeners answer /healthz. stop() asks for a graceful stop (SIGQUIT: finish requests in flight),
 * then kills the whole group after a timeout, and waits for the exit.
 */
export async function startNginx(opts: NginxOptions): Promise<RunningNginx> {
  const runDir = path.resolve(opts.runDir);
  const log = opts.log ?? (() => {});
  const errorLog = path.join(runDir, "error.log");
  const nginx = findNginx();
  // Probe over loopback whatever the listeners bind to; hand out "localhost" URLs for loopback,
  // the name the self-signed certificate is for.
  const address = opts.listenAddress ?? "127.0.0.1";
  const probeHost = address === "*" || address === "0.0.0.0" ? "127.0.0.1" : address === "[::]" ? "[::1]" : address;
  const urlHost = probeHost === "127.0.0.1" ? "localhost" : probeHost;
  const httpUrl = `http://${urlHost}:${opts.httpPort}`;
  const httpsUrl = `https://${urlHost}:${opts.httpsPort}`;

  // Otherwise a server already on the port would answer the /healthz probe in nginx's place.
  await assertPortFree(probeHost, opts.httpPort);
  await assertPortFree(probeHost, opts.httpsPort);
  if (opts.statusPort !== undefined) await assertPortFree(probeHost, opts.statusPort);
  const statusUrl = opts.statusPort === undefined ? undefined : `http://${probeHost}:${opts.statusPort}/stub_status`;
  if (opts.uploadsDir && process.getuid?.() === 0)
    assertTraversable(opts.uploadsDir, "the uploads directory (UPLOADS_DIR)");
  const prefix = await prefixFor(runDir);
  const mainConf = await renderNginxConfig(opts, prefix).catch(async (error: unknown) => {
    await removePrefix(runDir, prefix);
    throw error;
  });

  // detached: a process group of its own, so a forced stop reaches the workers too.
  const child = spawn(nginx, nginxArgs(runDir, prefix, mainConf), {
    cwd: runDir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${nginx}`);
  child.stdout?.on("data", (chunk: Buffer) => log(`nginx: ${chunk.toString().trimEnd()}`));
  child.stderr?.on("data", (chunk: Buffer) => log(`nginx: ${chunk.toString().trimEnd()}`));
  // If the caller dies without stop(), do not leave an nginx holding the ports.
  const killOnExit = () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return removePrefix(runDir, prefix);
    child.kill("SIGQUIT");
    const timer = setTimeout(killOnExit, 15_000);
    await exited(child);
    clearTimeout(timer);
    // The master waits for its workers; this only catches a stray one (e.g. after the SIGKILL).
    killOnExit();
    await removePrefix(runDir, prefix);
    log(`nginx ${pid} stopped`);
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.removeListener("exit", killOnExit);
      await removePrefix(runDir, prefix);
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}) while starting:\n${await tail(errorLog)}`);
    }
    const [httpUp, httpsUp, statusUp] = await Promise.all([
      probe(`http://${probeHost}:${opts.httpPort}/healthz`),
      probe(`https://${probeHost}:${opts.httpsPort}/healthz`),
      statusUrl ? probe(statusUrl) : true,
    ]);
    if (httpUp && httpsUp && statusUp) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `nginx did not answer /healthz on ports ${opts.httpPort} and ${opts.httpsPort} within 15 s:\n${await tail(errorLog)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(`nginx ${pid} ready: ${httpUrl} ${httpsUrl} -> ${opts.upstreams.join(", ")}`);
  return { httpUrl, httpsUrl, ...(statusUrl ? { statusUrl } : {}), pid, stop };
}

/** The version nginx reports, e.g. "nginx/1.22.1" (it prints it on stderr). */
export function nginxVersion(binary = findNginx()): string {
  const result = spawnSync(binary, ["-v"], { encoding: "utf8" });
  return `${result.stdout}${result.stderr}`.trim().replace(/^nginx version: /, "") || "unknown";
}

/** startStack's `nginx` option: starts nginx in front of the stack's apps, serving its uploads. */
export type NginxStarter = (
  upstreams: string[],
  runDir: string,
  shared: { uploadsDir: string },
) => Promise<RunningNginx>;

/**
 * What a caller may choose for nginx in front of a stack; the stack supplies the rest. `status`:
 * serve stub_status on a free port of its own (RunningNginx.statusUrl), for the Prometheus exporter.
 */
export type NginxInFrontOptions = Omit<
  NginxOptions,
  "runDir" | "upstreams" | "uploadsDir" | "httpPort" | "httpsPort" | "statusPort"
> & { status?: boolean };

/** nginx in front of the stack on two given ports (npm run stack: 8080 and 8443). */
export function nginxOnPorts(httpPort: number, httpsPort: number, options: NginxInFrontOptions = {}): NginxStarter {
  const { status, ...rest } = options;
  return async (upstreams, runDir, { uploadsDir }) => {
    const statusPort = status ? await freePortOtherThan([httpPort, httpsPort]) : undefined;
    return startNginx({ ...rest, runDir, upstreams, uploadsDir, httpPort, httpsPort, statusPort });
  };
}

/** A free port that is none of `taken` (the kernel may hand out the same one twice in a row). */
async function freePortOtherThan(taken: number[]): Promise<number> {
  let port = await freePort();
  while (taken.includes(port)) port = await freePort();
  return port;
}

/** nginx in front of the stack on two free ports, so stacks of tests and the bench run side by side. */
export function nginxOnFreePorts(options: NginxInFrontOptions = {}): NginxStarter {
  return async (upstreams, runDir, shared) => {
    const httpPort = await freePort();
    const httpsPort = await freePortOtherThan([httpPort]);
    return nginxOnPorts(httpPort, httpsPort, options)(upstreams, runDir, shared);
  };
}
