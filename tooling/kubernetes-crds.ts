// Hand-written schemas, as TypeScript types, for the custom resources no npm package models:
// CloudNativePG's Cluster and Pooler (postgresql.cnpg.io/v1) and spotahome redis-operator's
// RedisFailover (databases.spotahome.com/v1). tooling/kubernetes.ts type-checks every rendered
// document against its type with excess-property checks on, so a misspelt or misplaced field here
// fails as it would against the operator's CRD (whose structural schema would silently drop it).
// They list the fields of the operators' API references (CloudNativePG 1.25's API reference,
// spotahome's api/redisfailover/v1/types.go) that a deployment like this one plausibly sets, not
// every field: a field missing here fails the check and must be added from that reference.
import type { IAffinity } from "kubernetes-models/v1/Affinity";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEmptyDirVolumeSource } from "kubernetes-models/v1/EmptyDirVolumeSource";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { ILocalObjectReference } from "kubernetes-models/v1/LocalObjectReference";
import type { IPersistentVolumeClaimSpec } from "kubernetes-models/v1/PersistentVolumeClaimSpec";
import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import type { IToleration } from "kubernetes-models/v1/Toleration";
import type { ITopologySpreadConstraint } from "kubernetes-models/v1/TopologySpreadConstraint";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { IDeploymentStrategy } from "kubernetes-models/apps/v1/DeploymentStrategy";

