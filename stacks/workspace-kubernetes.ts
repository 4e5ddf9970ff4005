import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider/index.js";
import { LocalBackend, TerraformOutput, type ITerraformDependable } from "cdktf";
import { resolve } from "node:path";
import type { Construct } from "constructs";
import { selectorLabels, workspaceLabels } from "../lib/core/labels.ts";
import type { WorkspacePlan } from "../lib/core/plan.ts";
import { BACKEND_API_PORT, BACKEND_SITE_PORT, ConvexBackend } from "../lib/kubernetes/convex-backend.ts";
import { ConvexDashboard, DASHBOARD_PORT } from "../lib/kubernetes/convex-dashboard.ts";
import { ConvexIngress } from "../lib/kubernetes/convex-ingress.ts";
import type { RefSources } from "../lib/kubernetes/env.ts";
import {
  INSTANCE_SECRET_KEY,
  InstanceSecret,
  PROXY_ACCESS_KEY_ID_KEY,
  PROXY_SECRET_ACCESS_KEY_KEY,
  ProxyCredentials,
} from "../lib/kubernetes/generated-secret.ts";
import { InvariantError } from "../lib/core/errors.ts";
import { prometheusRule, serviceMonitors } from "../lib/core/monitoring.ts";
import { networkPolicies } from "../lib/core/network-policy.ts";
import { KubernetesMinio } from "../lib/kubernetes/minio.ts";
import { WorkspaceMonitoring } from "../lib/kubernetes/monitoring.ts";
import { WorkspaceNetworkPolicies } from "../lib/kubernetes/network-policies.ts";
import { databaseInitParts } from "../lib/kubernetes/database-init.ts";
import { ObjectBucketClaim } from "../lib/kubernetes/object-bucket-claim.ts";
import { StorageDoctorJob } from "../lib/kubernetes/storage-doctor-job.ts";
import { workspaceBackup } from "../lib/kubernetes/workspace-backup.ts";
import { doctorBundle } from "../doctor/bundle.ts";
import { S3Proxy } from "../lib/kubernetes/s3-proxy.ts";
import { ProxyTlsSecret } from "../lib/kubernetes/proxy-tls-secret.ts";
import { backendTrustParts, bucketCaVolume, proxyCaVolume, type MountedVolume } from "../lib/kubernetes/tls-volumes.ts";
import { proxyBundle } from "../lib/proxy-bundle.ts";
import { LiteralSafeStack } from "../lib/terraform/literal-safe-stack.ts";
import { StorageModeLock } from "../lib/terraform/storage-mode-lock.ts";

/** The stack id other tools deploy by: `cdktf deploy workspace-kubernetes`. */
export const KUBERNETES_STACK_ID = "workspace-kubernetes";

export interface WorkspaceKubernetesStackProps {
  readonly plan: WorkspacePlan;
  /**
   * Local state file. One per workspace, so deploying a second workspace never plans to replace the first.
   * @default "terraform.workspace-kubernetes.<namespace>.<workspace>.tfstate" in the current directory
   */
  readonly stateFile?: string;
}

/**
 * One workspace's Convex on Kubernetes: the backend with its data volume and generated instance secret, the
 * dashboard, and what the storage mode needs — nothing for `local`; a Rook ObjectBucketClaim for `s3`; the claim,
 * the S3 proxy and its generated credentials for `proxied`; a per-workspace MinIO instead of the claim for a `minio`
 * bucket — plus an Ingress when hosts are configured, NetworkPolicies (unless turned off) and, when asked, the
 * Prometheus Operator's ServiceMonitors and PrometheusRule.
 *
 * Construct ids are a contract: a renamed id is a destroy-and-recreate in Terraform.
 */
export class WorkspaceKubernetesStack extends LiteralSafeStack {
  readonly backend: ConvexBackend;
  readonly dashboard: ConvexDashboard;
  readonly bucketClaim?: ObjectBucketClaim;
  readonly proxy?: S3Proxy;
  readonly minio?: KubernetesMinio;

