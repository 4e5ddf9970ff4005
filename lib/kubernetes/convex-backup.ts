import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1/index.js";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1/index.js";
import type { DeploymentV1SpecTemplateSpecInitContainer, DeploymentV1SpecTemplateSpecVolume } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import type { ITerraformDependable, Precondition } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { BACKUP_BUNDLE_DIR, BACKUP_BUNDLE_FILE, backupCommand } from "../../backup/bundle.ts";
import { BACKUP_DATA_DIR, BACKUP_WORK_DIR } from "../core/backup.ts";
import type { EnvEntry } from "../core/env.ts";
import { configError } from "../core/errors.ts";
import type { ResourceSpec } from "../core/plan.ts";
import { kubernetesEnv, type RefSources } from "./env.ts";

/** The `node` user of the official Node images: the CronJob only reads the data volume. */
const NODE_UID = "1000";

/** Requests and limits when none are given: one Node process streaming the database copy and its gzip. */
export const BACKUP_DEFAULT_RESOURCES: ResourceSpec = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

/** The label the backend's pod carries that the CronJob's pod must be scheduled next to. */
const HOSTNAME_TOPOLOGY = "kubernetes.io/hostname";

export interface ConvexBackupProps {
  /** The CronJob's name (and, with `-bundle`, the ConfigMap's), e.g. `convex-alice-dev-backup`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Cron schedule in UTC (validated by lib/core/cron.ts). */
  readonly schedule: string;
  /** A stock Node image, Node >= 22.13 for node:sqlite (the pinned NODE_IMAGE). */
  readonly image: string;
  /** The runner bundle (backup/bundle.ts `backupBundle()`). */
  readonly bundle: string;
  /** The runner's `backup` environment (lib/core/backup.ts `backupRunnerEnv`). */
  readonly env: readonly EnvEntry[];
  readonly refSources: RefSources;
  /** The backend's data volume claim, mounted read-only. */
  readonly dataVolumeClaimName: string;
  /** The backend pod's selector labels: the Job's pod runs on the same node (the volume is ReadWriteOnce). */
  readonly backendSelectorLabels: Record<string, string>;
  /** Size of the scratch emptyDir holding one database copy and its compressed archive. @default "20Gi" */
  readonly scratchSize?: string;
  /** Seconds one snapshot may take before Kubernetes stops it. @default 3600 */
  readonly deadlineSeconds?: number;
  /** @default BACKUP_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Terraform `count` of the CronJob, e.g. Coder's start_count (backups only while the workspace runs). @default - always created */
  readonly cronJobCount?: number;
  /** Terraform `count` of the bundle ConfigMap, e.g. 1 only when an admin set a schedule. @default - always created */
  readonly presenceCount?: number;
  /** Preconditions of the CronJob, e.g. that a template's backup bucket is named. @default - none */
  readonly preconditions?: Precondition[];
  /** What the CronJob waits for (Terraform `depends_on`), e.g. the bucket claim. @default - only what references imply */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Scheduled snapshots of a workspace's data volume: a CronJob whose pod runs the backup runner (backup/src) on a
 * stock Node image, on the backend's node (pod affinity: the data volume is ReadWriteOnce), with the volume mounted
 * read-only and as the non-root `node` user. The runner copies the SQLite database with VACUUM INTO (one read
 * transaction: consistent while the backend writes), archives it with the local storage files, uploads the archive
 * and keeps the newest N. One run at a time (`Forbid`); a missed run is started within the next hour.
 */
export class ConvexBackup extends Construct {
  readonly cronJob: CronJobV1;
  readonly bundleConfigMap: ConfigMapV1;
  readonly deadlineSeconds: number;
  readonly resources: ResourceSpec;
  readonly scratchSize: string;

