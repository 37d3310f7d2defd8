// Offline checks of the Kubernetes manifests (deploy/kubernetes/): no cluster, no API server.
// `kubectl kustomize` renders an overlay; then, on every rendered document:
//   schema        kubernetes-models' OpenAPI schema (Kubernetes 1.33, merged back to 1.15) for
//                 built-in kinds, @kubernetes-models/keda and /gateway-api for their CRDs
//   strict fields every field exists in that kind's schema: a TypeScript type check of the
//                 document as an object literal against kubernetes-models' generated types (the
//                 same OpenAPI schema) and tooling/kubernetes-crds.ts for CloudNativePG and the
//                 Redis operator, so a typo (`readinesProbe`) or a misplaced field fails; the
//                 schema validator above accepts unknown fields
// and the policies a schema cannot express: apiVersions served by the target Kubernetes, selectors
// that select, ports that agree, Pod Security "restricted" on every pod and container, env names
// the code reads, command and probe files the image has, the KEDA list key. Each problem names the
// document (kind/name), the field and the rule. docs/decisions/032-kubernetes-manifests.md.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import ts from "typescript";
import { parseAllDocuments } from "yaml";
import { CRD_TYPES } from "./kubernetes-crds";
import { ROOT } from "./paths";

const require = createRequire(import.meta.url);

export const KUBERNETES_DIR = path.join(ROOT, "deploy", "kubernetes");
export const OVERLAYS = ["cluster", "dev-only-secrets", "podman"] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** The oldest Kubernetes these manifests are for; the apiVersions below are all served by it. */
export const TARGET_KUBERNETES = "1.30";
/**
 * kind -> the apiVersions Kubernetes 1.30 serves for it (built-in kinds), or the operator's
 * CRD serves (KEDA 2.x, Gateway API 1.x, CloudNativePG 1.25+, spotahome redis-operator 1.x).
 * Versions removed by 1.30 (policy/v1beta1, autoscaling/v2beta2, extensions/v1beta1, ...) are absent.
 */
export const SERVED_API_VERSIONS: Record<string, string[]> = {
  Namespace: ["v1"],
  ConfigMap: ["v1"],
  Secret: ["v1"],
  Service: ["v1"],
  PersistentVolumeClaim: ["v1"],
  Pod: ["v1"],
  Deployment: ["apps/v1"],
  Job: ["batch/v1"],
  HorizontalPodAutoscaler: ["autoscaling/v2", "autoscaling/v1"],
  PodDisruptionBudget: ["policy/v1"],
  NetworkPolicy: ["networking.k8s.io/v1"],
  ScaledObject: ["keda.sh/v1alpha1"],
  HTTPRoute: ["gateway.networking.k8s.io/v1"],
  Cluster: ["postgresql.cnpg.io/v1"],
  Pooler: ["postgresql.cnpg.io/v1"],
  RedisFailover: ["databases.spotahome.com/v1"],
};

type Labels = Record<string, string>;
type Json = Record<string, unknown>;
export type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Labels };
  [key: string]: unknown;
};
export type Problem = { doc: string; field: string; rule: string };

export const formatProblem = (p: Problem) => `${p.doc} ${p.field}: ${p.rule}`;
const docId = (d: Doc) => `${d.kind}/${d.metadata?.name}`;
const problem = (d: Doc, field: string, rule: string): Problem => ({ doc: docId(d), field, rule });

// --- rendering --------------------------------------------------------------------------------

/** kubectl's client version line, or null when there is no kubectl. */
export function kubectlVersion(): string | null {
  const r = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** `kubectl kustomize` (offline: it never calls an API server), parsed into documents. */
export function renderKustomization(dir: string): Doc[] {
  const r = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`kubectl kustomize ${dir}: ${r.error.message} (is kubectl installed?)`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return parseManifests(r.stdout);
}

export function renderOverlay(overlay: Overlay): Doc[] {
  return renderKustomization(path.join(KUBERNETES_DIR, "overlays", overlay));
}

export function parseManifests(text: string): Doc[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`YAML: ${d.errors.map((e) => e.message).join("; ")}`);
    return d.toJS() as Doc;
  });
}

// --- pods inside documents --------------------------------------------------------------------

export type PodSpecAt = { doc: Doc; at: string; spec: Json; labels: Labels };