  constructor(scope: Construct, id: string, props: WorkspaceKubernetesStackProps) {
    super(scope, id);
    const { plan } = props;
    const { names, namespace } = plan;
    new LocalBackend(this, { path: resolve(props.stateFile ?? `terraform.${id}.${namespace}.${plan.workspace}.tfstate`) });
    const labels = (component: Parameters<typeof workspaceLabels>[1]) => workspaceLabels(plan.labels, component);
    const scheduling = plan.scheduling;

    // Credentials come from KUBE_CONFIG_PATH / in-cluster service account, as the provider documents.
    new KubernetesProvider(this, "kubernetes", {});
    new RandomProvider(this, "random", {});

    const instanceSecret = new InstanceSecret(this, "InstanceSecret", { name: names.of("instance-secret"), namespace, labels: labels("backend") });
    const refs: RefSources = { instanceSecret: { secret: instanceSecret.name, key: INSTANCE_SECRET_KEY } };
    if (plan.database.kind !== "sqlite" && plan.database.server.kind === "secret") refs.databaseUrl = { secret: plan.database.server.name, key: plan.database.server.key };
    // The backend waits for the Secrets and claim it reads by name and for the proxy it talks to; a destroy then
    // removes the pods before their keys and bucket.
    const backendDependencies: ITerraformDependable[] = [instanceSecret.resource];

    const storage = plan.storage;
    if (storage.mode !== "local") {
      const bucket = storage.bucket;
      if (bucket.kind === "objectBucketClaim") {
        this.bucketClaim = new ObjectBucketClaim(this, "Bucket", {
          name: names.of("bucket"),
          namespace,
          labels: labels("bucket"),
          bucket,
          bucketNamePrefix: names.base,
        });
        Object.assign(refs, this.bucketClaim.refSources());
        backendDependencies.push(this.bucketClaim.resource);
      } else if (bucket.kind === "minio") {
        if (plan.minio === undefined) throw new InvariantError("a plan with a MinIO bucket carries its MinIO server");
        this.minio = new KubernetesMinio(this, "Minio", {
          name: names.of("minio"),
          dataVolumeName: names.of("minio-data"),
          credentialsName: names.of("minio-credentials"),
          namespace,
          labels: labels("minio"),
          selectorLabels: selectorLabels(plan.workspace, "minio"),
          image: plan.images.minio,
          bucketName: plan.minio.bucketName,
          dataVolumeSize: plan.minio.dataVolume.size,
          dataVolumeStorageClassName: plan.minio.dataVolume.storageClassName,
          protectDataVolume: plan.dataVolume.protect,
          resources: plan.minio.resources,
          scheduling,
        });
        if (this.minio.endpoint !== plan.minio.endpoint) {
          throw new InvariantError(`the plan reaches MinIO at ${plan.minio.endpoint}, but its Service answers at ${this.minio.endpoint}`);
        }
        Object.assign(refs, this.minio.refSources());
        backendDependencies.push(this.minio.credentials.resource, this.minio.deployment);
      } else if (bucket.kind === "external") {
        Object.assign(refs, {
          bucketAccessKeyId: { secret: bucket.credentialsSecretName, key: bucket.accessKeyIdKey },
          bucketSecretAccessKey: { secret: bucket.credentialsSecretName, key: bucket.secretAccessKeyKey },
        } satisfies RefSources);
      }
    }

    let proxyTls: ProxyTlsSecret | undefined;
    if (storage.mode === "proxied" && plan.proxyEnv !== undefined) {
      if (plan.tls.proxyTls) {
        new TlsProvider(this, "tls", {});
        proxyTls = new ProxyTlsSecret(this, "ProxyTls", { name: names.of("s3-proxy-tls"), namespace, labels: labels("s3-proxy"), serviceName: names.of("s3-proxy") });
      }
      const credentials = new ProxyCredentials(this, "ProxyCredentials", { name: names.of("proxy-credentials"), namespace, labels: labels("s3-proxy") });
      Object.assign(refs, {
        proxyAccessKeyId: { secret: credentials.name, key: PROXY_ACCESS_KEY_ID_KEY },
        proxySecretAccessKey: { secret: credentials.name, key: PROXY_SECRET_ACCESS_KEY_KEY },
      } satisfies RefSources);
      this.proxy = new S3Proxy(this, "S3Proxy", {
        name: names.of("s3-proxy"),
        namespace,
        labels: labels("s3-proxy"),
        selectorLabels: selectorLabels(plan.workspace, "s3-proxy"),
        image: plan.images.proxy,
        bundle: proxyBundle(),
        env: plan.proxyEnv,
        refSources: refs,
        resources: plan.proxyResources,
        tlsSecretName: proxyTls?.name,
        upstreamCa: plan.tls.bucketCa,
        dependsOn: [
          credentials.resource,
          ...(this.bucketClaim ? [this.bucketClaim.resource] : []),
          ...(this.minio ? [this.minio.credentials.resource, this.minio.deployment] : []),
          ...(proxyTls ? [proxyTls.resource] : []),
        ],
        scheduling,
      });
      backendDependencies.push(credentials.resource, this.proxy.deployment, ...(proxyTls ? [proxyTls.resource] : []));
    }

    // The backend trusts the CA of what it talks to: the proxy's (proxied) or the bucket's (s3), beside its roots.
    const caVolumes: MountedVolume[] = [];
    if (storage.mode === "proxied" && proxyTls !== undefined) caVolumes.push(proxyCaVolume(proxyTls.name));
    if (storage.mode === "s3" && plan.tls.bucketCa !== undefined) caVolumes.push(bucketCaVolume(plan.tls.bucketCa));
    const trust = plan.backendCaFiles.length > 0 ? backendTrustParts(plan.images.backend, plan.backendCaFiles, caVolumes) : undefined;

    if (plan.storageDoctor) {
      // The first boot locks the storage mode into the database: check the storage first, with the backend's own
      // environment, and fail the apply instead of booting on a store Convex cannot use.
      const doctor = new StorageDoctorJob(this, "StorageDoctor", {
        name: names.of("storage-doctor"),
        namespace,
        labels: labels("storage-doctor"),
        scheduling: { settings: scheduling, selectorLabels: selectorLabels(plan.workspace, "storage-doctor") },
        image: plan.images.proxy,
        bundleGzip: doctorBundle().gzip,
        backendEnv: plan.backendEnv,
        refSources: refs,
        caVolumes,
        extraCaFile: plan.backendCaFiles[0],
        dependsOn: [
          ...(this.bucketClaim ? [this.bucketClaim.resource] : []),
          ...(this.minio ? [this.minio.credentials.resource, this.minio.deployment] : []),
          ...(this.proxy ? [this.proxy.deployment] : []),
        ],
      });
      backendDependencies.push(doctor.job);
    }

    // Backups go to the workspace bucket by default: in local mode the claim then exists for them alone.
    if (this.bucketClaim === undefined && plan.backup?.target.kind === "workspace" && plan.backup.target.bucket.kind === "objectBucketClaim") {
      this.bucketClaim = new ObjectBucketClaim(this, "Bucket", {
        name: names.of("bucket"),
        namespace,
        labels: labels("bucket"),
        bucket: plan.backup.target.bucket,
        bucketNamePrefix: names.base,
      });
      Object.assign(refs, this.bucketClaim.refSources());
    }
    const backup = workspaceBackup(this, plan, refs, this.bucketClaim ? [this.bucketClaim.resource] : []);
    if (backup?.restore) {
      // The restore init container reads the bundle and the bucket before the first start.
      backendDependencies.push(backup.backup.bundleConfigMap);
      if (storage.mode === "local" && this.bucketClaim) backendDependencies.push(this.bucketClaim.resource);
    }

    // A later plan with another storage mode fails before it changes anything (Convex locks its database to one).
    const modeLock = new StorageModeLock(this, "StorageModeLock", { workspace: plan.workspace, mode: storage.mode });
    this.backend = new ConvexBackend(this, "Backend", {
      name: names.of("backend"),
      dataVolumeName: names.of("data"),
      namespace,
      labels: labels("backend"),
      selectorLabels: selectorLabels(plan.workspace, "backend"),
      image: plan.images.backend,
      env: plan.backendEnv,
      refSources: refs,
      resources: plan.backendResources,
      dataVolumeSize: plan.dataVolume.size,
      dataVolumeStorageClassName: plan.dataVolume.storageClassName,
      protectDataVolume: plan.dataVolume.protect,
      stopGracePeriodSeconds: plan.stopGracePeriodSeconds,
      dependsOn: backendDependencies,
      preconditions: [modeLock.precondition],
      scheduling,
      database: plan.database.kind === "sqlite" ? undefined : databaseInitParts({ database: plan.database }),
      restore: backup?.restore,
      trust,
    });

    this.dashboard = new ConvexDashboard(this, "Dashboard", {
      name: names.of("dashboard"),
      namespace,
      labels: labels("dashboard"),
      selectorLabels: selectorLabels(plan.workspace, "dashboard"),
      image: plan.images.dashboard,
      deploymentUrl: plan.urls.cloudOrigin,
      resources: plan.dashboardResources,
      scheduling,
    });

    if (plan.ingress !== undefined) {
      new ConvexIngress(this, "Ingress", {
        name: names.of("ingress"),
        namespace,
        labels: labels("ingress"),
        className: plan.ingress.className,
        apiHost: plan.ingress.apiHost,
        siteHost: plan.ingress.siteHost,
        dashboardHost: plan.ingress.dashboardHost,
        tlsSecretName: plan.ingress.tlsSecretName,
        annotations: plan.ingress.annotations,
        backendService: names.of("backend"),
        backendApiPort: BACKEND_API_PORT,
        backendSitePort: BACKEND_SITE_PORT,
        dashboardService: names.of("dashboard"),
        dashboardPort: DASHBOARD_PORT,
      });
    }

    const policies = networkPolicies(plan);
    if (policies.length > 0) new WorkspaceNetworkPolicies(this, "NetworkPolicy", { namespace, policies, nameOf: (c) => names.of(c), labelsOf: labels });

    const monitors = serviceMonitors(plan, labels);
    if (monitors.length > 0) new WorkspaceMonitoring(this, "Monitoring", { monitors, rule: prometheusRule(plan, labels("alerts")) });

    new TerraformOutput(this, "convex_url", { value: plan.urls.cloudOrigin, description: "CONVEX_SELF_HOSTED_URL for the CLI; the dashboard talks to it too" });
    new TerraformOutput(this, "site_url", { value: plan.urls.siteOrigin, description: "Origin of HTTP actions" });
    new TerraformOutput(this, "dashboard_url", { value: plan.urls.dashboardUrl, description: "Convex dashboard" });
    new TerraformOutput(this, "storage_mode", { value: plan.storage.mode });
    new TerraformOutput(this, "admin_key_command", {
      value: `kubectl -n ${namespace} exec deploy/${names.of("backend")} -- ./generate_admin_key.sh`,
      description: "Prints an admin key for `npx convex dev` (CONVEX_SELF_HOSTED_ADMIN_KEY)",
    });
  }
}
