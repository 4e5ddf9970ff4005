/**
 * Scheduled backups and restore, resolved from the `backup:` block (backup-schema.ts) into what the targets deploy:
 * the schedule, retention, the snapshot prefix, the bucket and the runner's exact environment. Pure: no CDKTF.
 */
import type { AnyBucket } from "./bucket.ts";
import type { WorkspaceConfig } from "./config-schema.ts";
import { entry, ref, type EnvEntry } from "./env.ts";
import { showValue, type ConfigIssue } from "./errors.ts";
import type { StorageModeName } from "./storage.ts";

/** Where the data volume is mounted in the runner, as in the backend. */
export const BACKUP_DATA_DIR = "/convex/data";
/** The runner's scratch directory (an emptyDir sized for one compressed snapshot). */
export const BACKUP_WORK_DIR = "/tmp";

/** Where snapshots go: the workspace's own bucket, or another bucket whose keys are in a Secret. */
export type BackupTarget =
  | { readonly kind: "workspace"; readonly bucket: AnyBucket }
  | {
      readonly kind: "external";
      readonly endpoint: string;
      readonly bucketName: string;
      readonly region: string;
      readonly credentialsSecretName: string;
      readonly accessKeyIdKey: string;
      readonly secretAccessKeyKey: string;
    };

export interface BackupPlan {
  /** Cron schedule, UTC. */
  readonly schedule: string;
  readonly keep: number;
  /** The full key prefix of this workspace's snapshots: the configured prefix, the instance name, `/`. */
  readonly prefix: string;
  readonly target: BackupTarget;
  /** `latest` or a snapshot key: fill a fresh data volume before the first start. @default - no restore */
  readonly restoreFrom?: string;
}

export interface BackupInput {
  readonly config: WorkspaceConfig;
  readonly instanceName: string;
  /** The workspace bucket as the plan resolved it (a claim by default on Kubernetes, even in local mode). */
  readonly workspaceBucket: AnyBucket;
}

/** The backup plan, or undefined when the YAML file has no `backup:` block; problems go to `issues`. */
export function resolveBackup(input: BackupInput, issues: ConfigIssue[]): BackupPlan | undefined {
  const spec = input.config.backup;
  if (spec === undefined) return undefined;
  const kind = input.config.database.kind;
  if (kind !== "sqlite") {
    const tool = kind === "postgres" ? "Postgres server with its own tools (pg_dump)" : "MySQL server with its own tools (mysqldump)";
    issues.push({
      field: "backup",
      value: showValue("(set)"),
      fix: `backups copy the SQLite database on the data volume; with database.kind: ${kind} back up the ${tool}, or use npx convex export`,
    });
  }
  const target: BackupTarget = spec.bucket === undefined ? { kind: "workspace", bucket: input.workspaceBucket } : { kind: "external", ...spec.bucket };
  return { schedule: spec.schedule, keep: spec.keep, prefix: `${spec.prefix}${input.instanceName}/`, target, restoreFrom: spec.restoreFrom };
}

export interface RunnerEnvInput {
  readonly backup: BackupPlan;
  readonly instanceName: string;
  readonly storageMode: StorageModeName;
  /** The workspace bucket's region (storage.region). */
  readonly region: string;
  /** The workspace MinIO's URL, for a MinIO workspace bucket (Docker). */
  readonly minioEndpoint?: string;
}

/**
 * The runner's environment (backup/src/settings.ts reads it), for `backup` or `restore`. Keys always by reference:
 * the workspace bucket's (`bucketAccessKeyId`) or the backup bucket's Secret (`backupAccessKeyId`); never the
 * instance secret or an admin key.
 */
export function backupRunnerEnv(input: RunnerEnvInput, command: "backup" | "restore"): EnvEntry[] {
  const { backup } = input;
  const env: EnvEntry[] = [
    entry("CONVEX_DATA_DIR", BACKUP_DATA_DIR),
    entry("BACKUP_WORK_DIR", BACKUP_WORK_DIR),
    entry("INSTANCE_NAME", input.instanceName),
    entry("STORAGE_MODE", input.storageMode),
    entry("BACKUP_PREFIX", backup.prefix),
    entry("BACKUP_KEEP", String(backup.keep)),
  ];
  const target = backup.target;
  if (target.kind === "external") {
    env.push(
      entry("BACKUP_S3_ENDPOINT", target.endpoint.replace(/\/$/, "")),
      entry("BACKUP_S3_BUCKET", target.bucketName),
      entry("BACKUP_S3_REGION", target.region),
      entry("AWS_ACCESS_KEY_ID", ref("backupAccessKeyId")),
      entry("AWS_SECRET_ACCESS_KEY", ref("backupSecretAccessKey")),
    );
  } else {
    const bucket = target.bucket;
    if (bucket.kind === "objectBucketClaim") {
      env.push(
        entry("BUCKET_HOST", ref("bucketHost")),
        entry("BUCKET_PORT", ref("bucketPort")),
        entry("BACKUP_S3_ENDPOINT", "http://$(BUCKET_HOST):$(BUCKET_PORT)"),
        entry("BACKUP_S3_BUCKET", ref("bucketName")),
      );
    } else if (bucket.kind === "external") {
      env.push(entry("BACKUP_S3_ENDPOINT", bucket.endpoint.replace(/\/$/, "")), entry("BACKUP_S3_BUCKET", bucket.bucketName));
    } else {
      env.push(entry("BACKUP_S3_ENDPOINT", input.minioEndpoint ?? ""), entry("BACKUP_S3_BUCKET", bucket.bucketName));
    }
    env.push(entry("BACKUP_S3_REGION", input.region), entry("AWS_ACCESS_KEY_ID", ref("bucketAccessKeyId")), entry("AWS_SECRET_ACCESS_KEY", ref("bucketSecretAccessKey")));
  }
  if (command === "restore") env.push(entry("BACKUP_RESTORE_KEY", backup.restoreFrom ?? "latest"));
  return env;
}