/** The pod specs a document carries: a Deployment's or Job's template, a Pod's own. */
export function podSpecs(doc: Doc): PodSpecAt[] {
  const spec = doc.spec as Json | undefined;
  if (!spec) return [];
  if (doc.kind === "Pod") return [{ doc, at: "spec", spec, labels: doc.metadata.labels ?? {} }];
  if (["Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(doc.kind)) {
    const template = spec.template as { metadata?: { labels?: Labels }; spec?: Json } | undefined;
    if (template?.spec)
      return [{ doc, at: "spec.template.spec", spec: template.spec, labels: template.metadata?.labels ?? {} }];
  }
  return [];
}

export type ContainerAt = { pod: PodSpecAt; at: string; container: Json };

export function containers(pod: PodSpecAt): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    const items = (pod.spec[list] as Json[] | undefined) ?? [];
    items.forEach((container, i) => out.push({ pod, at: `${pod.at}.${list}[${i}]`, container }));
  }
  return out;
}

/** Pods that operators create from a custom resource, with the labels they give them. */
export function operatorPods(docs: Doc[]): { owner: Doc; labels: Labels }[] {
  const out: { owner: Doc; labels: Labels }[] = [];
  for (const d of docs) {
    if (d.kind === "Cluster" && d.apiVersion.startsWith("postgresql.cnpg.io/"))
      out.push({ owner: d, labels: { "cnpg.io/cluster": d.metadata.name, "cnpg.io/podRole": "instance" } });
    if (d.kind === "Pooler" && d.apiVersion.startsWith("postgresql.cnpg.io/"))
      out.push({ owner: d, labels: { "cnpg.io/poolerName": d.metadata.name } });
    if (d.kind === "RedisFailover")
      for (const component of ["redis", "sentinel"])
        out.push({
          owner: d,
          labels: {
            "app.kubernetes.io/name": d.metadata.name,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": "redis-failover",
          },
        });
  }
  return out;
}

/** Services that operators create: name -> ports. */
export function operatorServices(docs: Doc[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const d of docs) {
    if (d.kind === "Cluster" && d.apiVersion.startsWith("postgresql.cnpg.io/"))
      for (const suffix of ["rw", "ro", "r"]) out.set(`${d.metadata.name}-${suffix}`, [5432]);
    if (d.kind === "Pooler" && d.apiVersion.startsWith("postgresql.cnpg.io/")) out.set(d.metadata.name, [5432]);
    if (d.kind === "RedisFailover") out.set(`rfs-${d.metadata.name}`, [26379]);
  }
  return out;
}

type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

