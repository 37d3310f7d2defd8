// The compose suite's view of a container engine: docker-compose (or `docker compose`) for what a
// user types, and the engine's HTTP API for what a test must read exactly (health, exit codes,
// restart counts, what is left after `down -v`). Works with Docker, and with podman serving the
// Docker API (.ci/compose/with-podman sets DOCKER_HOST for that).
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { ROOT } from "../../../tooling/paths";

/** The engine's Docker-compatible API: DOCKER_HOST (unix:// or tcp://), else the default socket. */
export class EngineApi {
  private readonly target: { socketPath: string } | { host: string; port: number };

  constructor(dockerHost = process.env.DOCKER_HOST) {
    if (!dockerHost || dockerHost.startsWith("unix://"))
      this.target = { socketPath: dockerHost?.slice("unix://".length) || "/var/run/docker.sock" };
    else {
      const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
      this.target = { host: url.hostname, port: Number(url.port || 2375) };
    }
  }

  /** Where the API listens, as http.request options. */
  get connection(): { socketPath: string } | { host: string; port: number } {
    return this.target;
  }

  request<T = unknown>(method: string, pathname: string): Promise<{ status: number; body: T }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.target, method, path: pathname, timeout: 30_000 }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text for the error message
          }
          resolve({ status: res.statusCode ?? 0, body: body as T });
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${pathname}: no answer from the engine in 30 s`)));
      req.on("error", reject);
      req.end();
    });
  }

  private static labelFilter(project: string): string {
    return encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
  }

  async containers(project: string): Promise<ContainerInfo[]> {
    const list = await this.request<{ Id: string }[]>(
      "GET",
      `/containers/json?all=1&filters=${EngineApi.labelFilter(project)}`,
    );
    if (list.status !== 200) throw new Error(`listing containers: ${list.status} ${JSON.stringify(list.body)}`);
    const infos: ContainerInfo[] = [];
    for (const { Id } of list.body) {
      const inspected = await this.request<InspectBody>("GET", `/containers/${Id}/json`);
      if (inspected.status === 404) continue; // removed in between
      const c = inspected.body;
      infos.push({
        id: c.Id,
        name: c.Name.replace(/^\//, ""),
        service: c.Config.Labels["com.docker.compose.service"] ?? "",
        number: Number(c.Config.Labels["com.docker.compose.container-number"] ?? 0),
        hostname: c.Config.Hostname,
        state: c.State.Status,
        exitCode: c.State.ExitCode,
        // Podman reports an empty status for a container without a healthcheck; Docker none.
        health: c.State.Health?.Status || null,
        restartCount: c.RestartCount ?? 0,
      });
    }
    return infos.sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
  }

  async volumes(project: string): Promise<string[]> {
    const res = await this.request<{ Volumes: { Name: string }[] | null }>(
      "GET",
      `/volumes?filters=${EngineApi.labelFilter(project)}`,
    );
    return (res.body.Volumes ?? []).map((v) => v.Name);
  }

  async networks(project: string): Promise<string[]> {
    const res = await this.request<{ Name: string }[]>("GET", `/networks?filters=${EngineApi.labelFilter(project)}`);
    return res.body.map((n) => n.Name);
  }
}

type InspectBody = {
  Id: string;
  Name: string;
  RestartCount?: number;
  Config: { Hostname: string; Labels: Record<string, string> };
  State: { Status: string; ExitCode: number; Health?: { Status: string } | null };
};

export type ContainerInfo = {
  id: string;
  name: string;
  service: string;
  number: number;
  hostname: string;
  state: string;
  exitCode: number;
  health: string | null;
  restartCount: number;
};

/** docker-compose v1 if installed (Debian's), else the Docker CLI's `docker compose`. */
function composeCommand(): string[] {
  if (process.env.COMPOSE_COMMAND) return process.env.COMPOSE_COMMAND.split(" ");
  return spawnSync("docker-compose", ["version", "--short"]).status === 0 ? ["docker-compose"] : ["docker", "compose"];
}

export type ComposeResult = { status: number; stdout: string; stderr: string; seconds: number };

/** One compose project over the repository's unchanged docker-compose.yml. */
export class ComposeProject {
  readonly api = new EngineApi();
  private readonly command = composeCommand();

  constructor(
    readonly name: string,
    readonly env: Record<string, string> = {},
  ) {}

  /** Runs compose; rejects with its output when it fails. `input` is fed to stdin (exec -T). */
  run(args: string[], opts: { input?: string; allowFailure?: boolean } = {}): Promise<ComposeResult> {
    const [bin, ...pre] = this.command;
    const full = [...pre, "-p", this.name, "-f", path.join(ROOT, "docker-compose.yml"), ...args];
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(bin!, full, {
        cwd: ROOT,
        env: { ...process.env, ...this.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.stdin.end(opts.input ?? "");
      child.on("error", reject);
      child.on("exit", (code) => {
        const result = { status: code ?? 1, stdout, stderr, seconds: (performance.now() - started) / 1000 };
        if (result.status !== 0 && !opts.allowFailure) {
          reject(
            new Error(
              `${[bin, ...full].join(" ")} exited ${result.status}:\n${(stdout + stderr).split("\n").slice(-40).join("\n")}`,
            ),
          );
        } else resolve(result);
      });
    });
  }

  containers(): Promise<ContainerInfo[]> {
    return this.api.containers(this.name);
  }

  /**
   * Waits until the running containers are exactly `expected` (service -> replicas), each healthy
   * where it has a healthcheck, and every one-shot service in `completed` has exited 0.
   * Fails with the states and the last log lines of what is not ready.
   */
  async waitReady(expected: Record<string, number>, completed: string[], timeoutMs: number): Promise<ContainerInfo[]> {
    const deadline = Date.now() + timeoutMs;
    let last: ContainerInfo[] = [];
    let problems: { service: string; what: string }[] = [];
    while (Date.now() < deadline) {
      last = await this.containers();
      problems = [];
      for (const [service, replicas] of Object.entries(expected)) {
        const running = last.filter((c) => c.service === service && c.state === "running");
        if (running.length !== replicas) problems.push({ service, what: `${running.length}/${replicas} running` });
        for (const c of running)
          if (c.health !== null && c.health !== "healthy") problems.push({ service, what: `${c.name} ${c.health}` });
      }
      for (const service of completed) {
        const jobs = last.filter((c) => c.service === service);
        if (!jobs.length || jobs.some((c) => c.state !== "exited")) problems.push({ service, what: "not finished" });
        const failed = jobs.filter((c) => c.state === "exited" && c.exitCode !== 0);
        if (failed.length) throw new Error(`${service} exited ${failed[0]!.exitCode}:\n${await this.logs(service)}`);
      }
      if (!problems.length) return last;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const states = last
      .map(
        (c) =>
          `  ${c.name}: ${c.state}${c.health ? ` (${c.health})` : ""}${c.state === "exited" ? ` exit ${c.exitCode}` : ""}`,
      )
      .join("\n");
    const summary = problems.map((p) => `${p.service}: ${p.what}`).join("; ");
    throw new Error(
      `not ready after ${timeoutMs / 1000} s: ${summary}\n${states}\n${await this.logs(...new Set(problems.map((p) => p.service)))}`,
    );
  }

  async logs(...services: string[]): Promise<string> {
    const result = await this.run(["logs", "--no-color", "--tail", "30", ...services], { allowFailure: true });
    return result.stdout + result.stderr;
  }

  /** A command inside a service's (first) container, as `docker compose exec -T` runs it. */
  async exec(service: string, command: string[], index = 1): Promise<string> {
    return (await this.run(["exec", "-T", "--index", String(index), service, ...command])).stdout;
  }
}