type Named = { name: string };
/** What a custom resource's metadata holds as written (the API server adds the rest). */
type Metadata = {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

// --- CloudNativePG --------------------------------------------------------------------------

export interface ICnpgSynchronousReplicaConfiguration {
  method: "any" | "first";
  number: number;
  dataDurability?: "required" | "preferred";
  maxStandbyNamesFromCluster?: number;
  standbyNamesPre?: string[];
  standbyNamesPost?: string[];
}

export interface ICnpgPostgresConfiguration {
  parameters?: Record<string, string>;
  pg_hba?: string[];
  pg_ident?: string[];
  shared_preload_libraries?: string[];
  synchronous?: ICnpgSynchronousReplicaConfiguration;
}

export interface ICnpgBootstrapInitDB {
  database?: string;
  owner?: string;
  secret?: Named;
  encoding?: string;
  localeCollate?: string;
  localeCType?: string;
  dataChecksums?: boolean;
  walSegmentSize?: number;
  postInitSQL?: string[];
  postInitApplicationSQL?: string[];
  postInitTemplateSQL?: string[];
}

export interface ICnpgStorageConfiguration {
  size?: string;
  storageClass?: string;
  resizeInUseVolumes?: boolean;
  pvcTemplate?: IPersistentVolumeClaimSpec;
}

export interface ICnpgAffinityConfiguration {
  enablePodAntiAffinity?: boolean;
  topologyKey?: string;
  podAntiAffinityType?: "preferred" | "required";
  nodeSelector?: Record<string, string>;
  tolerations?: IToleration[];
  nodeAffinity?: IAffinity["nodeAffinity"];
  additionalPodAntiAffinity?: IAffinity["podAntiAffinity"];
  additionalPodAffinity?: IAffinity["podAffinity"];
}

export interface ICnpgClusterSpec {
  instances: number;
  description?: string;
  imageName?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  imagePullSecrets?: Named[];
  primaryUpdateStrategy?: "unsupervised" | "supervised";
  primaryUpdateMethod?: "switchover" | "restart";
  // The older way to ask for synchronous standbys (postgresql.synchronous supersedes it).
  minSyncReplicas?: number;
  maxSyncReplicas?: number;
  postgresql?: ICnpgPostgresConfiguration;
  bootstrap?: { initdb?: ICnpgBootstrapInitDB };
  storage?: ICnpgStorageConfiguration;
  walStorage?: ICnpgStorageConfiguration;
  affinity?: ICnpgAffinityConfiguration;
  topologySpreadConstraints?: ITopologySpreadConstraint[];
  resources?: IResourceRequirements;
  priorityClassName?: string;
  enableSuperuserAccess?: boolean;
  superuserSecret?: Named;
  startDelay?: number;
  stopDelay?: number;
  smartShutdownTimeout?: number;
  switchoverDelay?: number;
  failoverDelay?: number;
  monitoring?: { enablePodMonitor?: boolean; disableDefaultQueries?: boolean };
  env?: IEnvVar[];
}

export interface ICnpgCluster {
  apiVersion: "postgresql.cnpg.io/v1";
  kind: "Cluster";
  metadata: Metadata;
  spec: ICnpgClusterSpec;
}

export interface ICnpgPooler {
  apiVersion: "postgresql.cnpg.io/v1";
  kind: "Pooler";
  metadata: Metadata;
  spec: {
    cluster: Named;
    type?: "rw" | "ro" | "r";
    instances?: number;
    pgbouncer: {
      poolMode?: "session" | "transaction";
      parameters?: Record<string, string>;
      pg_hba?: string[];
      authQuery?: string;
      authQuerySecret?: Named;
      paused?: boolean;
    };
    template?: IPodTemplateSpec;
    deploymentStrategy?: IDeploymentStrategy;
    monitoring?: { enablePodMonitor?: boolean };
  };
}

// --- spotahome redis-operator -----------------------------------------------------------------

interface ISpotahomeExporter {
  enabled?: boolean;
  image?: string;
  imagePullPolicy?: string;
  containerSecurityContext?: ISecurityContext;
  args?: string[];
  env?: IEnvVar[];
  resources?: IResourceRequirements;
}

interface ISpotahomeCommon {
  image?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  replicas?: number;
  resources?: IResourceRequirements;
  customConfig?: string[];
  command?: string[];
  startupConfigMap?: string;
  affinity?: IAffinity;
  securityContext?: IPodSecurityContext;
  containerSecurityContext?: ISecurityContext;
  imagePullSecrets?: ILocalObjectReference[];
  tolerations?: IToleration[];
  topologySpreadConstraints?: ITopologySpreadConstraint[];
  nodeSelector?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  serviceAnnotations?: Record<string, string>;
  initContainers?: IContainer[];
  extraContainers?: IContainer[];
  exporter?: ISpotahomeExporter;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  priorityClassName?: string;
  serviceAccountName?: string;
  extraVolumes?: IVolume[];
  extraVolumeMounts?: IVolumeMount[];
  customLivenessProbe?: IProbe;
  customReadinessProbe?: IProbe;
  customStartupProbe?: IProbe;
  disablePodDisruptionBudget?: boolean;
}

export interface ISpotahomeRedisSettings extends ISpotahomeCommon {
  port?: number;
  customCommandRenames?: { from?: string; to?: string }[];
  shutdownConfigMap?: string;
  terminationGracePeriod?: number;
  storage?: {
    keepAfterDeletion?: boolean;
    emptyDir?: IEmptyDirVolumeSource;
    persistentVolumeClaim?: {
      metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: IPersistentVolumeClaimSpec;
    };
  };
}

export interface ISpotahomeSentinelSettings extends ISpotahomeCommon {
  configCopy?: { containerSecurityContext?: ISecurityContext };
}

export interface ISpotahomeRedisFailover {
  apiVersion: "databases.spotahome.com/v1";
  kind: "RedisFailover";
  metadata: Metadata;
  spec: {
    redis?: ISpotahomeRedisSettings;
    sentinel?: ISpotahomeSentinelSettings;
    auth?: { secretPath?: string };
    labelWhitelist?: string[];
    bootstrapNode?: { host?: string; port?: string; allowSentinels?: boolean };
  };
}

/** apiVersion/kind -> the exported type above. */
export const CRD_TYPES: Record<string, string> = {
  "postgresql.cnpg.io/v1/Cluster": "ICnpgCluster",
  "postgresql.cnpg.io/v1/Pooler": "ICnpgPooler",
  "databases.spotahome.com/v1/RedisFailover": "ISpotahomeRedisFailover",
};