export function selects(selector: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === "In" && !(has && e.values?.includes(value!))) return false;
    if (e.operator === "NotIn" && has && e.values?.includes(value!)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const isEmptySelector = (s: Selector) => !Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length;

// --- schema ------------------------------------------------------------------------------------

function modelModule(doc: Doc): string {
  const { apiVersion, kind } = doc;
  if (apiVersion.startsWith("keda.sh/")) return `@kubernetes-models/keda/${apiVersion}/${kind}`;
  if (apiVersion.startsWith("gateway.networking.k8s.io/"))
    return `@kubernetes-models/gateway-api/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** OpenAPI schema validation; the CRDs of tooling/kubernetes-crds.ts are left to strictFieldProblems. */
export function schemaProblems(docs: Doc[]): Problem[] {
  const problems: Problem[] = [];
  for (const doc of docs) {
    if (`${doc.apiVersion}/${doc.kind}` in CRD_TYPES) continue;
    let Model: new (data: unknown) => { validate(): void };
    try {
      Model = (require(modelModule(doc)) as Record<string, typeof Model>)[doc.kind]!;
      if (typeof Model !== "function") throw new Error("no class");
    } catch {
      problems.push(problem(doc, "apiVersion", `no schema for ${doc.apiVersion} ${doc.kind} (${modelModule(doc)})`));
      continue;
    }
    // kustomize writes long base64 values as block scalars, with line breaks, which the API
    // server's base64 decoder skips but the schema's "byte" format does not.
    const data = doc.kind === "Secret" ? (doc.data as Labels | undefined) : undefined;
    const checked = data
      ? { ...doc, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/[\r\n]/g, "")])) }
      : doc;
    try {
      new Model(checked).validate();
    } catch (error) {
      const errors = (error as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
      if (!errors) throw error;
      for (const e of errors)
        problems.push(
          problem(
            doc,
            e.instancePath
              .replace(/\/(\d+)(?=\/|$)/g, "[$1]")
              .replace(/^\//, "")
              .replaceAll("/", ".") || "(document)",
            `schema: ${e.message} ${JSON.stringify(e.params)}`,
          ),
        );
    }
  }
  return problems;
}

// --- strict fields (TypeScript excess-property checks) ----------------------------------------

function typeRef(doc: Doc): { from: string; name: string } {
  const crd = CRD_TYPES[`${doc.apiVersion}/${doc.kind}`];
  if (crd) return { from: "./kubernetes-crds", name: crd };
  return { from: modelModule(doc), name: `I${doc.kind}` };
}

/** The value as a TypeScript literal, one property per line, remembering each line's field path. */
function emit(value: unknown, at: string, head: string, tail: string, out: { text: string[]; at: string[] }) {
  if (Array.isArray(value)) {
    out.text.push(`${head}[`);
    out.at.push(at);
    value.forEach((v, i) => emit(v, `${at}[${i}]`, "", ",", out));
    out.text.push(`]${tail}`);
    out.at.push(at);
  } else if (value !== null && typeof value === "object") {
    out.text.push(`${head}{`);
    out.at.push(at);
    for (const [k, v] of Object.entries(value)) emit(v, at ? `${at}.${k}` : k, `${JSON.stringify(k)}: `, ",", out);
    out.text.push(`}${tail}`);
    out.at.push(at);
  } else {
    out.text.push(`${head}${JSON.stringify(value)}${tail}`);
    out.at.push(at);
  }
}

/** Every field of every document must exist in its kind's schema, with the right type. */
export function strictFieldProblems(docs: Doc[]): Problem[] {
  const imports: string[] = [];
  const body = { text: [] as string[], at: [] as string[] };
  const owner: number[] = [];
  docs.forEach((doc, i) => {
    const { from, name } = typeRef(doc);
    imports.push(`import type { ${name} as T${i} } from ${JSON.stringify(from)};`);
    const start = body.text.length;
    emit(doc, "", `export const d${i}: T${i} = `, ";", body);
    for (let l = start; l < body.text.length; l++) owner[l] = i;
  });
  const fileName = path.join(ROOT, "tooling", "__kubernetes-strict-check__.ts");
  const source = [...imports, ...body.text].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, source, languageVersion)
      : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const file = program.getSourceFile(fileName)!;
  const problems: Problem[] = [];
  for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
    const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line;
    const message = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ");
    if (line < imports.length) {
      problems.push(problem(docs[line]!, "apiVersion", `no type to check ${docs[line]!.kind} against: ${message}`));
      continue;
    }
    const l = line - imports.length;
    problems.push(problem(docs[owner[l]!]!, body.at[l] || "(document)", `strict schema: ${message.slice(0, 400)}`));
  }
  return problems;
}

// --- policies ----------------------------------------------------------------------------------

/** Only apiVersions the target Kubernetes (and the operators' CRDs) serve. */
export function servedApiVersionProblems(docs: Doc[]): Problem[] {
  return docs.flatMap((d) => {
    const served = SERVED_API_VERSIONS[d.kind];
    if (!served)
      return [problem(d, "kind", `${d.kind} is not a kind this deployment is checked for (SERVED_API_VERSIONS)`)];
    return served.includes(d.apiVersion)
      ? []
      : [
          problem(
            d,
            "apiVersion",
            `${d.apiVersion} is not served by Kubernetes ${TARGET_KUBERNETES} for ${d.kind} (served: ${served.join(", ")})`,
          ),
        ];
  });
}

/** Selectors select something: workloads their own template, Services/PDBs/policies some pod. */
export function selectorProblems(docs: Doc[]): Problem[] {
  const problems: Problem[] = [];
  const pods = [...docs.flatMap(podSpecs).map((p) => p.labels), ...operatorPods(docs).map((p) => p.labels)];
  const anyPod = (s: Selector) => pods.some((labels) => selects(s, labels));
  const deployments = new Set(docs.filter((d) => d.kind === "Deployment").map((d) => d.metadata.name));
  for (const d of docs) {
    const spec = (d.spec ?? {}) as Json;
    if (d.kind === "Deployment") {
      const selector = spec.selector as Selector | undefined;
      const [pod] = podSpecs(d);
      if (!selector || isEmptySelector(selector))
        problems.push(problem(d, "spec.selector", "a Deployment needs a selector"));
      else if (!pod || !selects(selector, pod.labels))
        problems.push(
          problem(d, "spec.selector", "does not match the pod template's labels (spec.template.metadata.labels)"),
        );
      const restart = pod?.spec.restartPolicy;
      if (restart !== undefined && restart !== "Always")
        problems.push(
          problem(
            d,
            "spec.template.spec.restartPolicy",
            `a Deployment's pods must restart Always, not ${String(restart)}`,
          ),
        );
    }
    if (d.kind === "Job") {
      const restart = podSpecs(d)[0]?.spec.restartPolicy;
      if (restart !== "Never" && restart !== "OnFailure")
        problems.push(problem(d, "spec.template.spec.restartPolicy", "a Job's pods must be Never or OnFailure"));
    }
    if (d.kind === "Service") {
      const selector = spec.selector as Labels | undefined;
      if (!selector || !Object.keys(selector).length)
        problems.push(problem(d, "spec.selector", "a Service without a selector"));
      else if (!anyPod({ matchLabels: selector }))
        problems.push(problem(d, "spec.selector", "selects no pod of this overlay"));
    }
    if (d.kind === "PodDisruptionBudget" && !anyPod((spec.selector as Selector) ?? {}))
      problems.push(problem(d, "spec.selector", "selects no pod of this overlay"));
    if (d.kind === "NetworkPolicy") {
      const own = (spec.podSelector as Selector) ?? {};
      if (!isEmptySelector(own) && !anyPod(own))
        problems.push(problem(d, "spec.podSelector", "selects no pod of this overlay"));
      for (const direction of ["ingress", "egress"] as const) {
        ((spec[direction] as Json[] | undefined) ?? []).forEach((rule, i) => {
          const peers = ((rule[direction === "ingress" ? "from" : "to"] as Json[] | undefined) ?? []) as {
            podSelector?: Selector;
            namespaceSelector?: Selector;
          }[];
          peers.forEach((peer, j) => {
            // A podSelector without a namespaceSelector means pods of this namespace: they must exist here.
            if (
              peer.podSelector &&
              !peer.namespaceSelector &&
              !isEmptySelector(peer.podSelector) &&
              !anyPod(peer.podSelector)
            )
              problems.push(
                problem(
                  d,
                  `spec.${direction}[${i}].${direction === "ingress" ? "from" : "to"}[${j}].podSelector`,
                  "selects no pod of this overlay",
                ),
              );
          });
        });
      }
    }
    if (d.kind === "HorizontalPodAutoscaler" || d.kind === "ScaledObject") {
      const target = spec.scaleTargetRef as { name?: string; kind?: string } | undefined;
      if (!target?.name || ((target.kind ?? "Deployment") === "Deployment" && !deployments.has(target.name)))
        problems.push(problem(d, "spec.scaleTargetRef", `no Deployment ${String(target?.name)} in this overlay`));
    }
  }
  return problems;
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

