/**
 * The runner's settings, from its environment. The stacks set them (lib/core/backup.ts `backupRunnerEnv`); keys
 * come from the bucket's Secret by reference and are never printed.
 */
import { readFileSync } from "node:fs";
import { backupErrors, CONFIGURED_BY, type ConfiguredBy } from "./errors.ts";
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
  /** Where the workspace was configured (BACKUP_CONFIGURED_BY): the fixes a refusal names follow it. */
  readonly configuredBy: ConfiguredBy;
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
  const configuredBy = env.BACKUP_CONFIGURED_BY || "yaml";
  if (!(CONFIGURED_BY as readonly string[]).includes(configuredBy)) throw backupErrors.badSetting("BACKUP_CONFIGURED_BY", configuredBy, `use one of ${CONFIGURED_BY.join(", ")}`);
  const keys = env.BACKUP_CREDENTIALS_FILE ? keysFromFile(env.BACKUP_CREDENTIALS_FILE) : { accessKeyId: need("AWS_ACCESS_KEY_ID", "(the bucket's key id)"), secretAccessKey: need("AWS_SECRET_ACCESS_KEY", "(the bucket's secret key)") };
  return {
    s3: {
      endpoint: endpoint.replace(/\/$/, ""),
      bucket: need("BACKUP_S3_BUCKET", "convex-alice-dev-bucket-1a2b3c"),
      region: env.BACKUP_S3_REGION || "us-east-1",
      ...keys,
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
    configuredBy: configuredBy as ConfiguredBy,
  };
}

/** The two key lines a credentials file holds, as in a Docker env file. */
const KEY_LINES = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/**
 * The bucket's keys from BACKUP_CREDENTIALS_FILE (a file mounted into the container, so the keys pass through no
 * configuration): `AWS_ACCESS_KEY_ID=...` and `AWS_SECRET_ACCESS_KEY=...` lines; blank lines and `#` comments are
 * skipped. Errors name the file and the line, never a value.
 */
function keysFromFile(path: string): { accessKeyId: string; secretAccessKey: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw backupErrors.credentialsFile(path, (error as NodeJS.ErrnoException).code ?? "unreadable");
  }
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf("=");
    if (line === "" || line.startsWith("#") || eq < 1) continue;
    values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const read = (name: string) => {
    const value = values.get(name);
    if (!value) throw backupErrors.credentialsLine(path, name);
    return value;
  };
  return { accessKeyId: read(KEY_LINES.accessKeyId), secretAccessKey: read(KEY_LINES.secretAccessKey) };
}
