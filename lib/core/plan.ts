import { backendEnvironment, PROXY_PORT } from "./backend-env.ts";
import { resolveBackup, type BackupPlan } from "./backup.ts";
import { Bucket, type AnyBucket, type EndpointProfile, type ExternalCredentialsSource } from "./bucket.ts";
import { minioBucketSchema, type WorkspaceConfig } from "./config-schema.ts";
import type { EnvEntry } from "./env.ts";
import { ConfigError, InvariantError, showValue, type ConfigIssue } from "./errors.ts";
import { databaseName, SERVER_DATABASES, type ServerDatabaseKind } from "./database.ts";
import { convexImages } from "./images.ts";
import { MINIO_PORT } from "./minio.ts";
import type { LabelContext } from "./labels.ts";
import { dnsName, workspaceNames, type WorkspaceNames } from "./names.ts";
import { proxyEnvironment } from "./proxy-env.ts";
import { Storage, type AnyStorage, type SsePolicy, type StorageModeName } from "./storage.ts";
import { ingressUrls, trimOrigin, urlIssues, type WorkspaceUrls } from "./urls.ts";
import { backendCaFiles, backendTrustEnvironment, proxyTlsEnvironment, type TlsPlan } from "./tls.ts";
import { resolveTls } from "./tls-plan.ts";

/** Where the workspace runs. Decides the default bucket and how services are addressed. */
export type Target = "kubernetes" | "docker";

