// deploy/kubernetes/, validated offline (no cluster here): every overlay renders with
// `kubectl kustomize`, every document passes its OpenAPI schema and a strict field check, and the
// policies of tooling/kubernetes.ts hold. Then what this deployment promises, read off the
// rendered cluster overlay (probes, drains, autoscaling, data tier, firewall), and the podman
// overlay's limits. Last, each policy is shown to fail on a document broken on purpose.
// docs/decisions/032-kubernetes-manifests.md; what only a cluster could show: docs/deployment.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { QueueKeys } from "bullmq";
import {
  KUBERNETES_DIR,
  OVERLAYS,
  containers,
  envProblems,
  formatProblem,
  imagePathProblems,
  kedaProblems,
  kubectlVersion,
  podSpecs,
  portProblems,
  renderOverlay,
  restrictedProblems,
  schemaProblems,
  selectorProblems,
  selects,
  servedApiVersionProblems,
  strictFieldProblems,
  type Doc,
  type Overlay,
  type Problem,
} from "../../tooling/kubernetes";
import { ROOT } from "../../tooling/paths";

/** A rendered document, read freely: the checks above have already validated its shape. */
type Json = Record<string, any>;

/** The app's image under every overlay's name for it (overlays/*\/kustomization.yaml `images:`). */
const isAppImage = (image: string) => /^(likes-app|registry\.example\.com\/likes\/app)(:|$)/.test(image);

const rendered = new Map<Overlay, Doc[]>();
const docsOf = (overlay: Overlay) => rendered.get(overlay)!;
const find = (docs: Doc[], kind: string, name: string): Json => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  assert.ok(doc, `${kind}/${name} is rendered`);
  return doc as Json;
};
const byPrefix = (docs: Doc[], kind: string, prefix: string): Json => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name.startsWith(prefix));
  assert.ok(doc, `${kind}/${prefix}* is rendered`);
  return doc as Json;
};
const container = (doc: Json, name: string): Json => {
  const c = (doc.spec.template.spec.containers as Json[]).find((x) => x.name === name);
  assert.ok(c, `${doc.kind}/${doc.metadata.name} has a container ${name}`);
  return c;
};
const fail = (problems: Problem[]) => assert.deepEqual(problems.map(formatProblem), []);
const clone = (docs: Doc[]) => structuredClone(docs);
/** The problems name this document and field, and the rule matches. */
function assertProblem(problems: Problem[], doc: string, field: string | RegExp, rule: RegExp) {
  const hit = problems.find(
    (p) => p.doc === doc && (typeof field === "string" ? p.field === field : field.test(p.field)) && rule.test(p.rule),
  );
  assert.ok(
    hit,
    `expected a problem for ${doc} ${String(field)} ~ ${String(rule)}; got:\n${problems.map(formatProblem).join("\n")}`,
  );
}

/** "did not stop within N s" in a process's shutdown: its own drain limit. */
function drainSeconds(file: string): number {
  const m = /did not stop within (\d+) s/.exec(readFileSync(path.join(ROOT, file), "utf8"));
  assert.ok(m, `${file} states its shutdown limit`);
  return Number(m[1]);
}

/** The BullMQ wait list the worker's queue uses, computed by the code from the overlay's settings. */
async function queueWaitKey(settings: Record<string, string>): Promise<string> {
  // env() parses process.env once, on first use: give it the overlay's settings (and stand-ins for
  // the secrets, which do not enter the key) before server/queue.ts asks it for the prefix.
  Object.assign(process.env, settings, {
    DATABASE_URL: "postgresql://likes@127.0.0.1:5432/likes",
    NEXTAUTH_SECRET: "x".repeat(32),
  });
  const { NOTIFICATIONS_QUEUE, queuePrefix } = await import("../../server/queue");
  return new QueueKeys(queuePrefix()).getKeys(NOTIFICATIONS_QUEUE).wait!;
}

before(() => {
  // Fails, not skips: CI must have kubectl (it comes with the machine, see ADR 032).
  assert.ok(kubectlVersion(), "kubectl is needed to render the overlays (kubectl kustomize)");
  for (const overlay of OVERLAYS) rendered.set(overlay, renderOverlay(overlay));
});