type ContainerPort = { name?: string; containerPort: number; hostPort?: number };
const portsOf = (c: Json) => ((c.ports as ContainerPort[] | undefined) ?? []) as ContainerPort[];

/**
 * Port names and numbers agree: container port names are valid IANA service names; probes name
 * ports their container has; a Service's targetPort exists on the pods it selects; an HTTPRoute's
 * backend is a Service port; the hosts and ports in the app's and nginx's settings (DATABASE_URL,
 * REDIS_URL, REDIS_SENTINELS, NGINX_UPSTREAM_SERVERS, KEDA's addresses) are Services of this
 * overlay or of its operators, or, with no Services at all (podman), pods named so.
 */
export function portProblems(docs: Doc[]): Problem[] {
  const problems: Problem[] = [];
  const pods = docs.flatMap(podSpecs);
  const services = new Map<string, number[]>(operatorServices(docs));
  for (const d of docs.filter((x) => x.kind === "Service"))
    services.set(
      d.metadata.name,
      (((d.spec as Json).ports as { port: number }[] | undefined) ?? []).map((p) => p.port),
    );
  const hasServices = docs.some((d) => d.kind === "Service");

  for (const pod of pods) {
    const seen = new Set<string>();
    for (const { at, container } of containers(pod)) {
      portsOf(container).forEach((p, i) => {
        if (p.name === undefined) return;
        if (p.name.length > 15 || !PORT_NAME.test(p.name))
          problems.push(
            problem(
              pod.doc,
              `${at}.ports[${i}].name`,
              `"${p.name}" is not a port name (at most 15 of a-z, 0-9, -; a letter)`,
            ),
          );
        if (seen.has(p.name))
          problems.push(problem(pod.doc, `${at}.ports[${i}].name`, `"${p.name}" is used twice in one pod`));
        seen.add(p.name);
      });
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const handler = container[probe] as { httpGet?: { port: unknown }; tcpSocket?: { port: unknown } } | undefined;
        const port = handler?.httpGet?.port ?? handler?.tcpSocket?.port;
        if (typeof port === "string" && !portsOf(container).some((p) => p.name === port))
          problems.push(
            problem(pod.doc, `${at}.${probe}`, `names port "${port}", which this container does not declare`),
          );
      }
    }
  }

  for (const d of docs.filter((x) => x.kind === "Service")) {
    const spec = d.spec as { selector?: Labels; ports?: { name?: string; port: number; targetPort?: unknown }[] };
    const selected = pods.filter((p) => spec.selector && selects({ matchLabels: spec.selector }, p.labels));
    (spec.ports ?? []).forEach((port, i) => {
      if (port.name !== undefined && (port.name.length > 15 || !PORT_NAME.test(port.name)))
        problems.push(problem(d, `spec.ports[${i}].name`, `"${port.name}" is not a port name`));
      const target = port.targetPort ?? port.port;
      for (const pod of selected) {
        const declared = containers(pod).flatMap((c) => portsOf(c.container));
        const ok =
          typeof target === "string"
            ? declared.some((p) => p.name === target)
            : declared.some((p) => p.containerPort === target);
        if (!ok)
          problems.push(
            problem(
              d,
              `spec.ports[${i}].targetPort`,
              `${String(target)} is not a container port of ${docId(pod.doc)}'s pods`,
            ),
          );
      }
    });
  }

  for (const d of docs.filter((x) => x.kind === "HTTPRoute")) {
    const rules =
      ((d.spec as Json).rules as { backendRefs?: { name: string; port?: number; kind?: string }[] }[] | undefined) ??
      [];
    rules.forEach((rule, i) =>
      (rule.backendRefs ?? []).forEach((ref, j) => {
        if ((ref.kind ?? "Service") !== "Service") return;
        const ports = services.get(ref.name);
        if (!ports)
          problems.push(
            problem(d, `spec.rules[${i}].backendRefs[${j}].name`, `no Service ${ref.name} in this overlay`),
          );
        else if (ref.port === undefined || !ports.includes(ref.port))
          problems.push(
            problem(
              d,
              `spec.rules[${i}].backendRefs[${j}].port`,
              `Service ${ref.name} has no port ${String(ref.port)} (it has ${ports.join(", ")})`,
            ),
          );
      }),
    );
  }

  // host:port targets named in settings.
  const podNames = new Set(docs.filter((d) => d.kind === "Pod").map((d) => d.metadata.name));
  const deploymentReplicas = new Map(
    docs
      .filter((d) => d.kind === "Deployment")
      .map((d) => [d.metadata.name, ((d.spec as Json).replicas as number | undefined) ?? 1] as const),
  );
  const checkTarget = (d: Doc, field: string, host: string, port: number) => {
    if (hasServices) {
      const ports = services.get(host);
      if (!ports)
        problems.push(
          problem(d, field, `${host}:${port}: no Service ${host} in this overlay or made by its operators`),
        );
      else if (!ports.includes(port))
        problems.push(
          problem(d, field, `${host}:${port}: Service ${host} has no port ${port} (it has ${ports.join(", ")})`),
        );
      return;
    }
    // podman: pods answer by name; a Deployment's replicas are <name>-pod-<i>.
    const replica = /^(.+)-pod-(\d+)$/.exec(host);
    if (podNames.has(host)) return;
    if (replica && (deploymentReplicas.get(replica[1]!) ?? 0) > Number(replica[2])) return;
    problems.push(problem(d, field, `${host}:${port}: no pod of this overlay is named ${host}`));
  };
  for (const pod of pods)
    for (const { at, container } of containers(pod)) {
      ((container.env as { name: string; value?: string }[] | undefined) ?? []).forEach((e, i) => {
        if (e.value === undefined) return;
        const field = `${at}.env[${i}] ${e.name}`;
        if (e.name === "DATABASE_URL" || e.name === "REDIS_URL") {
          const m = /^[a-z]+:\/\/(?:[^@/]*@)?([^:/]+):(\d+)/.exec(e.value);
          if (m) checkTarget(pod.doc, field, m[1]!, Number(m[2]));
        }
        if (e.name === "NGINX_UPSTREAM_SERVERS")
          for (const m of e.value.matchAll(/server\s+([^:\s;]+):(\d+)/g))
            checkTarget(pod.doc, field, m[1]!, Number(m[2]));
      });
    }
  for (const d of docs.filter((x) => x.kind === "ConfigMap")) {
    const sentinels = ((d.data as Labels | undefined) ?? {}).REDIS_SENTINELS;
    for (const s of sentinels?.split(",") ?? []) {
      const [host, port] = s.trim().split(":");
      checkTarget(d, "data.REDIS_SENTINELS", host!, Number(port));
    }
    const url = ((d.data as Labels | undefined) ?? {}).REDIS_URL;
    const m = url && /^rediss?:\/\/(?:[^@/]*@)?([^:/]+):(\d+)/.exec(url);
    if (m) checkTarget(d, "data.REDIS_URL", m[1]!, Number(m[2]));
  }
  for (const d of docs.filter((x) => x.kind === "ScaledObject"))
    (((d.spec as Json).triggers as { metadata?: Labels }[] | undefined) ?? []).forEach((t, i) => {
      for (const a of t.metadata?.addresses?.split(",") ?? []) {
        const [host, port] = a.trim().split(":");
        checkTarget(d, `spec.triggers[${i}].metadata.addresses`, host!, Number(port));
      }
    });
  return problems;
}

