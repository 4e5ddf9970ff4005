import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { backupBundle } from "../../backup/bundle.ts";
import { backupRunnerEnv } from "../core/backup.ts";
import { selectorLabels, workspaceLabels } from "../core/labels.ts";
import type { WorkspacePlan } from "../core/plan.ts";
import { ConvexBackup, restoreInitParts, type RestoreInitParts } from "./convex-backup.ts";
import type { RefSources } from "./env.ts";

export interface WorkspaceBackupParts {
  readonly backup: ConvexBackup;
  /** The backend pod's restore init container, when `backup.restoreFrom` is set. */
  readonly restore?: RestoreInitParts;
}

/**
 * The backup CronJob of one workspace (and its restore init container) from the plan, with the keys' references
 * added to `refs`: the backup bucket's Secret, or the workspace bucket's (an external one in local mode included).
 * Returns undefined when the plan has no backups: then nothing is created.
 */
export function workspaceBackup(scope: Construct, plan: WorkspacePlan, refs: RefSources, dependsOn: ITerraformDependable[]): WorkspaceBackupParts | undefined {
  const spec = plan.backup;
  if (spec === undefined) return undefined;
  const target = spec.target;
  if (target.kind === "external") {
    refs.backupAccessKeyId = { secret: target.credentialsSecretName, key: target.accessKeyIdKey };
    refs.backupSecretAccessKey = { secret: target.credentialsSecretName, key: target.secretAccessKeyKey };
  } else if (target.bucket.kind === "external" && refs.bucketAccessKeyId === undefined) {
    refs.bucketAccessKeyId = { secret: target.bucket.credentialsSecretName, key: target.bucket.accessKeyIdKey };
    refs.bucketSecretAccessKey = { secret: target.bucket.credentialsSecretName, key: target.bucket.secretAccessKeyKey };
  }
  const input = { backup: spec, instanceName: plan.instanceName, storageMode: plan.storage.mode, region: plan.region, minioEndpoint: plan.minio?.endpoint };
  const name = plan.names.of("backup");
  const backup = new ConvexBackup(scope, "Backup", {
    name,
    namespace: plan.namespace,
    labels: workspaceLabels(plan.labels, "backup"),
    schedule: spec.schedule,
    image: plan.images.proxy,
    bundle: backupBundle(),
    env: backupRunnerEnv(input, "backup"),
    refSources: refs,
    dataVolumeClaimName: plan.names.of("data"),
    backendSelectorLabels: selectorLabels(plan.workspace, "backend"),
    dependsOn,
  });
  const restore =
    spec.restoreFrom === undefined
      ? undefined
      : restoreInitParts({ bundleConfigMapName: backup.bundleConfigMap.metadata.name, image: plan.images.proxy, env: backupRunnerEnv(input, "restore"), refSources: refs });
  return { backup, restore };
}
