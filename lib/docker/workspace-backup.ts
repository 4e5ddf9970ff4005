import { dependable, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { backupBundle } from "../../backup/bundle.ts";
import { backupRunnerEnv } from "../core/backup.ts";
import { entry } from "../core/env.ts";
import { workspaceLabels } from "../core/labels.ts";
import type { WorkspacePlan } from "../core/plan.ts";
import { RestoreFromBackup, ScheduledBackup } from "./backup.ts";
import type { ConvexBackend } from "./convex-backend.ts";
import { dockerEnv, type DockerRefSources } from "./env.ts";
import { PulledImage } from "./image.ts";

export interface DockerBackupInput {
  readonly plan: WorkspacePlan;
  readonly refs: DockerRefSources;
  readonly networkName: string;
  /** The workspace MinIO's URL when it is the bucket. */
  readonly minioEndpoint?: string;
  /** What the runner waits for (the MinIO container). */
  readonly dependsOn: ITerraformDependable[];
  readonly backend: ConvexBackend;
}

/**
 * The Docker target's backup parts from the plan: the scheduled container, and with `restoreFrom` the one-shot
 * restore the backend's container then waits for (it mounts the backend's volume, so it is created after it).
 * Nothing when the plan has no backups.
 */
export function dockerWorkspaceBackup(scope: Construct, input: DockerBackupInput): { readonly backup: ScheduledBackup; readonly restore?: RestoreFromBackup } | undefined {
  const { plan } = input;
  const spec = plan.backup;
  if (spec === undefined) return undefined;
  const runnerInput = { backup: spec, instanceName: plan.instanceName, storageMode: plan.storage.mode, region: plan.region, minioEndpoint: input.minioEndpoint };
  const image = new PulledImage(scope, "BackupImage", { name: plan.images.proxy });
  const common = {
    image: image.imageId,
    networkName: input.networkName,
    bundle: backupBundle(),
    dataVolumeName: input.backend.dataVolume.name,
    labels: workspaceLabels(plan.labels, "backup"),
    dependsOn: [...input.dependsOn, input.backend.dataVolume],
  };
  const backup = new ScheduledBackup(scope, "Backup", {
    ...common,
    name: plan.names.of("backup"),
    env: dockerEnv([...backupRunnerEnv(runnerInput, "backup"), entry("BACKUP_SCHEDULE", spec.schedule)], input.refs),
  });
  if (spec.restoreFrom === undefined) return { backup };
  const restore = new RestoreFromBackup(scope, "Restore", { ...common, name: plan.names.of("restore"), env: dockerEnv(backupRunnerEnv(runnerInput, "restore"), input.refs) });
  const container = input.backend.resource;
  container.dependsOn = [...(container.dependsOn ?? []), dependable(restore.resource)];
  return { backup, restore };
}