type SecurityContext = {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: { type?: string };
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
};

function containerSecurityProblems(
  d: Doc,
  field: string,
  c: SecurityContext | undefined,
  pod: SecurityContext | undefined,
  problems: Problem[],
) {
  if (c?.allowPrivilegeEscalation !== false)
    problems.push(problem(d, `${field}.allowPrivilegeEscalation`, "restricted: must be false"));
  if (!c?.capabilities?.drop?.includes("ALL"))
    problems.push(problem(d, `${field}.capabilities.drop`, 'restricted: must drop "ALL"'));
  const added = (c?.capabilities?.add ?? []).filter((x) => x !== "NET_BIND_SERVICE");
  if (added.length)
    problems.push(
      problem(d, `${field}.capabilities.add`, `restricted: may add only NET_BIND_SERVICE, not ${added.join(", ")}`),
    );
  if (c?.privileged) problems.push(problem(d, `${field}.privileged`, "restricted: must not be privileged"));
  if (c?.readOnlyRootFilesystem !== true)
    problems.push(problem(d, `${field}.readOnlyRootFilesystem`, "must be true (write to emptyDirs)"));
  if ((c?.runAsNonRoot ?? pod?.runAsNonRoot) !== true)
    problems.push(
      problem(d, `${field}.runAsNonRoot`, "restricted: must be true (here or in the pod's securityContext)"),
    );
  const uid = c?.runAsUser ?? pod?.runAsUser;
  if (typeof uid !== "number" || uid === 0)
    problems.push(
      problem(d, `${field}.runAsUser`, "must be a numeric non-root UID (here or in the pod's securityContext)"),
    );
  const seccomp = c?.seccompProfile?.type ?? pod?.seccompProfile?.type;
  if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
    problems.push(
      problem(
        d,
        `${field}.seccompProfile.type`,
        "restricted: must be RuntimeDefault or Localhost (here or in the pod)",
      ),
    );
}

