import type { ITerraformDependable } from "cdktf";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import type { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1/index.js";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1/index.js";
import { Construct } from "constructs";
import { MINIO_CONSOLE_PORT, MINIO_DATA_PATH, MINIO_LIVE_PATH, MINIO_PORT, MINIO_READY_PATH, minioStartScript } from "../core/minio.ts";
import type { ResourceSpec } from "../core/plan.ts";
import { dataVolumeClaim } from "./data-volume.ts";
import type { RefSources } from "./env.ts";
import { MINIO_ROOT_PASSWORD_KEY, MINIO_ROOT_USER_KEY, MinioRootCredentials } from "./generated-secret.ts";
import { podAnnotations, schedulingSpec, type PodScheduling } from "./pod-scheduling.ts";
import { httpProbe } from "./probes.ts";

/** MinIO runs as this uid and gid, and the volume is made group-writable for it (as MinIO's own Helm chart does). */
const MINIO_UID = "1000";
/** A writable scratch directory (the root filesystem is read-only); MinIO keeps its certificates directory there. */
const SCRATCH_PATH = "/tmp";

export interface KubernetesMinioProps {
  /** Deployment and Service name; the backend and the proxy reach MinIO as `http://<name>.<namespace>.svc:9000`. */
  readonly name: string;
  /** Name of the PersistentVolumeClaim holding MinIO's drive (the workspace's files). */
  readonly dataVolumeName: string;
  /** Name of the Secret with the generated root user and password. */
  readonly credentialsName: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selectorLabels: Record<string, string>;
  /** MinIO's image, pinned (lib/core/images.ts MINIO_IMAGE). */
  readonly image: string;
  /** The bucket created before the server starts. */
  readonly bucketName: string;
  /** Size of MinIO's volume, e.g. "10Gi". */
  readonly dataVolumeSize: string;
  /** StorageClass of MinIO's volume. @default - the cluster's default StorageClass */
  readonly dataVolumeStorageClassName?: string;
  /** Refuse `terraform destroy` of MinIO's volume (Terraform `prevent_destroy`), like the backend's. @default true */
  readonly protectDataVolume?: boolean;
  readonly resources: ResourceSpec;
  /** Wait for the rollout on apply: the backend then starts with the bucket in place. @default true */
  readonly waitForRollout?: boolean;
  /** Terraform `count` of the Deployment, e.g. Coder's start_count in a MinIO mode. @default - always created */
  readonly computeCount?: number;
  /**
   * Terraform `count` of the volume and the Service, e.g. 1 only when a Coder workspace picked a mode with a MinIO
   * bucket (the Deployment then takes `computeCount`, which must be 0 when this is). @default - always created
   */
  readonly presenceCount?: number;
  /** What the Deployment waits for (Terraform `depends_on`). @default - only the ordering references imply */
  readonly dependsOn?: ITerraformDependable[];
  /** Where the pod runs and how it pulls images (`scheduling:`). @default - no constraints */
  readonly scheduling?: PodScheduling;
}

/**
 * A MinIO server for one workspace on Kubernetes: a single-writer Deployment (1 replica, Recreate) on its own
 * ReadWriteOnce volume, root credentials generated at apply time in a Secret, the bucket created (as a directory of
 * the drive, see lib/core/minio.ts) before the server starts, probes on MinIO's health endpoints, non-root with a
 * read-only root filesystem, requests and limits, and a ClusterIP Service on 9000 (the console port is not exposed).
 * The backend and the proxy read the root credentials by reference, exactly as they read a claim's Secret.
 */
export class KubernetesMinio extends Construct {
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;
  readonly dataVolume: PersistentVolumeClaimV1;
  readonly credentials: MinioRootCredentials;
  /** `http://<name>.<namespace>.svc:9000`. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: KubernetesMinioProps) {
    super(scope, id);
    this.endpoint = `http://${props.name}.${props.namespace}.svc:${MINIO_PORT}`;
    this.credentials = new MinioRootCredentials(this, "RootCredentials", { name: props.credentialsName, namespace: props.namespace, labels: props.labels });
    this.dataVolume = dataVolumeClaim(this, "Data", {
      count: props.presenceCount,
      name: props.dataVolumeName,
      namespace: props.namespace,
      labels: props.labels,
      size: props.dataVolumeSize,
      storageClassName: props.dataVolumeStorageClassName,
      protect: props.protectDataVolume ?? true,
    });
    const secretKey = (key: string) => ({ valueFrom: { secretKeyRef: { name: props.credentialsName, key } } });
    this.deployment = new DeploymentV1(this, "Resource", {
      count: props.computeCount,
      dependsOn: [this.credentials.resource, ...(props.dependsOn ?? [])],
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
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: MINIO_UID,
              runAsGroup: MINIO_UID,
              fsGroup: MINIO_UID,
              fsGroupChangePolicy: "OnRootMismatch",
              seccompProfile: { type: "RuntimeDefault" },
            },
            container: [
              {
                name: "minio",
                image: props.image,
                command: ["/bin/sh", "-c", minioStartScript(`${SCRATCH_PATH}/certs`)],
                port: [
                  { name: "s3", containerPort: MINIO_PORT },
                  { name: "console", containerPort: MINIO_CONSOLE_PORT },
                ],
                env: [
                  { name: "MINIO_VOLUMES", value: MINIO_DATA_PATH },
                  { name: "CONVEX_BUCKET", value: props.bucketName },
                  { name: "MINIO_ROOT_USER", ...secretKey(MINIO_ROOT_USER_KEY) },
                  { name: "MINIO_ROOT_PASSWORD", ...secretKey(MINIO_ROOT_PASSWORD_KEY) },
                ],
                volumeMount: [
                  { name: "data", mountPath: MINIO_DATA_PATH },
                  { name: "scratch", mountPath: SCRATCH_PATH },
                ],
                readinessProbe: httpProbe(MINIO_READY_PATH, MINIO_PORT, 5, 6),
                livenessProbe: httpProbe(MINIO_LIVE_PATH, MINIO_PORT, 20, 3),
                resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
            volume: [
              // A counted claim cannot be referenced without an index: name it directly then.
              { name: "data", persistentVolumeClaim: { claimName: props.presenceCount === undefined ? this.dataVolume.metadata.name : props.dataVolumeName } },
              { name: "scratch", emptyDir: { sizeLimit: "64Mi" } },
            ],
          },
        },
      },
    });
    this.service = new ServiceV1(this, "Service", {
      count: props.presenceCount,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: { type: "ClusterIP", selector: props.selectorLabels, port: [{ name: "s3", port: MINIO_PORT, targetPort: String(MINIO_PORT) }] },
    });
  }

  /** MinIO's root credentials as the bucket's keys, for the backend (`s3`) and the proxy (`proxied`). */
  refSources(): RefSources {
    return {
      bucketAccessKeyId: { secret: this.credentials.name, key: MINIO_ROOT_USER_KEY },
      bucketSecretAccessKey: { secret: this.credentials.name, key: MINIO_ROOT_PASSWORD_KEY },
    };
  }
}
