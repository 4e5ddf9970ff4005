import { DeploymentV1, type DeploymentV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { Fn, Op, TerraformVariable, Token, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { CoderAgent } from "../lib/coder/agent.ts";
import { CoderMetadata } from "../lib/coder/metadata.ts";
import { PROXY_PORT, backendEnvironment } from "../lib/core/backend-env.ts";
import { Bucket, type AnyBucket } from "../lib/core/bucket.ts";
import type { ServerDatabaseKind } from "../lib/core/database.ts";
import type { EnvEntry } from "../lib/core/env.ts";
import { minioBucketSchema } from "../lib/core/config-schema.ts";
import { MINIO_IMAGE, NODE_IMAGE } from "../lib/core/images.ts";
import { proxyEnvironment } from "../lib/core/proxy-env.ts";
import { Storage, type AnyStorage, type StorageModeName } from "../lib/core/storage.ts";
import { BACKEND_API_PORT, BACKEND_SITE_PORT, ConvexBackend, type BackendDatabaseParts } from "../lib/kubernetes/convex-backend.ts";
import { ConvexDashboard, DASHBOARD_PORT } from "../lib/kubernetes/convex-dashboard.ts";
import { dataVolumeClaim } from "../lib/kubernetes/data-volume.ts";
import { databaseInitParts } from "../lib/kubernetes/database-init.ts";
import type { RefSources } from "../lib/kubernetes/env.ts";
import {
  INSTANCE_SECRET_KEY,
  InstanceSecret,
  MINIO_ROOT_PASSWORD_KEY,
  MINIO_ROOT_USER_KEY,
  PROXY_ACCESS_KEY_ID_KEY,
  PROXY_SECRET_ACCESS_KEY_KEY,
  ProxyCredentials,
} from "../lib/kubernetes/generated-secret.ts";
import { KubernetesMinio } from "../lib/kubernetes/minio.ts";
import { ObjectBucketClaim } from "../lib/kubernetes/object-bucket-claim.ts";
import { S3Proxy } from "../lib/kubernetes/s3-proxy.ts";
import { ProxyTlsSecret } from "../lib/kubernetes/proxy-tls-secret.ts";
import { backendTrustParts, proxyCaVolume } from "../lib/kubernetes/tls-volumes.ts";
import { backendCaFiles, backendTrustEnvironment, proxyTlsEnvironment } from "../lib/core/tls.ts";
import { proxyBundle } from "../lib/proxy-bundle.ts";
import { kubernetesTemplateBackup } from "./template-backup.ts";
import { coderInputs, coderLabels, coderSelectorLabels, firstInstanceId, modeComputeCount, modeCount, templateBase, workspaceAgent, type CoderInputs } from "./template-shared.ts";
import { isSet, templateDatabase, withTemplateSsl, type TemplateDatabaseKind } from "./template-database.ts";
import { ADMIN_KEY_DIR, ADMIN_KEY_FILE } from "./template-env-local.ts";
import { LiteralSafeStack } from "../lib/terraform/literal-safe-stack.ts";
import { tfExpression } from "../lib/terraform/expression.ts";

/** The template's stack id (also its folder under build/templates). */
export const KUBERNETES_TEMPLATE_ID = "kubernetes";

/**
 * The admin variables naming the shared server's URL Secret (in `namespace`) and its key, and the server's kind
 * (the Secret's content is read by reference only, so Terraform cannot tell a mysql:// URL from a postgres:// one).
 */
export const DATABASE_SECRET_VARIABLES = { name: "database_url_secret_name", key: "database_url_secret_key", kind: "database_kind" } as const;

/** A Kubernetes Secret key: letters, digits, '-', '_' and '.'. */
const SECRET_KEY_PATTERN = "^[-._a-zA-Z0-9]+$";

/** The id of the variant whose bucket is a per-workspace MinIO (for clusters without Rook). */
export const KUBERNETES_MINIO_TEMPLATE_ID = "kubernetes-minio";

/** Where each workspace's bucket comes from: a Rook ObjectBucketClaim, or its own MinIO in the namespace. */
export type TemplateBucketKind = "objectBucketClaim" | "minio";

export interface KubernetesTemplateProps {
  /** The workspaces' bucket. @default "objectBucketClaim" - a Rook claim per workspace */
  readonly bucket?: TemplateBucketKind;
}

/** MinIO's bucket in a template workspace (created by its start command before the server runs). */
const TEMPLATE_MINIO_BUCKET = "convex";

/** The workspace container's user (codercom/enterprise-base images run as `coder`, uid 1000). */
const WORKSPACE_UID = "1000";

/** The core's description of the workspaces' bucket. */
function templateBucket(kind: TemplateBucketKind): AnyBucket {
  return kind === "minio" ? Bucket.minio({ bucketName: TEMPLATE_MINIO_BUCKET }) : Bucket.objectBucketClaim();
}

/**
 * The storage object each mode is described by in the core. The bucket is the workspace's Rook ObjectBucketClaim
 * (its StorageClass is an admin variable, set on the claim itself: the core only needs the bucket's kind and
 * profile), or its MinIO.
 */
export function kubernetesTemplateStorage(mode: StorageModeName, bucketKind: TemplateBucketKind): AnyStorage {
  const bucket = templateBucket(bucketKind);
  switch (mode) {
    case "local":
      return Storage.local();
    case "s3":
      return Storage.s3(bucket);
    case "proxied":
      return Storage.proxied(bucket);
  }
}

/** What {@link KubernetesTemplateStack}'s bucket needs from the template. */
interface TemplateBucketContext {
  readonly inputs: CoderInputs;
  readonly namespace: string;
  readonly name: (component: string) => string;
  readonly labels: (component: string) => Record<string, string>;
  readonly dataSize: string;
}

/** What the backend, the proxy and the developer's container read of the workspace's bucket. */
interface TemplateBucket {
  readonly refSources: RefSources;
  /** What compute reading the bucket waits for. */
  readonly dependencies: ITerraformDependable[];
  /** MinIO's in-cluster URL (MinIO only). */
  readonly minioEndpoint?: string;
  readonly workspaceEnv: DeploymentV1SpecTemplateSpecContainerEnv[];
}

/**
 * A Coder template: one Convex backend per workspace on Kubernetes, with the storage mode picked per workspace by
 * the `storage_mode` parameter. Each mode has its own backend Deployment carrying exactly the environment the
 * deploy stack would give it (from `backendEnvironment`); its count is 1 only for the picked mode and only while
 * the workspace runs. Data (the backend volume, the home volume, the bucket claim, the secrets) has no start_count
 * and survives a stop; it goes when the workspace is deleted.
 *
 * With `database_url_secret_name` set, every workspace gets its own database on the shared Postgres or MySQL server
 * (`database_kind`) that Secret names: each mode then runs a Postgres or MySQL sibling Deployment (POSTGRES_URL or
 * MYSQL_URL from the Secret, and the init container that creates the workspace's database before the backend
 * starts), counted in instead of the SQLite one.
 */
export class KubernetesTemplateStack extends LiteralSafeStack {
  readonly inputs: CoderInputs;
  readonly agent: CoderAgent;
  readonly backend: ConvexBackend;
  /** The backend Deployment of each storage mode (SQLite). */
  readonly backendDeployments: Record<StorageModeName, DeploymentV1>;
  /** The backend Deployment of each storage mode with the shared Postgres server. */
  readonly postgresDeployments: Record<StorageModeName, DeploymentV1>;
  /** The backend Deployment of each storage mode with the shared MySQL server. */
  readonly mysqlDeployments: Record<StorageModeName, DeploymentV1>;
  /** The `local` SQLite backend of a workspace created with `restore_from`: the same pod plus the restore init container. */
  readonly restoreDeployment: DeploymentV1;
  readonly workspaceDeployment: DeploymentV1;

  constructor(scope: Construct, id: string, props: KubernetesTemplateProps = {}) {
    super(scope, id);
    const bucketKind = props.bucket ?? "objectBucketClaim";
    const { defaults, images, region } = templateBase(this);
    // As in Coder's Kubernetes example: the provisioner's service account in-cluster, or the Coder host's kubeconfig.
    const useKubeconfig = new TerraformVariable(this, "use_kubeconfig", {
      type: "bool",
      default: false,
      description:
        "Use the Coder host's ~/.kube/config (true/false). Leave it false when Coder runs as a pod in the cluster the " +
        "workspaces go to (its service account is used); set it true when Coder runs outside that cluster, with a valid " +
        "~/.kube/config on the Coder host.",
    });
    new KubernetesProvider(this, "kubernetes", { configPath: Token.asString(Fn.conditional(useKubeconfig.booleanValue, "~/.kube/config", Token.nullValue())) });

    const namespace = new TerraformVariable(this, "namespace", {
      type: "string",
      description: "Namespace the workspaces are created in (it must exist; Coder's service account needs the RBAC in the README there).",
    }).stringValue;
    const workspaceImage = new TerraformVariable(this, "workspace_image", {
      type: "string",
      default: "codercom/enterprise-node:ubuntu",
      description: "Image of the developer's workspace container (needs sh, curl and Node for `npx convex dev`).",
    }).stringValue;
    const dataSize = new TerraformVariable(this, "data_volume_size", { type: "string", default: defaults.convex.dataVolume.size, description: "Size of each backend's data volume." }).stringValue;
    const homeSize = new TerraformVariable(this, "home_volume_size", { type: "string", default: "10Gi", description: "Size of each workspace's home volume." }).stringValue;

    const databaseSecret = new TerraformVariable(this, DATABASE_SECRET_VARIABLES.name, {
      type: "string",
      default: "",
      description:
        "A Secret in `namespace` whose key (database_url_secret_key) holds postgres://USER:PASSWORD@HOST:PORT of a shared Postgres server " +
        "(a role with CREATEDB), or mysql://USER:PASSWORD@HOST:PORT of a shared MySQL server (a user with CREATE; set database_kind = mysql), " +
        "no database name. Each workspace then gets its own database there. Empty: SQLite on each backend's data volume.",
    });
    databaseSecret.addValidation({
      condition: Op.or(Op.not(isSet(databaseSecret.stringValue)), Fn.can(Fn.regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", databaseSecret.stringValue))),
      errorMessage: `${DATABASE_SECRET_VARIABLES.name} must be empty (SQLite) or a Secret name: lower-case letters, digits and '-'; got "${databaseSecret.stringValue}".`,
    });
    const databaseKey = new TerraformVariable(this, DATABASE_SECRET_VARIABLES.key, {
      type: "string",
      default: "url",
      description: "The key of database_url_secret_name that holds the URL.",
    });
    databaseKey.addValidation({
      condition: Fn.can(Fn.regex(SECRET_KEY_PATTERN, databaseKey.stringValue)),
      errorMessage: `${DATABASE_SECRET_VARIABLES.key} must be a Secret key: letters, digits, '-', '_' and '.'; got "${databaseKey.stringValue}".`,
    });

    const databaseKind = new TerraformVariable(this, DATABASE_SECRET_VARIABLES.kind, {
      type: "string",
      default: "postgres",
      description: "The kind of server database_url_secret_name names: postgres or mysql.",
    });
    databaseKind.addValidation({
      condition: Fn.contains(["postgres", "mysql"], databaseKind.stringValue),
      errorMessage: `${DATABASE_SECRET_VARIABLES.kind} must be postgres or mysql (the server database_url_secret_name names); got "${databaseKind.stringValue}".`,
    });

    const inputs = coderInputs(this);
    this.inputs = inputs;
    const database = templateDatabase(this, inputs, isSet(databaseSecret.stringValue), databaseKind.stringValue);
    const ws = inputs.workspace;
    const name = (component: string) => `convex-${ws.id}-${component}`;
    const labels = (component: string) => coderLabels(inputs, component);

    // Data: no start_count. Named from the workspace id, so a rename keeps them.
    const instanceSecret = new InstanceSecret(this, "InstanceSecret", { name: name("instance-secret"), namespace, labels: labels("backend") });
    const proxyCredentials = new ProxyCredentials(this, "ProxyCredentials", { name: name("proxy-credentials"), namespace, labels: labels("s3-proxy") });
    const bucket = this.bucket(bucketKind, { inputs, namespace, name, labels, dataSize });
    const refs: RefSources = {
      instanceSecret: { secret: instanceSecret.name, key: INSTANCE_SECRET_KEY },
      ...bucket.refSources,
      proxyAccessKeyId: { secret: proxyCredentials.name, key: PROXY_ACCESS_KEY_ID_KEY },
      proxySecretAccessKey: { secret: proxyCredentials.name, key: PROXY_SECRET_ACCESS_KEY_KEY },
      databaseUrl: { secret: databaseSecret.stringValue, key: databaseKey.stringValue },
    };

    const proxyName = name("s3-proxy");
    // The proxy serves TLS (the deploy stack's default): a certificate for its Service, issued at apply time.
    new TlsProvider(this, "tls", {});
    const proxyTls = new ProxyTlsSecret(this, "ProxyTls", {
      name: name("s3-proxy-tls"),
      namespace,
      labels: labels("s3-proxy"),
      serviceName: proxyName,
      count: modeCount(inputs, ["proxied"]),
    });
    const proxyTlsPlan = { proxyTls: true };
    const proxyEndpoint = `https://${proxyName}.${namespace}.svc:${PROXY_PORT}`;
    const proxied = Storage.proxied(templateBucket(bucketKind));
    const proxy = new S3Proxy(this, "S3Proxy", {
      name: proxyName,
      namespace,
      labels: labels("s3-proxy"),
      selectorLabels: coderSelectorLabels(inputs, "s3-proxy"),
      image: NODE_IMAGE,
      bundle: proxyBundle(),
      env: [...proxyEnvironment({ storage: proxied, region, minioEndpoint: bucket.minioEndpoint }), ...proxyTlsEnvironment(proxyTlsPlan)],
      tlsSecretName: proxyTls.name,
      refSources: refs,
      resources: defaults.storage.proxy.resources,
      waitForRollout: false,
      presenceCount: modeCount(inputs, ["proxied"]),
      computeCount: modeComputeCount(inputs, ["proxied"]),
      // The claim (when counted in) and the keys it reads by name: a stop removes the pods before them.
      dependsOn: [...bucket.dependencies, proxyCredentials.resource, proxyTls.resource],
    });

    const backendName = name("backend");
    const envOf = (mode: StorageModeName, kind: TemplateDatabaseKind = "sqlite"): EnvEntry[] =>
      withTemplateSsl(
        backendEnvironment({
          instanceName: database.instanceName,
          cloudOrigin: inputs.urls.api,
          siteOrigin: inputs.urls.site,
          storage: kubernetesTemplateStorage(mode, bucketKind),
          region,
          proxyEndpoint,
          minioEndpoint: bucket.minioEndpoint,
          database: kind === "sqlite" ? undefined : { kind, requireSsl: false },
        }),
        database,
      ).concat(backendTrustEnvironment(backendCaFiles(proxyTlsPlan, mode)));
    // proxied trusts the proxy's CA beside its image's roots.
    const proxiedTrust = backendTrustParts(images.backend, backendCaFiles(proxyTlsPlan, "proxied"), [proxyCaVolume(proxyTls.name)]);
    const count = (mode: StorageModeName, kind: TemplateDatabaseKind) => modeComputeCount(inputs, [mode], database.is(kind));
    const backups = kubernetesTemplateBackup(this, { inputs, namespace, name, dataVolumeName: name("data"), database, region, databaseVariable: DATABASE_SECRET_VARIABLES.name });
    const restoring = backups.restoring;
    // The `local` backend is the construct's primary Deployment; the other modes are siblings on the same volume.
    this.backend = new ConvexBackend(this, "Backend", {
      name: backendName,
      dataVolumeName: name("data"),
      namespace,
      labels: labels("backend"),
      selectorLabels: coderSelectorLabels(inputs, "backend"),
      image: images.backend,
      env: envOf("local"),
      refSources: refs,
      resources: defaults.convex.backendResources,
      dataVolumeSize: dataSize,
      dataVolumeStorageClassName: defaults.convex.dataVolume.storageClassName,
      stopGracePeriodSeconds: defaults.convex.stopGracePeriodSeconds,
      protectDataVolume: false,
      waitForRollout: false,
      // A workspace created with restore_from runs the LocalRestore sibling instead (the same pod and the restore step).
      computeCount: modeComputeCount(inputs, ["local"], Op.and(database.is("sqlite"), Op.not(restoring))),
      dependsOn: [instanceSecret.resource],
    });
    // Each mode's Deployment waits for the Secrets and claim it reads by name (and proxied for the proxy).
    const dependsOn: Record<StorageModeName, ITerraformDependable[]> = {
      local: [instanceSecret.resource],
      s3: [instanceSecret.resource, ...bucket.dependencies],
      proxied: [instanceSecret.resource, ...bucket.dependencies, proxyCredentials.resource, proxyTls.resource, proxy.deployment],
    };
    this.backendDeployments = {
      local: this.backend.deployment,
      s3: this.backend.addDeployment("S3", { env: envOf("s3"), refSources: refs, computeCount: count("s3", "sqlite"), dependsOn: dependsOn.s3 }),
      proxied: this.backend.addDeployment("Proxied", { env: envOf("proxied"), refSources: refs, computeCount: count("proxied", "sqlite"), dependsOn: dependsOn.proxied, trust: proxiedTrust }),
    };
    // restore_from (Local disk and SQLite only: RestoreCheck refuses the rest): the restore init container fills the
    // fresh data volume from the team bucket before the backend's first start, and does nothing at later starts.
    this.restoreDeployment = this.backend.addDeployment("LocalRestore", {
      env: envOf("local"),
      refSources: refs,
      computeCount: modeComputeCount(inputs, ["local"], Op.and(database.is("sqlite"), restoring)),
      dependsOn: [instanceSecret.resource, backups.backup.bundleConfigMap],
      restore: backups.restore,
    });
    // The init container creates the workspace's database on the shared server before the backend starts.
    const initParts = (kind: ServerDatabaseKind) =>
      databaseInitParts({
        database: { kind, name: database.databaseName, server: { kind: "secret", name: databaseSecret.stringValue, key: databaseKey.stringValue }, requireSsl: true },
        urlSource: `the template variable ${DATABASE_SECRET_VARIABLES.name} (Secret ${databaseSecret.stringValue}, key ${databaseKey.stringValue})`,
        sslMode: database.sslMode(kind),
      });
    const serverDeployment = (id: string, mode: StorageModeName, kind: ServerDatabaseKind, parts: BackendDatabaseParts) =>
      this.backend.addDeployment(id, { env: envOf(mode, kind), refSources: refs, computeCount: count(mode, kind), dependsOn: dependsOn[mode], database: parts, ...(mode === "proxied" ? { trust: proxiedTrust } : {}) });
    const serverDeployments = (kind: ServerDatabaseKind, suffix: string): Record<StorageModeName, DeploymentV1> => {
      const parts = initParts(kind);
      return {
        local: serverDeployment(`Local${suffix}`, "local", kind, parts),
        s3: serverDeployment(`S3${suffix}`, "s3", kind, parts),
        proxied: serverDeployment(`Proxied${suffix}`, "proxied", kind, parts),
      };
    };
    this.postgresDeployments = serverDeployments("postgres", "Postgres");
    this.mysqlDeployments = serverDeployments("mysql", "Mysql");


    const dashboardName = name("dashboard");
    new ConvexDashboard(this, "Dashboard", {
      name: dashboardName,
      namespace,
      labels: labels("dashboard"),
      selectorLabels: coderSelectorLabels(inputs, "dashboard"),
      image: images.dashboard,
      deploymentUrl: inputs.urls.api,
      resources: defaults.convex.dashboardResources,
      waitForRollout: false,
      computeCount: inputs.startLocal.asNumber,
    });

    // The developer's workspace: the Coder agent, a home volume that survives stop, and the pod that runs the agent.
    this.agent = workspaceAgent(this, inputs, {
      api: `http://${backendName}.${namespace}.svc:${BACKEND_API_PORT}`,
      site: `http://${backendName}.${namespace}.svc:${BACKEND_SITE_PORT}`,
      dashboard: `http://${dashboardName}.${namespace}.svc:${DASHBOARD_PORT}`,
    });
    // As in Coder's Kubernetes example: the owner's e-mail on the workspace's own objects.
    const annotations = { "com.coder.user.email": inputs.owner.email };

    const home = dataVolumeClaim(this, "Home", { name: `coder-${ws.id}-home`, namespace, labels: labels("home"), annotations, size: homeSize });

    this.workspaceDeployment = new DeploymentV1(this, "Workspace", {
      count: inputs.startLocal.asNumber,
      metadata: { name: `coder-${ws.id}`, namespace, labels: labels("workspace"), annotations },
      waitForRollout: false,
      spec: {
        replicas: "1",
        strategy: { type: "Recreate" },
        selector: { matchLabels: coderSelectorLabels(inputs, "workspace") },
        template: {
          metadata: { labels: labels("workspace"), annotations },
          spec: {
            securityContext: { runAsUser: WORKSPACE_UID, fsGroup: WORKSPACE_UID },
            // The backend image's own generate_key (root only: its binaries are mode 744) derives an admin key from
            // the workspace's instance secret into a volume that only this pod has. Nothing reaches Terraform.
            initContainer: [
              {
                name: "admin-key",
                image: images.backend,
                command: ["/bin/sh", "-c", `umask 022 && ./generate_key "$INSTANCE_NAME" "$INSTANCE_SECRET" > ${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}.tmp && mv ${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}.tmp ${ADMIN_KEY_DIR}/${ADMIN_KEY_FILE}`],
                env: [
                  { name: "INSTANCE_NAME", value: database.instanceName },
                  { name: "INSTANCE_SECRET", valueFrom: { secretKeyRef: { name: instanceSecret.name, key: INSTANCE_SECRET_KEY } } },
                ],
                securityContext: { runAsUser: "0", allowPrivilegeEscalation: false },
                volumeMount: [{ name: "admin-key", mountPath: ADMIN_KEY_DIR }],
              },
            ],
            container: [
              {
                name: "dev",
                image: workspaceImage,
                command: ["sh", "-c", this.agent.initScript],
                env: [
                  { name: "CODER_AGENT_TOKEN", value: this.agent.token },
                  // The bucket's S3 settings for the developer's own tools; absent in `local` mode (no bucket).
                  { name: "AWS_REGION", value: region },
                  ...bucket.workspaceEnv,
                ],
                resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } },
                volumeMount: [
                  { name: "home", mountPath: "/home/coder" },
                  { name: "admin-key", mountPath: ADMIN_KEY_DIR, readOnly: true },
                ],
              },
            ],
            volume: [
              { name: "home", persistentVolumeClaim: { claimName: home.metadata.name } },
              { name: "admin-key", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
            ],
          },
        },
      },
    });

    // On the workspace Deployment: Coder attaches metadata to the resource it points at and skips coder_* types.
    new CoderMetadata(this, "WorkspaceInfo", {
      count: inputs.startLocal.asNumber,
      resourceId: firstInstanceId(this.workspaceDeployment),
      items: [
        { key: "storage mode", value: inputs.modeLocal.asString },
        { key: "convex release", value: defaults.convex.release },
        { key: "namespace", value: namespace },
        { key: "database", value: database.kind },
      ],
    });
  }

  /**
   * The workspace's bucket for `s3` and `proxied` (counted out in `local`): a Rook claim, or its own MinIO (data
   * volume and Service kept while stopped, the server following start_count). Returns what the backend, the proxy
   * and the developer's container read of it.
   */
  private bucket(kind: TemplateBucketKind, ctx: TemplateBucketContext): TemplateBucket {
    const { inputs, namespace, name, labels } = ctx;
    const optionalRef = (variable: string, source: "secret" | "configMap", objectName: string, key: string) =>
      source === "secret"
        ? { name: variable, valueFrom: { secretKeyRef: { name: objectName, key, optional: true } } }
        : { name: variable, valueFrom: { configMapKeyRef: { name: objectName, key, optional: true } } };
    if (kind === "objectBucketClaim") {
      const bucketClass = new TerraformVariable(this, "bucket_storage_class", {
        type: "string",
        default: "rook-ceph-bucket",
        description: "StorageClass of the ObjectBucketClaims (provisioner rook-ceph.ceph.rook.io/bucket).",
      }).stringValue;
      const claim = new ObjectBucketClaim(this, "Bucket", {
        name: name("bucket"),
        namespace,
        labels: labels("bucket"),
        bucket: Bucket.objectBucketClaim({ storageClassName: bucketClass }),
        bucketNamePrefix: "convex",
        count: modeCount(inputs, ["s3", "proxied"]),
      });
      return {
        refSources: claim.refSources(),
        dependencies: [claim.resource],
        workspaceEnv: [
          optionalRef("BUCKET_NAME", "configMap", claim.name, "BUCKET_NAME"),
          optionalRef("BUCKET_HOST", "configMap", claim.name, "BUCKET_HOST"),
          optionalRef("BUCKET_PORT", "configMap", claim.name, "BUCKET_PORT"),
          optionalRef("AWS_ACCESS_KEY_ID", "secret", claim.name, "AWS_ACCESS_KEY_ID"),
          optionalRef("AWS_SECRET_ACCESS_KEY", "secret", claim.name, "AWS_SECRET_ACCESS_KEY"),
          { name: "AWS_ENDPOINT_URL_S3", value: tfExpression('local.storage_mode == "local" ? "" : "http://$(BUCKET_HOST):$(BUCKET_PORT)"') },
        ],
      };
    }
    const minio = new KubernetesMinio(this, "Minio", {
      name: name("minio"),
      dataVolumeName: name("minio-data"),
      credentialsName: name("minio-credentials"),
      namespace,
      labels: labels("minio"),
      selectorLabels: coderSelectorLabels(inputs, "minio"),
      image: MINIO_IMAGE,
      bucketName: TEMPLATE_MINIO_BUCKET,
      dataVolumeSize: ctx.dataSize,
      // Like the template's backend volume: it goes with the workspace, or Coder could never delete one.
      protectDataVolume: false,
      resources: minioBucketSchema.parse({ kind: "minio" }).resources,
      waitForRollout: false,
      presenceCount: modeCount(inputs, ["s3", "proxied"]),
      computeCount: modeComputeCount(inputs, ["s3", "proxied"]),
    });
    const local = Op.eq(inputs.modeLocal.asString, "local");
    return {
      refSources: minio.refSources(),
      dependencies: [minio.credentials.resource, minio.deployment],
      minioEndpoint: minio.endpoint,
      workspaceEnv: [
        { name: "BUCKET_NAME", value: Token.asString(Fn.conditional(local, "", TEMPLATE_MINIO_BUCKET)) },
        optionalRef("AWS_ACCESS_KEY_ID", "secret", minio.credentials.name, MINIO_ROOT_USER_KEY),
        optionalRef("AWS_SECRET_ACCESS_KEY", "secret", minio.credentials.name, MINIO_ROOT_PASSWORD_KEY),
        { name: "AWS_ENDPOINT_URL_S3", value: Token.asString(Fn.conditional(local, "", minio.endpoint)) },
      ],
    };
  }
}