  constructor(scope: Construct, id: string, props: ConvexBackupProps) {
    super(scope, id);
    this.deadlineSeconds = props.deadlineSeconds ?? 3600;
    this.resources = props.resources ?? BACKUP_DEFAULT_RESOURCES;
    this.scratchSize = props.scratchSize ?? "20Gi";
    if (!Number.isInteger(this.deadlineSeconds) || this.deadlineSeconds < 60 || this.deadlineSeconds > 86_400) {
      throw configError("ConvexBackup.deadlineSeconds", this.deadlineSeconds, "use whole seconds from 60 to 86400");
    }
    this.bundleConfigMap = backupBundleConfigMap(this, "Bundle", { ...props, count: props.presenceCount });
    // A counted ConfigMap cannot be referenced without an index: name it directly then.
    const bundleName = props.presenceCount === undefined ? this.bundleConfigMap.metadata.name : bundleConfigMapName(props.name);
    const bundleHash = createHash("sha256").update(props.bundle).digest("hex").slice(0, 16);
    this.cronJob = new CronJobV1(this, "Resource", {
      count: props.cronJobCount,
      dependsOn: props.presenceCount === undefined ? props.dependsOn : [...(props.dependsOn ?? []), this.bundleConfigMap],
      lifecycle: props.preconditions ? { precondition: props.preconditions } : undefined,
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        schedule: props.schedule,
        timezone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: props.labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: this.deadlineSeconds,
            template: {
              metadata: { labels: props.labels, annotations: { "convex-workspace/backup-bundle-sha256": bundleHash } },
              spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                securityContext: { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID, seccompProfile: { type: "RuntimeDefault" } },
                affinity: {
                  podAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      { labelSelector: [{ matchLabels: props.backendSelectorLabels }], topologyKey: HOSTNAME_TOPOLOGY },
                    ],
                  },
                },
                container: [
                  {
                    name: "backup",
                    image: props.image,
                    command: backupCommand("backup"),
                    env: kubernetesEnv(props.env, props.refSources),
                    volumeMount: [
                      { name: "data", mountPath: BACKUP_DATA_DIR, readOnly: true },
                      { name: "bundle", mountPath: BACKUP_BUNDLE_DIR, readOnly: true },
                      { name: "scratch", mountPath: BACKUP_WORK_DIR },
                    ],
                    resources: { requests: { ...this.resources.requests }, limits: { ...this.resources.limits } },
                    securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                  },
                ],
                volume: [
                  { name: "data", persistentVolumeClaim: { claimName: props.dataVolumeClaimName, readOnly: true } },
                  { name: "bundle", configMap: { name: bundleName } },
                  { name: "scratch", emptyDir: { sizeLimit: this.scratchSize } },
                ],
              },
            },
          },
        },
      },
    });
  }
}

/** The bundle ConfigMap's name for a CronJob named `name`. */
export function bundleConfigMapName(name: string): string {
  return `${name}-bundle`.slice(0, 63);
}

/** The ConfigMap holding the runner bundle, named `<name>-bundle`. */
export function backupBundleConfigMap(scope: Construct, id: string, props: { name: string; namespace: string; labels: Record<string, string>; bundle: string; count?: number }): ConfigMapV1 {
  return new ConfigMapV1(scope, id, {
    count: props.count,
    metadata: { name: bundleConfigMapName(props.name), namespace: props.namespace, labels: props.labels },
    data: { [BACKUP_BUNDLE_FILE]: props.bundle },
  });
}

export interface RestoreInitProps {
  /** The ConfigMap holding the runner bundle (backupBundleConfigMap). */
  readonly bundleConfigMapName: string;
  readonly image: string;
  /** The runner's `restore` environment (lib/core/backup.ts `backupRunnerEnv(..., "restore")`). */
  readonly env: readonly EnvEntry[];
  readonly refSources: RefSources;
  /** @default BACKUP_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default "20Gi" */
  readonly scratchSize?: string;
}

/** Pod parts that fill a fresh data volume from a snapshot before the backend starts (ConvexBackend `restore`). */
export interface RestoreInitParts {
  readonly initContainer: DeploymentV1SpecTemplateSpecInitContainer;
  readonly volumes: DeploymentV1SpecTemplateSpecVolume[];
}

/**
 * The `restore` init container of the backend's pod: on a volume without a database it downloads the snapshot,
 * checks it (format, instance name, storage mode, integrity_check) and moves it into place; on a volume that holds
 * one it does nothing. Root like the backend, whose fresh volume and files are root's.
 */
export function restoreInitParts(props: RestoreInitProps): RestoreInitParts {
  const resources = props.resources ?? BACKUP_DEFAULT_RESOURCES;
  return {
    initContainer: {
      name: "restore",
      image: props.image,
      command: backupCommand("restore"),
      env: kubernetesEnv(props.env, props.refSources),
      volumeMount: [
        { name: "data", mountPath: BACKUP_DATA_DIR },
        { name: "backup-bundle", mountPath: BACKUP_BUNDLE_DIR, readOnly: true },
        { name: "restore-scratch", mountPath: BACKUP_WORK_DIR },
      ],
      resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
      securityContext: { runAsUser: "0", readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    },
    volumes: [
      { name: "backup-bundle", configMap: { name: props.bundleConfigMapName } },
      { name: "restore-scratch", emptyDir: { sizeLimit: props.scratchSize ?? "20Gi" } },
    ],
  };
}