/**
 * Pod Security "restricted" (and this project's additions: a read-only root, numeric UID, no
 * service account token, requests and limits) on every pod and container, initContainers too, and
 * on the pods the Redis operator makes from its RedisFailover. Namespaces carry the restricted
 * labels. `allowHostPorts`: podman's overlay publishes nginx with a hostPort (baseline forbids
 * it; podman admits no Pod Security anyway).
 */
export function restrictedProblems(docs: Doc[], { allowHostPorts = false } = {}): Problem[] {
  const problems: Problem[] = [];
  for (const d of docs.filter((x) => x.kind === "Namespace"))
    for (const mode of ["enforce", "audit", "warn"]) {
      const key = `pod-security.kubernetes.io/${mode}`;
      if (d.metadata.labels?.[key] !== "restricted")
        problems.push(problem(d, `metadata.labels.${key}`, 'must be "restricted"'));
    }
  for (const pod of docs.flatMap(podSpecs)) {
    const { doc: d, at, spec } = pod;
    const podContext = spec.securityContext as SecurityContext | undefined;
    if (spec.automountServiceAccountToken !== false)
      problems.push(
        problem(d, `${at}.automountServiceAccountToken`, "must be false (nothing here calls the Kubernetes API)"),
      );
    for (const host of ["hostNetwork", "hostPID", "hostIPC"])
      if (spec[host]) problems.push(problem(d, `${at}.${host}`, "baseline: must not be set"));
    ((spec.volumes as Json[] | undefined) ?? []).forEach((v, i) => {
      if (v.hostPath) problems.push(problem(d, `${at}.volumes[${i}].hostPath`, "baseline: no hostPath volumes"));
    });
    for (const { at: cat, container } of containers(pod)) {
      containerSecurityProblems(
        d,
        `${cat}.securityContext`,
        container.securityContext as SecurityContext | undefined,
        podContext,
        problems,
      );
      portsOf(container).forEach((p, i) => {
        if (p.hostPort !== undefined && !allowHostPorts)
          problems.push(problem(d, `${cat}.ports[${i}].hostPort`, "baseline: no hostPort"));
      });
      const resources = (container.resources ?? {}) as { requests?: Labels; limits?: Labels };
      for (const [kind, key] of [
        ["requests", "cpu"],
        ["requests", "memory"],
        ["limits", "cpu"],
        ["limits", "memory"],
      ] as const)
        if (resources[kind]?.[key] === undefined)
          problems.push(problem(d, `${cat}.resources.${kind}.${key}`, "must be set"));
    }
  }
  for (const d of docs.filter((x) => x.kind === "RedisFailover"))
    for (const part of ["redis", "sentinel"]) {
      const settings = ((d.spec as Json)[part] ?? {}) as {
        securityContext?: SecurityContext;
        containerSecurityContext?: SecurityContext;
      };
      const pod = settings.securityContext;
      if (pod?.runAsNonRoot !== true)
        problems.push(problem(d, `spec.${part}.securityContext.runAsNonRoot`, "restricted: must be true"));
      containerSecurityProblems(
        d,
        `spec.${part}.containerSecurityContext`,
        settings.containerSecurityContext,
        pod,
        problems,
      );
    }
  return problems;
}

