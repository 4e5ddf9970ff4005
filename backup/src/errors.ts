/**
 * Every failure of the backup runner, in one place. A message names the setting (environment variable) or the
 * object involved, shows the value and says what to do. Keys are never part of a message.
 */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

/**
 * Where the workspace was configured, which decides the fix a refusal names: `yaml` (the deploy stacks' YAML file)
 * or `coder-template` (a Coder template: its restore_from parameter and storage_mode choice).
 */
export const CONFIGURED_BY = ["yaml", "coder-template"] as const;
export type ConfiguredBy = (typeof CONFIGURED_BY)[number];

export const backupErrors = {
  missingSetting: (name: string, example: string) => new BackupError(`${name} is not set; set it, e.g. ${name}=${example}`),
  badSetting: (name: string, value: string, fix: string) => new BackupError(`${name}: got ${JSON.stringify(value)}; ${fix}`),
  noDatabase: (path: string) =>
    new BackupError(`no SQLite database at ${path}: mount the backend's data volume there (CONVEX_DATA_DIR), or the workspace uses Postgres (back it up with the server's own tools)`),
  integrity: (path: string, result: string) => new BackupError(`the snapshot copy ${path} failed PRAGMA integrity_check: ${result}; nothing was uploaded`),
  s3: (operation: string, target: string, status: number, code: string) =>
    new BackupError(`${operation} ${target} answered HTTP ${status}${code ? ` ${code}` : ""}: check BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET and the keys' rights on that bucket`),
  s3Unreachable: (operation: string, target: string, cause: string) =>
    new BackupError(`${operation} ${target} failed: ${cause}: check BACKUP_S3_ENDPOINT (reachable from this pod or container?)`),
  tooLarge: (bytes: number, limit: number) =>
    new BackupError(`the snapshot archive is ${bytes} bytes, over the ${limit}-byte limit of one upload; raise BACKUP_MAX_BYTES up to 5 GiB, or move the files to s3 storage`),
  noSnapshot: (where: string, by: ConfiguredBy) =>
    new BackupError(
      by === "coder-template"
        ? `no snapshot under ${where}: restore_from latest restores the newest snapshot of your earlier workspace of the same name; to restore another, create the workspace with restore_from <workspace name>/<UTC time>.tar.gz (the end of a key the backup log prints)`
        : `no snapshot under ${where}: check BACKUP_S3_BUCKET and BACKUP_PREFIX, or name one with BACKUP_RESTORE_KEY`,
    ),
  notEmpty: (path: string) =>
    new BackupError(`${path} already holds a database: restore only fills a fresh data volume; nothing was changed (remove the setting, or restore into a new workspace)`),
  instanceMismatch: (key: string, snapshot: string, target: string, by: ConfiguredBy) =>
    new BackupError(
      by === "coder-template"
        ? `snapshot ${key} is of instance ${JSON.stringify(snapshot)}, this workspace's INSTANCE_NAME is ${JSON.stringify(target)}: the template restores only snapshots of its own SQLite workspaces (instance "convex"); restore this one with the deploy stack (convex.instanceName: ${snapshot}), or move the data with npx convex export and npx convex import --replace-all`
        : `snapshot ${key} is of instance ${JSON.stringify(snapshot)}, this workspace's INSTANCE_NAME is ${JSON.stringify(target)}: set convex.instanceName: ${snapshot} in the new workspace's YAML file (Convex checks it against its database's storage prefix)`,
    ),
  modeMismatch: (key: string, snapshot: string, target: string, by: ConfiguredBy) =>
    backupErrors.badSetting(
      "STORAGE_MODE",
      target,
      by === "coder-template"
        ? `snapshot ${key} was taken in ${snapshot} mode and its database is locked to it: the template restores snapshots of Local disk workspaces only (an s3 or proxied workspace's files were in its own bucket, deleted with it); move that data with npx convex export and npx convex import --replace-all`
        : `snapshot ${key} was taken in ${snapshot} mode and its database is locked to it: create the workspace with storage.mode: ${snapshot}`,
    ),
  credentialsFile: (path: string, code: string) =>
    new BackupError(`BACKUP_CREDENTIALS_FILE: cannot read ${JSON.stringify(path)} (${code}): mount the keys file there, readable by this container's user (the backup runs as uid 1000)`),
  credentialsLine: (path: string, name: string) =>
    new BackupError(`BACKUP_CREDENTIALS_FILE ${JSON.stringify(path)} has no ${name}=... line: add one (the file holds AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines)`),
  badArchive: (key: string, reason: string) => new BackupError(`snapshot ${key} is not a snapshot this runner wrote: ${reason}`),
  usage: (got: string) => new BackupError(`unknown command ${JSON.stringify(got)}: use backup, restore or schedule`),
};