describe("every overlay renders and validates", () => {
  test("kubectl kustomize renders each overlay, with no two documents of one kind and name", () => {
    for (const overlay of OVERLAYS) {
      const docs = docsOf(overlay);
      assert.ok(docs.length > 0, overlay);
      const ids = docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`);
      assert.equal(new Set(ids).size, ids.length, `${overlay}: duplicates`);
    }
  });

  for (const overlay of OVERLAYS) {
    describe(overlay, () => {
      test("OpenAPI schema (kubernetes-models, @kubernetes-models/keda, /gateway-api)", () =>
        fail(schemaProblems(docsOf(overlay))));
      test("strict fields: no field outside its kind's schema (CRDs: tooling/kubernetes-crds.ts)", () =>
        fail(strictFieldProblems(docsOf(overlay))));
      test("only apiVersions Kubernetes 1.30 and the operators serve", () =>
        fail(servedApiVersionProblems(docsOf(overlay))));
      test("selectors select: Deployments their template, Services, PDBs and NetworkPolicies some pod", () =>
        fail(selectorProblems(docsOf(overlay))));
      test("port names and numbers agree: containers, probes, Services, HTTPRoute, settings", () =>
        fail(portProblems(docsOf(overlay))));
      test("Pod Security restricted on every pod and container, initContainers included", () =>
        fail(restrictedProblems(docsOf(overlay), { allowHostPorts: overlay === "podman" })));
      test("every env name is read by the code (server/env.ts, process.env) or nginx's templates", () =>
        fail(envProblems(docsOf(overlay), isAppImage)));
      test("commands and probes run files the image has (Dockerfile COPY)", () =>
        fail(imagePathProblems(docsOf(overlay), isAppImage)));
      test("the KEDA trigger reads the queue's wait list, as the code computes it", async () => {
        const settings = byPrefix(docsOf(overlay), "ConfigMap", "likes-settings").data as Record<string, string>;
        const key = await queueWaitKey(settings);
        assert.equal(key, "likes:bull:notifications:wait");
        fail(kedaProblems(docsOf(overlay), key));
      });
    });
  }

  test("the kustomize copies of nginx/templates and nginx/defaults.env are identical to the originals", () => {
    for (const file of ["templates/likes.conf.template", "templates/status.conf.template", "defaults.env"]) {
      const original = readFileSync(path.join(ROOT, "nginx", file), "utf8");
      const copy = readFileSync(path.join(KUBERNETES_DIR, "workloads", "nginx", path.basename(file)), "utf8");
      assert.equal(copy, original, `deploy/kubernetes/workloads/nginx/${path.basename(file)}: cp nginx/${file} there`);
    }
  });
});

describe("the cluster overlay", () => {
  const docs = () => docsOf("cluster");

  test("the namespace enforces, audits and warns Pod Security restricted", () => {
    const ns = find(docs(), "Namespace", "likes");
    for (const mode of ["enforce", "audit", "warn"])
      assert.equal(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], "restricted");
    for (const d of docs().filter((x) => x.kind !== "Namespace"))
      assert.equal(d.metadata.namespace, "likes", `${d.kind}/${d.metadata.name}`);
  });

  test("app: two replicas at least, rolling with none unavailable, probes that a database outage does not turn into restarts", () => {
    const app = find(docs(), "Deployment", "likes-app");
    const hpa = find(docs(), "HorizontalPodAutoscaler", "likes-app");
    // The HPA owns the count (a replicas field would reset it on every apply).
    assert.equal(app.spec.replicas, undefined);
    assert.ok(hpa.spec.minReplicas >= 2);
    assert.equal(app.spec.strategy.rollingUpdate.maxUnavailable, 0);
    const c = container(app, "app");
    assert.equal(c.readinessProbe.httpGet.path, "/api/health?scope=instance");
    // Liveness and startup ask the metrics listener: same process and event loop, no Postgres or
    // Redis call (server/telemetry/metrics-server.ts), so they fail only when the process does.
    for (const probe of [c.livenessProbe, c.startupProbe]) {
      assert.equal(probe.httpGet.path, "/metrics");
      assert.equal(probe.httpGet.port, "metrics");
    }
    assert.equal(c.ports.find((p: Json) => p.name === "metrics").containerPort, Number(envOf(c, "METRICS_PORT")));
    assert.ok(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 30);
  });

  test("app and worker: the grace period outlasts preStop plus the process's own drain (server/main.ts, workers/notifications.ts)", () => {
    const app = find(docs(), "Deployment", "likes-app");
    const preStop = container(app, "app").lifecycle.preStop.exec.command as string[];
    assert.deepEqual(preStop.slice(0, 1), ["sleep"]);
    assert.ok(
      app.spec.template.spec.terminationGracePeriodSeconds > Number(preStop[1]) + drainSeconds("server/main.ts"),
    );
    const worker = find(docs(), "Deployment", "likes-worker");
    assert.ok(worker.spec.template.spec.terminationGracePeriodSeconds > drainSeconds("workers/notifications.ts"));
  });

  test("INSTANCE_ID is the pod's name; the app runs as the image's node user (1000) with writable emptyDirs only where it writes", () => {
    for (const [name, cname] of [
      ["likes-app", "app"],
      ["likes-worker", "worker"],
    ] as const) {
      const d = find(docs(), "Deployment", name);
      const c = container(d, cname);
      const id = (c.env as Json[]).find((e) => e.name === "INSTANCE_ID");
      assert.equal(id?.valueFrom?.fieldRef?.fieldPath, "metadata.name", name);
      assert.equal(d.spec.template.spec.securityContext.runAsUser, 1000);
    }
    const app = find(docs(), "Deployment", "likes-app");
    const mounts = Object.fromEntries((container(app, "app").volumeMounts as Json[]).map((m) => [m.mountPath, m.name]));
    const volumes = Object.fromEntries((app.spec.template.spec.volumes as Json[]).map((v) => [v.name, v]));
    assert.ok(volumes[mounts["/app/.next/cache"]].emptyDir);
    assert.ok(volumes[mounts["/tmp"]].emptyDir);
    assert.equal(
      volumes[mounts[envOf(container(app, "app"), "UPLOADS_DIR")!]].persistentVolumeClaim.claimName,
      "likes-uploads",
    );
    assert.deepEqual(find(docs(), "PersistentVolumeClaim", "likes-uploads").spec.accessModes, ["ReadWriteMany"]);
  });

  test("the migration Job runs migrate and seed; app and worker pods wait for it in an initContainer", () => {
    const job = find(docs(), "Job", "likes-migrate");
    const command = container(job, "migrate").command.join(" ");
    assert.match(command, /scripts\/migrate\.ts/);
    assert.match(command, /prisma\/seed\.ts/);
    assert.ok(job.spec.ttlSecondsAfterFinished > 0, "a finished Job goes, so the next apply can create it again");
    for (const name of ["likes-app", "likes-worker"]) {
      const init = find(docs(), "Deployment", name).spec.template.spec.initContainers as Json[];
      assert.equal(init.length, 1);
      assert.match(init[0]!.command.join(" "), /scripts\/migrate\.ts/);
      // Straight to Postgres (the schema engine's advisory lock), as the Job.
      assert.deepEqual(init[0]!.env[0].valueFrom.secretKeyRef, { name: "likes-db-app", key: "uri" });
    }
  });

  test("worker: no Service, liveness from its heartbeat file as compose's healthcheck, KEDA never below one", () => {
    const worker = find(docs(), "Deployment", "likes-worker");
    assert.ok(
      !docs().some(
        (d) =>
          d.kind === "Service" &&
          selects({ matchLabels: (d as Json).spec.selector }, worker.spec.template.metadata.labels),
      ),
    );
    const c = container(worker, "worker");
    assert.deepEqual(c.livenessProbe.exec.command, ["node", "scripts/healthcheck.mjs", "worker"]);
    assert.ok(envOf(c, "HEARTBEAT_FILE")?.startsWith("/tmp/"), "the heartbeat file is on the /tmp emptyDir");
    const compose = readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8");
    assert.match(compose, /test: \["CMD", "node", "scripts\/healthcheck\.mjs", "worker"\]/);
    const scaled = find(docs(), "ScaledObject", "likes-worker");
    assert.ok(scaled.spec.minReplicaCount >= 1);
    assert.equal(scaled.spec.scaleTargetRef.name, "likes-worker");
  });

  test("HPA on CPU with a scale-down stabilization window; PDBs for app, worker and nginx", () => {
    const hpa = find(docs(), "HorizontalPodAutoscaler", "likes-app");
    assert.equal(hpa.spec.metrics[0].resource.name, "cpu");
    assert.ok(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds > 0);
    for (const name of ["likes-app", "likes-worker", "likes-nginx"]) find(docs(), "PodDisruptionBudget", name);
  });

  test("data tier: CloudNativePG with 3 instances and a synchronous standby, PgBouncer in transaction mode, Redis with 3 Sentinels", () => {
    const cluster = find(docs(), "Cluster", "likes-db");
    assert.equal(cluster.spec.instances, 3);
    const sync = cluster.spec.postgresql.synchronous;
    assert.ok(sync.number >= 1 && sync.number < cluster.spec.instances);
    const pooler = find(docs(), "Pooler", "likes-db-pooler-rw");
    assert.equal(pooler.spec.cluster.name, "likes-db");
    assert.equal(pooler.spec.pgbouncer.poolMode, "transaction");
    const redis = find(docs(), "RedisFailover", "likes-redis");
    assert.equal(redis.spec.sentinel.replicas, 3);
    assert.ok(redis.spec.redis.customConfig.includes("maxmemory-policy noeviction"));
    // The app reaches them by the names the operators give their Services.
    const settings = byPrefix(docs(), "ConfigMap", "likes-settings").data;
    assert.equal(settings.REDIS_SENTINELS, "rfs-likes-redis:26379");
    assert.equal(settings.REDIS_SENTINEL_NAME, "mymaster");
    assert.match(
      envOf(container(find(docs(), "Deployment", "likes-app"), "app"), "DATABASE_URL")!,
      /@likes-db-pooler-rw:5432\//,
    );
  });

  test("no Secret is committed: the cluster overlay only refers to them", () => {
    assert.deepEqual(
      docs()
        .filter((d) => d.kind === "Secret")
        .map((d) => d.metadata.name),
      [],
    );
    const dev = docsOf("dev-only-secrets").filter((d) => d.kind === "Secret");
    assert.equal(dev.length, 1);
    const text = readFileSync(path.join(KUBERNETES_DIR, "overlays", "dev-only-secrets", "kustomization.yaml"), "utf8");
    assert.match(text, /^# DEV-ONLY/);
  });

  test("NetworkPolicy: default deny both ways; only nginx reaches the app, only the gateway reaches nginx, DNS allowed", () => {
    const policies = docs().filter((d) => d.kind === "NetworkPolicy") as Json[];
    const deny = policies.find(
      (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
    );
    assert.deepEqual(deny?.spec.policyTypes, ["Ingress", "Egress"]);
    const ingressTo = (name: string) =>
      policies
        .filter((p) => selects(p.spec.podSelector, { "app.kubernetes.io/name": name }))
        .flatMap((p) => (p.spec.ingress ?? []) as Json[]);
    assert.deepEqual(
      ingressTo("likes-app").map((r) => [r.from, r.ports]),
      [
        [
          [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "likes-nginx" } } }],
          [{ protocol: "TCP", port: 3000 }],
        ],
        [
          [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          [{ protocol: "TCP", port: 9464 }],
        ],
      ],
    );
    const nginxFrom = ingressTo("likes-nginx").filter((r) => r.ports.some((p: Json) => p.port === 8080));
    assert.deepEqual(
      nginxFrom.map((r) => r.from),
      [[{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway-infra" } } }]],
    );
    const dns = policies.find((p) => p.metadata.name === "allow-dns");
    assert.deepEqual(
      dns?.spec.egress[0].ports.map((p: Json) => p.port),
      [53, 53],
    );
  });

  test("the HTTPRoute hangs on the named Gateway and sends everything to nginx's Service port", () => {
    const route = find(docs(), "HTTPRoute", "likes");
    assert.deepEqual(route.spec.parentRefs[0], {
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: "public",
      namespace: "gateway-infra",
      sectionName: "https",
    });
    assert.deepEqual(route.spec.rules[0].backendRefs, [{ name: "likes-nginx", port: 8080 }]);
  });

  test("images come from the overlay (kustomize images:), the public origin is https", () => {
    for (const d of docs().flatMap(podSpecs))
      for (const { container: c } of containers(d))
        assert.match(String(c.image), /^registry\.example\.com\/likes\/(app|nginx):0\.1\.0$/);
    assert.equal(
      envOf(container(find(docs(), "Deployment", "likes-app"), "app"), "NEXTAUTH_URL"),
      "https://likes.example.com",
    );
  });
});

describe("the podman overlay (podman kube play 4.3; played by tests/compose/kube-play.test.ts)", () => {
  const docs = () => docsOf("podman");

  test("only kinds podman plays, no Secret documents (4.3 mishandles them: podman secret create)", () => {
    assert.deepEqual([...new Set(docs().map((d) => d.kind))].sort(), [
      "ConfigMap",
      "Deployment",
      "PersistentVolumeClaim",
      "Pod",
    ]);
  });

  test("no initContainers, exec-only probes, fieldRefs podman supports, no :latest image (podman would pull it)", () => {
    for (const pod of docs().flatMap(podSpecs)) {
      assert.equal(pod.spec.initContainers, undefined, pod.doc.metadata.name);
      for (const { container: c } of containers(pod)) {
        assert.doesNotMatch(String(c.image), /:latest$/);
        for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
          const p = c[probe] as Json | undefined;
          if (p) assert.ok(p.exec, `${pod.doc.metadata.name} ${probe} is an exec probe`);
        }
        for (const e of (c.env ?? []) as Json[]) {
          const field = e.valueFrom?.fieldRef?.fieldPath;
          if (field) assert.match(field, /^metadata\.(name|uid|labels|annotations)/);
        }
      }
    }
  });

  test("only nginx publishes a port, on the loopback address; the migration runs once, before the rest", () => {
    const published = docs()
      .flatMap(podSpecs)
      .flatMap((p) =>
        containers(p).flatMap((c) => ((c.container.ports ?? []) as Json[]).map((port) => [p.doc.metadata.name, port])),
      );
    assert.deepEqual(published, [
      ["likes-nginx", { name: "http", containerPort: 8080, hostPort: 8080, hostIP: "127.0.0.1" }],
    ]);
    assert.equal(find(docs(), "Pod", "likes-migrate").spec.restartPolicy, "Never");
  });

  test("no two pods name one emptyDir or ConfigMap volume (4.3 makes each a podman volume shared by name)", () => {
    const owners = new Map<string, string[]>();
    for (const pod of docs().flatMap(podSpecs))
      for (const v of (pod.spec.volumes ?? []) as Json[])
        if (v.emptyDir || v.configMap) owners.set(v.name, [...(owners.get(v.name) ?? []), pod.doc.metadata.name]);
    assert.deepEqual(
      [...owners].filter(([, pods]) => pods.length > 1),
      [],
    );
    assert.ok(owners.size > 0);
  });
});

describe("each policy fails on a broken document", () => {
  const good = () => clone(docsOf("cluster"));
  const app = (docs: Doc[]) => find(docs, "Deployment", "likes-app");

  test("schema: a wrong type", () => {
    const docs = good();
    container(app(docs), "app").ports[0].containerPort = "3000";
    assertProblem(
      schemaProblems(docs),
      "Deployment/likes-app",
      "spec.template.spec.containers[0].ports[0].containerPort",
      /must be integer/,
    );
  });

  test("strict fields: a misspelt field, in a built-in kind and in a CRD", () => {
    const docs = good();
    const c = container(app(docs), "app");
    c.readinesProbe = c.readinessProbe;
    delete c.readinessProbe;
    find(docs, "Cluster", "likes-db").spec.instance = 3;
    find(docs, "Pooler", "likes-db-pooler-rw").spec.pgbouncer.poolMode = "statement";
    const problems = strictFieldProblems(docs);
    assertProblem(
      problems,
      "Deployment/likes-app",
      "spec.template.spec.containers[0].readinesProbe",
      /'"?readinesProbe"?' does not exist/,
    );
    assertProblem(problems, "Cluster/likes-db", /^spec/, /instance/);
    assertProblem(problems, "Pooler/likes-db-pooler-rw", "spec.pgbouncer.poolMode", /"statement"/);
  });

  test("served apiVersions: a version removed before 1.30", () => {
    const docs = good();
    find(docs, "PodDisruptionBudget", "likes-app").apiVersion = "policy/v1beta1";
    assertProblem(
      servedApiVersionProblems(docs),
      "PodDisruptionBudget/likes-app",
      "apiVersion",
      /not served by Kubernetes 1\.30/,
    );
  });

  test("selectors: a template label changed, a Deployment that never restarts, a policy selecting nothing", () => {
    const docs = good();
    app(docs).spec.template.metadata.labels["app.kubernetes.io/name"] = "likes-ap";
    find(docs, "Deployment", "likes-worker").spec.template.spec.restartPolicy = "Never";
    find(docs, "NetworkPolicy", "nginx").spec.egress[0].to[0].podSelector.matchLabels["app.kubernetes.io/name"] =
      "likes-appp";
    const problems = selectorProblems(docs);
    assertProblem(problems, "Deployment/likes-app", "spec.selector", /does not match the pod template/);
    assertProblem(problems, "Service/likes-app", "spec.selector", /selects no pod/);
    assertProblem(problems, "Deployment/likes-worker", "spec.template.spec.restartPolicy", /Always/);
    assertProblem(problems, "NetworkPolicy/nginx", "spec.egress[0].to[0].podSelector", /selects no pod/);
  });

  test("ports: a Service's targetPort, an over-long name, a probe's port, the route's port, a settings host", () => {
    const docs = good();
    find(docs, "Service", "likes-nginx").spec.ports[0].targetPort = "htttp";
    const c = container(app(docs), "app");
    c.ports[1].name = "metrics-listener";
    find(docs, "HTTPRoute", "likes").spec.rules[0].backendRefs[0].port = 80;
    (c.env as Json[]).find((e) => e.name === "DATABASE_URL")!.value =
      "postgresql://$(DB_USER):$(DB_PASSWORD)@likes-db-pooler:5432/likes";
    const nginx = container(find(docs, "Deployment", "likes-nginx"), "nginx");
    (nginx.env as Json[]).find((e) => e.name === "NGINX_UPSTREAM_SERVERS")!.value = "server likes-app:3001;";
    const problems = portProblems(docs);
    assertProblem(problems, "Service/likes-nginx", "spec.ports[0].targetPort", /htttp is not a container port/);
    assertProblem(
      problems,
      "Deployment/likes-app",
      "spec.template.spec.containers[0].ports[1].name",
      /not a port name/,
    );
    assertProblem(
      problems,
      "Deployment/likes-app",
      "spec.template.spec.containers[0].livenessProbe",
      /names port "metrics"/,
    );
    assertProblem(problems, "HTTPRoute/likes", "spec.rules[0].backendRefs[0].port", /no port 80/);
    assertProblem(problems, "Deployment/likes-app", /DATABASE_URL$/, /no Service likes-db-pooler/);
    assertProblem(problems, "Deployment/likes-nginx", /NGINX_UPSTREAM_SERVERS$/, /has no port 3001/);
  });

  test("restricted: an initContainer allowed to escalate, root, a token, a hostPort, the Redis operator's pods, the namespace label", () => {
    const docs = good();
    const spec = app(docs).spec.template.spec;
    delete spec.initContainers[0].securityContext.allowPrivilegeEscalation;
    spec.securityContext.runAsUser = 0;
    spec.automountServiceAccountToken = true;
    container(find(docs, "Deployment", "likes-nginx"), "nginx").ports[0].hostPort = 8080;
    find(docs, "RedisFailover", "likes-redis").spec.sentinel.containerSecurityContext.readOnlyRootFilesystem = false;
    find(docs, "Namespace", "likes").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
    const problems = restrictedProblems(docs);
    assertProblem(
      problems,
      "Deployment/likes-app",
      "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation",
      /must be false/,
    );
    assertProblem(
      problems,
      "Deployment/likes-app",
      "spec.template.spec.containers[0].securityContext.runAsUser",
      /non-root UID/,
    );
    assertProblem(problems, "Deployment/likes-app", "spec.template.spec.automountServiceAccountToken", /must be false/);
    assertProblem(
      problems,
      "Deployment/likes-nginx",
      "spec.template.spec.containers[0].ports[0].hostPort",
      /no hostPort/,
    );
    assertProblem(
      problems,
      "RedisFailover/likes-redis",
      "spec.sentinel.containerSecurityContext.readOnlyRootFilesystem",
      /must be true/,
    );
    assertProblem(problems, "Namespace/likes", "metadata.labels.pod-security.kubernetes.io/enforce", /restricted/);
  });

  test("env: a variable no code reads, for the app and for nginx", () => {
    const docs = good();
    (container(app(docs), "app").env as Json[]).push({ name: "REDIS_SENTINEL_MASTER", value: "mymaster" });
    (container(find(docs, "Deployment", "likes-nginx"), "nginx").env as Json[]).push({
      name: "NGINX_UPSTREAM",
      value: "x",
    });
    const problems = envProblems(docs, isAppImage);
    assertProblem(
      problems,
      "Deployment/likes-app",
      /env\[\d+\]$/,
      /REDIS_SENTINEL_MASTER is neither in server\/env\.ts/,
    );
    assertProblem(problems, "Deployment/likes-nginx", /env\[\d+\]$/, /NGINX_UPSTREAM is not a variable/);
  });

  test("image paths: a probe script that does not exist, a file the image lacks, a route that does not exist", () => {
    const docs = good();
    const worker = container(find(docs, "Deployment", "likes-worker"), "worker");
    worker.livenessProbe.exec.command = ["node", "scripts/healthcheck.js", "worker"];
    worker.command = ["node", "--import", "tsx", "bench/cpu.ts"];
    container(app(docs), "app").readinessProbe.httpGet.path = "/api/healthz?scope=instance";
    const problems = imagePathProblems(docs, isAppImage);
    assertProblem(
      problems,
      "Deployment/likes-worker",
      "spec.template.spec.containers[0].livenessProbe.exec.command",
      /scripts\/healthcheck\.js, which is not in the repository/,
    );
    assertProblem(
      problems,
      "Deployment/likes-worker",
      "spec.template.spec.containers[0].command",
      /bench\/cpu\.ts, which the Dockerfile does not copy/,
    );
    assertProblem(
      problems,
      "Deployment/likes-app",
      "spec.template.spec.containers[0].readinessProbe.httpGet.path",
      /no route handler/,
    );
  });

  test("KEDA: a list key without the prefix, a worker allowed to scale to zero, a misspelt metadata key", () => {
    const docs = good();
    const scaled = find(docs, "ScaledObject", "likes-worker");
    scaled.spec.triggers[0].metadata.listName = "bull:notifications:wait";
    scaled.spec.minReplicaCount = 0;
    scaled.spec.triggers[0].metadata.sentinelMastr = scaled.spec.triggers[0].metadata.sentinelMaster;
    delete scaled.spec.triggers[0].metadata.sentinelMaster;
    const problems = kedaProblems(docs, "likes:bull:notifications:wait");
    assertProblem(
      problems,
      "ScaledObject/likes-worker",
      "spec.triggers[0].metadata.sentinelMastr",
      /not a metadata key/,
    );
    assertProblem(
      problems,
      "ScaledObject/likes-worker",
      "spec.triggers[0].metadata.sentinelMaster",
      /must name the master/,
    );
    assertProblem(
      problems,
      "ScaledObject/likes-worker",
      "spec.triggers[0].metadata.listName",
      /not the queue's wait list/,
    );
    assertProblem(problems, "ScaledObject/likes-worker", "spec.minReplicaCount", /at least 1/);
  });
});

function envOf(c: Json, name: string): string | undefined {
  return ((c.env ?? []) as Json[]).find((e) => e.name === name)?.value;
}