/** The environment variable names the app's code reads: server/env.ts's schema and process.env.X. */
export function knownEnvNames(): Set<string> {
  const names = new Set<string>();
  const envTs = readFileSync(path.join(ROOT, "server", "env.ts"), "utf8");
  for (const m of envTs.matchAll(/^ {4}([A-Z][A-Z0-9_]*): /gm)) names.add(m[1]!);
  for (const dir of IMAGE_CODE_DIRS) {
    const full = path.join(ROOT, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full, { recursive: true, encoding: "utf8" })) {
      if (!/\.(ts|mjs|js)$/.test(f) || f.includes("generated")) continue;
      const text = readFileSync(path.join(full, f), "utf8");
      for (const m of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[["']([A-Z][A-Z0-9_]*)["']\]/g))
        names.add((m[1] ?? m[2])!);
    }
  }
  return names;
}

/** The runtime image's code folders (Dockerfile: COPY --from=build /app/<dir>). */
const IMAGE_CODE_DIRS = ["server", "shared", "workers", "scripts", "tooling", "prisma"];

/** What the Dockerfile's last stage copies from the build: paths relative to /app. */
export function imageContents(): string[] {
  const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
  const stages = dockerfile.split(/^FROM /m);
  const runtime = stages[stages.length - 1]!;
  const out: string[] = [];
  for (const m of runtime.matchAll(/^COPY --from=build (.+) \S+$/gm))
    for (const src of m[1]!.trim().split(/\s+/)) out.push(src.replace(/^\/app\//, ""));
  return out;
}

export type ImageMatcher = (image: string) => boolean;

function envNames(c: Json, docs: Doc[]): { name: string; field: string }[] {
  const out: { name: string; field: string }[] = [];
  ((c.env as { name: string }[] | undefined) ?? []).forEach((e, i) => out.push({ name: e.name, field: `env[${i}]` }));
  ((c.envFrom as { configMapRef?: { name: string } }[] | undefined) ?? []).forEach((from, i) => {
    const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === from.configMapRef?.name);
    for (const key of Object.keys((cm?.data as Labels | undefined) ?? {}))
      out.push({ name: key, field: `envFrom[${i}] (ConfigMap ${String(from.configMapRef?.name)}) ${key}` });
  });
  return out;
}

/**
 * Every environment variable given to a container of the app's image is one the code reads, or
 * is only used to compose another (`$(DB_PASSWORD)` inside DATABASE_URL); every NGINX_* one given
 * to nginx is a variable of nginx/templates/ or of its entrypoint scripts.
 */
export function envProblems(docs: Doc[], isAppImage: ImageMatcher, known = knownEnvNames()): Problem[] {
  const problems: Problem[] = [];
  const nginxText = ["templates", "docker-entrypoint.d"]
    .flatMap((dir) =>
      readdirSync(path.join(ROOT, "nginx", dir)).map((f) => readFileSync(path.join(ROOT, "nginx", dir, f), "utf8")),
    )
    .join("\n");
  for (const pod of docs.flatMap(podSpecs))
    for (const { at, container } of containers(pod)) {
      const image = String(container.image ?? "");
      const composed = new Set(
        ((container.env as { value?: string }[] | undefined) ?? []).flatMap((e) =>
          [...(e.value ?? "").matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((m) => m[1]!),
        ),
      );
      for (const { name, field } of envNames(container, docs)) {
        if (isAppImage(image) && !known.has(name) && !composed.has(name))
          problems.push(
            problem(
              pod.doc,
              `${at}.${field}`,
              `${name} is neither in server/env.ts nor read by the code, nor used in another variable`,
            ),
          );
        if (name.startsWith("NGINX_") && !new RegExp(`\\b${name}\\b`).test(nginxText))
          problems.push(
            problem(
              pod.doc,
              `${at}.${field}`,
              `${name} is not a variable of nginx/templates/ or nginx/docker-entrypoint.d/`,
            ),
          );
      }
    }
  return problems;
}

/** Paths of project files in a command line (`node --import tsx server/main.ts`, `sh -c "..."`). */
function projectPaths(argv: string[]): string[] {
  return argv
    .flatMap((a) => a.split(/[\s;&|"'()]+/))
    .filter((t) => /^(\.\/)?[\w.-]+(\/[\w.-]+)+\.(m?js|cjs|ts|json)$/.test(t))
    .map((t) => t.replace(/^\.\//, ""));
}

/**
 * The files a container of the app's image runs (command, args, exec probes) exist in the
 * repository and in what the Dockerfile copies into the runtime image; an HTTP probe on /api/...
 * has its route handler (app/api/<path>/route.ts).
 */
export function imagePathProblems(docs: Doc[], isAppImage: ImageMatcher, copied = imageContents()): Problem[] {
  const problems: Problem[] = [];
  const inImage = (file: string) => copied.some((c) => file === c || file.startsWith(`${c}/`));
  for (const pod of docs.flatMap(podSpecs))
    for (const { at, container } of containers(pod)) {
      if (!isAppImage(String(container.image ?? ""))) continue;
      const runs: { field: string; argv: string[] }[] = [
        {
          field: "command",
          argv: [...((container.command as string[]) ?? []), ...((container.args as string[]) ?? [])],
        },
      ];
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const handler = container[probe] as { exec?: { command?: string[] }; httpGet?: { path?: string } } | undefined;
        if (handler?.exec?.command) runs.push({ field: `${probe}.exec.command`, argv: handler.exec.command });
        const route = handler?.httpGet?.path?.split("?")[0];
        if (route?.startsWith("/api/") && !existsSync(path.join(ROOT, "app", route, "route.ts")))
          problems.push(
            problem(pod.doc, `${at}.${probe}.httpGet.path`, `${route} has no route handler (app${route}/route.ts)`),
          );
      }
      for (const { field, argv } of runs)
        for (const file of projectPaths(argv)) {
          if (!existsSync(path.join(ROOT, file)))
            problems.push(problem(pod.doc, `${at}.${field}`, `runs ${file}, which is not in the repository`));
          else if (!inImage(file))
            problems.push(
              problem(
                pod.doc,
                `${at}.${field}`,
                `runs ${file}, which the Dockerfile does not copy into the image (it copies ${copied.join(", ")})`,
              ),
            );
        }
    }
  return problems;
}

/**
 * The metadata keys of KEDA's Redis list scalers (keda.sh/docs, "Redis Lists" and "Redis Lists
 * (supports Redis Sentinel)"). The CRD types metadata as a free map, so a misspelt key would pass
 * the strict check and KEDA would fall back to its default.
 */
const KEDA_REDIS_METADATA = new Set([
  "address",
  "addressFromEnv",
  "host",
  "hostFromEnv",
  "port",
  "portFromEnv",
  "addresses",
  "addressesFromEnv",
  "hosts",
  "hostsFromEnv",
  "ports",
  "portsFromEnv",
  "usernameFromEnv",
  "passwordFromEnv",
  "sentinelUsernameFromEnv",
  "sentinelPasswordFromEnv",
  "sentinelMaster",
  "sentinelMasterFromEnv",
  "listName",
  "listLength",
  "activationListLength",
  "enableTLS",
  "unsafeSsl",
  "databaseIndex",
]);

/** Every KEDA Redis trigger reads the queue's wait list, and the worker never scales to zero. */
export function kedaProblems(docs: Doc[], waitListKey: string): Problem[] {
  const problems: Problem[] = [];
  for (const d of docs.filter((x) => x.kind === "ScaledObject")) {
    const spec = d.spec as { minReplicaCount?: number; triggers?: { type: string; metadata?: Labels }[] };
    if ((spec.minReplicaCount ?? 0) < 1)
      problems.push(problem(d, "spec.minReplicaCount", "must be at least 1: the worker also runs the outbox relay"));
    (spec.triggers ?? []).forEach((t, i) => {
      if (!t.type.startsWith("redis")) return;
      for (const key of Object.keys(t.metadata ?? {}))
        if (!KEDA_REDIS_METADATA.has(key))
          problems.push(
            problem(d, `spec.triggers[${i}].metadata.${key}`, `not a metadata key of KEDA's ${t.type} scaler`),
          );
      if (t.type === "redis-sentinel" && !t.metadata?.sentinelMaster && !t.metadata?.sentinelMasterFromEnv)
        problems.push(
          problem(d, `spec.triggers[${i}].metadata.sentinelMaster`, "a Sentinel trigger must name the master"),
        );
      if (t.metadata?.listName !== waitListKey)
        problems.push(
          problem(
            d,
            `spec.triggers[${i}].metadata.listName`,
            `${String(t.metadata?.listName)} is not the queue's wait list ${waitListKey}`,
          ),
        );
    });
  }
  return problems;
}
