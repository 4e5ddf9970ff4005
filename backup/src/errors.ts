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
  noSnapshot: (where: string) => new BackupError(`no snapshot under ${where}: check BACKUP_S3_BUCKET and BACKUP_PREFIX, or name one with BACKUP_RESTORE_KEY`),
  notEmpty: (path: string) =>
    new BackupError(`${path} already holds a database: restore only fills a fresh data volume; nothing was changed (remove the setting, or restore into a new workspace)`),
  instanceMismatch: (key: string, snapshot: string, target: string) =>
    new BackupError(
      `snapshot ${key} is of instance ${JSON.stringify(snapshot)}, this workspace's INSTANCE_NAME is ${JSON.stringify(target)}: set convex.instanceName: ${snapshot} in the new workspace's YAML file (Convex checks it against its database's storage prefix)`,
    ),
  badArchive: (key: string, reason: string) => new BackupError(`snapshot ${key} is not a snapshot this runner wrote: ${reason}`),
  usage: (got: string) => new BackupError(`unknown command ${JSON.stringify(got)}: use backup, restore or schedule`),
};