/** Compute resources of one container, as Kubernetes quantities. */
export interface ResourceSpec {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Everything the constructs need for one workspace, resolved once from a validated configuration: names, URLs,
 * storage, and the exact container environments. Pure data; no CDKTF.
 */
export interface WorkspacePlan {
  readonly target: Target;
  readonly workspace: string;
  readonly namespace: string;
  readonly names: WorkspaceNames;
  readonly labels: LabelContext;
  readonly release: string;
  readonly images: { readonly backend: string; readonly dashboard: string; readonly proxy: string; readonly minio: string };
  readonly instanceName: string;
  readonly storage: AnyStorage;
  readonly region: string;
  readonly urls: WorkspaceUrls;
  readonly ingress?: WorkspaceConfig["ingress"];
  readonly dataVolume: { readonly size: string; readonly storageClassName?: string; readonly protect: boolean };
  readonly backendResources: ResourceSpec;
  readonly dashboardResources: ResourceSpec;
  /** The S3 proxy container's resources (Kubernetes; used in `proxied` mode). */
  readonly proxyResources: ResourceSpec;
  readonly stopGracePeriodSeconds: number;
  /** The backend's environment, in order. */
  readonly backendEnv: readonly EnvEntry[];
  /** The S3 proxy's environment; present only in `proxied` mode. */
  readonly proxyEnv?: readonly EnvEntry[];
  /** The proxy's URL as the backend reaches it; present only in `proxied` mode. */
  readonly proxyEndpoint?: string;
  /** Run the storage doctor as a Job before the backend's first start (Kubernetes, `s3` and `proxied`). */
  readonly storageDoctor: boolean;
  /** Where Convex keeps its tables: SQLite on the data volume, or a Postgres or MySQL database created before it starts. */
  readonly database: DatabasePlan;
  /** Scheduled snapshots and restore (`backup:`). @default - no backups: nothing is created */
  readonly backup?: BackupPlan;
  /** TLS on the S3 paths: the bucket's private CA and whether the proxy serves TLS (lib/core/tls.ts). */
  readonly tls: TlsPlan;
  /** The private CA files the backend trusts (mounted by the target); empty when it needs only the system roots. */
  readonly backendCaFiles: readonly string[];
  /** The workspace's MinIO server; present only when a bucket-backed mode uses a `minio` bucket. */
  readonly minio?: MinioPlan;
  /** Kubernetes: the NetworkPolicies' settings. */
  readonly networkPolicy: WorkspaceConfig["networkPolicy"];
  /** Kubernetes: ServiceMonitors and PrometheusRule settings. */
  readonly monitoring: WorkspaceConfig["monitoring"];
  /** Kubernetes: scheduling and image access of every pod. */
  readonly scheduling: WorkspaceConfig["scheduling"];
}

/** A per-workspace MinIO server. */
export interface MinioPlan {
  readonly bucketName: string;
  /** As the backend and the proxy reach it. */
  readonly endpoint: string;
  /** Kubernetes: MinIO's own volume (the Docker target makes a Docker volume). */
  readonly dataVolume: { readonly size: string; readonly storageClassName?: string };
  /** Kubernetes: MinIO's container resources. */
  readonly resources: ResourceSpec;
}

/** Where the CA bundle of a Postgres or MySQL server is mounted in the backend and init containers. */
export const DATABASE_CA_DIR = "/convex/database-ca";

/** The workspace's database, resolved. */
export type DatabasePlan =
  | { readonly kind: "sqlite" }
  | {
      readonly kind: ServerDatabaseKind;
      /** The database the init step creates and Convex opens: the instance name with `-` turned into `_`. */
      readonly name: string;
      /** Where the server and its URL (no database name, no query) come from. */
      readonly server: DatabaseServer;
      readonly requireSsl: boolean;
      /** The CA bundle's Secret key and its path in the containers (Kubernetes). @default - none */
      readonly ca?: { readonly secretName: string; readonly key: string; readonly file: string };
    };

/**
 * Where a Postgres or MySQL workspace's server URL comes from:
 * - `secret`: a Kubernetes Secret key, read by reference (Kubernetes);
 * - `container`: the workspace's own server container, with a generated password (the Docker default);
 * - `environment`: an environment variable read when the app synthesizes (Docker);
 * - `file`: a file with a `POSTGRES_URL=...` (or `MYSQL_URL=...`) line, read by Terraform at plan time (Docker).
 */
export type DatabaseServer =
  | { readonly kind: "secret"; readonly name: string; readonly key: string }
  | { readonly kind: "container" }
  | { readonly kind: "environment"; readonly variable: string }
  | { readonly kind: "file"; readonly path: string };

/** Local URLs for a workspace reached through `kubectl port-forward` or Docker's published ports. */
export const LOCAL_URLS: WorkspaceUrls = {
  cloudOrigin: "http://127.0.0.1:3210",
  siteOrigin: "http://127.0.0.1:3211",
  dashboardUrl: "http://127.0.0.1:6791",
};

export interface PlanOptions {
  readonly target: Target;
  /** Endpoint of the workspace's MinIO. @default - the MinIO Service's cluster DNS name on Kubernetes (required on Docker) */
  readonly minioEndpoint?: string;
  /** URLs to use when the configuration names none. @default LOCAL_URLS, or the Ingress hosts when an Ingress is set */
  readonly defaultUrls?: WorkspaceUrls;
}

/** Resolves a validated configuration into a plan; throws ConfigError listing every cross-field problem. */
export function planWorkspace(config: WorkspaceConfig, options: PlanOptions): WorkspacePlan {
  const issues: ConfigIssue[] = [];
  const workspace = config.workspace.name.toLowerCase();
  const names = workspaceNames(workspace);
  const release = config.convex.release;
  const instanceName = config.convex.instanceName ?? dnsName(["convex", workspace]);

  const bucket = resolveBucket(config, options.target, issues);
  const database = resolveDatabase(config, options.target, instanceName, issues);
  if (config.storage.doctor && options.target === "docker") {
    issues.push({ field: "storage.doctor", value: "true", fix: "the doctor Job is a Kubernetes setting; on Docker run npm run doctor -- --config <this file> before deploying" });
  }
  const storage = buildStorage(config.storage.mode as StorageModeName, bucket, config.storage.proxy.sse as SsePolicy);
  const backup = resolveBackup({ config, instanceName, workspaceBucket: bucket }, issues);
  if (backup?.target.kind === "workspace" && backup.target.bucket.kind === "minio" && options.target === "kubernetes" && config.storage.mode === "local") {
    issues.push({
      field: "backup",
      value: showValue("(set)"),
      fix: "in local mode on Kubernetes snapshots go to a claimed bucket or backup.bucket; the workspace's MinIO runs only in s3 and proxied mode: remove storage.bucket, or set backup.bucket",
    });
  }
  if (backup?.target.kind === "external" && options.target === "docker") {
    issues.push({
      field: "backup.bucket",
      value: showValue(backup.target.bucketName),
      fix: "a separate backup bucket reads its keys from a Kubernetes Secret; on Docker snapshots go to the workspace bucket (MinIO, or storage.bucket): remove backup.bucket",
    });
  }
  const tls = resolveTls({ config, target: options.target, bucket: storage.mode === "local" ? undefined : bucket }, issues);

  const base = options.defaultUrls ?? (config.ingress ? ingressUrls({ ...config.ingress, tls: config.ingress.tlsSecretName !== undefined }) : LOCAL_URLS);
  const urls: WorkspaceUrls = {
    cloudOrigin: trimOrigin(config.urls.cloudOrigin ?? base.cloudOrigin),
    siteOrigin: trimOrigin(config.urls.siteOrigin ?? base.siteOrigin),
    dashboardUrl: trimOrigin(config.urls.dashboardUrl ?? base.dashboardUrl),
  };
  issues.push(...urlIssues(urls, "urls"));
  issues.push(...egressIssues(config, options.target, storage, backup));
  if (issues.length > 0) throw new ConfigError(issues);

  const proxyEndpoint = storage.mode === "proxied" ? proxyUrl(options.target, names, config.workspace.namespace, tls.proxyTls) : undefined;
  const minioEndpoint = options.minioEndpoint ?? (options.target === "kubernetes" ? `http://${names.of("minio")}.${config.workspace.namespace}.svc:${MINIO_PORT}` : undefined);
  const minio = minioPlan(config, storage, minioEndpoint);
  const caFiles = backendCaFiles(tls, storage.mode);
  const backendEnv = [...backendEnvironment({
    instanceName,
    cloudOrigin: urls.cloudOrigin,
    siteOrigin: urls.siteOrigin,
    storage,
    region: config.storage.region,
    proxyEndpoint,
    minioEndpoint,
    flags: {
      disableBeacon: config.convex.disableBeacon,
      redactLogsToClient: config.convex.redactLogsToClient,
      doNotRequireSsl: config.convex.doNotRequireSsl,
    },
    // The schema refuses every name the stack manages, so these only add variables.
    extra: config.convex.extraEnv,
    database: database.kind === "sqlite" ? undefined : { kind: database.kind, requireSsl: database.requireSsl, caFile: database.ca?.file },
  }), ...backendTrustEnvironment(caFiles)];
  const proxyEnv =
    storage.mode === "proxied"
      ? [...proxyEnvironment({ storage, region: config.storage.region, minioEndpoint }), ...proxyTlsEnvironment(tls)]
      : undefined;

  return {
    target: options.target,
    workspace,
    namespace: config.workspace.namespace,
    names,
    // Extra labels are a Kubernetes setting (scheduling.labels); Docker keeps its own label set.
    labels: { workspace, release, extra: options.target === "kubernetes" ? config.scheduling.labels : undefined },
    release,
    images: { ...convexImages(release, config.convex.imageDigests), proxy: config.storage.proxy.image, minio: minioImage(config) },
    instanceName,
    storage,
    region: config.storage.region,
    urls,
    ingress: config.ingress,
    dataVolume: config.convex.dataVolume,
    backendResources: config.convex.backendResources,
    dashboardResources: config.convex.dashboardResources,
    proxyResources: config.storage.proxy.resources,
    stopGracePeriodSeconds: config.convex.stopGracePeriodSeconds,
    backendEnv,
    proxyEnv,
    proxyEndpoint,
    minio,
    networkPolicy: config.networkPolicy,
    monitoring: config.monitoring,
    scheduling: config.scheduling,
    storageDoctor: config.storage.doctor && storage.mode !== "local",
    database,
    backup,
    tls,
    backendCaFiles: caFiles,
  };
}

/**
 * The database the configuration names. Postgres and MySQL read their URL from a Secret on Kubernetes; on Docker it
 * is the workspace's own server container unless urlEnv or urlFile names another server. Settings of the other
 * target are rejected rather than silently ignored.
 */
function resolveDatabase(config: WorkspaceConfig, target: Target, instanceName: string, issues: ConfigIssue[]): DatabasePlan {
  const spec = config.database;
  const field = (name: string) => `database.${name}`;
  const given = (names: readonly (keyof typeof spec)[]) => names.filter((name) => spec[name] !== undefined);
  if (spec.kind === "sqlite") {
    for (const name of given(["urlSecretName", "caSecretName", "urlEnv", "urlFile", "requireSsl"])) {
      issues.push({ field: field(name), value: showValue(spec[name]), fix: "this is a Postgres or MySQL setting: set database.kind: postgres or mysql, or remove it" });
    }
    return { kind: "sqlite" };
  }
  const label = SERVER_DATABASES[spec.kind].label;
  const server = target === "kubernetes" ? kubernetesServer(config, spec.kind, issues) : dockerServer(config, label, issues);
  const requireSsl = spec.requireSsl ?? server.kind !== "container";
  if (server.kind === "container" && spec.requireSsl === true) {
    issues.push({
      field: field("requireSsl"),
      value: "true",
      fix: `the workspace's own ${label} container has no TLS (only the workspace network reaches it): remove requireSsl, or name a server with TLS in database.urlEnv or database.urlFile`,
    });
  }
  return {
    kind: spec.kind,
    name: databaseName(instanceName),
    server,
    requireSsl,
    // A caSecretName on Docker was refused above (dockerServer), so the plan is never used there.
    ca: spec.caSecretName ? { secretName: spec.caSecretName, key: spec.caSecretKey, file: `${DATABASE_CA_DIR}/${spec.caSecretKey}` } : undefined,
  };
}

function kubernetesServer(config: WorkspaceConfig, kind: ServerDatabaseKind, issues: ConfigIssue[]): DatabaseServer {
  const spec = config.database;
  for (const name of ["urlEnv", "urlFile"] as const) {
    if (spec[name] !== undefined) issues.push({ field: `database.${name}`, value: showValue(spec[name]), fix: "this is a Docker setting; on Kubernetes name the Secret with the URL in database.urlSecretName" });
  }
  if (spec.urlSecretName === undefined) {
    issues.push({
      field: "database.urlSecretName",
      value: showValue(undefined),
      fix: `name the Secret in namespace ${config.workspace.namespace} whose key ${spec.urlSecretKey} holds ${SERVER_DATABASES[kind].shape} (no database name)`,
    });
  }
  return { kind: "secret", name: spec.urlSecretName ?? "", key: spec.urlSecretKey };
}

function dockerServer(config: WorkspaceConfig, label: string, issues: ConfigIssue[]): DatabaseServer {
  const spec = config.database;
  const dockerWays = `on Docker leave it out for the workspace's own ${label} container, or name a server in database.urlEnv or database.urlFile`;
  for (const name of ["urlSecretName", "caSecretName"] as const) {
    if (spec[name] !== undefined) issues.push({ field: `database.${name}`, value: showValue(spec[name]), fix: `this is a Kubernetes setting; ${dockerWays}` });
  }
  if (spec.urlEnv !== undefined && spec.urlFile !== undefined) {
    issues.push({ field: "database.urlFile", value: showValue(spec.urlFile), fix: "give either database.urlEnv or database.urlFile, not both" });
  }
  if (spec.urlFile !== undefined) {
    if (UNSAFE_PATH.test(spec.urlFile)) issues.push({ field: "database.urlFile", value: showValue(spec.urlFile), fix: "use a path without '\"', '\\', '${', '%{' or line breaks" });
    return { kind: "file", path: spec.urlFile };
  }
  if (spec.urlEnv !== undefined) return { kind: "environment", variable: spec.urlEnv };
  return { kind: "container" };
}

/**
 * Restricted egress needs to know where a bucket outside the stack is (MinIO is known): the workspace bucket in s3 and
 * proxied mode, and the bucket that backups to the workspace bucket write to (a claim in local mode too).
 */
function egressIssues(config: WorkspaceConfig, target: Target, storage: AnyStorage, backup: BackupPlan | undefined): ConfigIssue[] {
  const { enabled, egress } = config.networkPolicy;
  if (target !== "kubernetes" || !enabled || !egress.restrict || egress.bucket.length > 0) return [];
  const storageNeeds = storage.mode !== "local" && storage.bucket.kind !== "minio";
  const backupNeeds = backup?.target.kind === "workspace" && backup.target.bucket.kind !== "minio";
  if (!storageNeeds && !backupNeeds) return [];
  return [
    {
      field: "networkPolicy.egress.bucket",
      value: showValue(egress.bucket),
      fix: "name where the bucket endpoint is, e.g. [{ namespaceLabels: { kubernetes.io/metadata.name: rook-ceph }, ports: [8080] }] or [{ cidr: 203.0.113.0/24, ports: [443] }], or leave egress open (restrict: false)",
    },
  ];
}

type MinioBucketSpec = Extract<NonNullable<WorkspaceConfig["storage"]["bucket"]>, { kind: "minio" }>;

/** The MinIO image: the bucket's own setting, else the pin (lib/core/images.ts, through the schema's default). */
function minioImage(config: WorkspaceConfig): string {
  const spec = config.storage.bucket;
  return spec?.kind === "minio" ? spec.image : workspaceConfigSchemaMinioDefaults().image;
}

/** The schema's defaults of a `minio` bucket, for a workspace that names no bucket (Docker's default is MinIO). */
function workspaceConfigSchemaMinioDefaults(): MinioBucketSpec {
  return minioBucketSchema.parse({ kind: "minio" });
}

function minioPlan(config: WorkspaceConfig, storage: AnyStorage, endpoint: string | undefined): MinioPlan | undefined {
  if (storage.mode === "local" || storage.bucket.kind !== "minio") return undefined;
  if (endpoint === undefined) throw new InvariantError("a MinIO bucket needs its endpoint: pass minioEndpoint");
  const spec = config.storage.bucket?.kind === "minio" ? config.storage.bucket : workspaceConfigSchemaMinioDefaults();
  return { bucketName: storage.bucket.bucketName, endpoint, dataVolume: spec.dataVolume, resources: spec.resources };
}

function buildStorage(mode: StorageModeName, bucket: AnyBucket, sse: SsePolicy): AnyStorage {
  switch (mode) {
    case "local":
      return Storage.local();
    case "s3":
      return Storage.s3(bucket);
    case "proxied":
      return Storage.proxied(bucket, { sse });
  }
}

/** The bucket the configuration names, or the target's default: a Rook claim on Kubernetes, MinIO on Docker. */
function resolveBucket(config: WorkspaceConfig, target: Target, issues: ConfigIssue[]): AnyBucket {
  const spec = config.storage.bucket;
  if (spec === undefined) return target === "kubernetes" ? Bucket.objectBucketClaim() : Bucket.minio();
  if (spec.kind === "objectBucketClaim" && target === "docker") {
    issues.push({ field: "storage.bucket.kind", value: showValue(spec.kind), fix: "ObjectBucketClaims need Rook on Kubernetes; on Docker use minio or external" });
    return Bucket.minio();
  }
  switch (spec.kind) {
    case "objectBucketClaim":
      return Bucket.objectBucketClaim(spec);
    case "external":
      return externalBucket(spec, target, issues);
    case "minio":
      return Bucket.minio(spec);
  }
}

type ExternalBucketSpec = Extract<NonNullable<WorkspaceConfig["storage"]["bucket"]>, { kind: "external" }>;

/** Characters that would break out of the Terraform string the keys file's path is written into. */
const UNSAFE_PATH = /["\\\n]|\$\{|%\{/;

/**
 * An external bucket, with its keys from where the target reads them: a Kubernetes Secret, or on Docker two
 * environment variables or a keys file. Settings of the other target are rejected rather than silently ignored.
 */
function externalBucket(spec: ExternalBucketSpec, target: Target, issues: ConfigIssue[]): AnyBucket {
  const field = (name: string) => `storage.bucket.${name}`;
  const profile = spec.profile as EndpointProfile;
  const dockerKeys = "on Docker give the keys with accessKeyIdEnv and secretAccessKeyEnv (environment variable names) or credentialsFile";
  if (target === "kubernetes") {
    for (const name of ["accessKeyIdEnv", "secretAccessKeyEnv", "credentialsFile"] as const) {
      if (spec[name] !== undefined) issues.push({ field: field(name), value: showValue(spec[name]), fix: "this is a Docker setting; on Kubernetes name the Secret with the keys in credentialsSecretName" });
    }
    if (spec.credentialsSecretName === undefined) {
      issues.push({ field: field("credentialsSecretName"), value: showValue(undefined), fix: "name the Kubernetes Secret in the workspace namespace that holds the bucket's keys" });
    }
    return Bucket.external({ ...spec, credentialsSecretName: spec.credentialsSecretName ?? "", profile });
  }
  if (spec.credentialsSecretName !== undefined) {
    issues.push({ field: field("credentialsSecretName"), value: showValue(spec.credentialsSecretName), fix: `this is a Kubernetes setting; ${dockerKeys}` });
  }
  const envGiven = spec.accessKeyIdEnv !== undefined || spec.secretAccessKeyEnv !== undefined;
  let dockerCredentials: ExternalCredentialsSource | undefined;
  if (spec.credentialsFile !== undefined && envGiven) {
    issues.push({ field: field("credentialsFile"), value: showValue(spec.credentialsFile), fix: "give either credentialsFile or accessKeyIdEnv/secretAccessKeyEnv, not both" });
  } else if (spec.credentialsFile !== undefined) {
    if (UNSAFE_PATH.test(spec.credentialsFile)) {
      issues.push({ field: field("credentialsFile"), value: showValue(spec.credentialsFile), fix: "use a path without '\"', '\\', '${', '%{' or line breaks" });
    }
    dockerCredentials = { kind: "file", path: spec.credentialsFile };
  } else if (spec.accessKeyIdEnv !== undefined && spec.secretAccessKeyEnv !== undefined) {
    dockerCredentials = { kind: "environment", accessKeyIdEnv: spec.accessKeyIdEnv, secretAccessKeyEnv: spec.secretAccessKeyEnv };
  } else if (envGiven) {
    const missing = spec.accessKeyIdEnv === undefined ? "accessKeyIdEnv" : "secretAccessKeyEnv";
    issues.push({ field: field(missing), value: showValue(undefined), fix: "set both accessKeyIdEnv and secretAccessKeyEnv, or use credentialsFile" });
  } else {
    issues.push({ field: field("accessKeyIdEnv"), value: showValue(undefined), fix: `an external bucket needs its keys: ${dockerKeys}` });
  }
  return Bucket.external({ ...spec, credentialsSecretName: "", profile, dockerCredentials });
}

/** The proxy's URL as the backend reaches it: the Service DNS name on Kubernetes, the container name on Docker. */
function proxyUrl(target: Target, names: WorkspaceNames, namespace: string, tls: boolean): string {
  const host = target === "kubernetes" ? `${names.of("s3-proxy")}.${namespace}.svc` : names.of("s3-proxy");
  return `${tls ? "https" : "http"}://${host}:${PROXY_PORT}`;
}
