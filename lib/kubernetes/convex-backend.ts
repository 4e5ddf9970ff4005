import type { ITerraformDependable, Precondition } from "cdktf";
import {
  DeploymentV1,
  type DeploymentV1SpecTemplateSpecContainerVolumeMount,
  type DeploymentV1SpecTemplateSpecInitContainer,
  type DeploymentV1SpecTemplateSpecVolume,
} from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import type { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1/index.js";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1/index.js";
import { Construct } from "constructs";
import type { EnvEntry } from "../core/env.ts";
import type { ResourceSpec } from "../core/plan.ts";
import { BACKEND_API_PORT, BACKEND_SITE_PORT } from "../core/ports.ts";
import { dataVolumeClaim } from "./data-volume.ts";
import { kubernetesEnv, type RefSources } from "./env.ts";
import { podAnnotations, schedulingSpec, type PodScheduling } from "./pod-scheduling.ts";
import { httpProbe } from "./probes.ts";
import type { BackendTrustParts } from "./tls-volumes.ts";

/** The backend's ports: API and WebSocket, and HTTP actions. Fixed by the image's run_backend.sh. */
export { BACKEND_API_PORT, BACKEND_SITE_PORT } from "../core/ports.ts";
/** Where the image keeps its SQLite database, credentials and local files. */
export const DATA_MOUNT_PATH = "/convex/data";

/**
 * The backend only stops cleanly on SIGINT; as PID 1 without a SIGTERM handler it ignores the SIGTERM Kubernetes
 * sends. This preStop hook sends SIGINT itself (works on every cluster version, unlike `lifecycle.stopSignal`),
 * then waits for the process to finish draining within the grace period.
 */
export const SIGINT_PRESTOP = ["/bin/sh", "-c", "kill -INT 1; while kill -0 1 2>/dev/null; do sleep 1; done"];

export interface ConvexBackendProps {
  /** Deployment, Service and container name. */
  readonly name: string;
  /** Name of the PersistentVolumeClaim mounted at /convex/data. */
  readonly dataVolumeName: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selectorLabels: Record<string, string>;
  /** Full image reference, pinned to a release. */
  readonly image: string;
  /** The backend's environment from the core (backendEnvironment), in order. */
  readonly env: readonly EnvEntry[];
  /** Cluster objects that hold the referenced values. */
  readonly refSources: RefSources;
  readonly resources: ResourceSpec;
  /** Size of the data volume, e.g. "10Gi". Growing it later resizes in place where the StorageClass allows. */
  readonly dataVolumeSize: string;
  /** StorageClass of the data volume. @default - the cluster's default StorageClass */
  readonly dataVolumeStorageClassName?: string;
  /** Seconds the backend gets to drain after SIGINT before it is killed. */
  readonly stopGracePeriodSeconds: number;
  /**
   * Refuse `terraform destroy` of the data volume (Terraform `prevent_destroy`). Coder templates turn it off:
   * there the volume must go with the workspace. @default true
   */
  readonly protectDataVolume?: boolean;
  /**
   * Wait for the rollout on apply. Coder templates turn it off so a workspace build does not block on first boot.
   * @default true
   */
  readonly waitForRollout?: boolean;
  /** Terraform `count` of the compute (Deployment), e.g. Coder's start_count. @default - always created */
  readonly computeCount?: number;
  /**
   * What every Deployment of this backend waits for (Terraform `depends_on`): the Secrets, bucket claim and proxy it
   * reads by name, so a create does not lean on kubelet retries and a destroy removes the pods before their keys
   * and bucket. @default - only the ordering references imply
   */
  readonly dependsOn?: ITerraformDependable[];
  /** Preconditions of every Deployment, e.g. the storage-mode lock. @default - none */
  readonly preconditions?: Precondition[];
  /** Where the pods run and how they pull images (`scheduling:`). @default - no constraints, the namespace's default ServiceAccount */
  readonly scheduling?: PodScheduling;
  /**
   * What the pod needs for a Postgres database: the init container that creates it before the backend starts, and
   * the CA bundle's volume (mounted in the backend too). @default - SQLite on the data volume, nothing extra
   */
  readonly database?: BackendDatabaseParts;
  /**
   * An init container (and its volumes) that fills a fresh data volume from a backup snapshot before the backend
   * starts (lib/kubernetes/convex-backup.ts `restoreInitParts`). @default - no restore
   */
  readonly restore?: BackendRestoreParts;
  /**
   * What the pod needs to trust a private CA on the S3 path (lib/kubernetes/tls-volumes.ts): the init container that
   * writes the trust bundle, and its volumes. Every Deployment of this backend gets them; the environment must
   * carry SSL_CERT_FILE and NODE_EXTRA_CA_CERTS (lib/core/tls.ts). @default - the image's system roots only
   */
  readonly trust?: BackendTrustParts;
}

/** Pod parts for a restore from a snapshot (see lib/kubernetes/convex-backup.ts). */
export interface BackendRestoreParts {
  readonly initContainer: DeploymentV1SpecTemplateSpecInitContainer;
  readonly volumes: DeploymentV1SpecTemplateSpecVolume[];
}

/** Pod parts for a database outside the pod (see lib/kubernetes/database-init.ts). */
export interface BackendDatabaseParts {
  readonly initContainer: DeploymentV1SpecTemplateSpecInitContainer;
  readonly volumes: DeploymentV1SpecTemplateSpecVolume[];
  readonly volumeMounts: DeploymentV1SpecTemplateSpecContainerVolumeMount[];
}

/**
 * A self-hosted Convex backend: a single-writer Deployment (1 replica, Recreate: SQLite on a ReadWriteOnce volume
 * never has two writers), its data volume, and a Service with the API (3210) and site (3211) ports.
 * The data volume is separate from the compute and survives redeploys; no configuration change replaces it.
 */
export class ConvexBackend extends Construct {
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;
  readonly dataVolume: PersistentVolumeClaimV1;
  /** In-cluster URL of the API. */
  readonly serviceUrl: string;
  private readonly props: ConvexBackendProps;

  constructor(scope: Construct, id: string, props: ConvexBackendProps) {
    super(scope, id);
    this.dataVolume = dataVolumeClaim(this, "Data", {
      name: props.dataVolumeName,
      namespace: props.namespace,
      labels: props.labels,
      size: props.dataVolumeSize,
      storageClassName: props.dataVolumeStorageClassName,
      protect: props.protectDataVolume ?? true,
    });

    this.props = props;
    this.deployment = this.createDeployment("Resource", props.env, props.refSources, props.computeCount, props.dependsOn, props.database, props.trust);

    this.service = new ServiceV1(this, "Service", {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        type: "ClusterIP",
        selector: props.selectorLabels,
        port: [
          { name: "api", port: BACKEND_API_PORT, targetPort: String(BACKEND_API_PORT) },
          { name: "site", port: BACKEND_SITE_PORT, targetPort: String(BACKEND_SITE_PORT) },
        ],
      },
    });
    this.serviceUrl = `http://${props.name}.${props.namespace}.svc:${BACKEND_API_PORT}`;
  }

  /**
   * Another Deployment of this backend on the same data volume and behind the same Service, with its own environment
   * and count. Coder templates add one per storage mode and give each a count that is 1 for the workspace's mode
   * only, so at most one runs (the volume is ReadWriteOnce and SQLite has a single writer).
   */
  addDeployment(
    id: string,
    options: {
      readonly env: readonly EnvEntry[];
      readonly refSources: RefSources;
      readonly computeCount?: number;
      readonly dependsOn?: ITerraformDependable[];
      /** This Deployment's database parts. @default - the construct's `database` */
      readonly database?: BackendDatabaseParts;
      /** This Deployment's trust parts. @default - the construct's `trust` */
      readonly trust?: BackendTrustParts;
      /** This Deployment's restore init container. @default - the construct's `restore` */
      readonly restore?: BackendRestoreParts;
    },
  ): DeploymentV1 {
    return this.createDeployment(id, options.env, options.refSources, options.computeCount, options.dependsOn ?? this.props.dependsOn, options.database, options.trust, options.restore);
  }

  private createDeployment(
    id: string,
    env: readonly EnvEntry[],
    refSources: RefSources,
    count: number | undefined,
    dependsOn: ITerraformDependable[] | undefined,
    database: BackendDatabaseParts | undefined = this.props.database,
    trust: BackendTrustParts | undefined = this.props.trust,
    restore: BackendRestoreParts | undefined = this.props.restore,
  ): DeploymentV1 {
    const props = { ...this.props, database, trust, restore };
  return new DeploymentV1(this, id, {
    count,
    dependsOn,
    lifecycle: props.preconditions ? { precondition: props.preconditions } : undefined,
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
    waitForRollout: props.waitForRollout ?? true,
    spec: {
      replicas: "1",
      strategy: { type: "Recreate" },
      selector: { matchLabels: props.selectorLabels },
      template: {
        metadata: { labels: props.labels, annotations: podAnnotations(props.scheduling) },
        spec: {
          ...schedulingSpec(props.scheduling, props.selectorLabels),
          terminationGracePeriodSeconds: props.stopGracePeriodSeconds,
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          container: [
            {
              name: "backend",
              image: props.image,
              port: [
                { name: "api", containerPort: BACKEND_API_PORT },
                { name: "site", containerPort: BACKEND_SITE_PORT },
              ],
              env: kubernetesEnv(env, refSources),
              volumeMount: [{ name: "data", mountPath: DATA_MOUNT_PATH }, ...(props.database?.volumeMounts ?? []), ...(props.trust?.volumeMounts ?? [])],
              // First boot initializes the database and storage before the listener binds: allow 10 minutes.
              startupProbe: httpProbe("/version", BACKEND_API_PORT, 5, 120),
              readinessProbe: httpProbe("/version", BACKEND_API_PORT, 10, 3),
              livenessProbe: httpProbe("/version", BACKEND_API_PORT, 20, 6),
              lifecycle: { preStop: [{ exec: { command: SIGINT_PRESTOP } }] },
              resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
              // The image's binaries are mode 744 and owned by root: it must run as root, without escalation.
              securityContext: { allowPrivilegeEscalation: false },
            },
          ],
          initContainer: initContainers(props),
          volume: [
            { name: "data", persistentVolumeClaim: { claimName: this.dataVolume.metadata.name } },
            ...(props.database?.volumes ?? []),
            ...(props.restore?.volumes ?? []),
            ...(props.trust?.volumes ?? []),
          ],
        },
      },
    },
  });
  }
}

/** The trust bundle first (the database init may need TLS too), then the database's; none when neither is set. */
function initContainers(props: ConvexBackendProps): DeploymentV1SpecTemplateSpecInitContainer[] | undefined {
  const all = [
    ...(props.trust ? [props.trust.initContainer] : []),
    ...(props.database ? [props.database.initContainer] : []),
    ...(props.restore ? [props.restore.initContainer] : []),
  ];
  return all.length === 0 ? undefined : all;
}
