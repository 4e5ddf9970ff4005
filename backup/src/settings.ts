/**
 * The runner's settings, from its environment. The stacks set them (lib/core/backup.ts `backupRunnerEnv`); keys
 * come from the bucket's Secret by reference and are never printed.
 */
import { backupErrors } from "./errors.ts";
import type { S3Target } from "./s3-client.ts";

export interface RunnerSettings {
  readonly s3: S3Target;
  /** Key prefix of this workspace's snapshots, ending in `/`. */
  readonly prefix: string;
  /** How many snapshots to keep. */
  readonly keep: number;
  /** The backend's data directory (its volume). */
  readonly dataDir: string;
  /** Scratch space for the archive (the database copy and its gzip). */
  readonly workDir: string;
  /** The backend's INSTANCE_NAME, recorded in each snapshot and checked on restore. */
  readonly instanceName: string;
  /** The workspace's storage mode, recorded in each snapshot (what the snapshot covers depends on it). */
  readonly storageMode: string;
  /** Largest archive uploaded in one PUT, in bytes. */
  readonly maxBytes: number;
  /** Restore: the snapshot key, or `latest`. */
  readonly restoreKey: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Upper bound of one S3 PutObject. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export function runnerSettings(env: Env): RunnerSettings {
  const need = (name: string, example: string): string => {
    const value = env[name];
    if (value === undefined || value === "") throw backupErrors.missingSetting(name, example);
    return value;
  };
  const endpoint = need("BACKUP_S3_ENDPOINT", "http://rook-ceph-rgw.rook-ceph.svc:80");
  if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw backupErrors.badSetting("BACKUP_S3_ENDPOINT", endpoint, "use http(s)://host[:port] with no path");
  const prefix = need("BACKUP_PREFIX", "convex-backups/convex-alice-dev/");
  if (!prefix.endsWith("/") || prefix.startsWith("/")) throw backupErrors.badSetting("BACKUP_PREFIX", prefix, "end it with '/' and do not start it with '/'");
  const keepText = env.BACKUP_KEEP ?? "7";
  const keep = Number(keepText);
  if (!Number.isInteger(keep) || keep < 1) throw backupErrors.badSetting("BACKUP_KEEP", keepText, "use a whole number of snapshots, at least 1");
  const maxText = env.BACKUP_MAX_BYTES ?? String(MAX_PUT_BYTES);
  const maxBytes = Number(maxText);
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_PUT_BYTES) throw backupErrors.badSetting("BACKUP_MAX_BYTES", maxText, `use a byte count from 1 to ${MAX_PUT_BYTES}`);
  const timeoutText = env.BACKUP_S3_TIMEOUT_MS ?? "600000";
  const timeoutMs = Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) throw backupErrors.badSetting("BACKUP_S3_TIMEOUT_MS", timeoutText, "use milliseconds, at least 1000");
  return {
    s3: {
      endpoint: endpoint.replace(/\/$/, ""),
      bucket: need("BACKUP_S3_BUCKET", "convex-alice-dev-bucket-1a2b3c"),
      region: env.BACKUP_S3_REGION || "us-east-1",
      accessKeyId: need("AWS_ACCESS_KEY_ID", "(the bucket's key id)"),
      secretAccessKey: need("AWS_SECRET_ACCESS_KEY", "(the bucket's secret key)"),
      timeoutMs,
    },
    prefix,
    keep,
    dataDir: env.CONVEX_DATA_DIR || "/convex/data",
    workDir: env.BACKUP_WORK_DIR || "/tmp",
    instanceName: need("INSTANCE_NAME", "convex-alice-dev"),
    storageMode: env.STORAGE_MODE || "local",
    maxBytes,
    restoreKey: env.BACKUP_RESTORE_KEY || "latest",
  };
}
